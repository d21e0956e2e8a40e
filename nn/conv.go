package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/tensor"
)

// Conv2D is Keras's 2-d convolution over NHWC images: input
// [batch, H, W, C], output [batch, outH, outW, filters], kernel
// [kh, kw, C, filters] (glorot_uniform with receptive-field fans), bias
// [filters] (zero), then the activation. Padding is "valid" or "same"
// (TensorFlow's: the odd padding row or column goes after). It runs as
// im2col and a GEMM through the compute seam, a group of images at a time
// (conv_images.go), or, with fewer filters than input channels, in the
// kn2row form (conv_kn2row.go), whose matrix in between is smaller.
type Conv2D struct {
	convBase
}

// convBase holds what the two convolutions share.
type convBase struct {
	class      string
	name       string
	filters    int
	kh, kw     int
	sh, sw     int
	padding    string
	act        Activation
	reg        Regularizer
	kernel     *Param
	bias       *Param
	in         []int    // built input shape [H, W, C]
	g          geometry // Conv2D: input -> output; Conv2DTranspose: output -> input
	tables     convTables
	outH, outW int
}

func newConvBase(class string, s LayerSpec) (convBase, error) {
	c := convBase{class: class, name: s.Name, filters: s.Filters, padding: s.Padding}
	if s.Filters <= 0 {
		return c, fmt.Errorf("%s %q: filters must be positive, got %d", class, s.Name, s.Filters)
	}
	ks := s.KernelSize
	if len(ks) == 1 {
		ks = []int{ks[0], ks[0]}
	}
	if len(ks) != 2 || ks[0] <= 0 || ks[1] <= 0 {
		return c, fmt.Errorf("%s %q: kernel_size must be one or two positive numbers, got %v", class, s.Name, s.KernelSize)
	}
	c.kh, c.kw = ks[0], ks[1]
	st := s.Strides
	if len(st) == 0 {
		st = []int{1, 1}
	} else if len(st) == 1 {
		st = []int{st[0], st[0]}
	}
	if len(st) != 2 || st[0] <= 0 || st[1] <= 0 {
		return c, fmt.Errorf("%s %q: strides must be one or two positive numbers, got %v", class, s.Name, s.Strides)
	}
	c.sh, c.sw = st[0], st[1]
	if c.padding == "" {
		c.padding = "valid"
	}
	if c.padding != "valid" && c.padding != "same" {
		return c, fmt.Errorf("%s %q: padding must be \"valid\" or \"same\", got %q", class, s.Name, s.Padding)
	}
	var err error
	if c.act, err = ActivationByName(s.Activation); err != nil {
		return c, fmt.Errorf("%s %q: %w", class, s.Name, err)
	}
	if s.ActivityRegularizer != nil {
		if c.reg, err = NewRegularizer(*s.ActivityRegularizer); err != nil {
			return c, fmt.Errorf("%s %q: %w", class, s.Name, err)
		}
	}
	return c, nil
}

// NewConv2D makes an unbuilt Conv2D from its spec.
func NewConv2D(s LayerSpec) (*Conv2D, error) {
	b, err := newConvBase("Conv2D", s)
	return &Conv2D{b}, err
}

// Name implements Layer.
func (c *convBase) Name() string { return c.name }

// Class implements Layer.
func (c *convBase) Class() string { return c.class }

// Built implements Layer.
func (c *convBase) Built() bool { return c.kernel != nil }

// ActivationName implements LogitLayer.
func (c *convBase) ActivationName() string { return c.act.Name() }

// ActivityRegularizer implements ActivityRegularized.
func (c *convBase) ActivityRegularizer() Regularizer { return c.reg }

// Params implements Layer.
func (c *convBase) Params() []*Param {
	if c.kernel == nil {
		return nil
	}
	return []*Param{c.kernel, c.bias}
}

// Spec implements Layer.
func (c *convBase) Spec() LayerSpec {
	s := LayerSpec{Type: c.class, Name: c.name, Filters: c.filters, KernelSize: []int{c.kh, c.kw},
		Strides: []int{c.sh, c.sw}, Padding: c.padding, Activation: c.act.Name()}
	if c.reg != nil {
		r := c.reg.Spec()
		s.ActivityRegularizer = &r
	}
	return s
}

