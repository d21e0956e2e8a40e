package nn

import (
	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/tensor"
)

// Layers that run together: a ReLU's derivative folded into the layer
// that consumes it, a convolution's max pooling run inside the
// convolution, and a kn2row convolution that reads its input before the
// upsampling that made it. The model plans them once (planFolds); each
// gives the bits of the layers run one by one (TestFoldedReLUsSameBits).
//
// A MaxPooling2D or UpSampling2D that follows a convolution with a ReLU
// can apply the ReLU's derivative itself, where it costs less: max pooling
// masks its own output's gradient (a quarter of the values) before it
// spreads it, upsampling masks each image's summed gradient while it is in
// cache. So does a Conv2D or Conv2DTranspose that follows one: it masks
// its input gradient as it writes it, a group of images or a slice of
// rows at a time, while it is in cache. The convolution before then finds
// its pre-activation gradient ready (GradPre) and skips its own pass over
// the whole output (its bias gradient is then summed in a pass of its
// own, which only reads). The numbers are
// the same bits: the ReLU's derivative keeps a gradient where its input z
// is positive, and z is positive exactly where the ReLU's output is.
//
// Once nothing reads a convolution's output but the max pooling after it,
// the two run as one pass: each group of images is convolved and pooled
// while it is in cache, and the convolution's output, four times the
// pooling's, is never written to memory (the Session runs the pair at the
// convolution's node and skips the pooling's).
//
// Where that convolution reads the model's input (it has no input
// gradient to make) and the pooling's windows tile the image, their
// backward passes run as one too: the convolution's bias and kernel
// gradients read its gradient past the ReLU a piece of rows at a time,
// each made in cache from the pooled gradient (each pixel's value
// gathered from its window's argmax), and it is never written (conv's
// first layer: 6.4 MB a batch, written, then read twice).
//
// A kn2row convolution multiplies every input pixel by the kernel; after
// an UpSampling2D, each pixel is one of the smaller image's, repeated, so
// its products are those of its source pixel: the convolution makes them
// for the smaller image (a quarter of the rows for 2×2) and sums them
// through a table that reads each pixel's from its source. Its kernel's
// gradient reads the upsampled pixels from their sources too, a k slice
// at a time, so that where nothing else reads the upsampling's output,
// the upsampling writes none (a 28×28×32 batch is 12.8 MB): its node is
// skipped in the forward pass, its output left with its shape and no
// values, and its backward pass reads only its input and its gradient.

// foldReLUs turns all of them on; tests turn them off to compare.
var foldReLUs = true

// reluFolder is a layer whose Backward applies, when its Call's
// GradInPastReLU is set, the derivative of the ReLU that made its input,
// reading that ReLU's output (its own input) where its input gradient is
// in cache.
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
	unwritten map[*Node]bool       // upsamplings whose output no one reads
	gathered  map[*Node]bool       // poolings whose gradient their convolution gathers
}

// upsampling is the UpSampling2D node a kn2row convolution's input comes
// from, with the convolution's sum table over the upsampling's input.
type upsampling struct {
	node *Node
	sums *compute.GatherTable
}

// planFolds plans, for every node of the model, what it runs together
// with (see planFold and planUpsampled).
func (m *Model) planFolds() foldPlan {
	plan := foldPlan{folds: map[*Node]bool{}, pools: map[*Node]*Node{}, pooled: map[*Node]bool{}, upsampled: map[*Node]upsampling{}, unwritten: map[*Node]bool{}, gathered: map[*Node]bool{}}
	outputs := map[*Node]bool{}
	for _, o := range m.outputs {
		outputs[o] = true
	}
	for _, n := range m.order {
		m.planFold(&plan, n, outputs)
		m.planUpsampled(&plan, n, outputs)
	}
	return plan
}

// planFold says whether n folds its input's ReLU: n can, its input's layer
// ends in a ReLU, and nothing else adds to that input's gradient (a single
// consumer, not a model output, no activity regularizer); and whether,
// being a max pooling of a Conv2D, it runs with the convolution.
func (m *Model) planFold(plan *foldPlan, n *Node, outputs map[*Node]bool) {
	if _, ok := n.layer.(reluFolder); !ok || len(n.inputs) != 1 {
		return
	}
	p := n.inputs[0]
	ll, ok := p.layer.(LogitLayer)
	if !ok || ll.ActivationName() != "relu" || regularizerOf(p.layer) != nil || m.consumers[p] != 1 || outputs[p] || m.isInput(p) {
		return
	}
	plan.folds[n] = true
	conv, isConv := p.layer.(*Conv2D)
	if pool, isPool := n.layer.(*MaxPooling2D); isConv && isPool {
		plan.pools[p], plan.pooled[n] = n, true
		plan.gathered[n] = !conv.useKn2row() && pool.partition && len(p.inputs) == 1 && m.isInput(p.inputs[0])
	}
}

