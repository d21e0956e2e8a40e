package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/internal/gradcheck"
	"github.com/latent-go/latent/nn"
)

func TestDenseGradients(t *testing.T) {
	for _, act := range []string{"linear", "relu", "sigmoid", "tanh", "softplus"} {
		t.Run(act, func(t *testing.T) {
			l, err := nn.NewDense(nn.LayerSpec{Type: "Dense", Name: "d", Units: 5, Activation: act})
			if err != nil {
				t.Fatal(err)
			}
			gradcheck.Layer(t, l, []int{7})
		})
	}
}

func TestActivationGradients(t *testing.T) {
	xs := []float64{-3, -0.7, -0.1, 0.2, 0.9, 4}
	for _, name := range []string{"linear", "relu", "sigmoid", "tanh", "softplus"} {
		act, err := nn.ActivationByName(name)
		if err != nil {
			t.Fatal(err)
		}
		f := func(x float64) float64 {
			y := make([]float32, 1)
			act.Apply([]float32{float32(x)}, y)
			return float64(y[0])
		}
		df := func(x float64) float64 {
			z := []float32{float32(x)}
			y := make([]float32, 1)
			act.Apply(z, y)
			dz := make([]float32, 1)
			act.Grad(z, y, []float32{1}, dz)
			return float64(dz[0])
		}
		gradcheck.Scalar(t, name, f, df, xs)
	}
}

func TestActivationValues(t *testing.T) {
	cases := []struct {
		name string
		in   float32
		want float64
	}{
		{"relu", -2, 0}, {"relu", 0, 0}, {"relu", 3, 3},
		{"sigmoid", 0, 0.5}, {"sigmoid", 2, 0.8807970779778823}, {"sigmoid", -20, 2.0611536181902037e-09},
		{"tanh", 1, 0.7615941559557649}, {"softplus", 0, math.Ln2}, {"linear", -1.5, -1.5},
	}
	for _, c := range cases {
		act, _ := nn.ActivationByName(c.name)
		y := make([]float32, 1)
		act.Apply([]float32{c.in}, y)
		if math.Abs(float64(y[0])-c.want) > 1e-6*math.Max(1, math.Abs(c.want)) {
			t.Errorf("%s(%v) = %v, want %v", c.name, c.in, y[0], c.want)
		}
	}
	// TensorFlow's ReluGrad: zero gradient at exactly 0.
	// The branch-free relu must agree with the plain definition on the
	// edges: both zeros, the smallest subnormals, infinities.
	relu, _ := nn.ActivationByName("relu")
	negZero := float32(math.Copysign(0, -1))
	edges := []float32{0, negZero, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
		2.5, -2.5, float32(math.Inf(1)), float32(math.Inf(-1))}
	y, dz := make([]float32, len(edges)), make([]float32, len(edges))
	ones := []float32{1, 1, 1, 1, 1, 1, 1, 1}
	relu.Apply(edges, y)
	relu.Grad(edges, y, ones, dz)
	for i, z := range edges {
		wantY, wantDz := float32(0), float32(0)
		if z > 0 {
			wantY, wantDz = z, 1
		}
		if math.Float32bits(y[i]) != math.Float32bits(wantY) || dz[i] != wantDz {
			t.Errorf("relu(%v) = %v with gradient %v, want +%v and %v", z, y[i], dz[i], wantY, wantDz)
		}
	}
	if _, err := nn.ActivationByName("swish2"); err == nil {
		t.Error("unknown activation accepted")
	}
}

func TestRegularizerGradients(t *testing.T) {
	for _, spec := range []nn.RegularizerSpec{{L1: 0.3}, {L2: 0.2}, {L1: 0.1, L2: 0.05}} {
		r, err := nn.NewRegularizer(spec)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 1))
		x := make([]float32, 20)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		g := make([]float32, len(x))
		r.AddGrad(x, g, 1)
		for i := range x {
			old := x[i]
			h := float32(1e-2)
			x[i] = old + h
			up := r.Penalty(x)
			x[i] = old - h
			down := r.Penalty(x)
			x[i] = old
			if num := (up - down) / (2 * float64(h)); !gradcheck.Close(float64(g[i]), num) {
				t.Errorf("%v: gradient[%d] %v, numeric %v", spec, i, g[i], num)
			}
		}
	}
}

func TestRegularizerValues(t *testing.T) {
	x := []float32{1, -2, 0, 0.5}
	l1, _ := nn.NewRegularizer(nn.RegularizerSpec{L1: 0.1})
	if got := l1.Penalty(x); math.Abs(got-0.35) > 1e-7 {
		t.Errorf("l1 penalty %v, want 0.35", got)
	}
	l2, _ := nn.NewRegularizer(nn.RegularizerSpec{L2: 0.1})
	if got := l2.Penalty(x); math.Abs(got-0.525) > 1e-7 {
		t.Errorf("l2 penalty %v, want 0.525", got)
	}
	// sign(0) = 0: no gradient at an exact zero (TensorFlow's Abs gradient).
	g := make([]float32, 4)
	l1.AddGrad(x, g, 1)
	if g[2] != 0 || g[0] != 0.1 || g[1] != -0.1 {
		t.Errorf("l1 gradient %v", g)
	}
	for _, bad := range []nn.RegularizerSpec{{}, {L1: -1}} {
		if _, err := nn.NewRegularizer(bad); err == nil {
			t.Errorf("regularizer %v accepted", bad)
		}
	}
}

func TestGlorotUniformLimit(t *testing.T) {
	l, _ := nn.NewDense(nn.LayerSpec{Type: "Dense", Name: "d", Units: 32})
	if _, err := l.Build([][]int{{784}}, rand.New(rand.NewPCG(1, 2))); err != nil {
		t.Fatal(err)
	}
	limit := math.Sqrt(6.0 / (784 + 32)) // 0.0857493
	var maxAbs, sum float64
	for _, w := range l.Kernel().Value.Data {
		maxAbs = math.Max(maxAbs, math.Abs(float64(w)))
		sum += float64(w)
	}
	if maxAbs > limit || maxAbs < 0.99*limit {
		t.Errorf("largest |w| = %v, want just under %v", maxAbs, limit)
	}
	if mean := sum / float64(784*32); math.Abs(mean) > 0.002 {
		t.Errorf("mean weight %v, want about 0", mean)
	}
	for _, b := range l.Bias().Value.Data {
		if b != 0 {
			t.Fatal("bias not zero")
		}
	}
}

func TestDenseRejectsBadShapes(t *testing.T) {
	l, _ := nn.NewDense(nn.LayerSpec{Type: "Dense", Name: "d", Units: 4})
	if _, err := l.Build([][]int{{28, 28}}, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("Dense accepted a 2-d sample shape")
	}
	if _, err := nn.NewDense(nn.LayerSpec{Type: "Dense", Name: "d", Units: 0}); err == nil {
		t.Error("Dense accepted 0 units")
	}
}