func (c *convBase) checkInput(in [][]int) error {
	if len(in) != 1 {
		return fmt.Errorf("%s %q takes one input, got %d", c.class, c.name, len(in))
	}
	if len(in[0]) != 3 {
		return fmt.Errorf("%s %q needs images (None, H, W, C), got %s", c.class, c.name, tensor.ShapeString(in[0]))
	}
	if c.in != nil && !tensor.SameShape(c.in, in[0]) {
		return fmt.Errorf("%s %q was built for %s, got %s", c.class, c.name, tensor.ShapeString(c.in), tensor.ShapeString(in[0]))
	}
	return nil
}

// OutputShape implements Layer.
func (c *Conv2D) OutputShape(in [][]int) ([]int, error) {
	if err := c.checkInput(in); err != nil {
		return nil, err
	}
	g := convGeometry(in[0][0], in[0][1], in[0][2], c.kh, c.kw, c.sh, c.sw, c.padding)
	if g.outH <= 0 || g.outW <= 0 {
		return nil, fmt.Errorf("Conv2D %q: a %dx%d kernel does not fit a %dx%d input with %q padding", c.name, c.kh, c.kw, in[0][0], in[0][1], c.padding)
	}
	return []int{g.outH, g.outW, c.filters}, nil
}

// Build implements Layer.
func (c *Conv2D) Build(in [][]int, rng *rand.Rand) ([]int, error) {
	out, err := c.OutputShape(in)
	if err != nil {
		return nil, err
	}
	c.in = append([]int(nil), in[0]...)
	c.g = convGeometry(in[0][0], in[0][1], in[0][2], c.kh, c.kw, c.sh, c.sw, c.padding)
	if c.useKn2row() {
		c.tables.kn2rowSum = c.g.kn2rowSumTable(c.filters)
		c.tables.kn2rowSpread = c.g.kn2rowSpreadTable(c.filters)
	} else {
		c.tables.im2col, c.tables.im2colWidth = c.g.im2colTable()
		c.tables.col2im = c.g.col2imTable()
	}
	c.outH, c.outW = out[0], out[1]
	inC := in[0][2]
	c.makeParams([]int{c.kh, c.kw, inC, c.filters}, c.kh*c.kw*inC, c.kh*c.kw*c.filters, rng)
	return out, nil
}

// WeightCount implements Weighted: a kh×kw kernel between the input's
// channels and the filters, and a bias per filter.
func (c *convBase) WeightCount(in [][]int) int {
	return MulCapped(MulCapped(MulCapped(c.kh, c.kw), in[0][2])+1, c.filters)
}

func (c *convBase) makeParams(shape []int, fanIn, fanOut int, rng *rand.Rand) {
	c.kernel = &Param{Name: "kernel", Value: tensor.New(shape...), Grad: tensor.New(shape...)}
	c.bias = &Param{Name: "bias", Value: tensor.New(c.filters), Grad: tensor.New(c.filters)}
	GlorotUniform(c.kernel.Value.Data, fanIn, fanOut, rng)
}

type convState struct {
	pre, dPre tensor.Tensor
	cols      []float32          // a small batch's windows, kept from Forward
	held      []float32          // the input whose windows cols holds
	gradT     []float32          // the kernel's gradient, transposed
	byChannel []float32          // the kernel as [C, kh*kw*filters] (kn2row form)
	z         []float32          // a chunk's kn2row products' gradient
	kernelT   []float32          // the kernel transposed
	up        *upsampledInput    // where a kn2row Forward read its input before its upsampling
	upGrad    *upsampledGradient // set while Backward runs with the upsampling's: where its input's gradient goes
}

// addTransposed adds the rows×cols matrix t, transposed, into dst (cols×rows).
func addTransposed(dst, t []float32, rows, cols int) {
	for i := 0; i < rows; i++ {
		for j, v := range t[i*cols : (i+1)*cols] {
			dst[j*rows+i] += v
		}
	}
}

