// Package loss holds the reconstruction losses with Keras 2.15's semantics:
// the batch loss is the mean over every element of the output, and binary
// cross-entropy after a sigmoid is computed from the logits. Each loss also
// scores samples one by one (the mean over a sample's elements), which is
// what anomaly detection ranks; the batch loss is the mean of those scores.
//
// It imports nn (for a model output and its gradient buffers) and compute,
// nothing above them.
package loss

import (
	"fmt"
	"math"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

// Loss scores a model output against its target.
type Loss interface {
	// Name is the Keras name: "binary_crossentropy", "mean_squared_error".
	Name() string
	// Compute returns the batch loss (the mean over all B×D elements) of
	// out against target y. With grad it also writes the loss's gradient
	// into out's gradient buffer (out.Grad, or out.LogitGrad when it works
	// on logits).
	Compute(out nn.Output, y *tensor.Tensor, grad bool) float64
	// PerSample writes each sample's loss, the mean over its D elements,
	// into dst (one entry per row of out).
	PerSample(out nn.Output, y *tensor.Tensor, dst []float64)
}

// ByName returns the loss Keras knows by that name.
func ByName(name string) (Loss, error) {
	switch name {
	case "binary_crossentropy", "bce":
		return BinaryCrossentropy{}, nil
	case "mean_squared_error", "mse":
		return MeanSquaredError{}, nil
	}
	return nil, fmt.Errorf("unknown loss %q (known: binary_crossentropy, mean_squared_error)", name)
}

// Epsilon is Keras's backend epsilon, 1e-7, used to clip probabilities.
const Epsilon float32 = 1e-7

// elementSum is a loss's sum over the elements [lo, hi) of an output; with
// g not nil (g[0] is element lo's) it also writes the gradients of those
// elements, times scale.
type elementSum func(lo, hi int, g []float32, scale float32) float64

// batchLoss is the mean of sum over all n elements, with the gradient of
// that mean written into g when g is not nil.
func batchLoss(n int, sum elementSum, g []float32) float64 {
	scale := 1 / float32(n)
	return reduce(n, func(lo, hi int) float64 {
		var piece []float32
		if g != nil {
			piece = g[lo:hi]
		}
		return sum(lo, hi, piece, scale)
	}) / float64(n)
}

// perSample writes the mean of sum over each row of cols elements into dst.
func perSample(dst []float64, cols int, sum elementSum) {
	for r := range dst {
		dst[r] = sum(r*cols, (r+1)*cols, nil, 0) / float64(cols)
	}
}

// BinaryCrossentropy is Keras's binary_crossentropy. After a sigmoid layer it
// works on the logits z, as fit and evaluate do in Keras 2.15:
// max(z,0) - z*y + log1p(exp(-|z|)), with gradient sigmoid(z) - y. On any
// other output it clips the probabilities p to [ε, 1-ε] and computes
// -(y*log(p+ε) + (1-y)*log(1-p+ε)).
type BinaryCrossentropy struct{}

// Name implements Loss.
func (BinaryCrossentropy) Name() string { return "binary_crossentropy" }

// Compute implements Loss.
func (BinaryCrossentropy) Compute(out nn.Output, y *tensor.Tensor, grad bool) float64 {
	n := len(out.Value.Data)
	if out.SigmoidLogits != nil {
		// The gradient buffer doubles as the vector kernel's scratch in
		// evaluation; Backward only follows a Compute with grad.
		return SumBCEFromLogits(out, y, out.LogitGrad().Data, 1/float32(n)) / float64(n)
	}
	var g []float32
	if grad {
		g = out.Grad().Data
	}
	return batchLoss(n, bceProbabilities(out.Value.Data, y.Data), g)
}

// PerSample implements Loss.
func (BinaryCrossentropy) PerSample(out nn.Output, y *tensor.Tensor, dst []float64) {
	cols := out.Value.Cols()
	if out.SigmoidLogits != nil {
		scratch := make([]float32, cols)
		sum := bceLogits(out, y)
		perSample(dst, cols, func(lo, hi int, _ []float32, _ float32) float64 {
			return sum(lo, hi, scratch[:hi-lo], 0)
		})
		return
	}
	perSample(dst, cols, bceProbabilities(out.Value.Data, y.Data))
}

// SumBCEFromLogits returns the binary cross-entropy of out (an output
// after a sigmoid) against y, summed over every element in fixed pieces so
// that the total does not depend on the threads, and writes each
// element's gradient with respect to its logit, times scale, into g (as
// long as the output). A VAE's reconstruction term is this sum.
func SumBCEFromLogits(out nn.Output, y *tensor.Tensor, g []float32, scale float32) float64 {
	sum := bceLogits(out, y)
	return reduce(len(g), func(lo, hi int) float64 { return sum(lo, hi, g[lo:hi], scale) })
}

func bceLogits(out nn.Output, y *tensor.Tensor) elementSum {
	z, p := out.SigmoidLogits.Data, out.Value.Data
	return func(lo, hi int, g []float32, scale float32) float64 {
		return compute.BCELogits(z[lo:hi], p[lo:hi], y.Data[lo:hi], g, scale)
	}
}

func bceProbabilities(p, y []float32) elementSum {
	return func(lo, hi int, g []float32, scale float32) float64 {
		var s float64
		for i := lo; i < hi; i++ {
			q := min(max(p[i], Epsilon), 1-Epsilon)
			yi := y[i]
			a := q + Epsilon
			b := 1 - q + Epsilon
			s -= float64(float64(yi)*math.Log(float64(a))) + float64(float64(1-yi)*math.Log(float64(b)))
			if g != nil {
				d := float32(0)
				if p[i] >= Epsilon && p[i] <= 1-Epsilon {
					d = -(yi/a - (1-yi)/b) * scale
				}
				g[i-lo] = d
			}
		}
		return s
	}
}

// MeanSquaredError is Keras's mean_squared_error: mean((p-y)²).
type MeanSquaredError struct{}

// Name implements Loss.
func (MeanSquaredError) Name() string { return "mean_squared_error" }

// Compute implements Loss.
func (MeanSquaredError) Compute(out nn.Output, y *tensor.Tensor, grad bool) float64 {
	var g []float32
	if grad {
		g = out.Grad().Data
	}
	n := len(out.Value.Data)
	sum := squaredError(out.Value.Data, y.Data)
	// d/dp of mean((p-y)²) is 2(p-y)/n.
	return batchLoss(n, func(lo, hi int, g []float32, scale float32) float64 { return sum(lo, hi, g, 2*scale) }, g)
}

// PerSample implements Loss.
func (MeanSquaredError) PerSample(out nn.Output, y *tensor.Tensor, dst []float64) {
	perSample(dst, out.Value.Cols(), squaredError(out.Value.Data, y.Data))
}

// squaredError sums (p-y)² as compute.SquaredError does: in 16 float64
// lanes, the same bits on every machine.
func squaredError(p, y []float32) elementSum {
	return func(lo, hi int, g []float32, scale float32) float64 {
		return compute.SquaredError(p[lo:hi], y[lo:hi], g, scale)
	}
}

const grain = 1 << 14

// reduce sums fn over fixed pieces of [0, n) in parallel and adds the
// pieces' results in order, so the total does not depend on the threads.
func reduce(n int, fn func(lo, hi int) float64) float64 {
	parts := make([]float64, compute.Pieces(n, grain))
	compute.ParallelFor(n, grain, func(lo, hi int) { parts[lo/grain] = fn(lo, hi) })
	var s float64
	for _, v := range parts {
		s += v
	}
	return s
}
