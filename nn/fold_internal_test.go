package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/tensor"
)

// TestFoldedReLUsSameBits: a model whose convolutions' ReLUs are folded
// into the max pooling and the upsampling after them, and whose
// convolutions run with their pooling, gives the bits of the same model
// without either: its output, in training and in inference, and every
// weight's gradient.
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
		outs, err := s.Forward([]*tensor.Tensor{x}, false)
		if err != nil {
			t.Fatal(err)
		}
		grads = append(grads, append([]float32(nil), outs[0].Data...)) // inference
		outs, err = s.Forward([]*tensor.Tensor{x}, true)
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
	for i := range want {
		if firstDifference(got[i], want[i]) >= 0 {
			t.Fatalf("gradient %d (0: the output in inference) differs with the ReLUs folded", i)
		}
	}
	nonzero := 0
	for _, v := range want[1] { // the first convolution's kernel
		if v != 0 {
			nonzero++
		}
	}
	if nonzero == 0 {
		t.Fatal("the first kernel's gradient is 0: the test takes no derivative")
	}
}

// TestFoldPlan: a ReLU is folded, and a convolution run with its pooling,
// only where nothing but that pooling reads the convolution's output.
func TestFoldPlan(t *testing.T) {
	pool, up := LayerSpec{Type: "MaxPooling2D"}, LayerSpec{Type: "UpSampling2D"}
	for _, tc := range []struct {
		name        string
		activation  string
		next        LayerSpec
		convOutput  bool // the convolution is a model output too
		alsoFeeds   bool // the convolution feeds an upsampling too
		folds, runs bool
	}{
		{"conv then pool", "relu", pool, false, false, true, true},
		{"the conv is an output too", "relu", pool, true, false, false, false},
		{"the conv feeds two layers", "relu", pool, false, true, false, false},
		{"a sigmoid conv", "sigmoid", pool, false, false, false, false},
		{"conv then upsampling", "relu", up, false, false, true, false},
	} {
		sc := NewScope(1)
		in := sc.Input(8, 8, 1)
		c := apply(t, sc, LayerSpec{Type: "Conv2D", Filters: 2, KernelSize: []int{3}, Padding: "same", Activation: tc.activation}, in)
		p := apply(t, sc, tc.next, c)
		outs := []*Node{p}
		if tc.convOutput {
			outs = append(outs, c)
		}
		if tc.alsoFeeds {
			outs = append(outs, apply(t, sc, up, c))
		}
		m, err := sc.Model([]*Node{in}, outs)
		if err != nil {
			t.Fatal(err)
		}
		if m.foldsReLU(p) != tc.folds || (m.poolingOf(c) == p) != tc.runs || m.runsWithItsInput(p) != tc.runs {
			t.Errorf("%s: folds %v, runs with its pooling %v; want %v, %v", tc.name, m.foldsReLU(p), m.poolingOf(c) == p, tc.folds, tc.runs)
		}
	}
}

func apply(t *testing.T, sc *Scope, spec LayerSpec, in *Node) *Node {
	l, err := sc.Layer(spec)
	if err != nil {
		t.Fatal(err)
	}
	n, err := sc.Apply(l, in)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestUpsampledPlan: a Conv2D after an UpSampling2D reads the smaller
// image in the kn2row form only (fewer filters than channels).
func TestUpsampledPlan(t *testing.T) {
	for _, tc := range []struct {
		filters int
		reads   bool
	}{{1, true}, {2, true}, {3, false}, {8, false}} {
		sc := NewScope(1)
		in := sc.Input(4, 4, 3)
		up := apply(t, sc, LayerSpec{Type: "UpSampling2D"}, in)
		c := apply(t, sc, LayerSpec{Type: "Conv2D", Filters: tc.filters, KernelSize: []int{3}, Padding: "same"}, up)
		m, err := sc.Model([]*Node{in}, []*Node{c})
		if err != nil {
			t.Fatal(err)
		}
		if _, reads := m.fold.upsampled[c]; reads != tc.reads {
			t.Errorf("%d filters over 3 channels: reads the smaller image %v, want %v", tc.filters, reads, tc.reads)
		}
	}
}
