package nn

import (
	"runtime"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/tensor"
)

// A Conv2D with fewer filters than input channels (the one-filter layer
// that ends an image decoder, say) runs in the "kn2row" form rather than
// im2col: instead of copying every window of the input (kh*kw*C values per
// position) it multiplies each input pixel by every kernel offset's
// [C, filters] slice at once, a GEMM of a group of images [positions, C]
// by the kernel laid out as [C, kh*kw*filters], and then sums, for each
// output position, the kh*kw products its window reads (a gather; see
// conv_tables.go). The matrix in between holds kh*kw*filters values per
// position instead of kh*kw*C, so for 1 filter over 32 channels it is 32
// times smaller.

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
// then sums each output position's window out of them (see forward). An
// input that an UpSampling2D made (up, not nil) is read before it: each of
// its pixels is one of the smaller image's, whose products are the same
// numbers, so z is made for the smaller image, with sh×sw times fewer
// rows, and the sums read each pixel's from its source.
func (c *Conv2D) forwardKn2row(call *Call, s *convState, pre *tensor.Tensor, up *upsampledInput, then groupOutput) {
	x, table := call.In[0], c.tables.kn2rowSum
	p := c.planKn2row(s, x.Rows())
	inPos := p.inPos
	s.up = up
	if up != nil {
		x, table, inPos = up.x, up.sums, p.inPos/up.factor
	}
	zLen, outLen := inPos*p.width, p.outPos*p.f
	eachGroup(x.Rows(), zLen, inPos, func(i0, i1 int, z []float32) {
		compute.SgemmSerial(false, false, (i1-i0)*inPos, p.width, p.inC, 1, x.Data[i0*inPos*p.inC:], p.inC, s.byChannel, p.width, 0, z, p.width)
		c.intoGroup(call, pre, i0, i1, then, func(group []float32) {
			for i := range i1 - i0 {
				compute.GatherSum(group[i*outLen:(i+1)*outLen], z[i*zLen:], table, p.f)
			}
		})
	})
}

// upsampledInput is a kn2row layer's input as an UpSampling2D's input x,
// before the upsampling (factor pixels for one), with the layer's sum
// table over it (kn2rowSumUpsampledTable).
type upsampledInput struct {
	x       *tensor.Tensor
	factor  int
	sums    *compute.GatherTable
	sources *compute.GatherTable // for each upsampled pixel, where its source's channels start
}

// backwardKn2row spreads dPre into z a chunk of images at a time (kn2row's
// z is small: kh*kw*filters values per input pixel, and filters are few)
// and takes the kernel's and the input's gradients from it as products
// over the chunk, one after the other. Each pass has pieces enough for
// every thread (hundreds of k slices, of rows), and run one after the
// other rather than at once (compute.Together), as with the bias gradient
// before them, the conv recipe's step took 2 to 4% less time on 2 threads
// (in-process runs alternating the two, step by step). Where Forward read
// the input before its upsampling, so does the kernel's gradient.
func (c *Conv2D) backwardKn2row(call *Call, s *convState, dPre *tensor.Tensor, dx *tensor.Tensor) {
	x := call.In[0]
	batch := x.Rows()
	p := c.planKn2row(s, batch)
	zLen := p.inPos * p.width
	s.z = grow(s.z, p.chunk*zLen)
	s.gradT = grow(s.gradT, p.inC*p.width)
	// The kernel's gradient is summed as zᵀ·x, both read in place, when the
	// channels fit the GEMM's narrow kernels, otherwise as xᵀ·z; each
	// element in the same order either way.
	byRows := p.inC <= narrowFilters
	for b0 := 0; b0 < batch; b0 += p.chunk {
		b1 := min(b0+p.chunk, batch)
		rows := (b1 - b0) * p.inPos
		compute.ParallelFor(b1-b0, 1, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				compute.GatherSum(s.z[i*zLen:(i+1)*zLen], dPre.Data[(b0+i)*p.outPos*p.f:(b0+i+1)*p.outPos*p.f], c.tables.kn2rowSpread, p.f)
			}
		})
		beta := float32(1)
		if b0 == 0 {
			beta = 0
		}
		c.kn2rowKernelGradient(s, p, x, b0, rows, beta, byRows)
		switch {
		case s.upGrad != nil:
			c.upsampledInputGradient(s, p, b0, b1)
		case dx != nil && call.GradInPastReLU:
			c.maskedInputGradient(s, p, x, dx, b0, b1)
		case dx != nil:
			compute.Sgemm(false, true, rows, p.inC, p.width, 1, s.z, p.width, s.byChannel, p.width, 0, dx.Data[b0*p.inPos*p.inC:], p.inC)
		}
	}
	c.addKernelGradByChannel(s.gradT, byRows)
}

