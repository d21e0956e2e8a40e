package nn

import "github.com/latent-go/latent/compute"

// Folding a ReLU's derivative into the layer that consumes it, and a
// convolution's max pooling into the convolution.
//
// A MaxPooling2D or UpSampling2D that follows a convolution with a ReLU
// can apply the ReLU's derivative itself, where it costs less: max pooling
// masks its own output's gradient (a quarter of the values) before it
// spreads it, upsampling masks each image's summed gradient while it is in
// cache. The convolution then finds its pre-activation gradient ready
// (GradPre) and skips its own pass over the whole output. The numbers are
// the same bits: the ReLU's derivative keeps a gradient where its input z
// is positive, and z is positive exactly where the ReLU's output is.
//
// Once nothing reads a convolution's output but the max pooling after it,
// the two run as one pass: each group of images is convolved and pooled
// while it is in cache, and the convolution's output, four times the
// pooling's, is never written to memory (the Session runs the pair at the
// convolution's node and skips the pooling's).

// foldReLUs turns the folding and the fusing on; tests turn them off to
// compare.
var foldReLUs = true

// reluFolder is a layer whose Backward applies, when its Call's
// GradInPastReLU is set, the derivative of the ReLU that made its input.
type reluFolder interface {
	foldsReLU()
}

// foldPlan says which nodes of a model fold their input's ReLU, which
// convolutions run with the pooling after them, and which read their input
// before the upsampling that made it.
type foldPlan struct {
	folds     map[*Node]bool       // consumers that fold their input's ReLU
	pools     map[*Node]*Node      // a convolution's node -> its pooling's
	pooled    map[*Node]bool       // poolings run with their convolution
	upsampled map[*Node]upsampling // a kn2row convolution's node -> its input's upsampling
}

// upsampling is the UpSampling2D node a kn2row convolution's input comes
// from, with the convolution's sum table over the upsampling's input.
type upsampling struct {
	node *Node
	sums *compute.GatherTable
}

// planFolds finds the nodes whose input's ReLU they can fold: its layer
// ends in a ReLU and nothing else adds to its gradient (a single consumer,
// not a model output, no activity regularizer), and, among them, the max
// poolings of a Conv2D.
func (m *Model) planFolds() foldPlan {
	plan := foldPlan{folds: map[*Node]bool{}, pools: map[*Node]*Node{}, pooled: map[*Node]bool{}, upsampled: map[*Node]upsampling{}}
	outputs := map[*Node]bool{}
	for _, o := range m.outputs {
		outputs[o] = true
	}
	for _, n := range m.order {
		if conv, ok := n.layer.(*Conv2D); ok && conv.useKn2row() && len(n.inputs) == 1 {
			if up, ok := n.inputs[0].layer.(*UpSampling2D); ok {
				plan.upsampled[n] = upsampling{n.inputs[0], conv.g.kn2rowSumUpsampledTable(conv.filters, up.sh, up.sw)}
			}
		}
		if _, ok := n.layer.(reluFolder); !ok || len(n.inputs) != 1 {
			continue
		}
		p := n.inputs[0]
		ll, ok := p.layer.(LogitLayer)
		if !ok || ll.ActivationName() != "relu" || regularizerOf(p.layer) != nil || m.consumers[p] != 1 || outputs[p] || m.isInput(p) {
			continue
		}
		plan.folds[n] = true
		_, isConv := p.layer.(*Conv2D)
		if _, isPool := n.layer.(*MaxPooling2D); isConv && isPool {
			plan.pools[p], plan.pooled[n] = n, true
		}
	}
	return plan
}

// foldsReLU says whether n takes its input's ReLU's derivative on.
func (m *Model) foldsReLU(n *Node) bool { return foldReLUs && m.fold.folds[n] }

// poolingOf is the max pooling node that runs with convolution node n, or nil.
func (m *Model) poolingOf(n *Node) *Node {
	if !foldReLUs {
		return nil
	}
	return m.fold.pools[n]
}

// upsampledInput is convolution node n's input before the upsampling that
// made it, when n reads it there; nil otherwise.
func (s *Session) upsampledInput(n *Node) *upsampledInput {
	up, ok := s.m.fold.upsampled[n]
	if !foldReLUs || !ok {
		return nil
	}
	l := up.node.layer.(*UpSampling2D)
	return &upsampledInput{x: s.call(up.node).In[0], factor: l.sh * l.sw, sums: up.sums}
}

// forwardConv runs convolution node n (call c): with the pooling after it,
// and reading an upsampled input before its upsampling, where it can.
func (s *Session) forwardConv(n *Node, c *Call, rows int) bool {
	conv, ok := n.layer.(*Conv2D)
	if !ok {
		return false
	}
	up := s.upsampledInput(n)
	q := s.m.poolingOf(n)
	if q == nil {
		s.m.clock.forward(n.layer, c, func(c *Call) { conv.forward(c, up, nil) })
		return true
	}
	qc := s.prepare(q, rows, c.Training)
	pool := q.layer.(*MaxPooling2D)
	pool.prepare(qc, rows)
	s.m.clock.forward(n.layer, c, func(c *Call) {
		conv.forward(c, up, func(i0, i1 int, out []float32) { pool.poolImages(qc, out, i0, i1) })
	})
	return true
}

// runsWithItsInput says whether n (a max pooling) runs with its convolution.
func (m *Model) runsWithItsInput(n *Node) bool { return foldReLUs && m.fold.pooled[n] }