// gathersPooling says whether max pooling node q's backward pass runs
// inside its convolution's (backwardThroughPooling): planned (an im2col
// convolution of the model's input, windows that partition the image),
// a gradient reached the pooling, the batch is tall enough that the bias
// gradient is summed by pieces of rows, and the gathering runs in vector
// code (in portable Go, making the rows twice costs more than the pass it
// saves). Either way the bits are the same.
func (s *Session) gathersPooling(q *Node) bool {
	if !foldReLUs || !s.m.fold.gathered[q] {
		return false
	}
	conv := q.inputs[0].layer.(*Conv2D)
	if !compute.VectorGathers(conv.filters) {
		return false
	}
	qc := s.call(q)
	return qc.GradOutSet && byRowPieces(qc.Out.Rows()*conv.g.outH*conv.g.outW, conv.filters)
}

// backwardThroughPooling runs the backward passes of convolution node n
// (call c) and of the max pooling after it as one, where the pooling's
// gradient is gathered (gathersPooling), and reports whether it did: the
// convolution reads its gradient past the ReLU a piece of rows at a time,
// each made in cache from the pooled gradient, and it is never written.
func (s *Session) backwardThroughPooling(n *Node, c *Call) bool {
	q := s.m.poolingOf(n)
	if q == nil || !s.gathersPooling(q) {
		return false
	}
	qc, pool, conv := s.call(q), q.layer.(*MaxPooling2D), n.layer.(*Conv2D)
	c.GradIn = append(c.GradIn[:0], nil)
	c.GradInPastReLU = false
	s.m.clock.time(n.layer, c, true, func(c *Call) {
		conv.backwardFromPooling(c, func(buf []float32, r0, kc int) []float32 {
			rows := buf[:kc*conv.filters]
			pool.gradientRows(qc, rows, r0, r0+kc)
			return rows
		})
	})
	return true
}

// planUpsampled says whether n, a kn2row Conv2D after an UpSampling2D,
// reads the upsampling's input, and makes its sum table for it; and
// whether, n being the upsampling's only reader, the upsampling need not
// write its output.
func (m *Model) planUpsampled(plan *foldPlan, n *Node, outputs map[*Node]bool) {
	conv, ok := n.layer.(*Conv2D)
	if !ok || !conv.useKn2row() || len(n.inputs) != 1 {
		return
	}
	p := n.inputs[0]
	if up, ok := p.layer.(*UpSampling2D); ok {
		plan.upsampled[n] = upsampling{p, conv.g.kn2rowSumUpsampledTable(conv.filters, up.sh, up.sw)}
		plan.unwritten[p] = m.consumers[p] == 1 && !outputs[p]
	}
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
	return &upsampledInput{x: s.call(up.node).In[0], factor: l.sh * l.sw, sums: up.sums, sources: l.source}
}

// backsWithItsReader says whether n is an upsampling whose backward pass
// runs with its reader's (backwardThroughUpsampling).
func (m *Model) backsWithItsReader(n *Node) bool { return foldReLUs && m.fold.unwritten[n] }

// backwardThroughUpsampling runs the backward passes of convolution node
// n (call c) and of the unwritten upsampling it reads through as one, and
// reports whether it did: the convolution's input gradient, made a group
// of images at a time, is summed onto the upsampling's input while in
// cache, as the upsampling's backward pass would sum it (copies in order,
// then its folded ReLU), and is never written whole.
func (s *Session) backwardThroughUpsampling(n *Node, c *Call) bool {
	up, ok := s.m.fold.upsampled[n]
	if !ok || !s.m.backsWithItsReader(up.node) {
		return false
	}
	uc := s.call(up.node)
	shared := s.gradInputs(up.node, uc)
	c.GradIn = append(c.GradIn[:0], nil)
	c.GradInPastReLU = false
	g := &upsampledGradient{src: uc.In[0], copies: up.node.layer.(*UpSampling2D).copies, pastReLU: uc.GradInPastReLU}
	if len(uc.GradIn) > 0 {
		g.dx = uc.GradIn[0]
	}
	conv := n.layer.(*Conv2D)
	s.m.clock.time(n.layer, c, true, func(c *Call) { conv.backwardThroughUpsampling(c, g) })
	s.addShared(up.node, uc, shared)
	return true
}

// skipUnwritten readies node n, an upsampling whose output no one reads
// (see planUpsampled), for a batch of rows samples without running it:
// its output gets its shape and no values, so that a read of them fails
// rather than finds stale ones. It reports whether n is one.
func (s *Session) skipUnwritten(n *Node, rows int, training bool) bool {
	if !foldReLUs || !s.m.fold.unwritten[n] {
		return false
	}
	s.readyCall(n, rows, training).Out.Data = nil
	return true
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
		s.m.clock.time(n.layer, c, false, func(c *Call) { conv.forward(c, up, nil) })
		return true
	}
	qc := s.prepare(q, rows, c.Training)
	pool := q.layer.(*MaxPooling2D)
	pool.prepare(qc, rows)
	s.m.clock.time(n.layer, c, false, func(c *Call) {
		conv.forward(c, up, func(i0, i1 int, out []float32) { pool.poolImages(qc, out, i0, i1) })
	})
	return true
}

// runsWithItsInput says whether n (a max pooling) runs with its convolution.
func (m *Model) runsWithItsInput(n *Node) bool { return foldReLUs && m.fold.pooled[n] }

// reluOutput is the output of the ReLU that made call's input, when the
// layer folds that ReLU's derivative into its input gradient, or nil.
func reluOutput(call *Call) *tensor.Tensor {
	if !call.GradInPastReLU {
		return nil
	}
	return call.In[0]
}
