// Package loss holds the training losses with Keras 2.15's semantics: the
// batch loss is the mean over every element of the output, and binary
// cross-entropy after a sigmoid is computed from the logits.
package loss

import (
	"fmt"
	"math"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/internal/vecf"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

// Loss scores a model output against its target.
type Loss interface {
	// Name is the Keras name: "binary_crossentropy", "mean_squared_error".
	Name() string
	// Compute returns the batch loss (the mean over all B×D elements) of the
	// output of c, produced by layer, against target y. With grad it also
	// sets the loss's gradient on c (GradOut or GradPre).
	Compute(c *nn.Call, layer nn.Layer, y *tensor.Tensor, grad bool) float64
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

// BinaryCrossentropy is Keras's binary_crossentropy. After a sigmoid layer it
// works on the logits z, as fit and evaluate do in Keras 2.15:
// max(z,0) - z*y + log1p(exp(-|z|)), with gradient sigmoid(z) - y. On any
// other output it clips the probabilities p to [ε, 1-ε] and computes
// -(y*log(p+ε) + (1-y)*log(1-p+ε)).
type BinaryCrossentropy struct{}

// Name implements Loss.
func (BinaryCrossentropy) Name() string { return "binary_crossentropy" }

// Compute implements Loss.
func (BinaryCrossentropy) Compute(c *nn.Call, layer nn.Layer, y *tensor.Tensor, grad bool) float64 {
	if ll, ok := layer.(nn.LogitLayer); ok && ll.ActivationName() == "sigmoid" {
		return bceLogits(c, ll.Logits(c), y, grad)
	}
	return bceProbabilities(c, y, grad)
}

func bceLogits(c *nn.Call, z, y *tensor.Tensor, grad bool) float64 {
	n := len(z.Data)
	scale := 1 / float32(n)
	// The gradient goes to GradPre; in evaluation the buffer is scratch,
	// which lets the vector kernel run there too.
	c.GradPre.Resize(z.Rows(), z.Shape[1:])
	c.GradPreSet = grad
	p, g := c.Out.Data, c.GradPre.Data
	return reduce(n, func(lo, hi int) float64 {
		return vecf.BCELogits(z.Data[lo:hi], p[lo:hi], y.Data[lo:hi], g[lo:hi], scale)
	}) / float64(n)
}

func bceProbabilities(c *nn.Call, y *tensor.Tensor, grad bool) float64 {
	p := c.Out.Data
	n := len(p)
	scale := 1 / float32(n)
	if grad {
		c.GradOut.Resize(c.Out.Rows(), c.Out.Shape[1:])
		c.GradOutSet = true
	}
	return reduce(n, func(lo, hi int) float64 {
		var s float64
		for i := lo; i < hi; i++ {
			q := min(max(p[i], Epsilon), 1-Epsilon)
			yi := y.Data[i]
			a := q + Epsilon
			b := 1 - q + Epsilon
			s -= float64(yi)*math.Log(float64(a)) + float64(1-yi)*math.Log(float64(b))
			if grad {
				g := float32(0)
				if p[i] >= Epsilon && p[i] <= 1-Epsilon {
					g = -(yi/a - (1-yi)/b) * scale
				}
				c.GradOut.Data[i] = g
			}
		}
		return s
	}) / float64(n)
}

// MeanSquaredError is Keras's mean_squared_error: mean((p-y)²).
type MeanSquaredError struct{}

// Name implements Loss.
func (MeanSquaredError) Name() string { return "mean_squared_error" }

// Compute implements Loss.
func (MeanSquaredError) Compute(c *nn.Call, _ nn.Layer, y *tensor.Tensor, grad bool) float64 {
	p := c.Out.Data
	n := len(p)
	scale := 2 / float32(n)
	if grad {
		c.GradOut.Resize(c.Out.Rows(), c.Out.Shape[1:])
		c.GradOutSet = true
	}
	return reduce(n, func(lo, hi int) float64 {
		var s float64
		for i := lo; i < hi; i++ {
			d := p[i] - y.Data[i]
			s += float64(d) * float64(d)
			if grad {
				c.GradOut.Data[i] = d * scale
			}
		}
		return s
	}) / float64(n)
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