func (c *convBase) state(call *Call) *convState {
	s, ok := call.State.(*convState)
	if !ok {
		s = &convState{}
		call.State = s
	}
	return s
}

// Logits implements LogitLayer.
func (c *convBase) Logits(call *Call) *tensor.Tensor {
	return preActivation(c.act, &c.state(call).pre, call.Out)
}

// chunk is how many images' windows (about 2^20 values) a kernel's
// gradient sums as one product: the chunks, and the GEMM's k slices
// within each, fix the order of its sums. (The windows were once laid out
// a chunk at a time; the order stays, so that the bits do.)
func chunk(rowsPerImage, width, batch int) int {
	return max(1, min(batch, (1<<20)/max(1, rowsPerImage*width)))
}

// heldKernelGradient sums the kernel's gradient into gradT from the windows
// Forward kept (cols), a chunk of images at a time, each chunk as one
// product.
func (c *Conv2D) heldKernelGradient(cols, dPre, gradT []float32, batch, images int) {
	p, pos, f := c.g.patch(), c.g.outH*c.g.outW, c.filters
	for b0 := 0; b0 < batch; b0 += images {
		rows, beta := (min(b0+images, batch)-b0)*pos, float32(min(b0, 1))
		dp, win := dPre[b0*pos*f:], cols[b0*pos*p:]
		if f <= narrowFilters {
			compute.Sgemm(true, false, p, f, rows, 1, win, p, dp, f, beta, gradT, f)
		} else {
			compute.Sgemm(true, false, f, p, rows, 1, dp, f, win, p, beta, gradT, p)
		}
	}
}

// Forward implements Layer.
func (c *Conv2D) Forward(call *Call) { c.forward(call, nil, nil) }

// backwardFromPooling is Backward for a convolution of the model's input
// whose gradient past its ReLU (dPre) is never written whole: rows makes
// it a piece of rows at a time (from the max pooling after it, gathered).
// The bias gradient sums the pieces as addColumnSums sums dPre's rows
// (byRowPieces must hold), and the kernel gradient reads them k slice by
// k slice as it reads dPre, so that the bits are the same.
func (c *Conv2D) backwardFromPooling(call *Call, rows preRows) {
	x := call.In[0]
	s := c.state(call)
	p, pos, f := c.g.patch(), c.g.outH*c.g.outW, c.filters
	n := x.Rows() * pos
	sumRowPieces(c.bias.Grad.Data, n, f, func(lo, hi int, part []float32) {
		withScratch((hi-lo)*f, func(buf []float32) {
			compute.AddRows(part, rows(buf, lo, hi-lo), hi-lo, f, f)
		})
	})
	c.kernelGradient(x, nil, rows, &s.gradT, s.holds(x, n*p), s.cols)
}

// groupOutput takes the output of a group of images [i0, i1), out, in
// place of call.Out (see intoGroup).
type groupOutput func(i0, i1 int, out []float32)

// forward runs the layer a group of images at a time, writing call.Out,
// or, when then is not nil, handing each group's output to then instead.
// In the kn2row form it reads an upsampled input before its upsampling
// when up says where (see forwardKn2row).
func (c *Conv2D) forward(call *Call, up *upsampledInput, then groupOutput) {
	x := call.In[0]
	batch := x.Rows()
	s := c.state(call)
	pre := preActivation(c.act, &s.pre, call.Out)
	if c.useKn2row() {
		c.forwardKn2row(call, s, pre, up, then)
		return
	}
	g := c.g
	p, pos, f := g.patch(), g.outH*g.outW, c.filters
	// In training, a small batch's windows are kept for Backward.
	s.held = nil
	hold := call.Training && batch*pos*p <= holdValues
	if hold {
		s.cols = grow(s.cols, batch*pos*p)
	}
	eachGroup(batch, pos*p, pos, func(i0, i1 int, cols []float32) {
		if hold {
			cols = s.cols[i0*pos*p : i1*pos*p]
		}
		c.im2colImages(x, i0, i1, cols)
		c.intoGroup(call, pre, i0, i1, then, func(group []float32) {
			compute.SgemmSerial(false, false, (i1-i0)*pos, f, p, 1, cols, p, c.kernel.Value.Data, f, 0, group, f)
		})
	})
	if hold {
		s.held = x.Data
	}
}

