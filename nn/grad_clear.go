package nn

import "github.com/latent-go/latent/compute"

// A backward pass adds each layer's weight gradients into Param.Grad, so
// the gradients are cleared before it. A Dense kernel's gradient is not:
// the product that writes it overwrites it (beta 0) the first time in a
// pass and adds to it (beta 1) after, which gives the same values as
// adding onto zeros and saves a pass over the kernel's size (ae1: two
// kernels of 25,088 values a step, cleared on one thread) and the
// product's reading of the zeros.

// clearByWrite makes p's gradient one that the backward pass leaves to
// the first product that writes it (see overwriteBeta).
func (p *Param) clearByWrite() *Param {
	p.clearedByWrite = true
	return p
}

// overwriteBeta is the beta for a product that writes p's gradient in a
// backward pass: 0, overwriting it, on the pass's first write into a
// gradient that the pass did not clear, else 1, adding to it. It counts
// the write: the caller must make it.
func (p *Param) overwriteBeta() float32 {
	if p.unwritten {
		p.unwritten = false
		return 0
	}
	return 1
}

// zeroGradValues is how many values of gradients one piece of zeroGrads
// clears (64 KB).
const zeroGradValues = 1 << 14

// zeroGrads clears the gradients of params, the large ones in parallel
// (ae3's two large kernels are 100,352 values each: 800 KB cleared on one
// thread every step), except those that the first write overwrites: it
// marks them unwritten. On 2 threads the parallel clearing moved ae1's
// and ae3's steps by under 1% (in-process runs alternating the two, step
// by step); it is meant for 16, where the one-thread pass is a larger
// share of a shorter step.
func zeroGrads(params []*Param) {
	for _, p := range params {
		switch {
		case p.clearedByWrite:
			p.unwritten = true
		case len(p.Grad.Data) < 2*zeroGradValues:
			p.Grad.Zero()
		default:
			g := p.Grad.Data
			compute.ParallelEach(len(g), zeroGradValues, 1, func(lo, hi int) { clear(g[lo:hi]) })
		}
	}
}

// clearUnwritten clears, at the end of a backward pass, the gradients
// left to a first write that did not come (a layer the loss does not
// depend on): every gradient then holds this pass's values.
func clearUnwritten(params []*Param) {
	for _, p := range params {
		if p.unwritten {
			p.Grad.Zero()
			p.unwritten = false
		}
	}
}
