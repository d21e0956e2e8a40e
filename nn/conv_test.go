package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/internal/gradcheck"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

type convCase struct {
	in           []int
	filters, k   int
	stride       int
	padding      string
	wantH, wantW int
}

var conv2DCases = []convCase{
	{[]int{5, 6, 2}, 3, 3, 1, "same", 5, 6},
	{[]int{5, 6, 2}, 3, 3, 2, "same", 3, 3},
	{[]int{7, 5, 1}, 2, 3, 2, "same", 4, 3}, // odd sizes: the extra pad goes after
	{[]int{6, 6, 2}, 2, 3, 1, "valid", 4, 4},
	{[]int{6, 7, 3}, 2, 2, 2, "valid", 3, 3},
	{[]int{28, 28, 1}, 4, 3, 2, "same", 14, 14},
	// fewer filters than channels: the kn2row form
	{[]int{5, 7, 4}, 1, 3, 1, "same", 5, 7},
	{[]int{7, 6, 3}, 2, 3, 2, "same", 4, 3},
	{[]int{6, 5, 4}, 2, 3, 1, "valid", 4, 3},
	{[]int{8, 8, 6}, 3, 2, 2, "valid", 4, 4},
}

var transposeCases = []convCase{
	{[]int{3, 4, 2}, 3, 3, 2, "same", 6, 8},
	{[]int{3, 3, 2}, 2, 3, 1, "same", 3, 3},
	{[]int{3, 4, 2}, 2, 2, 2, "valid", 6, 8},
	{[]int{3, 3, 1}, 2, 3, 2, "valid", 7, 7},
	{[]int{7, 7, 4}, 3, 3, 2, "same", 14, 14},
}

func convSpec(class string, c convCase) nn.LayerSpec {
	return nn.LayerSpec{Type: class, Name: "c", Filters: c.filters, KernelSize: []int{c.k}, Strides: []int{c.stride}, Padding: c.padding, Activation: "tanh"}
}

func TestConv2DGradients(t *testing.T) {
	checkConvGradients(t, "Conv2D", conv2DCases)
}

func TestConv2DTransposeGradients(t *testing.T) {
	checkConvGradients(t, "Conv2DTranspose", transposeCases)
}

// checkConvGradients builds a layer of the class for each case, checks
// its output shape and its gradients against finite differences.
func checkConvGradients(t *testing.T, class string, cases []convCase) {
	t.Helper()
	for _, c := range cases {
		l, err := nn.NewLayer(convSpec(class, c))
		if err != nil {
			t.Fatal(err)
		}
		out, err := l.OutputShape([][]int{c.in})
		if err != nil || out[0] != c.wantH || out[1] != c.wantW || out[2] != c.filters {
			t.Fatalf("%s %+v: output %v, %v", class, c, out, err)
		}
		gradcheck.Layer(t, l, c.in)
	}
}

// forward runs a built layer on x.
func forward(l nn.Layer, x *tensor.Tensor, out []int) *tensor.Tensor {
	c := &nn.Call{In: []*tensor.Tensor{x}, Out: tensor.New(append([]int{x.Rows()}, out...)...), GradOut: &tensor.Tensor{}, GradPre: &tensor.Tensor{}}
	l.Forward(c)
	return c.Out
}

func randomTensor(rng *rand.Rand, shape ...int) *tensor.Tensor {
	x := tensor.New(shape...)
	for i := range x.Data {
		x.Data[i] = float32(rng.NormFloat64())
	}
	return x
}

// TestConv2DMatchesDirectSum compares the im2col and kn2row paths with the definition
// of TensorFlow's convolution, written as plain loops.
func TestConv2DMatchesDirectSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, c := range conv2DCases {
		l, _ := nn.NewConv2D(convSpec("Conv2D", c))
		out, _ := l.Build([][]int{c.in}, rng)
		x := randomTensor(rng, 2, c.in[0], c.in[1], c.in[2])
		for i := range l.Params()[1].Value.Data {
			l.Params()[1].Value.Data[i] = float32(i) * 0.1
		}
		got := forward(l, x, out)
		H, W, C := c.in[0], c.in[1], c.in[2]
		padTop, padLeft := 0, 0
		if c.padding == "same" {
			padTop = max((out[0]-1)*c.stride+c.k-H, 0) / 2
			padLeft = max((out[1]-1)*c.stride+c.k-W, 0) / 2
		}
		k := l.Params()[0].Value.Data // [k, k, C, F]
		F := c.filters
		for b := 0; b < 2; b++ {
			for oy := 0; oy < out[0]; oy++ {
				for ox := 0; ox < out[1]; ox++ {
					for f := 0; f < F; f++ {
						s := float64(l.Params()[1].Value.Data[f])
						for ky := 0; ky < c.k; ky++ {
							for kx := 0; kx < c.k; kx++ {
								iy, ix := oy*c.stride+ky-padTop, ox*c.stride+kx-padLeft
								if iy < 0 || iy >= H || ix < 0 || ix >= W {
									continue
								}
								for ch := 0; ch < C; ch++ {
									s += float64(x.Data[((b*H+iy)*W+ix)*C+ch]) * float64(k[((ky*c.k+kx)*C+ch)*F+f])
								}
							}
						}
						want := math.Tanh(s)
						g := got.Data[((b*out[0]+oy)*out[1]+ox)*F+f]
						if math.Abs(float64(g)-want) > 1e-5 {
							t.Fatalf("%+v: out[%d,%d,%d,%d] = %v, want %v", c, b, oy, ox, f, g, want)
						}
					}
				}
			}
		}
	}
}

