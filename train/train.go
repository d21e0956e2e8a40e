// Package train fits models the way Keras's Model.fit does: shuffled
// batches each epoch, the epoch loss formed from the batch losses computed
// before each update, and the validation loss from a separate unshuffled
// pass at the end of each epoch. One loop serves every model family: what
// is minimized is an Objective, and callbacks (progress, history files,
// checkpoints, early stopping) are told of every epoch.
//
// It imports nn, loss, optim and data; model families import it.
package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/latent-go/latent/data"
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
	// ValX and ValY are the validation inputs and targets; nil for no
	// validation. ValY nil means the targets are the inputs.
	ValX, ValY data.Source
	// Callbacks are told of progress, in order.
	Callbacks []Callback
	// History, when not nil, holds the epochs already done (a resumed
	// run): fit starts after them and appends to it.
	History *History
	// Context, when not nil, interrupts training after the batch in
	// progress once it is done (Ctrl-C): fit returns ErrInterrupted and
	// the history of the finished epochs.
	Context context.Context
}

// Trainer binds a model to its objective and optimizer. It runs the model
// in a session of its own.
type Trainer struct {
	Model     *nn.Model
	Objective Objective
	Optimizer optim.Optimizer

	session *nn.Session
	xb, yb  tensor.Tensor // batch buffers, reused
	rows    []int
}

// ErrStopped is returned when a callback asks fit to stop early; the
// history up to that epoch is returned with it.
var ErrStopped = errors.New("training stopped by a callback")

// ErrNotFinite is returned when a batch's loss is NaN or infinite: the run
// stops there (Keras's TerminateOnNaN), the epochs before it are kept.
var ErrNotFinite = errors.New("the loss is not a finite number")

// ErrInterrupted is returned when Config.Context is done: the epoch in
// progress is abandoned, the finished ones are kept.
var ErrInterrupted = errors.New("training interrupted")

// Session is the session the trainer runs the model in.
func (t *Trainer) Session() *nn.Session {
	if t.session == nil {
		t.session = t.Model.NewSession()
	}
	return t.session
}

