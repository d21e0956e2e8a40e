package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/tensor"
)

// Conv2DTranspose is Keras's transposed convolution, the adjoint of a
// Conv2D: input [batch, H, W, C], output [batch, H*s, W*s, filters] with
// "same" padding (or (H-1)*s + k with "valid"), kernel
// [kh, kw, filters, C] as Keras lays it out.
type Conv2DTranspose struct {
	convBase
}

// NewConv2DTranspose makes an unbuilt Conv2DTranspose from its spec.
func NewConv2DTranspose(s LayerSpec) (*Conv2DTranspose, error) {
	b, err := newConvBase("Conv2DTranspose", s)
	return &Conv2DTranspose{b}, err
}

// transposeSize is the output length of a transposed convolution.
func transposeSize(in, k, s int, padding string) int {
	if padding == "same" {
		return in * s
	}
	return (in-1)*s + k
}

// OutputShape implements Layer.
func (c *Conv2DTranspose) OutputShape(in [][]int) ([]int, error) {
	if err := c.checkInput(in); err != nil {
		return nil, err
	}
	out := []int{transposeSize(in[0][0], c.kh, c.sh, c.padding), transposeSize(in[0][1], c.kw, c.sw, c.padding), c.filters}
	// The convolution this layer is the adjoint of runs from the output
	// back to the input.
	if g := convGeometry(out[0], out[1], c.filters, c.kh, c.kw, c.sh, c.sw, c.padding); out[0] <= 0 || out[1] <= 0 || g.outH != in[0][0] || g.outW != in[0][1] {
		return nil, fmt.Errorf("Conv2DTranspose %q: no convolution maps %v back to %v", c.name, out, in[0])
	}
	return out, nil
}

// Build implements Layer.
func (c *Conv2DTranspose) Build(in [][]int, rng *rand.Rand) ([]int, error) {
	out, err := c.OutputShape(in)
	if err != nil {
		return nil, err
	}
	c.in = append([]int(nil), in[0]...)
	c.outH, c.outW = out[0], out[1]
	c.g = convGeometry(out[0], out[1], c.filters, c.kh, c.kw, c.sh, c.sw, c.padding)
	c.tables.im2col = c.g.im2colTable()
	c.tables.col2im = c.g.col2imTable()
	inC := in[0][2]
	// Keras's kernel is [kh, kw, filters, inC]: fans are kh*kw*filters and kh*kw*inC.
	c.makeParams([]int{c.kh, c.kw, c.filters, inC}, c.kh*c.kw*c.filters, c.kh*c.kw*inC, rng)
	return out, nil
}

// Forward implements Layer.
func (c *Conv2DTranspose) Forward(call *Call) {
	x := call.In[0]
	batch := x.Rows()
	s := c.state(call)
	s.pre.Resize(batch, []int{c.outH, c.outW, c.filters})
	g := c.g // from this layer's output to its input
	p, pos := g.patch(), g.outH*g.outW
	inC := c.in[2]
	outSize := c.outH * c.outW * c.filters
	// Each output sums its own products whatever the chunk, so the chunk
	// can be the whole batch when its columns fit in holdValues: fewer,
	// larger parallel passes.
	n := chunk(pos, p, batch)
	if batch*pos*p <= holdValues {
		n = batch
	}
	s.cols = grow(s.cols, n*pos*p)
	for b0 := 0; b0 < batch; b0 += n {
		b1 := min(b0+n, batch)
		rows := (b1 - b0) * pos
		// cols = x · kernelᵀ, the kernel read as [kh*kw*filters, inC].
		compute.Sgemm(false, true, rows, p, inC, 1, x.Data[b0*pos*inC:], inC, c.kernel.Value.Data, inC, 0, s.cols, p)
		compute.ParallelFor(b1-b0, 1, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				compute.GatherSum(s.pre.Data[(b0+i)*outSize:(b0+i+1)*outSize], s.cols[i*pos*p:(i+1)*pos*p], c.tables.col2im, g.inC)
			}
		})
	}
	c.finish(&s.pre, call.Out)
}

// Backward implements Layer.
func (c *Conv2DTranspose) Backward(call *Call) {
	x := call.In[0]
	batch := x.Rows()
	s := c.state(call)
	dPre := preGradient(call, c.act, &s.pre, &s.dPre)
	g := c.g
	p, pos := g.patch(), g.outH*g.outW
	inC := c.in[2]
	outSize := c.outH * c.outW * c.filters
	addColumnSums(c.bias.Grad.Data, dPre.Data, batch*c.outH*c.outW, c.filters)
	var dx *tensor.Tensor
	if len(call.GradIn) > 0 && call.GradIn[0] != nil {
		dx = call.GradIn[0]
	}
	n := chunk(pos, p, batch)
	s.cols = grow(s.cols, n*pos*p)
	s.gradT = grow(s.gradT, inC*p)
	for b0 := 0; b0 < batch; b0 += n {
		b1 := min(b0+n, batch)
		rows := (b1 - b0) * pos
		compute.ParallelFor(b1-b0, 1, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				compute.GatherCopy(s.cols[i*pos*p:(i+1)*pos*p], dPre.Data[(b0+i)*outSize:(b0+i+1)*outSize], c.tables.im2col, g.inC)
			}
		})
		// dKernel [P, inC] += colsᵀ·x, summed transposed as xᵀ·cols so
		// that cols is read in place; dx = cols · kernel.
		beta := float32(1)
		if b0 == 0 {
			beta = 0
		}
		compute.Sgemm(true, false, inC, p, rows, 1, x.Data[b0*pos*inC:], inC, s.cols, p, beta, s.gradT, p)
		if dx != nil {
			compute.Sgemm(false, false, rows, inC, p, 1, s.cols, p, c.kernel.Value.Data, inC, 0, dx.Data[b0*pos*inC:], inC)
		}
	}
	addTransposed(c.kernel.Grad.Data, s.gradT, inC, p)
}
