package nn

// A view layer (Reshape, Flatten) passes its input's values on unchanged,
// in the same order: only the per-sample shape changes. Its Forward and
// Backward copy the values, which a layer tested alone needs; a session
// instead lets the output share the input's storage, and the input's
// gradient the output's, so that a Flatten between the convolutions and the
// dense layers of a VAE moves no memory (it was a serial copy of 1.6 MB a
// batch each way).
type viewLayer interface {
	Layer
	isView()
}

func (l *Reshape) isView() {}

// shareViews turns the sharing on; tests turn it off to compare.
var shareViews = true

// forwardView runs node n as a view of its input when it is a view layer
// whose input a layer of this session made (a model input belongs to the
// caller, who may change it, so a view of one is copied as usual). It
// reports whether it did.
func (s *Session) forwardView(n *Node, rows int, training bool) bool {
	if _, ok := n.layer.(viewLayer); !ok || !shareViews || len(n.inputs) != 1 || s.m.isInput(n.inputs[0]) {
		return false
	}
	c := s.readyCall(n, rows, training)
	c.Out.Data = c.In[0].Data
	return true
}

// backwardView hands a view node's output gradient to its input as a view
// (no copy), and reports whether it did: it does not when the input's
// gradient is not needed or none reached the output.
func backwardView(n *Node, c *Call) bool {
	if _, ok := n.layer.(viewLayer); !ok || !shareViews || len(c.GradIn) != 1 || c.GradIn[0] == nil || !c.GradOutSet {
		return false
	}
	c.GradIn[0].Data = c.GradOut.Data
	return true
}
