package nn

import (
	"fmt"
	"maps"
	"time"

	"github.com/latent-go/latent/tensor"
)

// Model is a graph of layers from its input nodes to its output nodes,
// like a Keras functional Model. Models built from the same nodes share
// layers and therefore weights. A Model holds no batch state: a Session
// runs it, so one Model can serve many goroutines, each with its own
// Session (Predict makes one per call).
type Model struct {
	name      string
	inputs    []*Node
	outputs   []*Node
	order     []*Node // topological order, inputs first
	layers    []Layer // distinct layers in order of first use
	consumers map[*Node]int
	fold      foldPlan

	// clock, when not nil, accumulates the time spent in each layer's
	// forward and backward passes (see TimeLayers).
	clock *layerClock
}

// TimeLayers starts (or, with false, stops) accumulating the time each
// layer's forward and backward passes take, for benchmarks.
func (m *Model) TimeLayers(on bool) {
	if on {
		m.clock = &layerClock{times: map[LayerPass]time.Duration{}}
	} else {
		m.clock = nil
	}
}

// LayerPass is one layer's forward or backward pass, as TimeLayers counts
// them. Layers that run together (fold.go: a convolution and its pooling,
// a convolution that reads through an upsampling) count as the one that
// runs them.
type LayerPass struct {
	Layer    string // the layer's name
	Class    string // its class (Conv2D, Dense, ...)
	Backward bool
}

// LayerPassTimes returns the time accumulated in each layer's passes
// since TimeLayers(true).
func (m *Model) LayerPassTimes() map[LayerPass]time.Duration {
	if m.clock == nil {
		return nil
	}
	m.clock.mu.Lock()
	defer m.clock.mu.Unlock()
	return maps.Clone(m.clock.times)
}

// Model makes a model from inputs to outputs, named as Keras names them
// (model, model_1, ...).
func (s *Scope) Model(inputs, outputs []*Node) (*Model, error) {
	return NewModel(s.Name("model"), inputs, outputs)
}

// NewModel makes a model with the given name. Every path from an output back
// to an input node must end at one of inputs.
func NewModel(name string, inputs, outputs []*Node) (*Model, error) {
	if len(inputs) == 0 || len(outputs) == 0 {
		return nil, fmt.Errorf("model %q needs at least one input and one output", name)
	}
	m := &Model{name: name, inputs: inputs, outputs: outputs}
	isInput := map[*Node]bool{}
	for _, in := range inputs {
		isInput[in] = true
		m.order = append(m.order, in)
	}
	seen := map[*Node]bool{}
	for _, in := range inputs {
		seen[in] = true
	}
	var visit func(n *Node) error
	visit = func(n *Node) error {
		if seen[n] {
			return nil
		}
		seen[n] = true
		if _, ok := n.layer.(*InputLayer); ok {
			return fmt.Errorf("model %q: graph disconnected: an output depends on %q, which is not among the model's inputs", name, n.layer.Name())
		}
		for _, p := range n.inputs {
			if err := visit(p); err != nil {
				return err
			}
		}
		m.order = append(m.order, n)
		return nil
	}
	for _, out := range outputs {
		if err := visit(out); err != nil {
			return nil, err
		}
	}
	seenLayer := map[Layer]bool{}
	for _, n := range m.order {
		if !seenLayer[n.layer] {
			seenLayer[n.layer] = true
			m.layers = append(m.layers, n.layer)
		}
	}
	m.consumers = map[*Node]int{}
	for _, n := range m.order {
		if isInput[n] {
			continue
		}
		for _, p := range n.inputs {
			m.consumers[p]++
		}
	}
	m.fold = m.planFolds()
	return m, nil
}

// Name is the model's name.
func (m *Model) Name() string { return m.name }

// Inputs are the model's input nodes.
func (m *Model) Inputs() []*Node { return m.inputs }

// Outputs are the model's output nodes.
func (m *Model) Outputs() []*Node { return m.outputs }

// Nodes are the model's nodes in the order they run, inputs first.
func (m *Model) Nodes() []*Node { return m.order }

// Layers are the distinct layers, in the order they are first used.
func (m *Model) Layers() []Layer { return m.layers }

// Params are the trainable tensors of all layers, in layer order.
func (m *Model) Params() []*Param {
	var ps []*Param
	for _, l := range m.layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// CountParams is the number of trainable values.
func (m *Model) CountParams() int {
	n := 0
	for _, p := range m.Params() {
		n += len(p.Value.Data)
	}
	return n
}

func (m *Model) isInput(n *Node) bool {
	for _, in := range m.inputs {
		if in == n {
			return true
		}
	}
	return false
}

// Predict runs a one-input, one-output model over x in batches of
// batchSize (Keras's default is 32) and returns a new tensor of outputs. It
// runs a session of its own, so goroutines may call it at once.
func (m *Model) Predict(x *tensor.Tensor, batchSize int) (*tensor.Tensor, error) {
	if len(m.outputs) != 1 {
		return nil, fmt.Errorf("model %q has %d outputs; Predict needs one (PredictOutput picks one)", m.name, len(m.outputs))
	}
	return m.PredictOutput(x, batchSize, 0)
}

// PredictOutput is Predict for output i of a one-input model.
func (m *Model) PredictOutput(x *tensor.Tensor, batchSize, i int) (*tensor.Tensor, error) {
	if len(m.inputs) != 1 {
		return nil, fmt.Errorf("model %q has %d inputs; Predict needs one", m.name, len(m.inputs))
	}
	if batchSize <= 0 {
		return nil, fmt.Errorf("batch size must be positive, got %d", batchSize)
	}
	n := x.Rows()
	out := tensor.New(append([]int{n}, m.outputs[i].shape...)...)
	cols := out.Cols()
	s := m.NewSession()
	for lo := 0; lo < n; lo += batchSize {
		hi := min(lo+batchSize, n)
		y, err := s.Forward([]*tensor.Tensor{x.Slice(lo, hi)}, false)
		if err != nil {
			return nil, err
		}
		copy(out.Data[lo*cols:hi*cols], y[i].Data)
	}
	return out, nil
}

// Weight is one tensor of a model's state: a trainable parameter (a
// kernel, a bias) or, for layers that will keep some, non-trainable state
// (BatchNormalization's moving statistics). The summary, the model file,
// the checkpoint and the exporters all read this one list.
type Weight struct {
	Layer     Layer
	Name      string // "dense/kernel": the layer's name, "/", the weight's
	Value     *tensor.Tensor
	Trainable bool
	// Param is the trainable parameter behind the weight (nil for state).
	Param *Param
}

// Weights lists the model's weights in layer order, each layer's in
// Keras's order (kernel, bias).
func (m *Model) Weights() []Weight {
	return LayerWeights(m.layers)
}

// LayerWeights lists the weights of layers, in their order.
func LayerWeights(layers []Layer) []Weight {
	var ws []Weight
	for _, l := range layers {
		for _, p := range l.Params() {
			ws = append(ws, Weight{Layer: l, Name: l.Name() + "/" + p.Name, Value: p.Value, Trainable: true, Param: p})
		}
	}
	return ws
}
