// Package train fits models the way Keras's Model.fit does: shuffled
// batches each epoch, the epoch loss as the batch-size-weighted mean of the
// batch losses computed before each update, and val_loss from a separate
// unshuffled pass at the end of each epoch.
package train

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/latent-go/latent/loss"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/tensor"
)

// Config holds fit's arguments.
type Config struct {
	Epochs    int
	BatchSize int    // Keras's default is 32
	NoShuffle bool   // Keras shuffles by default
	Seed      uint64 // seeds the shuffling
	// ValX and ValY are the validation data; nil for none.
	ValX, ValY *tensor.Tensor
	// Callbacks are told of progress, in order.
	Callbacks []Callback
	// InitialEpoch is the number of epochs already done (to resume).
	InitialEpoch int
}

// History is what fit returns: one entry per epoch.
type History struct {
	Loss    []float64 `json:"loss"`
	ValLoss []float64 `json:"val_loss,omitempty"`
	Seconds []float64 `json:"seconds"`
}

// Trainer binds a model to its loss and optimizer.
type Trainer struct {
	Model     *nn.Model
	Loss      loss.Loss
	Optimizer optim.Optimizer

	xb, yb tensor.Tensor // batch buffers, reused
}

// ErrStopped is returned when a callback asks fit to stop early; the
// history up to that epoch is returned with it.
var ErrStopped = errors.New("training stopped by a callback")

// Fit trains on x against targets y (y may be x itself, as for an
// autoencoder) and returns the history.
func (t *Trainer) Fit(x, y *tensor.Tensor, cfg Config) (*History, error) {
	if err := t.check(x, y, cfg.BatchSize); err != nil {
		return nil, err
	}
	if cfg.Epochs <= 0 {
		return nil, fmt.Errorf("epochs must be positive, got %d", cfg.Epochs)
	}
	if (cfg.ValX == nil) != (cfg.ValY == nil) {
		return nil, fmt.Errorf("validation needs both inputs and targets")
	}
	if cfg.ValX != nil {
		if err := t.check(cfg.ValX, cfg.ValY, cfg.BatchSize); err != nil {
			return nil, fmt.Errorf("validation data: %w", err)
		}
	}
	n := x.Rows()
	steps := (n + cfg.BatchSize - 1) / cfg.BatchSize
	info := Info{Epochs: cfg.Epochs, Steps: steps, Samples: n, HasValidation: cfg.ValX != nil}
	for _, cb := range cfg.Callbacks {
		cb.TrainBegin(info)
	}
	h := &History{}
	for epoch := cfg.InitialEpoch; epoch < cfg.Epochs; epoch++ {
		for _, cb := range cfg.Callbacks {
			cb.EpochBegin(epoch)
		}
		start := time.Now()
		order := EpochOrder(n, cfg.Seed, epoch, !cfg.NoShuffle)
		var total, count float32 // Keras's Mean metric keeps float32 totals
		for step := 0; step < steps; step++ {
			idx := order[step*cfg.BatchSize : min((step+1)*cfg.BatchSize, n)]
			l, err := t.TrainBatch(x, y, idx)
			if err != nil {
				return h, err
			}
			nb := float32(len(idx))
			total += float32(l) * nb
			count += nb
			for _, cb := range cfg.Callbacks {
				cb.BatchEnd(step, float64(total/count))
			}
		}
		logs := EpochLogs{Epoch: epoch, Loss: float64(total / count)}
		if math.IsNaN(logs.Loss) || math.IsInf(logs.Loss, 0) {
			return h, fmt.Errorf("epoch %d: loss became %v; try a smaller learning rate", epoch+1, logs.Loss)
		}
		if cfg.ValX != nil {
			v, err := t.Evaluate(cfg.ValX, cfg.ValY, cfg.BatchSize)
			if err != nil {
				return h, err
			}
			logs.ValLoss = v
			h.ValLoss = append(h.ValLoss, v)
		}
		logs.Seconds = time.Since(start).Seconds()
		h.Loss = append(h.Loss, logs.Loss)
		h.Seconds = append(h.Seconds, logs.Seconds)
		stop := false
		for _, cb := range cfg.Callbacks {
			if cb.EpochEnd(logs) {
				stop = true
			}
		}
		if stop {
			return h, ErrStopped
		}
	}
	return h, nil
}

