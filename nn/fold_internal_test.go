package nn

import (
	"fmt"
	"github.com/latent-go/latent/compute"
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
	m, node := chainModel(t, 3, []int{12, 12, 2}, []LayerSpec{
		{Type: "Conv2D", Filters: 4, KernelSize: []int{3}, Padding: "same", Activation: "relu"},
		{Type: "MaxPooling2D", PoolSize: []int{2}},
		{Type: "Conv2D", Filters: 3, KernelSize: []int{3}, Padding: "same", Activation: "relu"},
		{Type: "MaxPooling2D", PoolSize: []int{2}, Strides: []int{1}},
		{Type: "Conv2D", Filters: 5, KernelSize: []int{3}, Padding: "same", Activation: "relu"},
		{Type: "UpSampling2D", Size: []int{2}},
		{Type: "Conv2D", Filters: 1, KernelSize: []int{3}, Padding: "same", Activation: "sigmoid"},
	})
	rng := rand.New(rand.NewPCG(9, 10))
	lowerBiases(m, rng)
	x := randomTensor(rng, []int{6, 12, 12, 2})
	run := func(fold bool) [][]float32 {
		foldReLUs = fold
		defer func() { foldReLUs = true }()
		return stepValues(t, m, []*tensor.Tensor{x}, func(s *Session) {
			// The upsampling before the last, kn2row, convolution writes
			// no output when folded: the convolution reads its input.
			if upOut := s.call(node.inputs[0]).Out; fold != (upOut.Data == nil) || upOut.Rows() != 6 {
				t.Fatalf("folded %v: the upsampling's output holds %d values for %d rows", fold, len(upOut.Data), upOut.Rows())
			}
		})
	}
	want, got := run(false), run(true)
	for i := range want {
		if firstDifference(got[i], want[i]) >= 0 {
			t.Fatalf("value set %d (0, 1: the output in inference and in training; then the gradients) differs with the ReLUs folded", i)
		}
	}
	nonzero := 0
	for _, v := range want[2] { // the first convolution's kernel
		if v != 0 {
			nonzero++
		}
	}
	if nonzero == 0 {
		t.Fatal("the first kernel's gradient is 0: the test takes no derivative")
	}
}

// TestReLUsFoldedIntoConvolutionsSameBits: convolutions and transposed
// convolutions that fold the ReLU of the layer before them into their
// input gradient (im2col and kn2row convolutions, transposed ones after
// either kind) give the bits of the layers run one by one: the output and
// every weight's gradient. Negative biases make many ReLUs 0. In the
// larger case the kn2row convolution's batch is two chunks.
func TestReLUsFoldedIntoConvolutionsSameBits(t *testing.T) {
	for _, tc := range []struct{ side, batch int }{{10, 5}, {28, 60}} {
		sc := NewScope(11)
		in := sc.Input(tc.side, tc.side, 2)
		specs := []LayerSpec{
			{Type: "Conv2D", Filters: 4, KernelSize: []int{3}, Padding: "same", Activation: "relu"},
			{Type: "Conv2D", Filters: 6, KernelSize: []int{3}, Padding: "same", Activation: "relu"},                    // im2col, folds
			{Type: "Conv2D", Filters: 3, KernelSize: []int{3}, Strides: []int{2}, Padding: "same", Activation: "relu"}, // kn2row, folds
			{Type: "Conv2DTranspose", Filters: 5, KernelSize: []int{3}, Strides: []int{2}, Padding: "same", Activation: "relu"},
			{Type: "Conv2DTranspose", Filters: 2, KernelSize: []int{3}, Padding: "same", Activation: "relu"},
			{Type: "Conv2D", Filters: 1, KernelSize: []int{3}, Padding: "same", Activation: "sigmoid"}, // kn2row, folds
		}
		nodes := []*Node{in}
		for _, spec := range specs {
			nodes = append(nodes, apply(t, sc, spec, nodes[len(nodes)-1]))
		}
		m, err := sc.Model([]*Node{in}, nodes[len(nodes)-1:])
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range nodes[2:] {
			if !m.foldsReLU(n) {
				t.Fatalf("layer %d (%s) does not fold the ReLU before it", i+2, specs[i+1].Type)
			}
		}
		kn2row := nodes[3].layer.(*Conv2D)
		if !kn2row.useKn2row() || nodes[2].layer.(*Conv2D).useKn2row() {
			t.Fatal("the test's second convolution is not im2col, or its third not kn2row")
		}
		if chunks := ceilDiv(tc.batch, chunk(tc.side*tc.side, 9*3, tc.batch)); (chunks > 1) != (tc.side == 28) {
			t.Fatalf("%d×%d: the kn2row convolution's batch is %d chunks", tc.side, tc.side, chunks)
		}
		rng := rand.New(rand.NewPCG(12, 13))
		lowerBiases(m, rng)
		x := randomTensor(rng, []int{tc.batch, tc.side, tc.side, 2})
		want := sameBitsFolded(t, m, x, fmt.Sprintf("(0, 1: the output in inference and in training; then the gradients) differs with the ReLUs folded, %d×%d", tc.side, tc.side))
		zeros := 0
		for _, v := range want[len(want)-3] { // a gradient past a ReLU that folds
			if v == 0 {
				zeros++
			}
		}
		if zeros == len(want[len(want)-3]) {
			t.Fatal("a kernel's gradient is all 0: the test takes no derivative")
		}
	}
}

