package optim_test

import (
	"math"
	"testing"

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
	for _, c := range []optim.Config{{Name: "sgd9"}, {Name: "adam", LearningRate: -1}, {Name: "adam", Beta1: 1}} {
		if _, err := optim.New(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	a, err := optim.New(optim.Config{Name: "adam"})
	if err != nil || a.Config().LearningRate != 0.001 || a.Config().Epsilon != 1e-7 {
		t.Errorf("defaults: %+v %v", a.Config(), err)
	}
}
