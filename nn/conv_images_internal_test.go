package nn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/tensor"
)

// TestConvGroupsSameBitsAsOneProduct: the convolutions that run a group of
// images at a time and sum their kernel's gradient k slice by k slice give
// the bits of one product over the whole batch (the way they were computed
// before, written out here as the reference): outputs, the three
// gradients, at 1, 2 and 8 threads, on batches of several chunks, slices
// that straddle images, and groups of one and of several images.
func TestConvGroupsSameBitsAsOneProduct(t *testing.T) {
	cases := []struct {
		class string
		in    []int
		spec  LayerSpec
		batch int
	}{
		// im2col, two chunks of 18 images; 9 filters (a masked tail).
		{"Conv2D", []int{28, 28, 8}, LayerSpec{Filters: 9, KernelSize: []int{3}, Padding: "same"}, 20},
		// im2col, small images: groups of several.
		{"Conv2D", []int{7, 7, 3}, LayerSpec{Filters: 40, KernelSize: []int{3}, Strides: []int{2}, Padding: "same"}, 21},
		// im2col, every window inside the image: a row per kernel row.
		{"Conv2D", []int{16, 16, 8}, LayerSpec{Filters: 16, KernelSize: []int{3}, Padding: "valid"}, 20},
		{"Conv2D", []int{9, 10, 5}, LayerSpec{Filters: 7, KernelSize: []int{3, 2}, Strides: []int{2}, Padding: "valid"}, 20},
		// kn2row (fewer filters than channels), two chunks.
		{"Conv2D", []int{28, 28, 16}, LayerSpec{Filters: 3, KernelSize: []int{3}, Padding: "same"}, 51},
		{"Conv2D", []int{9, 8, 40}, LayerSpec{Filters: 2, KernelSize: []int{2}, Padding: "valid"}, 7},
		// transposed, two chunks.
		{"Conv2DTranspose", []int{14, 14, 2}, LayerSpec{Filters: 64, KernelSize: []int{3}, Strides: []int{2}, Padding: "same"}, 10},
		{"Conv2DTranspose", []int{5, 4, 6}, LayerSpec{Filters: 3, KernelSize: []int{3}, Strides: []int{2}, Padding: "valid"}, 9},
	}
	for _, tc := range cases {
		tc.spec.Type, tc.spec.Name, tc.spec.Activation = tc.class, "c", "relu"
		rng := rand.New(rand.NewPCG(21, 22))
		var l Layer
		var err error
		if tc.class == "Conv2D" {
			l, err = NewConv2D(tc.spec)
		} else {
			l, err = NewConv2DTranspose(tc.spec)
		}
		if err != nil {
			t.Fatal(err)
		}
		out, err := l.Build([][]int{tc.in}, rng)
		if err != nil {
			t.Fatal(err)
		}
		x := randomTensor(rng, append([]int{tc.batch}, tc.in...))
		dy := randomTensor(rng, append([]int{tc.batch}, out...))
		base := l.(interface{ base() *convBase }).base()
		for i := range base.bias.Value.Data {
			base.bias.Value.Data[i] = float32(rng.NormFloat64()) / 10
		}
		want := referenceConv(l, x, dy)
		for _, procs := range []int{1, 2, 8} {
			prev := runtime.GOMAXPROCS(procs)
			got := layerConv(l, x, dy, out)
			runtime.GOMAXPROCS(prev)
			for k, name := range []string{"output", "kernel gradient", "bias gradient", "input gradient"} {
				if i := firstDifference(got[k], want[k]); i >= 0 {
					t.Fatalf("%s %v→%v, batch %d, %d threads: %s differs at %d: %v, want %v", tc.class, tc.in, out, tc.batch, procs, name, i, got[k][i], want[k][i])
				}
			}
		}
	}
}

func (c *convBase) base() *convBase { return c }

func randomTensor(rng *rand.Rand, shape []int) *tensor.Tensor {
	t := tensor.New(shape...)
	for i := range t.Data {
		t.Data[i] = float32(rng.NormFloat64())
	}
	return t
}

