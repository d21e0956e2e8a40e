package optim_test

import (
	"math"
	"runtime"
	"testing"

	"github.com/latent-go/latent/compute"

	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/tensor"
)

// TestAdamHandComputed checks three Keras-style Adam steps on one weight,
// computed by hand in float64:
//
//	t=1: g=0.5: m=0.05, v=0.00025, alpha=0.001*sqrt(0.001)/0.1=3.16227766e-4
//	     w -= alpha*m/(sqrt(v)+1e-7) = 3.16227766e-4*0.05/0.0158114883 = 9.99993675e-4
func TestAdamHandComputed(t *testing.T) {
	p := &nn.Param{Name: "w", Value: tensor.FromSlice([]float32{1}, 1), Grad: tensor.New(1)}
	a := optim.NewAdam()
	w, m, v := 1.0, 0.0, 0.0
	for step, g := range []float64{0.5, -0.25, 2} {
		p.Grad.Data[0] = float32(g)
		a.Step([]*nn.Param{p})
		tt := float64(step + 1)
		alpha := 0.001 * math.Sqrt(1-math.Pow(0.999, tt)) / (1 - math.Pow(0.9, tt))
		m += (g - m) * 0.1
		v += (g*g - v) * 0.001
		w -= alpha * m / (math.Sqrt(v) + 1e-7)
		if math.Abs(float64(p.Value.Data[0])-w) > 1e-6 {
			t.Fatalf("step %d: w = %.9f, want %.9f", step+1, p.Value.Data[0], w)
		}
	}
	if math.Abs(1-0.000999993675-float64(float32(1-0.000999993675))) > 1e-7 {
		t.Fatal("arithmetic check")
	}
	if a.Iterations != 3 {
		t.Errorf("iterations = %d, want 3", a.Iterations)
	}
}

// TestAdamFirstStepIsLearningRate: the first step moves a weight by
// lr*g/(|g| + eps/sqrt(1-beta2)): almost exactly lr for large gradients,
// and visibly less for tiny ones, because Keras adds epsilon to the
// uncorrected sqrt(v) (eps-hat = 1e-7/sqrt(0.001) = 3.16e-6).
func TestAdamFirstStepIsLearningRate(t *testing.T) {
	p := &nn.Param{Value: tensor.FromSlice([]float32{0, 0, 0}, 3), Grad: tensor.FromSlice([]float32{1e-3, 5, -100}, 3)}
	optim.NewAdam().Step([]*nn.Param{p})
	epsHat := 1e-7 / math.Sqrt(0.001)
	for i, want := range []float32{float32(-0.001 * 1e-3 / (1e-3 + epsHat)), -0.001, 0.001} {
		if math.Abs(float64(p.Value.Data[i]-want)) > 1e-8 {
			t.Errorf("w[%d] = %v, want %v", i, p.Value.Data[i], want)
		}
	}
}

func TestNewRejectsBadSettings(t *testing.T) {
	for _, c := range []optim.Config{{Name: "sgd9"}, {Name: "adam", LearningRate: optim.Setting(-1)}, {Name: "adam", LearningRate: optim.Setting(0)}, {Name: "adam", Epsilon: optim.Setting(0)}, {Name: "adam", Beta1: optim.Setting(1)}} {
		if _, err := optim.New(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	a, err := optim.New(optim.Config{Name: "adam"})
	if err != nil || *a.Config().LearningRate != 0.001 || *a.Config().Epsilon != 1e-7 || *a.Config().Beta1 != 0.9 {
		t.Errorf("defaults: %+v %v", a.Config(), err)
	}
	// A setting given as 0 is 0, not the default: beta_1 = 0 is a valid Adam.
	if a, err := optim.New(optim.Config{Name: "adam", Beta1: optim.Setting(0)}); err != nil {
		t.Errorf("beta_1 = 0: %v", err)
	} else if b := *a.Config().Beta1; b != 0 {
		t.Errorf("beta_1 = 0 became %v", b)
	}
}

// TestAdamStepsEachWeightAlone: Adam steps many tensors in one parallel
// pass whose pieces run across the tensors' ends; every weight and moment
// gets the bits of stepping each tensor alone, at any thread count.
func TestAdamStepsEachWeightAlone(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	sizes := []int{1, 8191, 8193, 3, 20000}
	for _, procs := range []int{1, 4} {
		runtime.GOMAXPROCS(procs)
		var params []*nn.Param
		want := make([][3][]float32, len(sizes)) // weights, m, v
		for i, n := range sizes {
			w, g := make([]float32, n), make([]float32, n)
			for j := range w {
				w[j], g[j] = float32(math.Sin(float64(i*n+j))), float32(math.Cos(float64(j)))
			}
			params = append(params, &nn.Param{Name: "w", Value: tensor.FromSlice(w, n), Grad: tensor.FromSlice(g, n)})
			want[i] = [3][]float32{append([]float32(nil), w...), make([]float32, n), make([]float32, n)}
		}
		a := optim.NewAdam()
		for step := 1; step <= 2; step++ {
			a.Step(params)
			b1t, b2t := float32(math.Pow(float64(float32(0.9)), float64(step))), float32(math.Pow(float64(float32(0.999)), float64(step)))
			alpha := float32(0.001) * float32(math.Sqrt(float64(1-b2t))) / (1 - b1t)
			for i, p := range params {
				compute.AdamStep(want[i][0], p.Grad.Data, want[i][1], want[i][2], alpha, 1-float32(0.9), 1-float32(0.999), 1e-7)
			}
		}
		for i, p := range params {
			m, v := a.Moments(p)
			for k, got := range [][]float32{p.Value.Data, m, v} {
				for j := range got {
					if math.Float32bits(got[j]) != math.Float32bits(want[i][k][j]) {
						t.Fatalf("%d threads: tensor %d (%d values), value %d of %s differs", procs, i, sizes[i], j, []string{"the weights", "m", "v"}[k])
					}
				}
			}
		}
	}
}
