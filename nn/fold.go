package nn

// Folding a ReLU's derivative into the layer that consumes it.
//
// A MaxPooling2D or UpSampling2D that follows a convolution with a ReLU
// can apply the ReLU's derivative itself, where it costs less: max pooling
// masks its own output's gradient (a quarter of the values) before it
// spreads it, upsampling masks each image's summed gradient while it is in
// cache. The convolution then finds its pre-activation gradient ready
// (GradPre) and skips its own pass over the whole output. The numbers are
// the same bits: the ReLU's derivative keeps a gradient where its input z
// is positive, and z is positive exactly where the ReLU's output is.

// foldReLUs turns the folding on; tests turn it off to compare.
var foldReLUs = true

// reluFolder is a layer whose Backward applies, when its Call's
// GradInPastReLU is set, the derivative of the ReLU that made its input.
type reluFolder interface {
	foldsReLU()
}

// foldsReLU reports whether the gradient of n's input p can go straight to
// p's pre-activation: n takes the ReLU's derivative on, p's layer ends in a
// ReLU, and nothing else adds to p's gradient (a single consumer, no
// objective on it, no activity regularizer).
func (s *Session) foldsReLU(n, p *Node, pc *Call) bool {
	if !foldReLUs {
		return false
	}
	if _, ok := n.layer.(reluFolder); !ok || len(n.inputs) != 1 {
		return false
	}
	ll, ok := p.layer.(LogitLayer)
	if !ok || ll.ActivationName() != "relu" || regularizerOf(p.layer) != nil {
		return false
	}
	return s.m.consumers[p] == 1 && !pc.GradOutSet && !pc.GradPreSet
}
