package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/tensor"
)

// Dense is Keras's densely connected layer: out = activation(in·kernel + bias)
// for input [batch, in] and output [batch, units]. The kernel [in, units] is
// initialized glorot_uniform, U[-sqrt(6/(in+units)), +sqrt(6/(in+units))),
// and the bias is zero.
type Dense struct {
	name   string
	units  int
	act    Activation
	reg    Regularizer
	kernel *Param
	bias   *Param
}

// NewDense makes an unbuilt Dense layer from its spec.
func NewDense(s LayerSpec) (*Dense, error) {
	if s.Units <= 0 {
		return nil, fmt.Errorf("Dense %q: units must be positive, got %d", s.Name, s.Units)
	}
	act, err := ActivationByName(s.Activation)
	if err != nil {
		return nil, fmt.Errorf("Dense %q: %w", s.Name, err)
	}
	d := &Dense{name: s.Name, units: s.Units, act: act}
	if s.ActivityRegularizer != nil {
		if d.reg, err = NewRegularizer(*s.ActivityRegularizer); err != nil {
			return nil, fmt.Errorf("Dense %q: %w", s.Name, err)
		}
	}
	return d, nil
}

// Name implements Layer.
func (d *Dense) Name() string { return d.name }

// Class implements Layer.
func (d *Dense) Class() string { return "Dense" }

// Units is the output width.
func (d *Dense) Units() int { return d.units }

// ActivationName implements LogitLayer.
func (d *Dense) ActivationName() string { return d.act.Name() }

// ActivityRegularizer implements ActivityRegularized; nil when there is none.
func (d *Dense) ActivityRegularizer() Regularizer { return d.reg }

// Kernel is the weight matrix [in, units]; nil before Build.
func (d *Dense) Kernel() *Param { return d.kernel }

// Bias is the bias vector [units]; nil before Build.
func (d *Dense) Bias() *Param { return d.bias }

// Spec implements Layer.
func (d *Dense) Spec() LayerSpec {
	s := LayerSpec{Type: "Dense", Name: d.name, Units: d.units, Activation: d.act.Name()}
	if d.reg != nil {
		r := d.reg.Spec()
		s.ActivityRegularizer = &r
	}
	return s
}

// Built implements Layer.
func (d *Dense) Built() bool { return d.kernel != nil }

// OutputShape implements Layer.
func (d *Dense) OutputShape(in [][]int) ([]int, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("Dense %q takes one input, got %d", d.name, len(in))
	}
	if len(in[0]) != 1 {
		return nil, fmt.Errorf("Dense %q needs a flat input like (None, 784), got %s", d.name, tensor.ShapeString(in[0]))
	}
	if d.kernel != nil && d.kernel.Value.Shape[0] != in[0][0] {
		return nil, fmt.Errorf("Dense %q was built for %d inputs, got %d", d.name, d.kernel.Value.Shape[0], in[0][0])
	}
	return []int{d.units}, nil
}

// WeightCount implements Weighted: a kernel [in, units] and a bias [units].
func (d *Dense) WeightCount(in [][]int) int {
	return MulCapped(in[0][0]+1, d.units)
}

// Build implements Layer.
func (d *Dense) Build(in [][]int, rng *rand.Rand) ([]int, error) {
	out, err := d.OutputShape(in)
	if err != nil {
		return nil, err
	}
	fanIn := in[0][0]
	d.kernel = (&Param{Name: "kernel", Value: tensor.New(fanIn, d.units), Grad: tensor.New(fanIn, d.units)}).clearByWrite()
	d.bias = &Param{Name: "bias", Value: tensor.New(d.units), Grad: tensor.New(d.units)}
	GlorotUniform(d.kernel.Value.Data, fanIn, d.units, rng)
	return out, nil
}

// GlorotUniform fills w with U[-limit, limit), limit = sqrt(6/(fanIn+fanOut)),
// Keras's default kernel initializer.
func GlorotUniform(w []float32, fanIn, fanOut int, rng *rand.Rand) {
	limit := float32(math.Sqrt(6 / float64(fanIn+fanOut)))
	for i := range w {
		// Float32 is a product (k * 2**-24), rounded here so that no
		// compiler fuses it with the sum.
		w[i] = limit * (2*float32(rng.Float32()) - 1)
	}
}

// Params implements Layer.
func (d *Dense) Params() []*Param {
	if d.kernel == nil {
		return nil
	}
	return []*Param{d.kernel, d.bias}
}