// intoGroup has product write the pre-activations of images [i0, i1) into
// a buffer, then adds the bias and applies the activation: into call.Out,
// or, when then is not nil, in a scratch buffer that then takes (call.Out
// is not written: the max pooling fused with the layer reads it there).
func (c *Conv2D) intoGroup(call *Call, pre *tensor.Tensor, i0, i1 int, then groupOutput, product func(group []float32)) {
	n := c.outH * c.outW * c.filters
	if then == nil {
		group := pre.Data[i0*n : i1*n]
		product(group)
		biasAndActivate(group, call.Out.Data[i0*n:i1*n], c.bias.Value.Data, c.act)
		return
	}
	withScratch((i1-i0)*n, func(group []float32) {
		product(group)
		biasAndActivate(group, group, c.bias.Value.Data, c.act)
		then(i0, i1, group)
	})
}

// holdValues is the most values of windows a Conv2D keeps from Forward
// for Backward (4 MB): beyond it, making them again slice by slice, in
// cache, costs less than a pass through memory.
const holdValues = 1 << 20

// im2colImages writes the windows of images [i0, i1) of x into cols.
func (c *Conv2D) im2colImages(x *tensor.Tensor, i0, i1 int, cols []float32) {
	g := c.g
	p, pos := g.patch(), g.outH*g.outW
	inSize := g.inH * g.inW * g.inC
	for i := i0; i < i1; i++ {
		compute.GatherCopy(cols[(i-i0)*pos*p:(i-i0+1)*pos*p], x.Data[i*inSize:(i+1)*inSize], c.tables.im2col, c.tables.im2colWidth)
	}
}

// Backward implements Layer.
func (c *Conv2D) Backward(call *Call) {
	x := call.In[0]
	batch := x.Rows()
	s := c.state(call)
	dPre, biasDone := preGradientWithBias(call, c.act, preActivation(c.act, &s.pre, call.Out), &s.dPre, c.bias.Grad.Data)
	biasGradient := biasGradientLeft(biasDone, c.bias.Grad.Data, dPre.Data)
	g := c.g
	p, pos := g.patch(), g.outH*g.outW
	var dx *tensor.Tensor
	if len(call.GradIn) > 0 && call.GradIn[0] != nil {
		dx = call.GradIn[0]
	}
	if c.useKn2row() {
		// One pass after the other: each has pieces for every thread (see
		// backwardKn2row).
		biasGradient()
		c.backwardKn2row(call, s, dPre, dx)
		return
	}
	held := s.holds(x, batch*pos*p)
	compute.Together(biasGradient, func() {
		c.kernelGradient(x, dPre.Data, inPlace(dPre.Data, c.filters), &s.gradT, held, s.cols)
	}, func() {
		if dx != nil {
			c.inputGradient(dPre, dx, s, reluOutput(call))
		}
	})
}

// inputGradient writes dx, dPre times the kernel's transpose spread back
// onto the input's pixels (col2im), a group of images at a time, each
// image masked by the ReLU that made the input (its output relu) while in
// cache, where it is not nil.
func (c *Conv2D) inputGradient(dPre, dx *tensor.Tensor, s *convState, relu *tensor.Tensor) {
	g := c.g
	p, pos, f := g.patch(), g.outH*g.outW, c.filters
	inSize := g.inH * g.inW * g.inC
	s.kernelT = transposeInto(s.kernelT, c.kernel.Value.Data, p, f)
	eachGroup(dx.Rows(), pos*p, pos, func(i0, i1 int, dCol []float32) {
		compute.SgemmSerial(false, false, (i1-i0)*pos, p, f, 1, dPre.Data[i0*pos*f:], f, s.kernelT, p, 0, dCol, p)
		for i := i0; i < i1; i++ {
			img := dx.Data[i*inSize : (i+1)*inSize]
			compute.GatherSum(img, dCol[(i-i0)*pos*p:], c.tables.col2im, g.inC)
			if relu != nil {
				compute.ReLUGrad(relu.Data[i*inSize:(i+1)*inSize], img, img)
			}
		}
	})
}

