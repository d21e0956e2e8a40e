package nn

import (
	"fmt"
	"sync"
	"time"

	"github.com/latent-go/latent/tensor"
)

// Session runs a Model: it holds one caller's batch buffers, its layers'
// scratch state and, for layers that draw random numbers in inference, its
// own random streams. The model's weights are shared read-only between
// sessions, so each goroutine that predicts runs its own Session on one
// shared Model. A Session itself is not safe for concurrent use.
//
// Training runs one session: Forward, then an objective writes the
// gradients of the outputs (Output(i).Grad or LogitGrad), then Backward.
type Session struct {
	m       *Model
	calls   map[*Node]*Call
	scratch map[*Node][]*tensor.Tensor // per-consumer gradients of shared nodes
	penalty float64
}

// NewSession starts a session on m.
func (m *Model) NewSession() *Session {
	return &Session{m: m, calls: map[*Node]*Call{}, scratch: map[*Node][]*tensor.Tensor{}}
}

// Model is the model the session runs.
func (s *Session) Model() *Model { return s.m }

func (s *Session) call(n *Node) *Call {
	c, ok := s.calls[n]
	if !ok {
		c = &Call{Out: &tensor.Tensor{}, GradOut: &tensor.Tensor{}, GradPre: &tensor.Tensor{}}
		s.calls[n] = c
	}
	return c
}

// Forward runs the model on one batch per input and returns the outputs.
// The returned tensors belong to the session and are overwritten by the
// next call. training selects training behaviour in layers that have one.
func (s *Session) Forward(inputs []*tensor.Tensor, training bool) ([]*tensor.Tensor, error) {
	m := s.m
	rows, err := m.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	s.penalty = 0
	for i, in := range m.inputs {
		c := s.call(in)
		c.Out = inputs[i]
		c.GradOutSet, c.GradPreSet = false, false
	}
	for _, n := range m.order {
		if m.isInput(n) || m.runsWithItsInput(n) || s.forwardView(n, rows, training) || s.skipUnwritten(n, rows, training) {
			continue
		}
		c := s.prepare(n, rows, training)
		if !s.forwardConv(n, c, rows) {
			m.clock.time(n.layer, c, false, n.layer.Forward)
		}
		s.penalty += activityPenalty(n.layer, c.Out)
	}
	outs := make([]*tensor.Tensor, len(m.outputs))
	for i, o := range m.outputs {
		outs[i] = s.call(o).Out
	}
	return outs, nil
}

// prepare readies node n's call for a batch of rows samples: its inputs,
// its output's size, no gradients yet.
func (s *Session) prepare(n *Node, rows int, training bool) *Call {
	c := s.readyCall(n, rows, training)
	c.Out.Resize(rows, n.shape)
	return c
}

// readyCall is prepare without the output's values: its shape only (a
// view or an unwritten output sets its values, or none, itself).
func (s *Session) readyCall(n *Node, rows int, training bool) *Call {
	c := s.call(n)
	c.In = c.In[:0]
	for _, p := range n.inputs {
		c.In = append(c.In, s.call(p).Out)
	}
	c.Training = training
	c.GradOutSet, c.GradPreSet = false, false
	c.Out.Shape = append(append(c.Out.Shape[:0], rows), n.shape...)
	return c
}

// Output is output i of the last Forward, as an objective sees it.
func (s *Session) Output(i int) Output {
	n := s.m.outputs[i]
	return OutputOf(n.layer, s.call(n))
}

// OutputOf is the output of one call of layer l (the model's sessions use
// it; tests of a single layer do too).
func OutputOf(l Layer, c *Call) Output {
	o := Output{Value: c.Out, call: c}
	if ll, ok := l.(LogitLayer); ok && ll.ActivationName() == "sigmoid" {
		o.SigmoidLogits = ll.Logits(c)
	}
	return o
}

// Penalty is the sum of the activity penalties of the last Forward, each
// divided by the batch size as Keras 2.15 does: the loss a model adds to
// its objective (Keras's model.losses).
func (s *Session) Penalty() float64 { return s.penalty }

// PenaltyPerSample adds each sample's activity penalty of the last Forward
// to out (one entry per sample): their mean is Penalty.
func (s *Session) PenaltyPerSample(out []float64) {
	for _, n := range s.m.order {
		if r := regularizerOf(n.layer); r != nil {
			c := s.call(n)
			for i := range out {
				out[i] += r.Penalty(c.Out.Row(i))
			}
		}
	}
}

// Backward propagates the gradients that an objective has written on the
// outputs back through the graph, adding the activity penalties' gradients
// on the way, and leaves dLoss/dParam in each Param.Grad (reset first).
func (s *Session) Backward() {
	m := s.m
	params := m.Params()
	zeroGrads(params)
	defer clearUnwritten(params)
	for i := len(m.order) - 1; i >= 0; i-- {
		n := m.order[i]
		if m.isInput(n) || m.backsWithItsReader(n) || s.gathersPooling(n) {
			continue
		}
		c := s.call(n)
		if r := regularizerOf(n.layer); r != nil {
			ensureGradOut(c)
			r.AddGrad(c.Out.Data, c.GradOut.Data, 1/float32(c.Out.Rows()))
		}
		if s.backwardThroughUpsampling(n, c) || s.backwardThroughPooling(n, c) {
			continue
		}
		shared := s.gradInputs(n, c)
		if !backwardView(n, c) {
			m.clock.time(n.layer, c, true, n.layer.Backward)
		}
		s.addShared(n, c, shared)
	}
}

