package nn

import (
	"fmt"
	"math"

	"github.com/latent-go/latent/tensor"
)

// Limits of what a model may ask for, checked before anything is
// allocated, so that a recipe or a model file from anywhere cannot make
// the program allocate more than a workstation holds.
const (
	// MaxWeights is the most weights a model may have: 2^28, 1 GiB of
	// float32 (training keeps four copies: weights, gradients, and Adam's
	// two moments).
	MaxWeights = 1 << 28
	// MaxSampleValues is the most values one layer may output per sample.
	MaxSampleValues = 1 << 26
)

// Weighted is a layer that can count its weights for inputs of the given
// shapes before it is built. Layers without weights need not implement it.
type Weighted interface {
	WeightCount(in [][]int) int
}

// Plan is what a stack of layers will hold, worked out from the specs
// alone: the shape at the end, the number of weights, and the largest
// per-sample output along the way.
type Plan struct {
	Shape   []int
	Weights int
	Largest int
}

// PlanChain checks that the layers of specs, applied one after the other
// to samples of shape in, fit together, and counts their weights. It makes
// unbuilt layers only: no weight is allocated, so a spec that asks for
// billions of weights is refused at no cost. what names the stack in
// errors ("encoder layer 2: ...").
func PlanChain(what string, in []int, specs []LayerSpec) (Plan, error) {
	if err := checkSampleShape(in); err != nil {
		return Plan{}, fmt.Errorf("input: %w", err)
	}
	p := Plan{Shape: append([]int(nil), in...), Largest: tensor.Size(in)}
	for i, s := range specs {
		if s.Name == "" {
			s.Name = classPrefix(s.Type)
		}
		next, err := p.Then(s)
		if err != nil {
			return Plan{}, fmt.Errorf("%s layer %d: %w", what, i+1, err)
		}
		p = next
	}
	return p, nil
}

// Then is the plan after one more layer.
func (p Plan) Then(s LayerSpec) (Plan, error) {
	l, err := NewLayer(s)
	if err != nil {
		return Plan{}, err
	}
	in := [][]int{p.Shape}
	out, err := l.OutputShape(in)
	if err != nil {
		return Plan{}, err
	}
	if err := checkSampleShape(out); err != nil {
		return Plan{}, fmt.Errorf("%s %q: output: %w", s.Type, s.Name, err)
	}
	next := Plan{Shape: out, Weights: p.Weights, Largest: max(p.Largest, tensor.Size(out))}
	if w, ok := l.(Weighted); ok {
		next.Weights = addCapped(next.Weights, w.WeightCount(in))
	}
	if next.Weights > MaxWeights {
		return Plan{}, fmt.Errorf("%s %q brings the model to %s weights (%s of float32), more than the %s a model may have", s.Type, s.Name, count(next.Weights), size(next.Weights), count(MaxWeights))
	}
	return next, nil
}

// Add adds another plan's weights (a second stack of the same model).
func (p Plan) Add(q Plan) (Plan, error) {
	p.Weights = addCapped(p.Weights, q.Weights)
	p.Largest = max(p.Largest, q.Largest)
	if p.Weights > MaxWeights {
		return Plan{}, fmt.Errorf("the model would have %s weights, more than the %s a model may have", count(p.Weights), count(MaxWeights))
	}
	return p, nil
}

// checkSampleShape refuses a per-sample shape with a dimension below one
// or more values than MaxSampleValues.
func checkSampleShape(shape []int) error {
	if len(shape) == 0 {
		return fmt.Errorf("the shape is empty")
	}
	n := 1
	for _, d := range shape {
		if d <= 0 {
			return fmt.Errorf("shape %v has a dimension below 1", shape)
		}
		n = MulCapped(n, d)
	}
	if n > MaxSampleValues {
		return fmt.Errorf("shape %v holds %s values per sample, more than the %s allowed", shape, count(n), count(MaxSampleValues))
	}
	return nil
}

// MulCapped is a*b for non-negative a and b, or math.MaxInt when that
// overflows.
func MulCapped(a, b int) int {
	if a != 0 && b > math.MaxInt/a {
		return math.MaxInt
	}
	return a * b
}

func addCapped(a, b int) int {
	if b > math.MaxInt-a {
		return math.MaxInt
	}
	return a + b
}

// size writes the memory of n float32 values for people: 1.5 GiB.
func size(n int) string {
	if n == math.MaxInt {
		return "more than 30 EiB"
	}
	b := 4 * float64(n)
	for _, u := range []string{"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"} {
		if b < 1024 {
			return fmt.Sprintf("%.3g %s", b, u)
		}
		b /= 1024
	}
	return fmt.Sprintf("%.3g EiB", b)
}

// count writes a large number for people: 268,435,456.
func count(n int) string {
	if n == math.MaxInt {
		return "more than 9e18"
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