// TestConv2DTransposeMatchesScatter compares with the definition of a
// transposed convolution: each input value spreads kernel-weighted copies
// onto the output, stride apart.
func TestConv2DTransposeMatchesScatter(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, c := range transposeCases {
		l, _ := nn.NewConv2DTranspose(convSpec("Conv2DTranspose", c))
		out, _ := l.Build([][]int{c.in}, rng)
		x := randomTensor(rng, 2, c.in[0], c.in[1], c.in[2])
		got := forward(l, x, out)
		H, W, C, F := c.in[0], c.in[1], c.in[2], c.filters
		OH, OW := out[0], out[1]
		padTop, padLeft := 0, 0
		if c.padding == "same" {
			padTop = max((H-1)*c.stride+c.k-OH, 0) / 2
			padLeft = max((W-1)*c.stride+c.k-OW, 0) / 2
		}
		k := l.Params()[0].Value.Data // [k, k, F, C]
		want := make([]float64, 2*OH*OW*F)
		for b := 0; b < 2; b++ {
			for iy := 0; iy < H; iy++ {
				for ix := 0; ix < W; ix++ {
					for ch := 0; ch < C; ch++ {
						v := float64(x.Data[((b*H+iy)*W+ix)*C+ch])
						for ky := 0; ky < c.k; ky++ {
							for kx := 0; kx < c.k; kx++ {
								oy, ox := iy*c.stride+ky-padTop, ix*c.stride+kx-padLeft
								if oy < 0 || oy >= OH || ox < 0 || ox >= OW {
									continue
								}
								for f := 0; f < F; f++ {
									want[((b*OH+oy)*OW+ox)*F+f] += v * float64(k[((ky*c.k+kx)*F+f)*C+ch])
								}
							}
						}
					}
				}
			}
		}
		for i, w := range want {
			if math.Abs(float64(got.Data[i])-math.Tanh(w)) > 1e-5 {
				t.Fatalf("%+v: out[%d] = %v, want %v", c, i, got.Data[i], math.Tanh(w))
			}
		}
	}
}

func TestConvGlorotFans(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	l, _ := nn.NewConv2D(nn.LayerSpec{Type: "Conv2D", Name: "c", Filters: 16, KernelSize: []int{3}})
	l.Build([][]int{{28, 28, 1}}, rng)
	limit := math.Sqrt(6.0 / (9*1 + 9*16)) // 0.1980295, Keras's receptive-field fans
	var m float64
	for _, w := range l.Params()[0].Value.Data {
		m = math.Max(m, math.Abs(float64(w)))
	}
	if m > limit || m < 0.95*limit {
		t.Errorf("largest |w| %v, limit %v", m, limit)
	}
	if got := l.Params()[0].Value.Shape; got[0] != 3 || got[2] != 1 || got[3] != 16 {
		t.Errorf("kernel shape %v, want [3 3 1 16]", got)
	}
	tr, _ := nn.NewConv2DTranspose(nn.LayerSpec{Type: "Conv2DTranspose", Name: "t", Filters: 32, KernelSize: []int{3}, Strides: []int{2}, Padding: "same"})
	tr.Build([][]int{{7, 7, 64}}, rng)
	if got := tr.Params()[0].Value.Shape; got[2] != 32 || got[3] != 64 {
		t.Errorf("transpose kernel shape %v, want [3 3 32 64]", got)
	}
}

func TestConvRejectsBadSpecs(t *testing.T) {
	for _, s := range []nn.LayerSpec{
		{Type: "Conv2D", Filters: 0, KernelSize: []int{3}},
		{Type: "Conv2D", Filters: 2, KernelSize: []int{0}},
		{Type: "Conv2D", Filters: 2, KernelSize: []int{3}, Padding: "full"},
		{Type: "Conv2D", Filters: 2, KernelSize: []int{3}, Strides: []int{0}},
	} {
		if _, err := nn.NewLayer(s); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
	l, _ := nn.NewConv2D(nn.LayerSpec{Type: "Conv2D", Name: "c", Filters: 2, KernelSize: []int{5}})
	if _, err := l.OutputShape([][]int{{3, 3, 1}}); err == nil {
		t.Error("a 5x5 valid kernel on 3x3 accepted")
	}
	if _, err := l.OutputShape([][]int{{784}}); err == nil {
		t.Error("a flat input accepted")
	}
}