// lowerBiases gives m's biases random values around -0.1, so that many
// ReLUs are 0 and the derivative's both sides are taken.
func lowerBiases(m *Model, rng *rand.Rand) {
	for _, p := range m.Params() {
		if p.Name == "bias" {
			for i := range p.Value.Data {
				p.Value.Data[i] = float32(rng.NormFloat64())/4 - 0.1
			}
		}
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
		{"conv then conv", "relu", LayerSpec{Type: "Conv2D", Filters: 3, KernelSize: []int{3}}, false, false, true, false},
		{"conv then transposed conv", "relu", LayerSpec{Type: "Conv2DTranspose", Filters: 1, KernelSize: []int{3}}, false, false, true, false},
		{"conv then conv, the first an output too", "relu", LayerSpec{Type: "Conv2D", Filters: 3, KernelSize: []int{3}}, true, false, false, false},
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

// TestUnwrittenPlan: an upsampling writes no output only where the kn2row
// convolution that reads its input is its only reader: not where it is a
// model output too, nor where another layer reads it.
func TestUnwrittenPlan(t *testing.T) {
	for _, tc := range []struct {
		name             string
		output, alsoRead bool
		unwritten        bool
	}{{"alone", false, false, true}, {"a model output", true, false, false}, {"read twice", false, true, false}} {
		sc := NewScope(1)
		in := sc.Input(4, 4, 3)
		up := apply(t, sc, LayerSpec{Type: "UpSampling2D"}, in)
		c := apply(t, sc, LayerSpec{Type: "Conv2D", Filters: 1, KernelSize: []int{3}, Padding: "same"}, up)
		outs := []*Node{c}
		if tc.output {
			outs = append(outs, up)
		}
		if tc.alsoRead {
			outs = append(outs, apply(t, sc, LayerSpec{Type: "Conv2D", Filters: 2, KernelSize: []int{3}, Padding: "same"}, up))
		}
		m, err := sc.Model([]*Node{in}, outs)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.fold.unwritten[up]; got != tc.unwritten {
			t.Errorf("upsampling %s: unwritten %v, want %v", tc.name, got, tc.unwritten)
		}
	}
}

// TestUpsampledKn2rowChunksSameBits: a kn2row convolution after an
// upsampling, whose kernel gradient is summed over several chunks of
// images (40 images of 28×28 pixels, 72 products each: chunks of 18),
// reads the upsampled pixels from their sources, and sends its input's
// gradient through the upsampling and the ReLU before it, with the bits
// of the layers run one by one.
func TestUpsampledKn2rowChunksSameBits(t *testing.T) {
	m, node := chainModel(t, 4, []int{14, 14, 3}, []LayerSpec{
		{Type: "Conv2D", Filters: 16, KernelSize: []int{3}, Padding: "same", Activation: "relu"},
		{Type: "UpSampling2D", Size: []int{2}},
		{Type: "Conv2D", Filters: 8, KernelSize: []int{3}, Padding: "same", Activation: "sigmoid"},
	})
	if conv := node.layer.(*Conv2D); !conv.useKn2row() || chunk(28*28, 72, 40) >= 40 {
		t.Fatal("the test's convolution is not a kn2row one of several chunks")
	}
	x := randomTensor(rand.New(rand.NewPCG(5, 6)), []int{40, 14, 14, 3})
	sameBitsFolded(t, m, x, "differs when the convolution reads the upsampling's input")
}

// sameBitsFolded runs stepValues on m and x with the folds off, then on,
// fails the test, saying what, at the first value set that differs, and
// returns the values without the folds.
func sameBitsFolded(t *testing.T, m *Model, x *tensor.Tensor, what string) [][]float32 {
	t.Helper()
	run := func(fold bool) [][]float32 {
		foldReLUs = fold
		defer func() { foldReLUs = true }()
		return stepValues(t, m, []*tensor.Tensor{x}, nil)
	}
	want, got := run(false), run(true)
	for i := range want {
		if firstDifference(got[i], want[i]) >= 0 {
			t.Fatalf("value set %d %s", i, what)
		}
	}
	return want
}

// stepValues runs a new session of m on each batch: a forward pass in
// inference, one in training, sin(i) as the output's gradient and the
// backward pass. It returns, batch after batch, the two outputs and every
// weight's gradient, and calls check (when not nil) on the session after
// each batch.
func stepValues(t *testing.T, m *Model, batches []*tensor.Tensor, check func(*Session)) (values [][]float32) {
	s := m.NewSession()
	for _, x := range batches {
		for _, training := range []bool{false, true} {
			outs, err := s.Forward([]*tensor.Tensor{x}, training)
			if err != nil {
				t.Fatal(err)
			}
			values = append(values, append([]float32(nil), outs[0].Data...))
		}
		g := s.Output(0).Grad()
		for i := range g.Data {
			g.Data[i] = float32(math.Sin(float64(i)))
		}
		s.Backward()
		for _, p := range m.Params() {
			values = append(values, append([]float32(nil), p.Grad.Data...))
		}
		if check != nil {
			check(s)
		}
	}
	return values
}

// chainModel is the model of specs chained from an input of the given
// shape, in a scope of seed, and its output node.
func chainModel(t *testing.T, seed uint64, shape []int, specs []LayerSpec) (*Model, *Node) {
	sc := NewScope(seed)
	in := sc.Input(shape...)
	out, _, err := sc.Chain("test", in, specs)
	if err != nil {
		t.Fatal(err)
	}
	m, err := sc.Model([]*Node{in}, []*Node{out})
	if err != nil {
		t.Fatal(err)
	}
	return m, out
}

// TestGatheredPoolingSameBits: a convolution of the model's input and the
// max pooling after it run their backward passes as one, the pooling's
// gradient gathered a piece of rows at a time (4 filters: the masked
// kernel; 8 and 16: whole vectors), and give the bits of the layers run
// one by one: the output, the gradients, two batches, with each
// element-wise implementation (AVX2 gathers 8 and 16 filters only). The
// batch (6 images of 24×24) is tall enough for the bias gradient's pieces
// of rows.
func TestGatheredPoolingSameBits(t *testing.T) {
	defer compute.UseElementwise(compute.CurrentElementwise())
	for _, e := range compute.ElementwiseImplementations() {
		compute.UseElementwise(e)
		t.Run(e.Name(), checkGatheredPooling)
	}
}

func checkGatheredPooling(t *testing.T) {
	for _, filters := range []int{4, 8, 16} {
		m, _ := chainModel(t, 5, []int{24, 24, 1}, []LayerSpec{
			{Type: "Conv2D", Filters: filters, KernelSize: []int{3}, Padding: "same", Activation: "relu"},
			{Type: "MaxPooling2D", PoolSize: []int{2}},
			{Type: "Conv2D", Filters: 3, KernelSize: []int{3}, Padding: "same", Activation: "relu"},
			{Type: "UpSampling2D", Size: []int{2}},
			{Type: "Conv2D", Filters: 1, KernelSize: []int{3}, Padding: "same", Activation: "sigmoid"},
		})
		pool := m.order[2]
		if _, ok := pool.layer.(*MaxPooling2D); !ok || !m.fold.gathered[pool] {
			t.Fatalf("%d filters: the pooling's gradient is not planned to be gathered", filters)
		}
		rng := rand.New(rand.NewPCG(11, 12))
		for _, p := range m.Params() {
			if p.Name == "bias" {
				for i := range p.Value.Data {
					p.Value.Data[i] = float32(rng.NormFloat64())/4 - 0.1
				}
			}
		}
		batches := []*tensor.Tensor{randomTensor(rng, []int{6, 24, 24, 1}), randomTensor(rng, []int{6, 24, 24, 1})}
		run := func(fold bool) [][]float32 {
			foldReLUs = fold
			defer func() { foldReLUs = true }()
			return stepValues(t, m, batches, func(s *Session) {
				if s.gathersPooling(pool) != (fold && compute.VectorGathers(filters)) {
					t.Fatalf("%d filters, folded %v: the pooling's gradient gathered: %v", filters, fold, !fold)
				}
			})
		}
		want, got := run(false), run(true)
		for i := range want {
			if firstDifference(got[i], want[i]) >= 0 {
				t.Fatalf("%d filters: value set %d differs with the pooling's gradient gathered", filters, i)
			}
		}
	}
}
