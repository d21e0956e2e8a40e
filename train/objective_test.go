package train_test

import (
	"math"
	"testing"

	"github.com/latent-go/latent/loss"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/train"
)

// TestPerSampleAveragesToBatchLoss scores 300 real digits one by one with
// a trained autoencoder that carries an activity penalty, for each loss:
// the mean of the scores is the batch loss (penalty included), and a digit
// scored against its negative scores worse than against itself.
func TestPerSampleAveragesToBatchLoss(t *testing.T) {
	x, val := subset(t, 3000, 300)
	a := ae1(t, 7, &nn.RegularizerSpec{L1: 1e-4, L2: 1e-4})
	fit(t, a, x, val, 2, 128)
	for _, l := range []loss.Loss{loss.BinaryCrossentropy{}, loss.MeanSquaredError{}} {
		obj := train.Reconstruction{Loss: l}
		s := a.Network().NewSession()
		batch, err := train.Evaluate(s, obj, src(val), src(val), 300)
		if err != nil {
			t.Fatal(err)
		}
		scores, err := train.PerSample(s, obj, src(val), src(val), 64)
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for _, v := range scores {
			sum += v
		}
		if mean := sum / float64(len(scores)); math.Abs(mean-batch.Total) > 1e-6*batch.Total {
			t.Errorf("%s: mean of per-sample losses %v, batch loss %v", l.Name(), mean, batch.Total)
		}
		// Against the digits' negatives every score grows.
		negative := val.Clone()
		for i, v := range val.Data {
			negative.Data[i] = 1 - v
		}
		worse, err := train.PerSample(s, obj, src(val), src(negative), 64)
		if err != nil {
			t.Fatal(err)
		}
		grew := 0
		for i := range worse {
			if worse[i] > scores[i] {
				grew++
			}
		}
		if grew != 300 {
			t.Errorf("%s: only %d of 300 scores grew against the negatives", l.Name(), grew)
		}
	}
}
