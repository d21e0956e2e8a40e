package nn

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/latent-go/latent/tensor"
)

// TestKernelGradientsOverwrittenSameBits: Dense kernels whose gradients
// the backward pass does not clear, the first product overwriting them,
// give the bits of gradients cleared first, batch after batch (a product
// that added to the last batch's gradient would differ from the second
// batch on).
func TestKernelGradientsOverwrittenSameBits(t *testing.T) {
	m, _ := chainModel(t, 3, []int{20}, []LayerSpec{
		{Type: "Dense", Units: 7, Activation: "relu"},
		{Type: "Dense", Units: 5, Activation: "tanh"},
		{Type: "Dense", Units: 20, Activation: "sigmoid"},
	})
	lazy := 0
	for _, p := range m.Params() {
		if p.clearedByWrite {
			lazy++
		}
	}
	if lazy != 3 {
		t.Fatalf("%d gradients left to their first write, want the 3 kernels'", lazy)
	}
	rng := rand.New(rand.NewPCG(4, 5))
	batches := []*tensor.Tensor{randomTensor(rng, []int{6, 20}), randomTensor(rng, []int{9, 20}), randomTensor(rng, []int{6, 20})}
	got := stepValues(t, m, batches, nil)
	for _, p := range m.Params() {
		p.clearedByWrite = false
	}
	want := stepValues(t, m, batches, nil)
	for i := range want {
		if firstDifference(got[i], want[i]) >= 0 {
			t.Fatalf("value set %d differs from gradients cleared first", i)
		}
	}
}

// TestUnwrittenGradientsCleared: a gradient left to its first write that
// no layer writes in the pass holds zeros at its end, not the last pass's
// values.
func TestUnwrittenGradientsCleared(t *testing.T) {
	p := (&Param{Name: "kernel", Value: tensor.New(3), Grad: tensor.FromSlice([]float32{1, 2, 3}, 3)}).clearByWrite()
	zeroGrads([]*Param{p})
	if !slices.Equal(p.Grad.Data, []float32{1, 2, 3}) || !p.unwritten {
		t.Fatalf("before its first write: %v, unwritten %v", p.Grad.Data, p.unwritten)
	}
	clearUnwritten([]*Param{p})
	if !slices.Equal(p.Grad.Data, []float32{0, 0, 0}) || p.unwritten {
		t.Fatalf("after a pass without a write: %v, unwritten %v", p.Grad.Data, p.unwritten)
	}
	zeroGrads([]*Param{p})
	if b1, b2 := p.overwriteBeta(), p.overwriteBeta(); b1 != 0 || b2 != 1 {
		t.Fatalf("betas of the first two writes %v, %v; want 0, 1", b1, b2)
	}
}
