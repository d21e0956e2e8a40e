// Package gradcheck compares analytic gradients with central differences.
// A new layer's gradient test is one call: gradcheck.Layer(t, layer, shapes).
//
// It imports nn and tensor; the tests of layers and losses use it.
package gradcheck

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

// Step is the central-difference step; Tol the allowed relative error.
const (
	Step = 1e-2
	Tol  = 2e-2
)

// Close reports whether an analytic and a numeric derivative agree.
func Close(analytic, numeric float64) bool {
	return math.Abs(analytic-numeric) <= Tol*math.Max(1e-2, math.Max(math.Abs(analytic), math.Abs(numeric)))
}

// Layer builds l for inputs of the given per-sample shapes (batch 3),
// draws random inputs and a random linear functional L = Σ w·out, and
// checks every parameter gradient and every input gradient of l against
// central differences of L. When l is a LogitLayer it also checks the
// GradPre path, the one a logits loss takes.
func Layer(t testing.TB, l nn.Layer, in ...[]int) {
	t.Helper()
	LayerWith(t, l, nil, in...)
}

// Distinct draws n input values that are all at least 3*Step apart, in
// random order: pooling layers, whose maximum jumps between inputs that
// lie within a step of each other, are checked on such inputs.
func Distinct(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i, j := range rng.Perm(n) {
		v[i] = float32(j-n/2) * 3 * Step
	}
	return v
}

// LayerWith is Layer with inputs drawn by gen (nil: standard normal).
func LayerWith(t testing.TB, l nn.Layer, gen func(rng *rand.Rand, n int) []float32, in ...[]int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(11, 12))
	pr := newProbe(t, l, in, rng, gen)
	for _, pre := range []bool{false, true} {
		if _, ok := l.(nn.LogitLayer); pre && !ok {
			continue
		}
		pr.backward(pre)
		for _, p := range l.Params() {
			checkValues(t, l.Name()+"/"+p.Name, p.Value.Data, p.Grad.Data, pr.objective)
		}
		for i, x := range pr.c.In {
			checkValues(t, l.Name()+" input", x.Data, pr.c.GradIn[i].Data, pr.objective)
		}
	}
}

// probeBatch is the batch a layer's gradients are checked on.
const probeBatch = 3

// probe is a layer called on random inputs, with the objective
// Σ out·w for random weights w.
type probe struct {
	l        nn.Layer
	c        *nn.Call
	w        *tensor.Tensor
	outShape []int
}

// newProbe builds l for inputs of the shapes in (unless it is built),
// gives its weights random values (biases start at zero; their gradients
// should matter) and draws the inputs (by gen; nil: standard normal) and
// the objective's weights.
func newProbe(t testing.TB, l nn.Layer, in [][]int, rng *rand.Rand, gen func(rng *rand.Rand, n int) []float32) *probe {
	t.Helper()
	if !l.Built() {
		if _, err := l.Build(in, rng); err != nil {
			t.Fatalf("build: %v", err)
		}
	}
	outShape, err := l.OutputShape(in)
	if err != nil {
		t.Fatalf("output shape: %v", err)
	}
	for _, p := range l.Params() {
		for i := range p.Value.Data {
			p.Value.Data[i] += 0.1 * float32(rng.NormFloat64())
		}
	}
	if gen == nil {
		gen = normal
	}
	c := &nn.Call{Out: &tensor.Tensor{}, GradOut: &tensor.Tensor{}, GradPre: &tensor.Tensor{}}
	for _, s := range in {
		x := tensor.New(append([]int{probeBatch}, s...)...)
		copy(x.Data, gen(rng, len(x.Data)))
		c.In = append(c.In, x)
	}
	w := tensor.New(append([]int{probeBatch}, outShape...)...)
	copy(w.Data, normal(rng, len(w.Data)))
	return &probe{l: l, c: c, w: w, outShape: outShape}
}

// normal draws n standard normal values.
func normal(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

// objective runs the layer forward and returns Σ out·w.
func (pr *probe) objective() float64 {
	pr.c.Out.Resize(probeBatch, pr.outShape)
	pr.l.Forward(pr.c)
	var s float64
	for i, v := range pr.c.Out.Data {
		s += float64(v) * float64(pr.w.Data[i])
	}
	return s
}

// backward runs the layer forward, then backward from the objective's
// gradient: given on the output (w), or, with pre, on the pre-activation
// values (w·f'(pre), through the layer's own logits), into gradients
// cleared first.
func (pr *probe) backward(pre bool) {
	c := pr.c
	pr.objective()
	for _, p := range pr.l.Params() {
		p.Grad.Zero()
	}
	c.GradIn = c.GradIn[:0]
	for _, x := range c.In {
		c.GradIn = append(c.GradIn, tensor.New(x.Shape...))
	}
	c.GradOutSet, c.GradPreSet = false, false
	if pre {
		ll := pr.l.(nn.LogitLayer)
		act, _ := nn.ActivationByName(ll.ActivationName())
		c.GradPre.Resize(probeBatch, pr.outShape)
		act.Grad(ll.Logits(c).Data, c.Out.Data, pr.w.Data, c.GradPre.Data)
		c.GradPreSet = true
	} else {
		c.GradOut.Resize(probeBatch, pr.outShape)
		copy(c.GradOut.Data, pr.w.Data)
		c.GradOutSet = true
	}
	pr.l.Backward(c)
}

// Model checks the gradients that objective(true) leaves in params (a
// forward pass, the loss and a backward pass of a whole model) against
// central differences of objective(false), at up to 40 entries of each;
// what names the check in failures.
func Model(t testing.TB, what string, params []*nn.Param, objective func(grad bool) float64) {
	t.Helper()
	objective(true)
	grads := make([][]float32, len(params))
	for i, p := range params {
		grads[i] = append([]float32(nil), p.Grad.Data...)
	}
	for i, p := range params {
		checkValues(t, what+"/"+p.Name, p.Value.Data, grads[i], func() float64 { return objective(false) })
	}
}

// checkValues perturbs up to 40 entries of values and compares dObjective
// with grad.
func checkValues(t testing.TB, what string, values, grad []float32, objective func() float64) {
	t.Helper()
	analytic := append([]float32(nil), grad...)
	stride := max(1, len(values)/40)
	for i := 0; i < len(values); i += stride {
		old := values[i]
		values[i] = old + Step
		up := objective()
		values[i] = old - Step
		down := objective()
		values[i] = old
		numeric := (up - down) / (2 * Step)
		if !Close(float64(analytic[i]), numeric) {
			t.Errorf("%s[%d]: analytic gradient %.6g, numeric %.6g", what, i, analytic[i], numeric)
		}
	}
	objective()
}

// Scalar checks d f(x)/dx = df(x) at the points xs by central differences.
func Scalar(t testing.TB, name string, f, df func(float64) float64, xs []float64) {
	t.Helper()
	for _, x := range xs {
		h := 1e-4
		numeric := (f(x+h) - f(x-h)) / (2 * h)
		if !Close(df(x), numeric) {
			t.Errorf("%s'(%g): analytic %.6g, numeric %.6g", name, x, df(x), numeric)
		}
	}
}