// kn2rowKernelGradient sums the kernel's gradient over rows rows of z (a
// chunk of images from image b0 on) into s.gradT (beta times what is
// there): zᵀ·x when byRows, xᵀ·z otherwise, x read in place, or, where
// Forward read it before its upsampling (s.up), each k slice's rows of x
// copied from their sources first. The slices are the product's own
// (compute.SumChunks), so the bits are the in-place product's.
func (c *Conv2D) kn2rowKernelGradient(s *convState, p kn2rowPlan, x *tensor.Tensor, b0, rows int, beta float32, byRows bool) {
	product := func(gemm sgemmFunc, xs, z, dst []float32, k int, beta float32) {
		if byRows {
			gemm(true, false, p.width, p.inC, k, 1, z, p.width, xs, p.inC, beta, dst, p.inC)
		} else {
			gemm(true, false, p.inC, p.width, k, 1, xs, p.inC, z, p.width, beta, dst, p.width)
		}
	}
	if s.up == nil {
		product(compute.Sgemm, x.Data[b0*p.inPos*p.inC:], s.z, s.gradT, rows, beta)
		return
	}
	m, n := p.width, p.inC
	if !byRows {
		m, n = p.inC, p.width
	}
	src, srcSize := s.up.x.Data, p.inPos/s.up.factor*p.inC
	compute.SumChunks(m, n, rows, rows, beta, s.gradT, func(dst []float32, r0, kc int) {
		withScratch(kc*p.inC, func(xs []float32) {
			gatherRows(xs, src, srcSize, s.up.sources, p.inPos, 1, p.inC, b0*p.inPos+r0, kc)
			product(compute.SgemmSerial, xs, s.z[r0*p.width:], dst, kc, 0)
		})
	})
}

// sgemmFunc is compute.Sgemm's signature (and SgemmSerial's).
type sgemmFunc func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// upsampledGradient is where a kn2row convolution that read its input
// before an upsampling sends its input's gradient when the two run their
// backward passes as one (see fold.go): summed over each source pixel's
// copies into dx (nil: not needed), then past the ReLU that made the
// source, as the upsampling's backward pass does.
type upsampledGradient struct {
	dx       *tensor.Tensor
	src      *tensor.Tensor // the upsampling's input
	copies   *compute.GatherTable
	pastReLU bool
}

// backwardThroughUpsampling is Backward with the input's gradient sent on
// through the upsampling as g says.
func (c *Conv2D) backwardThroughUpsampling(call *Call, g *upsampledGradient) {
	s := c.state(call)
	s.upGrad = g
	defer func() { s.upGrad = nil }()
	c.Backward(call)
}

// upsampledInputGradient makes the input gradient of images [b0, b1) (a
// chunk, whose z s holds) a group of images at a time, z times the kernel,
// and sums it onto the upsampling's input: each element one product of
// width terms, as the chunk's product makes it, and each source pixel's
// copies summed as the upsampling's backward pass sums them.
func (c *Conv2D) upsampledInputGradient(s *convState, p kn2rowPlan, b0, b1 int) {
	g := s.upGrad
	if g.dx == nil {
		return
	}
	srcSize := p.inPos / s.up.factor * p.inC
	eachGroup(b1-b0, p.inPos*p.inC, p.inPos, func(i0, i1 int, dx []float32) {
		compute.SgemmSerial(false, true, (i1-i0)*p.inPos, p.inC, p.width, 1, s.z[i0*p.inPos*p.width:], p.width, s.byChannel, p.width, 0, dx, p.inC)
		for i := i0; i < i1; i++ {
			img := g.dx.Data[(b0+i)*srcSize : (b0+i+1)*srcSize]
			compute.GatherSum(img, dx[(i-i0)*p.inPos*p.inC:], g.copies, p.inC)
			if g.pastReLU {
				compute.ReLUGrad(g.src.Data[(b0+i)*srcSize:(b0+i+1)*srcSize], img, img)
			}
		}
	})
}

// maskedInputGradient writes the input gradient of images [b0, b1) (a
// chunk, whose z s holds) a group of images at a time, z times the
// kernel, and masks each group by the ReLU that made the input (x, its
// output) while it is in cache: each element the one product of width
// terms that the chunk's product makes.
func (c *Conv2D) maskedInputGradient(s *convState, p kn2rowPlan, x, dx *tensor.Tensor, b0, b1 int) {
	size := p.inPos * p.inC
	group := imageGroup(b1-b0, size, p.inPos, runtime.GOMAXPROCS(0))
	compute.ParallelFor(b1-b0, group, func(i0, i1 int) {
		rows := dx.Data[(b0+i0)*size : (b0+i1)*size]
		compute.SgemmSerial(false, true, (i1-i0)*p.inPos, p.inC, p.width, 1, s.z[i0*p.inPos*p.width:], p.width, s.byChannel, p.width, 0, rows, p.inC)
		compute.ReLUGrad(x.Data[(b0+i0)*size:(b0+i1)*size], rows, rows)
	})
}