func firstDifference(a, b []float32) int {
	if len(a) != len(b) {
		return 0
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	return -1
}

// layerConv runs the layer forward and backward: its output and its
// kernel's, bias's and input's gradients.
func layerConv(l Layer, x, dy *tensor.Tensor, out []int) [4][]float32 {
	c := l.(interface{ base() *convBase }).base()
	c.kernel.Grad.Zero()
	c.bias.Grad.Zero()
	y := tensor.New(append([]int{x.Rows()}, out...)...)
	dx := tensor.New(x.Shape...)
	call := &Call{In: []*tensor.Tensor{x}, Out: y, Training: true, GradOut: dy, GradOutSet: true, GradIn: []*tensor.Tensor{dx}}
	l.Forward(call)
	l.Backward(call)
	return [4][]float32{y.Data, clone(c.kernel.Grad.Data), clone(c.bias.Grad.Data), dx.Data}
}

func clone(v []float32) []float32 { return append([]float32(nil), v...) }

// referenceConv is the layer computed as one product over the batch: the
// whole batch's windows (or kn2row products) as one matrix, the kernel's
// gradient as one product per chunk.
func referenceConv(l Layer, x, dy *tensor.Tensor) [4][]float32 {
	switch c := l.(type) {
	case *Conv2D:
		if c.useKn2row() {
			return referenceKn2row(c, x, dy)
		}
		return referenceIm2col(c, x, dy)
	case *Conv2DTranspose:
		return referenceTranspose(c, x, dy)
	}
	panic("not a convolution")
}

// activate adds the bias, applies the activation and returns the output
// and the gradient of the pre-activation.
func (c *convBase) activate(pre, dy []float32) (out, dPre []float32) {
	out, dPre = make([]float32, len(pre)), make([]float32, len(pre))
	addBiasAndActivate(pre, out, c.bias.Value.Data, c.act)
	GradParallel(c.act, pre, out, dy, dPre)
	return out, dPre
}

func referenceIm2col(c *Conv2D, x, dy *tensor.Tensor) [4][]float32 {
	g, batch := c.g, x.Rows()
	p, pos, f, inSize := g.patch(), g.outH*g.outW, c.filters, g.inH*g.inW*g.inC
	cols := make([]float32, batch*pos*p)
	for i := range batch {
		compute.GatherCopy(cols[i*pos*p:(i+1)*pos*p], x.Data[i*inSize:(i+1)*inSize], g.im2colTapTable(), g.inC)
	}
	pre := make([]float32, batch*pos*f)
	compute.Sgemm(false, false, batch*pos, f, p, 1, cols, p, c.kernel.Value.Data, f, 0, pre, f)
	out, dPre := c.activate(pre, dy.Data)
	dW := make([]float32, p*f)
	n := chunk(pos, p, batch)
	byRows := f <= narrowFilters
	gradT := make([]float32, p*f)
	for b0 := 0; b0 < batch; b0 += n {
		rows, beta := (min(b0+n, batch)-b0)*pos, float32(min(b0, 1))
		if byRows {
			compute.Sgemm(true, false, p, f, rows, 1, cols[b0*pos*p:], p, dPre[b0*pos*f:], f, beta, gradT, f)
		} else {
			compute.Sgemm(true, false, f, p, rows, 1, dPre[b0*pos*f:], f, cols[b0*pos*p:], p, beta, gradT, p)
		}
	}
	if byRows {
		addInto(dW, gradT)
	} else {
		addTransposed(dW, gradT, f, p)
	}
	dCol := make([]float32, batch*pos*p)
	compute.Sgemm(false, true, batch*pos, p, f, 1, dPre, f, c.kernel.Value.Data, f, 0, dCol, p)
	dx := make([]float32, batch*inSize)
	for i := range batch {
		compute.GatherSum(dx[i*inSize:(i+1)*inSize], dCol[i*pos*p:(i+1)*pos*p], c.tables.col2im, g.inC)
	}
	return [4][]float32{out, dW, biasGradient(dPre, f), dx}
}

func referenceKn2row(c *Conv2D, x, dy *tensor.Tensor) [4][]float32 {
	batch := x.Rows()
	s := &convState{}
	p := c.planKn2row(s, batch)
	zLen := p.inPos * p.width
	z := make([]float32, batch*zLen)
	compute.Sgemm(false, false, batch*p.inPos, p.width, p.inC, 1, x.Data, p.inC, s.byChannel, p.width, 0, z, p.width)
	pre := make([]float32, batch*p.outPos*p.f)
	for i := range batch {
		compute.GatherSum(pre[i*p.outPos*p.f:(i+1)*p.outPos*p.f], z[i*zLen:(i+1)*zLen], c.tables.kn2rowSum, p.f)
	}
	out, dPre := c.activate(pre, dy.Data)
	for i := range batch {
		compute.GatherSum(z[i*zLen:(i+1)*zLen], dPre[i*p.outPos*p.f:(i+1)*p.outPos*p.f], c.tables.kn2rowSpread, p.f)
	}
	byRows := p.inC <= narrowFilters
	gradT := make([]float32, p.inC*p.width)
	for b0 := 0; b0 < batch; b0 += p.chunk {
		rows, beta := (min(b0+p.chunk, batch)-b0)*p.inPos, float32(min(b0, 1))
		xs, zs := x.Data[b0*p.inPos*p.inC:], z[b0*zLen:]
		if byRows {
			compute.Sgemm(true, false, p.width, p.inC, rows, 1, zs, p.width, xs, p.inC, beta, gradT, p.inC)
		} else {
			compute.Sgemm(true, false, p.inC, p.width, rows, 1, xs, p.inC, zs, p.width, beta, gradT, p.width)
		}
	}
	saved := clone(c.kernel.Grad.Data)
	c.kernel.Grad.Zero()
	c.addKernelGradByChannel(gradT, byRows)
	dW := clone(c.kernel.Grad.Data)
	copy(c.kernel.Grad.Data, saved)
	dx := make([]float32, len(x.Data))
	compute.Sgemm(false, true, batch*p.inPos, p.inC, p.width, 1, z, p.width, s.byChannel, p.width, 0, dx, p.inC)
	return [4][]float32{out, dW, biasGradient(dPre, p.f), dx}
}

func referenceTranspose(c *Conv2DTranspose, x, dy *tensor.Tensor) [4][]float32 {
	g, batch := c.g, x.Rows()
	p, pos, inC := g.patch(), g.outH*g.outW, c.in[2]
	outSize := c.outH * c.outW * c.filters
	cols := make([]float32, batch*pos*p)
	compute.Sgemm(false, true, batch*pos, p, inC, 1, x.Data, inC, c.kernel.Value.Data, inC, 0, cols, p)
	pre := make([]float32, batch*outSize)
	for i := range batch {
		compute.GatherSum(pre[i*outSize:(i+1)*outSize], cols[i*pos*p:(i+1)*pos*p], c.tables.col2im, g.inC)
	}
	out, dPre := c.activate(pre, dy.Data)
	for i := range batch {
		compute.GatherCopy(cols[i*pos*p:(i+1)*pos*p], dPre[i*outSize:(i+1)*outSize], g.im2colTapTable(), g.inC)
	}
	n := chunk(pos, p, batch)
	gradT := make([]float32, inC*p)
	for b0 := 0; b0 < batch; b0 += n {
		rows, beta := (min(b0+n, batch)-b0)*pos, float32(min(b0, 1))
		compute.Sgemm(true, false, inC, p, rows, 1, x.Data[b0*pos*inC:], inC, cols[b0*pos*p:], p, beta, gradT, p)
	}
	dW := make([]float32, inC*p)
	addTransposed(dW, gradT, inC, p)
	dx := make([]float32, len(x.Data))
	compute.Sgemm(false, false, batch*pos, inC, p, 1, cols, p, c.kernel.Value.Data, inC, 0, dx, inC)
	return [4][]float32{out, dW, biasGradient(dPre, c.filters), dx}
}

func biasGradient(dPre []float32, f int) []float32 {
	db := make([]float32, f)
	addColumnSums(db, dPre, len(dPre)/f, f)
	return db
}

// TestImageGroupSharesTheBatch: the groups cover the batch, never hold
// more images than with one worker, and give every worker at least one
// piece where the batch has enough images; with one worker they are the
// cache-sized groups unchanged.
func TestImageGroupSharesTheBatch(t *testing.T) {
	for _, perImage := range []int{16 * 72, 49 * 72, 196 * 144, 784 * 9, 784 * 144} {
		for _, rows := range []int{16, 49, 196, 784} {
			for _, batch := range []int{1, 7, 128, 256} {
				one := imageGroup(batch, perImage, rows, 1)
				for _, workers := range []int{2, 3, 8, 16} {
					g := imageGroup(batch, perImage, rows, workers)
					pieces := ceilDiv(batch, g)
					if g < 1 || g > one {
						t.Fatalf("%d images of %d values, %d workers: groups of %d (one worker: %d)", batch, perImage, workers, g, one)
					}
					if pieces < min(batch, workers) {
						t.Fatalf("%d images of %d values, %d workers: only %d pieces", batch, perImage, workers, pieces)
					}
				}
			}
		}
	}
	// A batch of 4×4 images (72 values a window) at 16 threads: two pieces
	// per worker rather than 4 pieces, or one each.
	if g := imageGroup(128, 16*72, 16, 16); ceilDiv(128, g) != 32 {
		t.Fatalf("128 images of 16 rows at 16 workers: groups of %d", g)
	}
}

// TestEvenGroups: the groups chosen leave the busiest worker no more
// panels of work than the cache-sized ones, as many pieces or more and at
// most twice as many; where the last group would hold far fewer images
// than the others, they are evened out; one worker keeps the groups.
func TestEvenGroups(t *testing.T) {
	cost := func(batch, g, rows, panel, workers int) int {
		return ceilDiv(ceilDiv(batch, g), workers) * ceilDiv(g*rows, panel)
	}
	for _, batch := range []int{7, 96, 128, 256} {
		for _, rows := range []int{16, 49, 196, 784} {
			for group := 1; group <= batch; group++ {
				for _, workers := range []int{1, 2, 3, 16} {
					g := evenGroups(batch, group, rows, 12, workers)
					before, after := ceilDiv(batch, group), ceilDiv(batch, g)
					if g > group || after < before || after > 2*before || cost(batch, g, rows, 12, workers) > cost(batch, group, rows, 12, workers) {
						t.Fatalf("%d images of %d rows, groups of %d, %d workers: groups of %d", batch, rows, group, workers, g)
					}
					if workers == 1 && g != group {
						t.Fatalf("one worker: groups of %d became %d", group, g)
					}
				}
			}
		}
	}
	for _, c := range []struct{ group, rows, want int }{{9, 784, 8}, {36, 196, 32}, {12, 64, 8}} {
		if g := evenGroups(128, c.group, c.rows, 12, 2); g != c.want {
			t.Errorf("128 images of %d rows in groups of %d on 2 workers: groups of %d, want %d", c.rows, c.group, g, c.want)
		}
	}
}

// TestEvenGroupsKeepsSmallGains: 43 groups of 3 images on 2 workers (22
// rounds against 21) stay; on 16 workers (3 rounds, the last of 11) they
// become 64 groups of 2.
func TestEvenGroupsKeepsSmallGains(t *testing.T) {
	if g := evenGroups(128, 3, 196, 12, 2); g != 3 {
		t.Errorf("2 workers: groups of %d, want 3", g)
	}
	if g := evenGroups(128, 3, 196, 12, 16); g != 2 {
		t.Errorf("16 workers: groups of %d, want 2", g)
	}
}