// holds says whether the windows the last Forward kept (cols) are those
// of x, values in all, and lets them go.
func (s *convState) holds(x *tensor.Tensor, values int) bool {
	held := len(s.held) > 0 && len(x.Data) > 0 && &s.held[0] == &x.Data[0] && len(s.cols) >= values
	s.held = nil
	return held
}

// preRows gives rows [r0, r0+kc) of a layer's dPre: where it lies whole
// (inPlace), or made into scratch, kc rows of filters values, where it is
// never written whole (a convolution whose max pooling's gradient it
// gathers).
type preRows func(scratch []float32, r0, kc int) []float32

// inPlace reads the rows of dPre, f values each, where they are.
func inPlace(dPre []float32, f int) preRows {
	return func(_ []float32, r0, kc int) []float32 { return dPre[r0*f : (r0+kc)*f] }
}

// kernelGradient adds the kernel's gradient, the windows of x times dPre
// summed over the batch, into the kernel's Grad. The sum goes over chunks
// of images, whose sizes fix the order of the sums, and within a chunk
// over the GEMM's k slices, whose windows are made slice by slice unless
// Forward kept them (held, in cols), and whose rows of dPre come from
// rows (dPre itself is nil where it is not written whole). It is summed as colsᵀ·dPre
// [patch, filters] when the filters fit the GEMM's narrow kernels,
// otherwise transposed, as dPreᵀ·cols; both sum each element in the same
// order.
func (c *Conv2D) kernelGradient(x *tensor.Tensor, dPre []float32, rows preRows, gradT *[]float32, held bool, cols []float32) {
	g := c.g
	p, pos, f := g.patch(), g.outH*g.outW, c.filters
	inSize, width := g.inH*g.inW*g.inC, c.tables.im2colWidth
	batch := x.Rows()
	images := chunk(pos, p, batch)
	byRows := f <= narrowFilters
	*gradT = grow(*gradT, f*p)
	m, n := p, f
	if !byRows {
		m, n = f, p
	}
	if held && dPre != nil {
		c.heldKernelGradient(cols, dPre, *gradT, batch, images)
	} else {
		compute.SumChunks(m, n, batch*pos, images*pos, 0, *gradT, func(dst []float32, r0, kc int) {
			withScratch(kc*(p+f), func(buf []float32) {
				win := buf[:kc*p]
				if held {
					win = cols[r0*p : (r0+kc)*p]
				} else {
					gatherRows(win, x.Data, inSize, c.tables.im2col, pos, p/width, width, r0, kc)
				}
				dp := rows(buf[kc*p:], r0, kc)
				if byRows {
					compute.SgemmSerial(true, false, p, f, kc, 1, win, p, dp, f, 0, dst, f)
				} else {
					compute.SgemmSerial(true, false, f, p, kc, 1, dp, f, win, p, 0, dst, p)
				}
			})
		})
	}
	if byRows {
		addInto(c.kernel.Grad.Data, *gradT)
	} else {
		addTransposed(c.kernel.Grad.Data, *gradT, f, p)
	}
}

// narrowFilters is the most filters (columns of dPre) for which a kernel's
// gradient is summed as colsᵀ·dPre.
const narrowFilters = 32

// addInto adds src into dst.
func addInto(dst, src []float32) {
	for i, v := range src {
		dst[i] += v
	}
}

// grow returns buf with at least n values.
func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}

// foldsReLU implements reluFolder: Backward masks its input gradient a
// group of images at a time, while it is in cache (inputGradient,
// maskedInputGradient), so that the layer before it skips a pass over it
// (in the VAE's encoder, its first convolution; in inpaint, its last
// Conv2DTranspose).
func (c *Conv2D) foldsReLU() {}
