// Package optim holds the optimizers, with Keras 2.15's update rules.
//
// It imports nn (for parameters) and compute.
package optim

import (
	"fmt"
	"math"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/nn"
)

// Optimizer updates parameters from their gradients.
type Optimizer interface {
	// Step applies one update to every parameter from its Grad.
	Step(params []*nn.Param)
	// Config describes the optimizer for logs and files.
	Config() Config
}

// Config names an optimizer and its settings, as a recipe writes it; a
// setting left out (nil) takes Keras's default, and one given is used as
// it is, 0 included (beta_1 = 0 is a valid Adam).
type Config struct {
	Name         string   `json:"name"`
	LearningRate *float32 `json:"learning_rate,omitempty"`
	Beta1        *float32 `json:"beta_1,omitempty"`
	Beta2        *float32 `json:"beta_2,omitempty"`
	Epsilon      *float32 `json:"epsilon,omitempty"`
}

// New makes the optimizer a config names; settings left out take Keras's
// defaults.
func New(c Config) (Optimizer, error) {
	switch c.Name {
	case "adam", "Adam", "":
		a := NewAdam()
		setIfGiven(&a.LearningRate, c.LearningRate)
		setIfGiven(&a.Beta1, c.Beta1)
		setIfGiven(&a.Beta2, c.Beta2)
		setIfGiven(&a.Epsilon, c.Epsilon)
		switch {
		case !(a.LearningRate > 0) || math.IsInf(float64(a.LearningRate), 0):
			return nil, fmt.Errorf("adam: learning_rate must be a positive number, got %g", a.LearningRate)
		case !(a.Beta1 >= 0 && a.Beta1 < 1):
			return nil, fmt.Errorf("adam: beta_1 must be at least 0 and below 1, got %g", a.Beta1)
		case !(a.Beta2 >= 0 && a.Beta2 < 1):
			return nil, fmt.Errorf("adam: beta_2 must be at least 0 and below 1, got %g", a.Beta2)
		case !(a.Epsilon > 0) || math.IsInf(float64(a.Epsilon), 0):
			return nil, fmt.Errorf("adam: epsilon must be a positive number, got %g", a.Epsilon)
		}
		return a, nil
	}
	return nil, fmt.Errorf("unknown optimizer %q (known: adam)", c.Name)
}

// Adam is Keras 2.15's Adam in its epsilon-hat form:
//
//	t      = iterations + 1
//	alpha  = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
//	m     += (g - m) * (1 - beta1)
//	v     += (g*g - v) * (1 - beta2)
//	theta -= alpha * m / (sqrt(v) + epsilon)
//
// with defaults lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7.
type Adam struct {
	LearningRate, Beta1, Beta2, Epsilon float32
	// Iterations is the number of steps taken so far.
	Iterations int
	m, v       map[*nn.Param][]float32
	starts     []int // where each parameter starts in the weights, as one vector
}

// setIfGiven sets *dst to *v when a setting is given.
func setIfGiven(dst, v *float32) {
	if v != nil {
		*dst = *v
	}
}

// Setting is a setting's value for a Config.
func Setting(v float32) *float32 { return &v }

// NewAdam returns Adam with Keras's defaults.
func NewAdam() *Adam {
	return &Adam{LearningRate: 0.001, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-7}
}

// Config implements Optimizer.
func (a *Adam) Config() Config {
	return Config{Name: "adam", LearningRate: Setting(a.LearningRate), Beta1: Setting(a.Beta1), Beta2: Setting(a.Beta2), Epsilon: Setting(a.Epsilon)}
}

// Moments returns the first and second moment of p (nil before its first step).
func (a *Adam) Moments(p *nn.Param) (m, v []float32) { return a.m[p], a.v[p] }

// Step implements Optimizer.
func (a *Adam) Step(params []*nn.Param) {
	if a.m == nil {
		a.m, a.v = map[*nn.Param][]float32{}, map[*nn.Param][]float32{}
	}
	t := float64(a.Iterations + 1)
	b1t := float32(math.Pow(float64(a.Beta1), t))
	b2t := float32(math.Pow(float64(a.Beta2), t))
	alpha := a.LearningRate * float32(math.Sqrt(float64(1-b2t))) / (1 - b1t)
	c1, c2, eps := 1-a.Beta1, 1-a.Beta2, a.Epsilon
	// One parallel pass over all the weights, as if they were one vector,
	// in pieces that run across the tensors' ends: a small tensor (a bias)
	// costs no pass of its own. The step is element by element, so the
	// pieces change no bits, and they follow the threads (ParallelEach),
	// cut on whole cache lines.
	a.starts = a.starts[:0]
	total := 0
	for _, p := range params {
		if _, ok := a.m[p]; !ok {
			a.m[p] = make([]float32, len(p.Value.Data))
			a.v[p] = make([]float32, len(p.Value.Data))
		}
		a.starts = append(a.starts, total)
		total += len(p.Value.Data)
	}
	compute.ParallelEach(total, 1<<13, 16, func(lo, hi int) {
		for i, p := range params {
			start := a.starts[i]
			from, to := max(lo, start)-start, min(hi, start+len(p.Value.Data))-start
			if from >= to {
				continue
			}
			m, v := a.m[p], a.v[p]
			compute.AdamStep(p.Value.Data[from:to], p.Grad.Data[from:to], m[from:to], v[from:to], alpha, c1, c2, eps)
		}
	})
	a.Iterations++
}

// Stateful is an optimizer whose next step depends on what its earlier
// steps left behind (Adam's moments); a checkpoint saves and restores it.
type Stateful interface {
	Optimizer
	// State returns the number of steps taken and, per slot name, the
	// values kept for each parameter stepped so far. The slices are the
	// optimizer's own: copy them to keep them.
	State() (iterations int, slots map[string]map[*nn.Param][]float32)
	// SetState replaces the optimizer's state with copies of the slots.
	SetState(iterations int, slots map[string]map[*nn.Param][]float32) error
}

// State implements Stateful: Adam keeps the slots "m" and "v".
func (a *Adam) State() (int, map[string]map[*nn.Param][]float32) {
	return a.Iterations, map[string]map[*nn.Param][]float32{"m": a.m, "v": a.v}
}

// SetState implements Stateful.
func (a *Adam) SetState(iterations int, slots map[string]map[*nn.Param][]float32) error {
	for name := range slots {
		if name != "m" && name != "v" {
			return fmt.Errorf("adam: unknown state slot %q", name)
		}
	}
	if iterations < 0 {
		return fmt.Errorf("adam: negative iteration count %d", iterations)
	}
	m, v := map[*nn.Param][]float32{}, map[*nn.Param][]float32{}
	for p, s := range slots["m"] {
		sv, ok := slots["v"][p]
		if !ok || len(s) != len(p.Value.Data) || len(sv) != len(s) {
			return fmt.Errorf("adam: the state of %s does not fit the parameter", p.Name)
		}
		m[p], v[p] = append([]float32(nil), s...), append([]float32(nil), sv...)
	}
	if len(slots["v"]) != len(m) {
		return fmt.Errorf("adam: %d first moments but %d second moments", len(m), len(slots["v"]))
	}
	a.Iterations, a.m, a.v = iterations, m, v
	return nil
}
