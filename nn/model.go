package nn

import (
	"fmt"
	"time"

	"github.com/latent-go/latent/tensor"
)

// Model runs a graph of layers from its input nodes to its output nodes,
// like a Keras functional Model. Models built from the same nodes share
// layers and therefore weights. A Model is not safe for concurrent use: it
// keeps its batch buffers between calls so that training does not allocate.
type Model struct {
	name    string
	inputs  []*Node
	outputs []*Node
	order   []*Node // topological order, inputs first
	layers  []Layer // distinct layers in order of first use

	calls        map[*Node]*Call
	consumers    map[*Node]int
	scratch      map[*Node][]*tensor.Tensor // per-consumer gradients of shared nodes
	regularizers float64

	// timings, when not nil, accumulates the time spent in each layer
	// class, forward and backward (see TimeLayers).
	timings map[string]time.Duration
}

// TimeLayers starts (or, with false, stops) accumulating the time each
// layer class takes, forward and backward, for benchmarks.
func (m *Model) TimeLayers(on bool) {
	if on {
		m.timings = map[string]time.Duration{}
	} else {
		m.timings = nil
	}
}

// LayerTimes returns the time accumulated per layer class since
// TimeLayers(true).
func (m *Model) LayerTimes() map[string]time.Duration { return m.timings }

func (m *Model) forward(l Layer, c *Call) {
	if m.timings == nil {
		l.Forward(c)
		return
	}
	start := time.Now()
	l.Forward(c)
	m.timings[l.Class()] += time.Since(start)
}

