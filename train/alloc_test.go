package train_test

import (
	"testing"

	"github.com/latent-go/latent/loss"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/train"
)

// TestAllocsPerBatch bounds the allocations of one training step of ae1:
// batch buffers are reused, so only the small closures handed to the
// parallel loops remain (1,067 before activations ran per chunk of rows).
func TestAllocsPerBatch(t *testing.T) {
	x, _ := subset(t, 1024, 10)
	a := ae1(t, 7, nil)
	tr := &train.Trainer{Model: a.Network(), Objective: train.Reconstruction{Loss: loss.BinaryCrossentropy{}}, Optimizer: optim.NewAdam()}
	idx := make([]int, 256)
	for i := range idx {
		idx[i] = i
	}
	xs := src(x)
	tr.TrainBatch(xs, xs, idx)
	allocs := testing.AllocsPerRun(20, func() { tr.TrainBatch(xs, xs, idx) })
	if allocs > 64 {
		t.Errorf("%v allocations per batch, want at most 64", allocs)
	}
}