// EpochOrder is the order in which an epoch visits the n samples: a
// permutation drawn from (seed, epoch) alone when shuffling, so that a run
// resumed at any epoch sees the same batches as an uninterrupted one.
func EpochOrder(n int, seed uint64, epoch int, shuffle bool) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	if shuffle {
		rng := rand.New(rand.NewPCG(seed, uint64(epoch)+1))
		rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	return order
}

// TrainBatch runs one step on the samples idx of x and y: the forward pass,
// the loss (plus activity penalties) before the update, the backward pass
// and the optimizer step. It returns that loss.
func (t *Trainer) TrainBatch(x, y *tensor.Tensor, idx []int) (float64, error) {
	Gather(&t.xb, x, idx)
	yb := &t.xb
	if y != x {
		Gather(&t.yb, y, idx)
		yb = &t.yb
	}
	if _, err := t.Model.Forward([]*tensor.Tensor{&t.xb}, true); err != nil {
		return 0, err
	}
	l := t.Loss.Compute(t.Model.OutputCall(0), t.Model.OutputLayer(0), yb, true)
	l += t.Model.RegularizationLoss()
	t.Model.Backward()
	t.Optimizer.Step(t.Model.Params())
	return l, nil
}

// Evaluate returns the loss over x and y, activity penalties included, as
// Keras's evaluate computes it: batches in order, each weighted by its size.
func (t *Trainer) Evaluate(x, y *tensor.Tensor, batchSize int) (float64, error) {
	if err := t.check(x, y, batchSize); err != nil {
		return 0, err
	}
	n := x.Rows()
	var total, count float32
	for lo := 0; lo < n; lo += batchSize {
		hi := min(lo+batchSize, n)
		if _, err := t.Model.Forward([]*tensor.Tensor{x.Slice(lo, hi)}, false); err != nil {
			return 0, err
		}
		l := t.Loss.Compute(t.Model.OutputCall(0), t.Model.OutputLayer(0), y.Slice(lo, hi), false)
		l += t.Model.RegularizationLoss()
		nb := float32(hi - lo)
		total += float32(l) * nb
		count += nb
	}
	return float64(total / count), nil
}

func (t *Trainer) check(x, y *tensor.Tensor, batchSize int) error {
	if batchSize <= 0 {
		return fmt.Errorf("batch size must be positive, got %d", batchSize)
	}
	if x == nil || y == nil || x.Rows() == 0 {
		return fmt.Errorf("no training data")
	}
	if x.Rows() != y.Rows() {
		return fmt.Errorf("inputs have %d samples but targets have %d", x.Rows(), y.Rows())
	}
	ins, outs := t.Model.Inputs(), t.Model.Outputs()
	if len(ins) != 1 || len(outs) != 1 {
		return fmt.Errorf("fit needs a model with one input and one output")
	}
	if !tensor.SameShape(x.Shape[1:], ins[0].Shape()) {
		return fmt.Errorf("inputs have shape %v per sample, the model takes %v", x.Shape[1:], ins[0].Shape())
	}
	if !tensor.SameShape(y.Shape[1:], outs[0].Shape()) {
		return fmt.Errorf("targets have shape %v per sample, the model gives %v", y.Shape[1:], outs[0].Shape())
	}
	return nil
}

// Gather copies rows idx of src into dst, resizing dst.
func Gather(dst *tensor.Tensor, src *tensor.Tensor, idx []int) {
	dst.Resize(len(idx), src.Shape[1:])
	c := src.Cols()
	for i, r := range idx {
		copy(dst.Data[i*c:(i+1)*c], src.Data[r*c:(r+1)*c])
	}
}
