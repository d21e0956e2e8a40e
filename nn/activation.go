package nn

import (
	"fmt"
	"sort"
	"strings"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/tensor"
)

// Activation is an element-wise function applied at the end of a layer, as
// Keras's activation= argument is.
type Activation interface {
	// Name is the Keras name: "relu", "sigmoid", "tanh", "softplus", "linear".
	Name() string
	// Apply computes y[i] = f(z[i]), on the calling goroutine.
	Apply(z, y []float32)
	// Grad computes dz[i] = dy[i] * f'(z[i]), given z and y = f(z), on
	// the calling goroutine.
	Grad(z, y, dy, dz []float32)
}

// ApplyParallel is act.Apply spread over the threads in fixed pieces.
func ApplyParallel(act Activation, z, y []float32) {
	mapParallel(len(z), func(lo, hi int) { act.Apply(z[lo:hi], y[lo:hi]) })
}

// preActivation is where a layer keeps its pre-activation values: in its
// output itself when the activation is a ReLU, whose derivative needs only
// their signs (a ReLU's output is positive exactly where its input is), so
// that the layer writes and reads one tensor less; in own, sized like out,
// otherwise.
func preActivation(act Activation, own, out *tensor.Tensor) *tensor.Tensor {
	if _, isReLU := act.(relu); isReLU {
		return out
	}
	own.Resize(out.Rows(), out.Shape[1:])
	return own
}

// GradParallel is act.Grad spread over the threads in fixed pieces.
func GradParallel(act Activation, z, y, dy, dz []float32) {
	mapParallel(len(z), func(lo, hi int) { act.Grad(z[lo:hi], y[lo:hi], dy[lo:hi], dz[lo:hi]) })
}

var activations = map[string]Activation{
	"linear":   linear{},
	"relu":     relu{},
	"sigmoid":  sigmoid{},
	"tanh":     tanhAct{},
	"softplus": softplus{},
}

// ActivationByName returns the activation Keras knows by that name; "" and
// "linear" are the identity.
func ActivationByName(name string) (Activation, error) {
	if name == "" {
		name = "linear"
	}
	if a, ok := activations[name]; ok {
		return a, nil
	}
	names := make([]string, 0, len(activations))
	for n := range activations {
		names = append(names, n)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("unknown activation %q (known: %s)", name, strings.Join(names, ", "))
}

// elementGrain is the number of values one goroutine handles at a time in
// element-wise kernels.
const elementGrain = 1 << 14

func mapParallel(n int, fn func(lo, hi int)) { compute.ParallelEach(n, elementGrain, vectorLanes, fn) }

// vectorLanes is how many float32 values the vector kernels take at once;
// the last few of a range take the scalar path, whose sigmoid may differ
// in the last bit, so ranges are cut on multiples of it.
const vectorLanes = 16

type linear struct{}

func (linear) Name() string { return "linear" }
func (linear) Apply(z, y []float32) {
	copy(y, z)
}
func (linear) Grad(z, y, dy, dz []float32) { copy(dz, dy) }

type relu struct{}

func (relu) Name() string         { return "relu" }
func (relu) Apply(z, y []float32) { compute.ReLU(z, y) }

// Grad follows TensorFlow's ReluGrad: the derivative is 0 at z == 0.
func (relu) Grad(z, y, dy, dz []float32) { compute.ReLUGrad(z, dy, dz) }

type sigmoid struct{}

func (sigmoid) Name() string                { return "sigmoid" }
func (sigmoid) Apply(z, y []float32)        { compute.Sigmoid(z, y) }
func (sigmoid) Grad(z, y, dy, dz []float32) { compute.SigmoidGrad(y, dy, dz) }

// Sigmoid is 1/(1+exp(-z)) in float32, computed without overflow to
// within a few ulps, with the bits of the sigmoid layer's
// (compute.SigmoidValue).
func Sigmoid(z float32) float32 { return compute.SigmoidValue(z) }

type tanhAct struct{}

func (tanhAct) Name() string                { return "tanh" }
func (tanhAct) Apply(z, y []float32)        { compute.Tanh(z, y) }
func (tanhAct) Grad(z, y, dy, dz []float32) { compute.TanhGrad(y, dy, dz) }

type softplus struct{}

func (softplus) Name() string         { return "softplus" }
func (softplus) Apply(z, y []float32) { compute.Softplus(z, y) }
func (softplus) Grad(z, y, dy, dz []float32) {
	compute.Sigmoid(z, dz) // softplus' = sigmoid
	compute.Multiply(dz, dy)
}
