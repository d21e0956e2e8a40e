package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/tensor"
)

// TestFoldedReLUsSameBits: a model whose convolutions' ReLUs are folded
// into the max pooling and the upsampling after them gives the bits of the
// same model without the folding: its output and every weight's gradient.
// Negative biases make many ReLUs 0, and some pooling windows all 0, so
// both sides of the derivative are taken.
func TestFoldedReLUsSameBits(t *testing.T) {
	sc := NewScope(3)
	in := sc.Input(12, 12, 2)
	node, _, err := sc.Chain("test", in, []LayerSpec{
		{Type: "Conv2D", Filters: 4, KernelSize: []int{3}, Padding: "same", Activation: "relu"},
		{Type: "MaxPooling2D", PoolSize: []int{2}},
		{Type: "Conv2D", Filters: 3, KernelSize: []int{3}, Padding: "same", Activation: "relu"},
		{Type: "MaxPooling2D", PoolSize: []int{2}, Strides: []int{1}},
		{Type: "Conv2D", Filters: 5, KernelSize: []int{3}, Padding: "same", Activation: "relu"},
		{Type: "UpSampling2D", Size: []int{2}},
		{Type: "Conv2D", Filters: 1, KernelSize: []int{3}, Padding: "same", Activation: "sigmoid"},
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := sc.Model([]*Node{in}, []*Node{node})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for _, p := range m.Params() {
		if p.Name == "bias" {
			for i := range p.Value.Data {
				p.Value.Data[i] = float32(rng.NormFloat64())/4 - 0.1
			}
		}
	}
	x := randomTensor(rng, []int{6, 12, 12, 2})
	run := func(fold bool) (out []float32, grads [][]float32) {
		foldReLUs = fold
		defer func() { foldReLUs = true }()
		s := m.NewSession()
		outs, err := s.Forward([]*tensor.Tensor{x}, true)
		if err != nil {
			t.Fatal(err)
		}
		g := s.Output(0).Grad()
		for i := range g.Data {
			g.Data[i] = float32(math.Sin(float64(i)))
		}
		s.Backward()
		for _, p := range m.Params() {
			grads = append(grads, append([]float32(nil), p.Grad.Data...))
		}
		return append([]float32(nil), outs[0].Data...), grads
	}
	wantOut, want := run(false)
	gotOut, got := run(true)
	if firstDifference(gotOut, wantOut) >= 0 {
		t.Fatal("the outputs differ")
	}
	zeros := 0
	for i := range want {
		if firstDifference(got[i], want[i]) >= 0 {
			t.Fatalf("gradient %d (a %s) differs with the ReLUs folded", i, m.Params()[i].Name)
		}
		for _, v := range want[i] {
			if v == 0 {
				zeros++
			}
		}
	}
	if zeros == len(want[0]) {
		t.Fatal("every gradient is 0: the test takes no derivative")
	}
}
