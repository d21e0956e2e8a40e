package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/latent-go/latent/tensor"
)

// Scope plays the part of a Keras session: it hands out Keras's default
// names (input_1, dense, dense_1, model, model_1, ...) and the seeded random
// stream that initializes weights in layer-build order.
type Scope struct {
	rng     *rand.Rand
	counts  map[string]int
	used    map[string]bool
	applied map[Layer]int
}

// NewScope starts a scope whose weight initialization is drawn from seed.
func NewScope(seed uint64) *Scope {
	return &Scope{
		rng:     rand.New(rand.NewPCG(seed, 0x6c6174656e74)), // "latent"
		counts:  map[string]int{},
		used:    map[string]bool{},
		applied: map[Layer]int{},
	}
}

// Name returns a fresh name with the given prefix. Keras counts inputs from
// one (input_1, input_2) and everything else from zero (dense, dense_1).
func (s *Scope) Name(prefix string) string {
	for {
		n := s.counts[prefix]
		s.counts[prefix]++
		name := prefix
		if prefix == "input" {
			name = fmt.Sprintf("%s_%d", prefix, n+1)
		} else if n > 0 {
			name = fmt.Sprintf("%s_%d", prefix, n)
		}
		if !s.used[name] {
			s.used[name] = true
			return name
		}
	}
}

// claim reserves a user-given name, failing if it is taken.
func (s *Scope) claim(name string) error {
	if s.used[name] {
		return fmt.Errorf("layer name %q is used twice", name)
	}
	s.used[name] = true
	return nil
}

// Layer makes a layer from its spec, naming it after its class when the
// spec has no name.
func (s *Scope) Layer(spec LayerSpec) (Layer, error) {
	if spec.Name == "" {
		spec.Name = s.Name(classPrefix(spec.Type))
	} else if err := s.claim(spec.Name); err != nil {
		return nil, err
	}
	return NewLayer(spec)
}

// Dense is shorthand for s.Layer of a Dense spec.
func (s *Scope) Dense(units int, activation string) (Layer, error) {
	return s.Layer(LayerSpec{Type: "Dense", Units: units, Activation: activation})
}

// Node is a symbolic tensor: the output of one application of a layer (or a
// model input), with its per-sample shape.
type Node struct {
	layer  Layer
	inputs []*Node
	shape  []int
	index  int // how many times the layer was applied before this node
}

// Layer is the layer that produces the node.
func (n *Node) Layer() Layer { return n.layer }

// Inputs are the nodes the layer was applied to; none for an input.
func (n *Node) Inputs() []*Node { return n.inputs }

// Shape is the per-sample shape, without the batch dimension.
func (n *Node) Shape() []int { return append([]int(nil), n.shape...) }

// Input makes a model input of the given per-sample shape, like keras.Input.
func (s *Scope) Input(shape ...int) *Node {
	return s.NamedInput(s.Name("input"), shape...)
}

// NamedInput is Input with a chosen name.
func (s *Scope) NamedInput(name string, shape ...int) *Node {
	s.used[name] = true
	return &Node{layer: &InputLayer{name: name, shape: append([]int(nil), shape...)}, shape: append([]int(nil), shape...)}
}

// Apply applies l to the nodes, building it on first use, and returns its
// output node.
func (s *Scope) Apply(l Layer, in ...*Node) (*Node, error) {
	shapes := make([][]int, len(in))
	for i, n := range in {
		shapes[i] = n.shape
	}
	var out []int
	var err error
	if !l.Built() {
		out, err = l.Build(shapes, s.rng)
	} else {
		out, err = l.OutputShape(shapes)
	}
	if err != nil {
		return nil, err
	}
	n := &Node{layer: l, inputs: in, shape: out, index: s.applied[l]}
	s.applied[l]++
	return n, nil
}

// Chain makes the layers of specs and applies them in turn from node; it
// returns the last node and the layers. what names the chain in errors
// ("decoder layer 2: ...").
func (s *Scope) Chain(what string, node *Node, specs []LayerSpec) (*Node, []Layer, error) {
	var layers []Layer
	for i, ls := range specs {
		l, err := s.Layer(ls)
		if err != nil {
			return nil, nil, fmt.Errorf("%s layer %d: %w", what, i+1, err)
		}
		if node, err = s.Apply(l, node); err != nil {
			return nil, nil, fmt.Errorf("%s layer %d: %w", what, i+1, err)
		}
		layers = append(layers, l)
	}
	return node, layers, nil
}

// InputLayer is the layer behind a model input: it passes its value through.
type InputLayer struct {
	name  string
	shape []int
}

// Name implements Layer.
func (l *InputLayer) Name() string { return l.name }

// Class implements Layer.
func (l *InputLayer) Class() string { return "InputLayer" }

// Built implements Layer; an input needs no building.
func (l *InputLayer) Built() bool { return true }

// Build implements Layer.
func (l *InputLayer) Build(in [][]int, _ *rand.Rand) ([]int, error) { return l.OutputShape(in) }

// OutputShape implements Layer.
func (l *InputLayer) OutputShape(in [][]int) ([]int, error) {
	if len(in) != 0 {
		return nil, fmt.Errorf("input %q takes no inputs", l.name)
	}
	return l.shape, nil
}

// Params implements Layer.
func (l *InputLayer) Params() []*Param { return nil }

// Forward implements Layer; the model feeds inputs directly.
func (l *InputLayer) Forward(c *Call) {}

// Backward implements Layer.
func (l *InputLayer) Backward(c *Call) {}

// Spec implements Layer.
func (l *InputLayer) Spec() LayerSpec {
	return LayerSpec{Type: "InputLayer", Name: l.name, Shape: append([]int(nil), l.shape...)}
}

// ShapeOf formats a per-sample shape as Keras does; see tensor.ShapeString.
func ShapeOf(n *Node) string { return tensor.ShapeString(n.shape) }
