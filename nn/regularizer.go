package nn

import (
	"fmt"
	"math"

	"github.com/latent-go/latent/tensor"
)

// Regularizer is an activity regularizer: a penalty on a layer's output.
// Keras 2.15 adds Penalty(output)/batch_size to the loss of every batch,
// in training and in evaluation alike.
type Regularizer interface {
	// Spec describes the regularizer for files and summaries.
	Spec() RegularizerSpec
	// Penalty is the un-normalized penalty over all values of x: l1*Σ|x| + l2*Σx².
	Penalty(x []float32) float64
	// AddGrad adds scale * dPenalty/dx to g.
	AddGrad(x, g []float32, scale float32)
}

// RegularizerSpec names an activity regularizer in recipes and model files:
// {"l1": 1e-4} is Keras's regularizers.l1(1e-4), {"l2": 1e-4} its l2, and
// both together its l1_l2.
type RegularizerSpec struct {
	L1 float32 `json:"l1,omitempty"`
	L2 float32 `json:"l2,omitempty"`
}

// L1L2 is Keras's L1L2 regularizer: l1*Σ|x| + l2*Σx². Its gradient takes
// sign(0) = 0, as TensorFlow's Abs gradient does.
type L1L2 struct{ L1, L2 float32 }

// NewRegularizer checks a spec and returns its regularizer.
func NewRegularizer(s RegularizerSpec) (Regularizer, error) {
	if s.L1 < 0 || s.L2 < 0 || math.IsNaN(float64(s.L1)) || math.IsNaN(float64(s.L2)) {
		return nil, fmt.Errorf("regularizer factors must be non-negative numbers, got l1=%v l2=%v", s.L1, s.L2)
	}
	if s.L1 == 0 && s.L2 == 0 {
		return nil, fmt.Errorf("regularizer needs l1 or l2 above zero")
	}
	return L1L2{L1: s.L1, L2: s.L2}, nil
}

// Spec implements Regularizer.
func (r L1L2) Spec() RegularizerSpec { return RegularizerSpec{L1: r.L1, L2: r.L2} }

// Penalty implements Regularizer. Sums run in float64 in a fixed order.
func (r L1L2) Penalty(x []float32) float64 {
	var s1, s2 float64
	for _, v := range x {
		f := float64(v)
		s1 += math.Abs(f)
		s2 += float64(f * f)
	}
	return float64(float64(r.L1)*s1) + float64(float64(r.L2)*s2)
}

// AddGrad implements Regularizer.
func (r L1L2) AddGrad(x, g []float32, scale float32) {
	a, b := float32(r.L1*scale), float32(2*r.L2*scale)
	for i, v := range x {
		switch {
		case v > 0:
			g[i] += a + float32(b*v)
		case v < 0:
			g[i] += -a + float32(b*v)
		}
	}
}

// String reads like the Keras call that makes the regularizer.
func (s RegularizerSpec) String() string {
	switch {
	case s.L1 != 0 && s.L2 != 0:
		return fmt.Sprintf("l1_l2(l1=%g, l2=%g)", s.L1, s.L2)
	case s.L1 != 0:
		return fmt.Sprintf("l1(%g)", s.L1)
	default:
		return fmt.Sprintf("l2(%g)", s.L2)
	}
}

// regularizerOf is the activity regularizer of a layer's output, or nil.
func regularizerOf(l Layer) Regularizer {
	if r, ok := l.(ActivityRegularized); ok {
		return r.ActivityRegularizer()
	}
	return nil
}

// activityPenalty is the penalty of a layer on its output out, divided by
// the batch size as Keras 2.15 adds it to the loss; 0 without a regularizer.
func activityPenalty(l Layer, out *tensor.Tensor) float64 {
	if r := regularizerOf(l); r != nil {
		return r.Penalty(out.Data) / float64(out.Rows())
	}
	return 0
}