// Fit trains on inputs x against targets y (y may be x itself, as for an
// autoencoder) and returns the history, the epochs of cfg.History included.
func (t *Trainer) Fit(x, y data.Source, cfg Config) (*History, error) {
	if err := t.checkFit(x, y, cfg); err != nil {
		return nil, err
	}
	h := cfg.History
	if h == nil {
		h = &History{}
	}
	h.start(t.Objective.Parts(), cfg.ValX != nil)
	n := x.Len()
	steps := (n + cfg.BatchSize - 1) / cfg.BatchSize
	info := Info{Epochs: cfg.Epochs, Steps: steps, Samples: n, HasValidation: cfg.ValX != nil}
	for _, cb := range cfg.Callbacks {
		cb.TrainBegin(info)
	}
	for epoch := h.Epochs(); epoch < cfg.Epochs; epoch++ {
		logs, err := t.epoch(x, y, epoch, cfg)
		if errors.Is(err, ErrInterrupted) {
			return h, err
		}
		if err != nil {
			return h, fmt.Errorf("epoch %d: %w", epoch+1, err)
		}
		h.add(logs)
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

// epoch trains one epoch and evaluates the validation data.
func (t *Trainer) epoch(x, y data.Source, epoch int, cfg Config) (EpochLogs, error) {
	for _, cb := range cfg.Callbacks {
		cb.EpochBegin(epoch)
	}
	start := time.Now()
	n := x.Len()
	order := EpochOrder(n, cfg.Seed, epoch, !cfg.NoShuffle)
	mean := newMean(t.Objective.Averaging(), len(t.Objective.Parts()))
	for step := 0; step*cfg.BatchSize < n; step++ {
		idx := order[step*cfg.BatchSize : min((step+1)*cfg.BatchSize, n)]
		v, err := t.TrainBatch(x, y, idx)
		if err != nil {
			return EpochLogs{}, err
		}
		if math.IsNaN(v.Total) || math.IsInf(v.Total, 0) {
			return EpochLogs{}, fmt.Errorf("%w: it became %v at step %d; try a smaller learning rate", ErrNotFinite, v.Total, step+1)
		}
		mean.add(v, len(idx))
		for _, cb := range cfg.Callbacks {
			cb.BatchEnd(step, mean.running())
		}
		if cfg.Context != nil && cfg.Context.Err() != nil {
			return EpochLogs{}, ErrInterrupted
		}
	}
	parts := t.Objective.Parts()
	total := mean.value()
	logs := EpochLogs{Epoch: epoch, Loss: total.Total, Parts: metrics(parts, total.Parts, "")}
	if cfg.ValX != nil {
		v, err := Evaluate(t.Session(), t.Objective, cfg.ValX, orInputs(cfg.ValY, cfg.ValX), cfg.BatchSize)
		if err != nil {
			return EpochLogs{}, fmt.Errorf("validation: %w", err)
		}
		logs.ValLoss = v.Total
		logs.ValParts = metrics(parts, v.Parts, "val_")
	}
	logs.Seconds = time.Since(start).Seconds()
	return logs, nil
}

// EpochOrder is the order in which an epoch visits the n samples: a
// permutation drawn from (seed, epoch) alone when shuffling, so that a run
// resumed at any epoch sees the same batches as an uninterrupted one.
func EpochOrder(n int, seed uint64, epoch int, shuffle bool) []int {
	order := data.Span(0, n)
	if shuffle {
		rng := rand.New(rand.NewPCG(seed, uint64(epoch)+1))
		rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	return order
}

// TrainBatch runs one step on the samples idx of x and y: the forward pass,
// the objective before the update, the backward pass and the optimizer
// step. It returns the objective's value.
func (t *Trainer) TrainBatch(x, y data.Source, idx []int) (Value, error) {
	xb, yb, err := t.readBatch(x, y, idx)
	if err != nil {
		return Value{}, err
	}
	s := t.Session()
	if _, err := s.Forward([]*tensor.Tensor{xb}, true); err != nil {
		return Value{}, err
	}
	v, err := t.Objective.Compute(s, yb, true)
	if err != nil {
		return Value{}, err
	}
	s.Backward()
	t.Optimizer.Step(t.Model.Params())
	return v, nil
}

func (t *Trainer) readBatch(x, y data.Source, idx []int) (xb, yb *tensor.Tensor, err error) {
	if err := data.ReadBatch(x, &t.xb, idx); err != nil {
		return nil, nil, err
	}
	if y == x {
		return &t.xb, &t.xb, nil
	}
	if err := data.ReadBatch(y, &t.yb, idx); err != nil {
		return nil, nil, err
	}
	return &t.xb, &t.yb, nil
}

// Evaluate returns the objective over inputs x and targets y, run in
// session s, as Keras's evaluate computes it: batches in order, averaged
// as the objective says.
func Evaluate(s *nn.Session, obj Objective, x, y data.Source, batchSize int) (Value, error) {
	mean := newMean(obj.Averaging(), len(obj.Parts()))
	err := inBatches(s, x, y, batchSize, func(yb *tensor.Tensor, lo, hi int) error {
		v, err := obj.Compute(s, yb, false)
		mean.add(v, hi-lo)
		return err
	})
	return mean.value(), err
}

// PerSample returns each sample's loss under the objective (the anomaly
// score of a reconstruction), run in session s in batches of batchSize.
func PerSample(s *nn.Session, obj Objective, x, y data.Source, batchSize int) ([]float64, error) {
	scores := make([]float64, x.Len())
	err := inBatches(s, x, y, batchSize, func(yb *tensor.Tensor, lo, hi int) error {
		return obj.PerSample(s, yb, scores[lo:hi])
	})
	return scores, err
}

// inBatches runs the model forward (inference) over x in order, batch by
// batch, and calls fn with each batch's targets and row range.
func inBatches(s *nn.Session, x, y data.Source, batchSize int, fn func(yb *tensor.Tensor, lo, hi int) error) error {
	if batchSize <= 0 {
		return fmt.Errorf("batch size must be positive, got %d", batchSize)
	}
	if x.Len() == 0 || x.Len() != y.Len() {
		return fmt.Errorf("inputs have %d samples but targets have %d", x.Len(), y.Len())
	}
	var xbuf, ybuf tensor.Tensor
	for lo := 0; lo < x.Len(); lo += batchSize {
		hi := min(lo+batchSize, x.Len())
		xb, err := data.ReadRangeInto(x, &xbuf, lo, hi)
		if err != nil {
			return err
		}
		yb := xb
		if y != x {
			if yb, err = data.ReadRangeInto(y, &ybuf, lo, hi); err != nil {
				return err
			}
		}
		if _, err := s.Forward([]*tensor.Tensor{xb}, false); err != nil {
			return err
		}
		if err := fn(yb, lo, hi); err != nil {
			return err
		}
	}
	return nil
}

func orInputs(y, x data.Source) data.Source {
	if y == nil {
		return x
	}
	return y
}

func (t *Trainer) checkFit(x, y data.Source, cfg Config) error {
	if cfg.Epochs <= 0 {
		return fmt.Errorf("epochs must be positive, got %d", cfg.Epochs)
	}
	if cfg.BatchSize <= 0 {
		return fmt.Errorf("batch size must be positive, got %d", cfg.BatchSize)
	}
	if cfg.History != nil && cfg.History.Epochs() > cfg.Epochs {
		return fmt.Errorf("%d epochs are done already, more than the %d asked for", cfg.History.Epochs(), cfg.Epochs)
	}
	if err := t.check(x, y); err != nil {
		return err
	}
	if cfg.ValY != nil && cfg.ValX == nil {
		return fmt.Errorf("validation targets need validation inputs")
	}
	if cfg.ValX != nil {
		if err := t.check(cfg.ValX, orInputs(cfg.ValY, cfg.ValX)); err != nil {
			return fmt.Errorf("validation data: %w", err)
		}
	}
	return nil
}

func (t *Trainer) check(x, y data.Source) error {
	if x == nil || y == nil || x.Len() == 0 {
		return fmt.Errorf("no training data")
	}
	if x.Len() != y.Len() {
		return fmt.Errorf("inputs have %d samples but targets have %d", x.Len(), y.Len())
	}
	ins := t.Model.Inputs()
	if len(ins) != 1 {
		return fmt.Errorf("fit needs a model with one input")
	}
	if !tensor.SameShape(x.Shape(), ins[0].Shape()) {
		return fmt.Errorf("inputs have shape %v per sample, the model takes %v", x.Shape(), ins[0].Shape())
	}
	return t.Objective.CheckTargets(t.Model, y.Shape())
}
