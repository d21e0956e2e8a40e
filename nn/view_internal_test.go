package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/tensor"
)

// TestViewsShareSameBits: a Flatten and a Reshape between layers share
// their input's storage, forward and backward, and give the bits of the
// copies they replace, over batches of changing size.
func TestViewsShareSameBits(t *testing.T) {
	sc := NewScope(5)
	in := sc.Input(6, 6, 2)
	conv, _, err := sc.Chain("enc", in, []LayerSpec{{Type: "Conv2D", Filters: 3, KernelSize: []int{3}, Padding: "same", Activation: "relu"}})
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := sc.Chain("dec", conv, []LayerSpec{
		{Type: "Flatten"},
		{Type: "Dense", Units: 12, Activation: "relu"},
		{Type: "Reshape", TargetShape: []int{2, 2, 3}},
		{Type: "Conv2D", Filters: 1, KernelSize: []int{3}, Padding: "same", Activation: "sigmoid"},
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := sc.Model([]*Node{in}, []*Node{out})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	batches := []*tensor.Tensor{randomTensor(rng, []int{4, 6, 6, 2}), randomTensor(rng, []int{3, 6, 6, 2}), randomTensor(rng, []int{5, 6, 6, 2})}
	run := func(share bool) [][]float32 {
		shareViews = share
		defer func() { shareViews = true }()
		return stepValues(t, m, batches, func(s *Session) {
			if flat := s.call(consumerOf(m, conv)); share != (&flat.Out.Data[0] == &s.call(conv).Out.Data[0]) {
				t.Fatalf("sharing %v: the Flatten's output shares the convolution's storage: %v", share, !share)
			}
		})
	}
	want, got := run(false), run(true)
	for i := range want {
		if firstDifference(got[i], want[i]) >= 0 {
			t.Fatalf("value set %d differs when the views share storage", i)
		}
	}
}

// TestViewOfModelInputCopies: a Reshape of the model's input copies it,
// so that the caller's later change to its batch leaves the output as it was.
func TestViewOfModelInputCopies(t *testing.T) {
	m, _ := chainModel(t, 1, []int{6}, []LayerSpec{{Type: "Reshape", TargetShape: []int{2, 3}}})
	x := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 1, 6)
	outs, err := m.NewSession().Forward([]*tensor.Tensor{x}, false)
	if err != nil {
		t.Fatal(err)
	}
	x.Data[0] = 9
	if outs[0].Data[0] != 1 || !tensor.SameShape(outs[0].Shape, []int{1, 2, 3}) {
		t.Fatalf("output %v %v after the input changed, want [1 …] shaped [1 2 3]", outs[0].Data, outs[0].Shape)
	}
}

// consumerOf is the first node of m that takes n as its input.
func consumerOf(m *Model, n *Node) *Node {
	for _, c := range m.order {
		if len(c.inputs) > 0 && c.inputs[0] == n {
			return c
		}
	}
	return nil
}
