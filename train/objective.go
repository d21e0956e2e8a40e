package train

import (
	"fmt"

	"github.com/latent-go/latent/loss"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

// Objective is what training minimizes: the one seam between a model
// family and the training loop. A plain autoencoder's objective is its
// reconstruction loss plus the model's activity penalties; a VAE's adds
// the KL term; whatever comes next is another Objective.
type Objective interface {
	// Parts names the terms shown beside the loss in the progress line
	// and the history, in order (a VAE's "reconstruction_loss" and
	// "kl_loss"); none for a plain loss.
	Parts() []string
	// Compute computes the loss of a batch from the last Forward of s
	// against targets y: the total and the value of each part. With grad
	// it writes the gradients of the model's outputs into s, ready for
	// s.Backward.
	Compute(s *nn.Session, y *tensor.Tensor, grad bool) (Value, error)
	// PerSample writes each sample's loss of the last Forward of s into
	// dst (one per row): their mean is the batch loss. Anomaly detection
	// ranks samples by it.
	PerSample(s *nn.Session, y *tensor.Tensor, dst []float64) error
	// Averaging says how an epoch's batch losses make the epoch's loss.
	Averaging() Averaging
	// CheckTargets says whether targets of this per-sample shape suit
	// model m, with an error a user can act on when they do not.
	CheckTargets(m *nn.Model, shape []int) error
}

// Value is the loss of a batch and its parts, in the order of Parts.
type Value struct {
	Total float64
	Parts []float64
}

// Averaging is how an epoch's loss is formed from its batches' losses.
type Averaging int

const (
	// BySamples weighs each batch by its size with float32 totals, as
	// Keras's fit reports a compiled loss.
	BySamples Averaging = iota
	// ByBatches counts each batch once, with float64 totals, as the
	// keras.metrics.Mean trackers of a custom train_step do (keras.io's
	// VAE).
	ByBatches
)

// Reconstruction is the objective of an autoencoder: a loss between the
// model's one output and the targets, plus the activity penalties the
// model adds (Keras's model.losses).
type Reconstruction struct{ Loss loss.Loss }

// Parts implements Objective: the loss has no parts.
func (Reconstruction) Parts() []string { return nil }

// Compute implements Objective.
func (r Reconstruction) Compute(s *nn.Session, y *tensor.Tensor, grad bool) (Value, error) {
	return Value{Total: r.Loss.Compute(s.Output(0), y, grad) + s.Penalty()}, nil
}

// PerSample implements Objective: each sample's loss plus its activity
// penalties.
func (r Reconstruction) PerSample(s *nn.Session, y *tensor.Tensor, dst []float64) error {
	r.Loss.PerSample(s.Output(0), y, dst)
	s.PenaltyPerSample(dst)
	return nil
}

// Averaging implements Objective.
func (Reconstruction) Averaging() Averaging { return BySamples }

// CheckTargets implements Objective: the targets have the output's shape.
func (Reconstruction) CheckTargets(m *nn.Model, shape []int) error {
	outs := m.Outputs()
	if len(outs) != 1 {
		return fmt.Errorf("a reconstruction loss needs a model with one output, this one has %d", len(outs))
	}
	if !tensor.SameShape(shape, outs[0].Shape()) {
		return fmt.Errorf("targets have shape %v per sample, the model gives %v", shape, outs[0].Shape())
	}
	return nil
}
