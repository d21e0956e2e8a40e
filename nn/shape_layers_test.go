package nn_test

import (
	"testing"

	"github.com/latent-go/latent/internal/gradcheck"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

func TestPoolingAndReshapeGradients(t *testing.T) {
	for _, c := range []struct {
		spec nn.LayerSpec
		in   []int
		out  []int
	}{
		{nn.LayerSpec{Type: "MaxPooling2D", Name: "p"}, []int{4, 6, 2}, []int{2, 3, 2}},
		{nn.LayerSpec{Type: "MaxPooling2D", Name: "p", Padding: "same"}, []int{7, 7, 3}, []int{4, 4, 3}},
		{nn.LayerSpec{Type: "MaxPooling2D", Name: "p", PoolSize: []int{3}, Strides: []int{2}}, []int{7, 5, 1}, []int{3, 2, 1}},
		{nn.LayerSpec{Type: "UpSampling2D", Name: "u"}, []int{3, 4, 2}, []int{6, 8, 2}},
		{nn.LayerSpec{Type: "UpSampling2D", Name: "u", Size: []int{3, 1}}, []int{2, 2, 1}, []int{6, 2, 1}},
		{nn.LayerSpec{Type: "Flatten", Name: "f"}, []int{3, 4, 2}, []int{24}},
		{nn.LayerSpec{Type: "Reshape", Name: "r", TargetShape: []int{2, 3, 4}}, []int{24}, []int{2, 3, 4}},
	} {
		l, err := nn.NewLayer(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		out, err := l.OutputShape([][]int{c.in})
		if err != nil || !tensor.SameShape(out, c.out) {
			t.Fatalf("%s on %v: %v %v, want %v", c.spec.Type, c.in, out, err, c.out)
		}
		gradcheck.LayerWith(t, l, gradcheck.Distinct, c.in)
	}
}

func TestMaxPoolingValues(t *testing.T) {
	l, _ := nn.NewLayer(nn.LayerSpec{Type: "MaxPooling2D", Name: "p", Padding: "same"})
	l.Build([][]int{{3, 3, 1}}, nil)
	x := tensor.FromSlice([]float32{1, 5, 2, -1, 0, 7, 3, -4, -2}, 1, 3, 3, 1)
	got := forward(l, x, []int{2, 2, 1})
	// pools: {1,5,-1,0}=5, {2,7}=7, {3,-4}=3, {-2}=-2
	for i, want := range []float32{5, 7, 3, -2} {
		if got.Data[i] != want {
			t.Errorf("pool %d = %v, want %v", i, got.Data[i], want)
		}
	}
	u, _ := nn.NewLayer(nn.LayerSpec{Type: "UpSampling2D", Name: "u"})
	u.Build([][]int{{1, 2, 1}}, nil)
	up := forward(u, tensor.FromSlice([]float32{1, 2}, 1, 1, 2, 1), []int{2, 4, 1})
	for i, want := range []float32{1, 1, 2, 2, 1, 1, 2, 2} {
		if up.Data[i] != want {
			t.Errorf("upsampled %v", up.Data)
			break
		}
	}
	if _, err := nn.NewLayer(nn.LayerSpec{Type: "Reshape", Name: "r", TargetShape: []int{5}}); err != nil {
		t.Fatal(err)
	}
	r, _ := nn.NewLayer(nn.LayerSpec{Type: "Reshape", Name: "r", TargetShape: []int{5}})
	if _, err := r.OutputShape([][]int{{2, 3}}); err == nil {
		t.Error("reshape of 6 values to 5 accepted")
	}
}

// TestMaxPoolingTies: on ties the gradient goes to the first maximum in the
// window's row-major order, channel by channel.
func TestMaxPoolingTies(t *testing.T) {
	l, _ := nn.NewLayer(nn.LayerSpec{Type: "MaxPooling2D", Name: "p"})
	l.Build([][]int{{2, 2, 2}}, nil)
	// channel 0: 3 3 / 3 3 (all tie); channel 1: 1 4 / 4 2 (the 4s tie)
	x := tensor.FromSlice([]float32{3, 1, 3, 4, 3, 4, 3, 2}, 1, 2, 2, 2)
	c := &nn.Call{In: []*tensor.Tensor{x}, Out: tensor.New(1, 1, 1, 2)}
	l.Forward(c)
	if c.Out.Data[0] != 3 || c.Out.Data[1] != 4 {
		t.Fatalf("pooled %v, want [3 4]", c.Out.Data)
	}
	c.GradOut, c.GradOutSet = tensor.FromSlice([]float32{10, 20}, 1, 1, 1, 2), true
	c.GradIn = []*tensor.Tensor{tensor.New(1, 2, 2, 2)}
	l.Backward(c)
	want := []float32{10, 0, 0, 20, 0, 0, 0, 0}
	for i, w := range want {
		if c.GradIn[0].Data[i] != w {
			t.Fatalf("gradient %v, want %v", c.GradIn[0].Data, want)
		}
	}
}