// addShared adds the gradients of n's inputs that went to buffers of
// their own (shared, from gradInputs) into those inputs' gradients.
func (s *Session) addShared(n *Node, c *Call, shared []int) {
	for _, j := range shared {
		pc := s.call(n.inputs[j])
		ensureGradOut(pc)
		for k, g := range c.GradIn[j].Data {
			pc.GradOut.Data[k] += g
		}
	}
}

// gradInputs points c.GradIn at the buffers that receive the gradients of
// n's inputs and returns the indices of those that must be added to a
// gradient already there (a node with several consumers).
func (s *Session) gradInputs(n *Node, c *Call) []int {
	c.GradIn = c.GradIn[:0]
	c.GradInPastReLU = false
	var shared []int
	for j, p := range n.inputs {
		if s.m.isInput(p) {
			c.GradIn = append(c.GradIn, nil)
			continue
		}
		pc := s.call(p)
		if s.m.foldsReLU(n) {
			pc.GradPre.Resize(pc.Out.Rows(), p.shape)
			pc.GradPreSet = true
			c.GradIn = append(c.GradIn, pc.GradPre)
			c.GradInPastReLU = true
			continue
		}
		// A node with one consumer takes its gradient directly, unless an
		// objective already set one on it (an output that also feeds
		// another layer, like a VAE's z_mean).
		if s.m.consumers[p] == 1 && !pc.GradOutSet {
			pc.GradOut.Resize(pc.Out.Rows(), p.shape)
			pc.GradOutSet = true
			c.GradIn = append(c.GradIn, pc.GradOut)
			continue
		}
		t := s.scratchFor(n, j)
		t.Resize(pc.Out.Rows(), p.shape)
		c.GradIn = append(c.GradIn, t)
		shared = append(shared, j)
	}
	return shared
}

// ensureGradOut makes c.GradOut a valid (zeroed if new) gradient buffer.
func ensureGradOut(c *Call) {
	if !c.GradOutSet {
		c.GradOut.Resize(c.Out.Rows(), c.Out.Shape[1:])
		c.GradOut.Zero()
		c.GradOutSet = true
	}
}

func (s *Session) scratchFor(n *Node, j int) *tensor.Tensor {
	sc := s.scratch[n]
	for len(sc) <= j {
		sc = append(sc, &tensor.Tensor{})
	}
	s.scratch[n] = sc
	return sc[j]
}

// Output is one output of a forward pass as an objective sees it: its
// values, its logits when the layer that made it ends in a sigmoid, and the
// buffers into which the objective writes its gradient.
type Output struct {
	Value *tensor.Tensor
	// SigmoidLogits are the pre-sigmoid values when the output layer ends
	// in a sigmoid (binary cross-entropy is computed from them, as Keras
	// does); nil otherwise.
	SigmoidLogits *tensor.Tensor
	call          *Call
}

// Grad returns the buffer, shaped like Value, for dLoss/dValue; Backward
// propagates what is written there.
func (o Output) Grad() *tensor.Tensor {
	c := o.call
	c.GradOut.Resize(c.Out.Rows(), c.Out.Shape[1:])
	c.GradOutSet = true
	return c.GradOut
}

// LogitGrad returns the buffer, shaped like SigmoidLogits, for
// dLoss/dLogits; Backward takes it past the activation's derivative.
func (o Output) LogitGrad() *tensor.Tensor {
	c := o.call
	c.GradPre.Resize(o.SigmoidLogits.Rows(), o.SigmoidLogits.Shape[1:])
	c.GradPreSet = true
	return c.GradPre
}

// layerClock accumulates the time each layer's passes take, when a
// benchmark asks for it (Model.TimeLayers).
type layerClock struct {
	mu    sync.Mutex
	times map[LayerPass]time.Duration
}

// time runs run(c) (a layer's Forward or Backward, or layers run
// together, counted as l) and adds the time it took to l's forward or
// backward pass.
func (k *layerClock) time(l Layer, c *Call, backward bool, run func(*Call)) {
	if k == nil {
		run(c)
		return
	}
	start := time.Now()
	run(c)
	k.mu.Lock()
	k.times[LayerPass{Layer: l.Name(), Class: l.Class(), Backward: backward}] += time.Since(start)
	k.mu.Unlock()
}

// checkInputs checks one batch per input against the model's input shapes
// and returns the batch size.
func (m *Model) checkInputs(inputs []*tensor.Tensor) (int, error) {
	if len(inputs) != len(m.inputs) {
		return 0, fmt.Errorf("model %q takes %d inputs, got %d", m.name, len(m.inputs), len(inputs))
	}
	rows := -1
	for i, x := range inputs {
		if !tensor.SameShape(x.Shape[1:], m.inputs[i].shape) {
			return 0, fmt.Errorf("model %q: input %d has per-sample shape %s, want %s", m.name, i, tensor.ShapeString(x.Shape[1:]), tensor.ShapeString(m.inputs[i].shape))
		}
		if rows >= 0 && x.Rows() != rows {
			return 0, fmt.Errorf("model %q: inputs have %d and %d rows", m.name, rows, x.Rows())
		}
		rows = x.Rows()
	}
	return rows, nil
}
