package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/latent-go/latent/compute"
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
	c.tables.im2col, c.tables.im2colWidth = c.g.im2colTable()
	c.tables.col2im = c.g.col2imTable()
	inC := in[0][2]
	// Keras's kernel is [kh, kw, filters, inC]: fans are kh*kw*filters and kh*kw*inC.
	c.makeParams([]int{c.kh, c.kw, c.filters, inC}, c.kh*c.kw*c.filters, c.kh*c.kw*inC, rng)
	return out, nil
}

// Forward implements Layer: a group of images at a time, their products
// with the kernel, then each output pixel's sum of the products that land
// on it.
func (c *Conv2DTranspose) Forward(call *Call) {
	x := call.In[0]
	batch := x.Rows()
	s := c.state(call)
	pre := preActivation(c.act, &s.pre, call.Out)
	g := c.g // from this layer's output to its input
	p, pos := g.patch(), g.outH*g.outW
	inC := c.in[2]
	outSize := c.outH * c.outW * c.filters
	// cols = x · kernelᵀ, the kernel stored as [kh*kw*filters, inC].
	s.kernelT = transposeInto(s.kernelT, c.kernel.Value.Data, p, inC)
	eachGroup(batch, pos*p, pos, func(i0, i1 int, cols []float32) {
		compute.SgemmSerial(false, false, (i1-i0)*pos, p, inC, 1, x.Data[i0*pos*inC:], inC, s.kernelT, p, 0, cols, p)
		for i := i0; i < i1; i++ {
			compute.GatherSum(pre.Data[i*outSize:(i+1)*outSize], cols[(i-i0)*pos*p:], c.tables.col2im, g.inC)
		}
		biasAndActivate(pre.Data[i0*outSize:i1*outSize], call.Out.Data[i0*outSize:i1*outSize], c.bias.Value.Data, c.act)
	})
}

// Backward implements Layer.
func (c *Conv2DTranspose) Backward(call *Call) {
	x := call.In[0]
	batch := x.Rows()
	s := c.state(call)
	dPre, biasDone := preGradientWithBias(call, c.act, preActivation(c.act, &s.pre, call.Out), &s.dPre, c.bias.Grad.Data)
	g := c.g
	p, pos := g.patch(), g.outH*g.outW
	inC := c.in[2]
	outSize := c.outH * c.outW * c.filters
	// dKernel [P, inC] += colsᵀ·x, summed transposed as xᵀ·cols, chunk by
	// chunk and, within a chunk, k slice by k slice, cols (the windows of
	// dPre) made slice by slice; dx = cols · kernel for the slice's rows
	// while its windows are in cache, its input's ReLU folded there (see
	// foldsReLU); the bias gradient, where the pass that made dPre did not
	// sum it, at the same time.
	var dx []float32
	if len(call.GradIn) > 0 && call.GradIn[0] != nil {
		dx = call.GradIn[0].Data
	}
	s.gradT = grow(s.gradT, inC*p)
	width := c.tables.im2colWidth
	compute.Together(biasGradientLeft(biasDone, c.bias.Grad.Data, dPre.Data), func() {
		compute.SumChunks(inC, p, batch*pos, chunk(pos, p, batch)*pos, 0, s.gradT, func(dst []float32, r0, kc int) {
			withScratch(kc*p, func(cols []float32) {
				gatherRows(cols, dPre.Data, outSize, c.tables.im2col, pos, p/width, width, r0, kc)
				compute.SgemmSerial(true, false, inC, p, kc, 1, x.Data[r0*inC:], inC, cols, p, 0, dst, p)
				if dx != nil {
					rows := dx[r0*inC : (r0+kc)*inC]
					compute.SgemmSerial(false, false, kc, inC, p, 1, cols, p, c.kernel.Value.Data, inC, 0, rows, inC)
					if call.GradInPastReLU {
						compute.ReLUGrad(x.Data[r0*inC:(r0+kc)*inC], rows, rows)
					}
				}
			})
		})
	})
	addTransposed(c.kernel.Grad.Data, s.gradT, inC, p)
}

// foldsReLU implements reluFolder: Backward masks each slice of rows of
// its input's gradient as it writes them, while they are in cache, so that
// the layer before it (a Conv2DTranspose or Conv2D ending in a ReLU, its
// output 12.8 MB a batch in the VAE's decoder) skips a pass over it.
func (c *Conv2DTranspose) foldsReLU() {}
