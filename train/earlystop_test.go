package train_test

import (
	"bytes"
	"testing"

	"github.com/latent-go/latent/train"
)

// TestEarlyStoppingKeras follows Keras 2.15's EarlyStopping on a made-up
// val_loss: with patience 2 and min_delta 0.01 the best is epoch 3 (0.5),
// epochs 4 and 5 do not beat it by more than 0.01, so it stops after
// epoch 5 and puts back the weights it had at the end of epoch 3.
func TestEarlyStoppingKeras(t *testing.T) {
	a := ae1(t, 7, nil)
	w := a.Network().Params()[0].Value.Data
	var log bytes.Buffer
	es := &train.EarlyStopping{Patience: 2, MinDelta: 0.01, RestoreBestWeights: true, Model: a.Network(), Log: &log}
	es.TrainBegin(train.Info{})
	losses := []float64{0.9, 0.7, 0.5, 0.495, 0.6, 0.4}
	stopAt := -1
	for epoch, v := range losses {
		w[0] = float32(epoch) // the weights "of" each epoch
		if es.EpochEnd(train.EpochLogs{Epoch: epoch, ValLoss: v}) {
			stopAt = epoch
			break
		}
	}
	if stopAt != 4 || !es.Stopped {
		t.Errorf("stopped after epoch %d, want 4 (the fifth)", stopAt)
	}
	if w[0] != 2 {
		t.Errorf("weights of epoch %v restored, want those of epoch 2 (the third)", w[0])
	}
	if log.String() != "Epoch 5: early stopping\nRestoring model weights from the end of the best epoch: 3.\n" {
		t.Errorf("log %q", log.String())
	}
	// Replaying a resumed run's history counts its epochs too.
	es2 := &train.EarlyStopping{Patience: 2, Model: a.Network()}
	es2.Replay(&train.History{ValLoss: []float64{0.5, 0.6}})
	if !es2.EpochEnd(train.EpochLogs{Epoch: 2, ValLoss: 0.55}) {
		t.Error("patience did not count the replayed epoch")
	}
}