func (m *Model) backward(l Layer, c *Call) {
	if m.timings == nil {
		l.Backward(c)
		return
	}
	start := time.Now()
	l.Backward(c)
	m.timings[l.Class()] += time.Since(start)
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

func (m *Model) call(n *Node) *Call {
	if m.calls == nil {
		m.calls = map[*Node]*Call{}
	}
	c, ok := m.calls[n]
	if !ok {
		c = &Call{Out: &tensor.Tensor{}, GradOut: &tensor.Tensor{}, GradPre: &tensor.Tensor{}}
		m.calls[n] = c
	}
	return c
}

// Forward runs the model on one batch per input and returns the outputs.
// The returned tensors belong to the model and are overwritten by the next
// call. training selects training behaviour in layers that have one.
func (m *Model) Forward(inputs []*tensor.Tensor, training bool) ([]*tensor.Tensor, error) {
	if len(inputs) != len(m.inputs) {
		return nil, fmt.Errorf("model %q takes %d inputs, got %d", m.name, len(m.inputs), len(inputs))
	}
	rows := -1
	for i, x := range inputs {
		if !tensor.SameShape(x.Shape[1:], m.inputs[i].shape) {
			return nil, fmt.Errorf("model %q: input %d has per-sample shape %v, want %v", m.name, i, x.Shape[1:], m.inputs[i].shape)
		}
		if rows >= 0 && x.Rows() != rows {
			return nil, fmt.Errorf("model %q: inputs have %d and %d rows", m.name, rows, x.Rows())
		}
		rows = x.Rows()
	}
	m.regularizers = 0
	for i, in := range m.inputs {
		c := m.call(in)
		c.Out = inputs[i]
		c.GradOutSet, c.GradPreSet = false, false
	}
	for _, n := range m.order {
		if m.isInput(n) {
			continue
		}
		c := m.call(n)
		c.In = c.In[:0]
		for _, p := range n.inputs {
			c.In = append(c.In, m.call(p).Out)
		}
		c.Training = training
		c.GradOutSet, c.GradPreSet = false, false
		c.Out.Resize(rows, n.shape)
		m.forward(n.layer, c)
		if r, ok := n.layer.(ActivityRegularized); ok && r.ActivityRegularizer() != nil {
			m.regularizers += r.ActivityRegularizer().Penalty(c.Out.Data) / float64(rows)
		}
	}
	outs := make([]*tensor.Tensor, len(m.outputs))
	for i, o := range m.outputs {
		outs[i] = m.call(o).Out
	}
	return outs, nil
}

// OutputCall is the call that produced output i in the last Forward: a loss
// reads its output (or logits) and writes its gradient there.
func (m *Model) OutputCall(i int) *Call { return m.call(m.outputs[i]) }

// OutputLayer is the layer that produces output i.
func (m *Model) OutputLayer(i int) Layer { return m.outputs[i].layer }

// RegularizationLoss is the sum of the activity penalties of the last
// Forward, each divided by the batch size as Keras 2.15 does.
func (m *Model) RegularizationLoss() float64 { return m.regularizers }

// Backward propagates the gradients that a loss has set on the output calls
// (GradOut or GradPre) back through the graph, adding the activity
// regularizers' gradients on the way, and leaves dLoss/dParam in each
// Param.Grad (reset first).
func (m *Model) Backward() {
	for _, p := range m.Params() {
		p.Grad.Zero()
	}
	for i := len(m.order) - 1; i >= 0; i-- {
		n := m.order[i]
		if m.isInput(n) {
			continue
		}
		c := m.call(n)
		if r, ok := n.layer.(ActivityRegularized); ok && r.ActivityRegularizer() != nil {
			m.ensureGradOut(c)
			r.ActivityRegularizer().AddGrad(c.Out.Data, c.GradOut.Data, 1/float32(c.Out.Rows()))
		}
		c.GradIn = c.GradIn[:0]
		var shared []int
		for j, p := range n.inputs {
			if m.isInput(p) {
				c.GradIn = append(c.GradIn, nil)
				continue
			}
			pc := m.call(p)
			// A node with one consumer takes its gradient directly, unless
			// a loss already set one on it (an output that also feeds
			// another layer, like a VAE's z_mean).
			if m.consumers[p] == 1 && !pc.GradOutSet {
				pc.GradOut.Resize(pc.Out.Rows(), p.shape)
				pc.GradOutSet = true
				c.GradIn = append(c.GradIn, pc.GradOut)
				continue
			}
			t := m.scratchFor(n, j)
			t.Resize(pc.Out.Rows(), p.shape)
			c.GradIn = append(c.GradIn, t)
			shared = append(shared, j)
		}
		m.backward(n.layer, c)
		for _, j := range shared {
			pc := m.call(n.inputs[j])
			m.ensureGradOut(pc)
			for k, g := range c.GradIn[j].Data {
				pc.GradOut.Data[k] += g
			}
		}
	}
}

// ensureGradOut makes c.GradOut a valid (zeroed if new) gradient buffer.
func (m *Model) ensureGradOut(c *Call) {
	if !c.GradOutSet {
		c.GradOut.Resize(c.Out.Rows(), c.Out.Shape[1:])
		c.GradOut.Zero()
		c.GradOutSet = true
	}
}

func (m *Model) scratchFor(n *Node, j int) *tensor.Tensor {
	if m.scratch == nil {
		m.scratch = map[*Node][]*tensor.Tensor{}
	}
	s := m.scratch[n]
	for len(s) <= j {
		s = append(s, &tensor.Tensor{})
	}
	m.scratch[n] = s
	return s[j]
}

// Predict runs a one-input, one-output model over x in batches of
// batchSize (Keras's default is 32) and returns a new tensor of outputs.
func (m *Model) Predict(x *tensor.Tensor, batchSize int) (*tensor.Tensor, error) {
	if len(m.inputs) != 1 || len(m.outputs) != 1 {
		return nil, fmt.Errorf("model %q has %d inputs and %d outputs; Predict needs one of each", m.name, len(m.inputs), len(m.outputs))
	}
	if batchSize <= 0 {
		return nil, fmt.Errorf("batch size must be positive, got %d", batchSize)
	}
	n := x.Rows()
	out := tensor.New(append([]int{n}, m.outputs[0].shape...)...)
	cols := out.Cols()
	for lo := 0; lo < n; lo += batchSize {
		hi := min(lo+batchSize, n)
		y, err := m.Forward([]*tensor.Tensor{x.Slice(lo, hi)}, false)
		if err != nil {
			return nil, err
		}
		copy(out.Data[lo*cols:hi*cols], y[0].Data)
	}
	return out, nil
}
