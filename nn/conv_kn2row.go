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
// position, the kh*kw products its window reads (a gather; see conv_tables.go). The
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

// addKernelGradByChannel adds g, laid out as [C, kh*kw*filters] or, when
// transposed, [kh*kw*filters, C], into the kernel's gradient
// [kh*kw, C, filters].
func (c *Conv2D) addKernelGradByChannel(g []float32, transposed bool) {
	taps, inC, f := c.kh*c.kw, c.g.inC, c.filters
	dw := c.kernel.Grad.Data
	for k := 0; k < taps; k++ {
		for ch := 0; ch < inC; ch++ {
			dst := dw[(k*inC+ch)*f : (k*inC+ch+1)*f]
			for j := range dst {
				if transposed {
					dst[j] += g[(k*f+j)*inC+ch]
				} else {
					dst[j] += g[ch*taps*f+k*f+j]
				}
			}
		}
	}
}

// kn2rowPlan holds the sizes of one kn2row pass.
type kn2rowPlan struct {
	inC, f, width int // width: kh*kw*filters values per input position
	inPos, outPos int // positions per image, in and out
	chunk         int // images whose kernel gradient is summed as one product
}

// planKn2row sizes the pass for batch images and lays the kernel out by
// channel in s.
func (c *Conv2D) planKn2row(s *convState, batch int) kn2rowPlan {
	g := c.g
	p := kn2rowPlan{inC: g.inC, f: c.filters, width: g.kh * g.kw * c.filters, inPos: g.inH * g.inW, outPos: g.outH * g.outW}
	p.chunk = chunk(p.inPos, p.width, batch)
	s.byChannel = grow(s.byChannel, p.inC*p.width)
	c.kernelByChannel(s.byChannel)
	return p
}

// forwardKn2row computes the products z of a group of images at a time,
// then sums each output position's window out of them.
func (c *Conv2D) forwardKn2row(call *Call, s *convState) {
	x := call.In[0]
	p := c.planKn2row(s, x.Rows())
	zLen := p.inPos * p.width
	eachGroup(x.Rows(), zLen, func(i0, i1 int, z []float32) {
		compute.SgemmSerial(false, false, (i1-i0)*p.inPos, p.width, p.inC, 1, x.Data[i0*p.inPos*p.inC:], p.inC, s.byChannel, p.width, 0, z, p.width)
		for i := i0; i < i1; i++ {
			compute.GatherSum(s.pre.Data[i*p.outPos*p.f:(i+1)*p.outPos*p.f], z[(i-i0)*zLen:], c.tables.kn2rowSum, p.f)
		}
	})
}

// spreadImages writes z, the gradient of images [i0, i1)'s products, from
// dPre.
func (c *Conv2D) spreadImages(p kn2rowPlan, dPre *tensor.Tensor, i0, i1 int, z []float32) {
	gatherRows(z, dPre.Data, p.outPos*p.f, c.tables.kn2rowSpread, p.inPos, p.width/p.f, p.f, i0*p.inPos, (i1-i0)*p.inPos, true)
}

func (c *Conv2D) backwardKn2row(call *Call, s *convState, dPre *tensor.Tensor, dx *tensor.Tensor) {
	x := call.In[0]
	batch := x.Rows()
	p := c.planKn2row(s, batch)
	s.gradT = grow(s.gradT, p.inC*p.width)
	// The kernel's gradient is summed as zᵀ·x when the channels fit the
	// GEMM's narrow kernels, otherwise as xᵀ·z; each element in the same
	// order either way. z is made k slice by k slice.
	byRows := p.inC <= narrowFilters
	taps := p.width / p.f
	for b0 := 0; b0 < batch; b0 += p.chunk {
		b1 := min(b0+p.chunk, batch)
		beta := float32(1)
		if b0 == 0 {
			beta = 0
		}
		xs := x.Data[b0*p.inPos*p.inC:]
		m, n := p.width, p.inC
		if !byRows {
			m, n = p.inC, p.width
		}
		compute.SumSlices(m, n, (b1-b0)*p.inPos, beta, s.gradT, func(dst []float32, r0, kc int) {
			withScratch(kc*p.width, func(z []float32) {
				gatherRows(z, dPre.Data, p.outPos*p.f, c.tables.kn2rowSpread, p.inPos, taps, p.f, b0*p.inPos+r0, kc, true)
				if byRows {
					compute.SgemmSerial(true, false, p.width, p.inC, kc, 1, z, p.width, xs[r0*p.inC:], p.inC, 0, dst, p.inC)
				} else {
					compute.SgemmSerial(true, false, p.inC, p.width, kc, 1, xs[r0*p.inC:], p.inC, z, p.width, 0, dst, p.width)
				}
			})
		})
	}
	c.addKernelGradByChannel(s.gradT, byRows)
	if dx != nil {
		s.kernelT = transposeInto(s.kernelT, s.byChannel, p.inC, p.width)
		eachGroup(batch, p.inPos*p.width, func(i0, i1 int, z []float32) {
			c.spreadImages(p, dPre, i0, i1, z)
			compute.SgemmSerial(false, false, (i1-i0)*p.inPos, p.inC, p.width, 1, z, p.width, s.kernelT, p.inC, 0, dx.Data[i0*p.inPos*p.inC:], p.inC)
		})
	}
}