type denseState struct {
	pre  tensor.Tensor // pre-activation: in·kernel + bias
	dPre tensor.Tensor // its gradient
}

func (d *Dense) state(c *Call) *denseState {
	s, ok := c.State.(*denseState)
	if !ok {
		s = &denseState{}
		c.State = s
	}
	return s
}

// Forward implements Layer.
func (d *Dense) Forward(c *Call) {
	x := c.In[0]
	rows, in := x.Rows(), x.Cols()
	s := d.state(c)
	pre := preActivation(d.act, &s.pre, c.Out)
	compute.Sgemm(false, false, rows, d.units, in, 1, x.Data, in, d.kernel.Value.Data, d.units, 0, pre.Data, d.units)
	addBiasAndActivate(pre.Data, c.Out.Data, d.bias.Value.Data, d.act)
}

// Logits implements LogitLayer.
func (d *Dense) Logits(c *Call) *tensor.Tensor {
	return preActivation(d.act, &d.state(c).pre, c.Out)
}

// Backward implements Layer.
func (d *Dense) Backward(c *Call) {
	x := c.In[0]
	rows, in := x.Rows(), x.Cols()
	s := d.state(c)
	dPre := preGradient(c, d.act, preActivation(d.act, &s.pre, c.Out), &s.dPre)
	beta := d.kernel.overwriteBeta()
	compute.Together(func() {
		compute.Sgemm(true, false, in, d.units, rows, 1, x.Data, in, dPre.Data, d.units, beta, d.kernel.Grad.Data, d.units)
	}, func() {
		addColumnSums(d.bias.Grad.Data, dPre.Data, rows, d.units)
	}, func() {
		if len(c.GradIn) > 0 && c.GradIn[0] != nil {
			compute.Sgemm(false, true, rows, in, d.units, 1, dPre.Data, d.units, d.kernel.Value.Data, d.units, 0, c.GradIn[0].Data, in)
		}
	})
}

// preGradient returns dLoss/dPre for a layer that ends in act: GradOut
// through the activation's derivative, plus GradPre, whichever are set.
func preGradient(c *Call, act Activation, pre, dPre *tensor.Tensor) *tensor.Tensor {
	switch {
	case c.GradPreSet && !c.GradOutSet:
		return c.GradPre
	case c.GradOutSet:
		dPre.Resize(pre.Rows(), pre.Shape[1:])
		GradParallel(act, pre.Data, c.Out.Data, c.GradOut.Data, dPre.Data)
		if c.GradPreSet {
			for i, g := range c.GradPre.Data {
				dPre.Data[i] += g
			}
		}
		return dPre
	default:
		dPre.Resize(pre.Rows(), pre.Shape[1:])
		dPre.Zero()
		return dPre
	}
}

// addColumnSums adds the column sums of the rows×cols matrix m into sums.
// Wide matrices are split by columns, each summed down the rows in order.
// Narrow, tall ones (a convolution's bias gradient: 32 columns, 100,000
// rows) are split by rows into pieces of a fixed size, each summed on its
// own, and the pieces' sums are added in order. Either way the result does
// not depend on the thread count.
func addColumnSums(sums, m []float32, rows, cols int) {
	if !byRowPieces(rows, cols) {
		compute.ParallelFor(cols, columnSumCols, func(lo, hi int) {
			compute.AddRows(sums[lo:hi], m[lo:], rows, hi-lo, cols)
		})
		return
	}
	sumRowPieces(sums, rows, cols, func(lo, hi int, part []float32) {
		compute.AddRows(part, m[lo*cols:], hi-lo, cols, cols)
	})
}

// addBiasAndActivate adds bias to each row of pre (rows of len(bias)
// values) and writes the activation of pre into out, in parallel over the
// rows; ReLU is fused with the bias.
func addBiasAndActivate(pre, out, bias []float32, act Activation) {
	u := len(bias)
	compute.ParallelEach(len(pre)/u, rowGrain(u), vectorLanes/gcd(u, vectorLanes), func(lo, hi int) {
		biasAndActivate(pre[lo*u:hi*u], out[lo*u:hi*u], bias, act)
	})
}

// columnSumCols is the number of columns one piece of a wide column sum
// takes: one AVX-512 register's worth, so that a 64-filter convolution's
// bias gradient is four pieces, not one.
const columnSumCols = 16

// columnSumRows is the number of rows one piece of a narrow column sum takes.
const columnSumRows = 2048

// rowGrain picks how many rows of width cols one goroutine takes at a time.
func rowGrain(cols int) int {
	return max(1, elementGrain/max(cols, 1))
}
