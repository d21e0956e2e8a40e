// Package nn holds latent's layers and models in Keras's functional style:
// layers are applied to nodes, a Model runs from its input nodes to its
// output nodes, and models that share layers share their weights, so the
// encoder and the decoder of an autoencoder are models of their own.
//
// A Model holds no batch state: a Session runs it, one per caller, so one
// model serves many goroutines. Every model lists its weights once
// (Weights), for the summary, the model files, the checkpoints and the
// exporters; PlanChain checks a stack of layers and counts its weights
// before any is allocated.
//
// It imports tensor and compute, nothing above them.
package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/latent-go/latent/tensor"
)

// Param is one trainable tensor of a layer and its gradient.
type Param struct {
	Name  string         // "kernel" or "bias", as Keras names them
	Value *tensor.Tensor // the weights
	Grad  *tensor.Tensor // dLoss/dValue, accumulated by Backward

	// clearedByWrite marks a gradient that a backward pass does not clear
	// first: the layer's first product into it overwrites it instead
	// (see overwriteBeta); unwritten is set while it holds the last
	// pass's values.
	clearedByWrite, unwritten bool
}

// Call is one application of a layer to a batch: its inputs, its output and
// their gradients, and scratch space that the layer keeps between batches so
// that training does not allocate.
type Call struct {
	In       []*tensor.Tensor // the inputs, batch first
	Out      *tensor.Tensor   // the output, written by Forward
	Training bool             // training or inference (for dropout, sampling, ...)

	// GradOut is dLoss/dOut, valid when GradOutSet.
	GradOut    *tensor.Tensor
	GradOutSet bool
	// GradPre is dLoss with respect to the pre-activation output, valid when
	// GradPreSet: a loss that works on logits (binary cross-entropy after a
	// sigmoid) hands its gradient here and skips the activation's derivative.
	GradPre    *tensor.Tensor
	GradPreSet bool
	// GradIn receives dLoss/dIn[i]; a nil entry means that gradient is not needed.
	GradIn []*tensor.Tensor
	// GradInPastReLU asks a layer that folds ReLUs (fold.go) to write in
	// GradIn[0] the gradient past the ReLU that made In[0]: 0 wherever
	// In[0] is not positive.
	GradInPastReLU bool

	// State belongs to the layer: buffers it keeps between batches.
	State any
}

// Layer is one kind of computation with its weights. A layer is built once,
// the first time it is applied to nodes, and may then be applied to other
// nodes with the same shapes: all its applications share its weights.
type Layer interface {
	// Name is the layer's unique name within its scope, e.g. "dense_1".
	Name() string
	// Class is the Keras class name, e.g. "Dense".
	Class() string
	// Build checks the per-sample input shapes (without the batch dimension),
	// creates the weights drawing from rng, and returns the per-sample output
	// shape. It is called once; later applications call OutputShape.
	Build(in [][]int, rng *rand.Rand) ([]int, error)
	// Built reports whether Build has run.
	Built() bool
	// OutputShape returns the per-sample output shape for inputs of these
	// shapes, or an error if the built layer cannot take them.
	OutputShape(in [][]int) ([]int, error)
	// Params are the trainable tensors, in Keras's order (kernel, bias).
	Params() []*Param
	// Forward computes c.Out from c.In. c.Out is already sized.
	Forward(c *Call)
	// Backward adds the weights' gradients into Params()[i].Grad and writes
	// the non-nil c.GradIn from c.GradOut and/or c.GradPre.
	Backward(c *Call)
	// Spec describes the layer so that it can be saved and rebuilt.
	Spec() LayerSpec
}

// ActivityRegularized is a layer whose output carries an activity regularizer.
type ActivityRegularized interface {
	ActivityRegularizer() Regularizer
}

// LogitLayer is a layer that ends with an activation and can hand its
// pre-activation values to a loss (Keras's _keras_logits).
type LogitLayer interface {
	ActivationName() string
	// Logits returns the pre-activation values of the last Forward of c.
	Logits(c *Call) *tensor.Tensor
}

// LayerSpec describes a layer in recipes and model files. Type names the
// Keras class; the other fields are that class's arguments.
type LayerSpec struct {
	Type                string           `json:"type"`
	Name                string           `json:"name,omitempty"`
	Units               int              `json:"units,omitempty"`
	Activation          string           `json:"activation,omitempty"`
	ActivityRegularizer *RegularizerSpec `json:"activity_regularizer,omitempty"`
	Shape               []int            `json:"shape,omitempty"` // Input only

	// Convolutions and pooling.
	Filters    int    `json:"filters,omitempty"`
	KernelSize []int  `json:"kernel_size,omitempty"` // [kh, kw] or [k]
	Strides    []int  `json:"strides,omitempty"`     // [sh, sw] or [s]; default 1 (pooling: the pool size)
	Padding    string `json:"padding,omitempty"`     // "valid" (default) or "same"
	PoolSize   []int  `json:"pool_size,omitempty"`   // MaxPooling2D; default [2, 2]
	Size       []int  `json:"size,omitempty"`        // UpSampling2D; default [2, 2]

	// Reshape.
	TargetShape []int `json:"target_shape,omitempty"`

	// Sampling: the seed of its normal draws.
	Seed uint64 `json:"seed,omitempty"`
}

// NewLayer makes an unbuilt layer from its spec; the name must be set.
func NewLayer(s LayerSpec) (Layer, error) {
	switch s.Type {
	case "Dense":
		return NewDense(s)
	case "Conv2D":
		return NewConv2D(s)
	case "Conv2DTranspose":
		return NewConv2DTranspose(s)
	case "MaxPooling2D":
		return NewMaxPooling2D(s)
	case "UpSampling2D":
		return NewUpSampling2D(s)
	case "Flatten":
		return NewFlatten(s)
	case "Reshape":
		return NewReshape(s)
	case "Sampling":
		return NewSampling(s)
	default:
		return nil, fmt.Errorf("unknown layer type %q (known: Dense, Conv2D, Conv2DTranspose, MaxPooling2D, UpSampling2D, Flatten, Reshape, Sampling)", s.Type)
	}
}

// classPrefix is the default name prefix Keras derives from a class name
// (generic_utils.to_snake_case): "Dense" gives "dense", "MaxPooling2D"
// "max_pooling2d", "Conv2DTranspose" "conv2d_transpose".
func classPrefix(class string) string {
	isUpper := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	isLower := func(c byte) bool { return c >= 'a' && c <= 'z' }
	// (.)([A-Z][a-z]+) -> \1_\2
	var a []byte
	for i := 0; i < len(class); i++ {
		if i > 0 && isUpper(class[i]) && i+1 < len(class) && isLower(class[i+1]) {
			a = append(a, '_')
		}
		a = append(a, class[i])
	}
	// ([a-z])([A-Z]) -> \1_\2, then lower case
	var b []byte
	for i := 0; i < len(a); i++ {
		if i > 0 && isUpper(a[i]) && isLower(a[i-1]) {
			b = append(b, '_')
		}
		c := a[i]
		if isUpper(c) {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}
