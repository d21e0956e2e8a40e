package nn

import (
	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/tensor"
)

// A Conv2D with fewer filters than input channels (the one-filter layer
// that ends an image decoder, say) runs in the "kn2row" form rather than
// im2col: instead of copying every window of the input (kh*kw*C values per
// position) it multiplies each input pixel by every kernel offset's
// [C, filters] slice at once, one GEMM of the image [positions, C] by the
// kernel laid out as [C, kh*kw*filters], and then sums, for each output
// position, the kh*kw products its window reads (geometry.gatherSum). The
// matrix in between holds kh*kw*filters values per position instead of
// kh*kw*C, so for 1 filter over 32 channels it is 32 times smaller.

// useKn2row says whether this Conv2D runs in the kn2row form.
func (c *Conv2D) useKn2row() bool { return c.filters < c.g.inC }

// kernelByChannel lays the kernel [kh*kw, C, filters] out as
// [C, kh*kw*filters] in dst.
func (c *Conv2D) kernelByChannel(dst []float32) {
	taps, inC, f := c.kh*c.kw, c.g.inC, c.filters
	w := c.kernel.Value.Data
	for k := 0; k < taps; k++ {
		for ch := 0; ch < inC; ch++ {
			copy(dst[ch*taps*f+k*f:ch*taps*f+(k+1)*f], w[(k*inC+ch)*f:(k*inC+ch+1)*f])
		}
	}
}

// addKernelGradByChannel adds g, laid out as [C, kh*kw*filters], into the
// kernel's gradient [kh*kw, C, filters].
func (c *Conv2D) addKernelGradByChannel(g []float32) {
	taps, inC, f := c.kh*c.kw, c.g.inC, c.filters
	dw := c.kernel.Grad.Data
	for k := 0; k < taps; k++ {
		for ch := 0; ch < inC; ch++ {
			dst := dw[(k*inC+ch)*f : (k*inC+ch+1)*f]
			for j, v := range g[ch*taps*f+k*f : ch*taps*f+(k+1)*f] {
				dst[j] += v
			}
		}
	}
}

func (c *Conv2D) forwardKn2row(call *Call, s *convState) {
	x := call.In[0]
	batch := x.Rows()
	g := c.g
	inC, f := g.inC, c.filters
	width := g.kh * g.kw * f
	inPos, outPos := g.inH*g.inW, g.outH*g.outW
	s.byChannel = grow(s.byChannel, inC*width)
	c.kernelByChannel(s.byChannel)
	n := chunk(inPos, width, batch)
	s.cols = grow(s.cols, n*inPos*width)
	for b0 := 0; b0 < batch; b0 += n {
		b1 := min(b0+n, batch)
		rows := (b1 - b0) * inPos
		compute.Sgemm(false, false, rows, width, inC, 1, x.Data[b0*inPos*inC:], inC, s.byChannel, width, 0, s.cols, width)
		compute.ParallelFor(b1-b0, 1, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				g.gatherSum(s.cols[i*inPos*width:(i+1)*inPos*width], s.pre.Data[(b0+i)*outPos*f:(b0+i+1)*outPos*f], f)
			}
		})
	}
}

func (c *Conv2D) backwardKn2row(call *Call, s *convState, dPre *tensor.Tensor, dx *tensor.Tensor) {
	x := call.In[0]
	batch := x.Rows()
	g := c.g
	inC, f := g.inC, c.filters
	width := g.kh * g.kw * f
	inPos, outPos := g.inH*g.inW, g.outH*g.outW
	s.byChannel = grow(s.byChannel, inC*width)
	c.kernelByChannel(s.byChannel)
	n := chunk(inPos, width, batch)
	s.cols = grow(s.cols, n*inPos*width)
	s.gradT = grow(s.gradT, inC*width)
	for b0 := 0; b0 < batch; b0 += n {
		b1 := min(b0+n, batch)
		rows := (b1 - b0) * inPos
		compute.ParallelFor(b1-b0, 1, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				g.scatter(dPre.Data[(b0+i)*outPos*f:(b0+i+1)*outPos*f], s.cols[i*inPos*width:(i+1)*inPos*width], f)
			}
		})
		beta := float32(1)
		if b0 == 0 {
			beta = 0
		}
		xs := x.Data[b0*inPos*inC:]
		compute.Sgemm(true, false, inC, width, rows, 1, xs, inC, s.cols, width, beta, s.gradT, width)
		if dx != nil {
			compute.Sgemm(false, true, rows, inC, width, 1, s.cols, width, s.byChannel, width, 0, dx.Data[b0*inPos*inC:], inC)
		}
	}
	c.addKernelGradByChannel(s.gradT)
}
