package train

import (
	"fmt"
	"io"
	"math"

	"github.com/latent-go/latent/nn"
)

// EarlyStopping is Keras 2.15's EarlyStopping callback: it stops training
// when the monitored loss has not improved by more than MinDelta for
// Patience epochs, and can put back the weights of the best epoch.
type EarlyStopping struct {
	BaseCallback
	// Monitor is "val_loss" (the default) or "loss".
	Monitor  string
	Patience int
	MinDelta float64
	// RestoreBestWeights puts back the weights of the best epoch when it
	// stops.
	RestoreBestWeights bool
	// Model is the model whose weights are kept and restored.
	Model *nn.Model
	// Log, when not nil, gets Keras's lines about stopping and restoring.
	Log io.Writer

	started     bool
	best        float64
	wait        int
	bestEpoch   int
	bestWeights [][]float32
	// Stopped says whether it stopped the training; StoppedEpoch is the
	// zero-based epoch after which it did.
	Stopped      bool
	StoppedEpoch int
}

// Replay feeds the monitored values of epochs already done (a resumed run)
// so that patience counts across the stop; their weights are gone, so
// only the epochs from now on can be restored.
func (e *EarlyStopping) Replay(h *History) {
	e.start()
	values := h.Loss
	if e.monitor() == "val_loss" {
		values = h.ValLoss
	}
	for epoch, v := range values {
		e.observe(epoch, v, false)
	}
}

func (e *EarlyStopping) monitor() string {
	if e.Monitor == "" {
		return "val_loss"
	}
	return e.Monitor
}

func (e *EarlyStopping) start() {
	if !e.started {
		e.best, e.started = math.Inf(1), true
	}
}

// TrainBegin implements Callback.
func (e *EarlyStopping) TrainBegin(Info) { e.start() }

// EpochEnd implements Callback.
func (e *EarlyStopping) EpochEnd(l EpochLogs) bool {
	v := l.ValLoss
	if e.monitor() == "loss" {
		v = l.Loss
	}
	if !e.observe(l.Epoch, v, e.RestoreBestWeights) {
		return false
	}
	e.Stopped, e.StoppedEpoch = true, l.Epoch
	if e.Log != nil {
		fmt.Fprintf(e.Log, "Epoch %d: early stopping\n", l.Epoch+1)
	}
	if e.RestoreBestWeights && e.bestWeights != nil {
		if e.Log != nil {
			fmt.Fprintf(e.Log, "Restoring model weights from the end of the best epoch: %d.\n", e.bestEpoch+1)
		}
		for i, p := range e.Model.Params() {
			copy(p.Value.Data, e.bestWeights[i])
		}
	}
	return true
}

// observe counts one epoch's value, keeping the weights of a new best
// when keep, and says whether patience has run out.
func (e *EarlyStopping) observe(epoch int, v float64, keep bool) bool {
	e.wait++
	if v+math.Abs(e.MinDelta) < e.best { // Keras: an improvement beats the best by more than min_delta
		e.best, e.bestEpoch, e.wait = v, epoch, 0
		if keep {
			e.keepWeights()
		}
		return false
	}
	return e.wait >= e.Patience && epoch > 0
}

func (e *EarlyStopping) keepWeights() {
	params := e.Model.Params()
	if e.bestWeights == nil {
		e.bestWeights = make([][]float32, len(params))
	}
	for i, p := range params {
		e.bestWeights[i] = append(e.bestWeights[i][:0], p.Value.Data...)
	}
}
