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
// im2col and one GEMM through the compute seam, or, with fewer filters
// than input channels, in the kn2row form (conv_kn2row.go), whose matrix
// in between is smaller.
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
		c.tables.im2col = c.g.im2colTable()
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
	pre, dPre  tensor.Tensor
	cols, dCol []float32
	gradT      []float32 // the kernel's gradient, transposed
	byChannel  []float32 // the kernel as [C, kh*kw*filters] (kn2row form)
	colsHold   []float32 // the input whose windows s.cols holds, whole batch
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
func (c *convBase) Logits(call *Call) *tensor.Tensor { return &c.state(call).pre }

// chunk is how many images one im2col buffer holds: about 2^20 values.
func chunk(rowsPerImage, width, batch int) int {
	return max(1, min(batch, (1<<20)/max(1, rowsPerImage*width)))
}

// finish adds the bias and applies the activation to pre, writing out.
func (c *convBase) finish(pre, out *tensor.Tensor) {
	addBiasAndActivate(pre.Data, out.Data, c.bias.Value.Data, c.act)
}

// Forward implements Layer.
func (c *Conv2D) Forward(call *Call) {
	x := call.In[0]
	batch := x.Rows()
	s := c.state(call)
	s.pre.Resize(batch, []int{c.outH, c.outW, c.filters})
	s.colsHold = nil
	if c.useKn2row() {
		c.forwardKn2row(call, s)
		c.finish(&s.pre, call.Out)
		return
	}
	g := c.g
	p, pos := g.patch(), g.outH*g.outW
	n := chunk(pos, p, batch)
	// In training, the whole batch's windows are kept for Backward when
	// they fit in holdValues.
	hold := call.Training && batch*pos*p <= holdValues
	if hold {
		n = batch
	}
	s.cols = grow(s.cols, n*pos*p)
	for b0 := 0; b0 < batch; b0 += n {
		b1 := min(b0+n, batch)
		c.im2colImages(x, b0, b1, s.cols)
		rows := (b1 - b0) * pos
		compute.Sgemm(false, false, rows, c.filters, p, 1, s.cols, p, c.kernel.Value.Data, c.filters, 0, s.pre.Data[b0*pos*c.filters:], c.filters)
	}
	if hold {
		s.colsHold = x.Data
	}
	c.finish(&s.pre, call.Out)
}

// im2colImages writes the windows of images [b0, b1) of x into cols.
func (c *Conv2D) im2colImages(x *tensor.Tensor, b0, b1 int, cols []float32) {
	g := c.g
	p, pos := g.patch(), g.outH*g.outW
	inSize := g.inH * g.inW * g.inC
	compute.ParallelFor(b1-b0, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			compute.GatherCopy(cols[i*pos*p:(i+1)*pos*p], x.Data[(b0+i)*inSize:(b0+i+1)*inSize], c.tables.im2col, g.inC)
		}
	})
}

// Backward implements Layer.
func (c *Conv2D) Backward(call *Call) {
	x := call.In[0]
	batch := x.Rows()
	s := c.state(call)
	dPre := preGradient(call, c.act, &s.pre, &s.dPre)
	g := c.g
	p, pos, f := g.patch(), g.outH*g.outW, c.filters
	inSize := g.inH * g.inW * g.inC
	addColumnSums(c.bias.Grad.Data, dPre.Data, batch*pos, f)
	var dx *tensor.Tensor
	if len(call.GradIn) > 0 && call.GradIn[0] != nil {
		dx = call.GradIn[0]
	}
	if c.useKn2row() {
		c.backwardKn2row(call, s, dPre, dx)
		return
	}
	// The kernel's gradient is summed over the batch in chunks of n
	// images, whose sizes fix the order of the sums.
	n := chunk(pos, p, batch)
	held := len(s.colsHold) > 0 && len(x.Data) > 0 && &s.colsHold[0] == &x.Data[0] && len(s.cols) >= batch*pos*p
	s.colsHold = nil
	if !held {
		s.cols = grow(s.cols, n*pos*p)
	}
	if dx != nil {
		s.dCol = grow(s.dCol, n*pos*p)
	}
	// The kernel's gradient [p, f] is summed down the rows of the windows
	// and of dPre: as colsᵀ·dPre, both read in place, when f fits the
	// GEMM's narrow kernels, otherwise transposed, as dPreᵀ·cols, so that
	// the large im2col matrix is read in place rather than packed. Both
	// sum each element in the same order.
	byRows := f <= narrowFilters
	s.gradT = grow(s.gradT, f*p)
	for b0 := 0; b0 < batch; b0 += n {
		b1 := min(b0+n, batch)
		rows := (b1 - b0) * pos
		cols := s.cols
		if held {
			cols = s.cols[b0*pos*p:]
		} else {
			c.im2colImages(x, b0, b1, s.cols)
		}
		dp := dPre.Data[b0*pos*f:]
		beta := float32(1)
		if b0 == 0 {
			beta = 0
		}
		if byRows {
			compute.Sgemm(true, false, p, f, rows, 1, cols, p, dp, f, beta, s.gradT, f)
		} else {
			compute.Sgemm(true, false, f, p, rows, 1, dp, f, cols, p, beta, s.gradT, p)
		}
		if dx != nil {
			compute.Sgemm(false, true, rows, p, f, 1, dp, f, c.kernel.Value.Data, f, 0, s.dCol, p)
			compute.ParallelFor(b1-b0, 1, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					compute.GatherSum(dx.Data[(b0+i)*inSize:(b0+i+1)*inSize], s.dCol[i*pos*p:(i+1)*pos*p], c.tables.col2im, g.inC)
				}
			})
		}
	}
	if byRows {
		addInto(c.kernel.Grad.Data, s.gradT)
	} else {
		addTransposed(c.kernel.Grad.Data, s.gradT, f, p)
	}
}

// holdValues is the most values of windows a Conv2D keeps from Forward
// for Backward: 32 MB.
const holdValues = 1 << 23

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
