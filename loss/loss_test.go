package loss_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/internal/gradcheck"
	"github.com/latent-go/latent/loss"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

// sigmoidOutput builds a Dense-sigmoid layer and a forward call on x.
func sigmoidOutput(t *testing.T, act string) (*nn.Dense, *nn.Call) {
	t.Helper()
	d, err := nn.NewDense(nn.LayerSpec{Type: "Dense", Name: "out", Units: 6, Activation: act})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	if _, err := d.Build([][]int{{4}}, rng); err != nil {
		t.Fatal(err)
	}
	x := tensor.New(3, 4)
	for i := range x.Data {
		x.Data[i] = float32(rng.NormFloat64()) * 3
	}
	c := &nn.Call{In: []*tensor.Tensor{x}, Out: tensor.New(3, 6), GradOut: &tensor.Tensor{}, GradPre: &tensor.Tensor{}}
	d.Forward(c)
	return d, c
}

func targets() *tensor.Tensor {
	rng := rand.New(rand.NewPCG(7, 8))
	y := tensor.New(3, 6)
	for i := range y.Data {
		y.Data[i] = rng.Float32()
	}
	return y
}

// TestLossGradients checks each loss's gradient with respect to what it
// differentiates (logits for BCE after a sigmoid, outputs otherwise).
func TestLossGradients(t *testing.T) {
	y := targets()
	for _, tc := range []struct {
		loss loss.Loss
		act  string
	}{
		{loss.BinaryCrossentropy{}, "sigmoid"},
		{loss.BinaryCrossentropy{}, "linear"}, // probability path: outputs in (0,1) below
		{loss.MeanSquaredError{}, "tanh"},
	} {
		d, c := sigmoidOutput(t, tc.act)
		if tc.act == "linear" {
			for i := range c.Out.Data {
				c.Out.Data[i] = 0.05 + 0.9*float32(i)/float32(len(c.Out.Data))
			}
		}
		tc.loss.Compute(nn.OutputOf(d, c), y, true)
		values, grad := c.Out.Data, c.GradOut.Data
		pre := c.GradPreSet
		if pre {
			values, grad = d.Logits(c).Data, c.GradPre.Data
		}
		analytic := append([]float32(nil), grad...)
		for i := range values {
			old := values[i]
			h := float32(1e-2)
			eval := func(v float32) float64 {
				values[i] = v
				if pre {
					c.Out.Data[i] = nn.Sigmoid(v)
				}
				return tc.loss.Compute(nn.OutputOf(d, c), y, false)
			}
			num := (eval(old+h) - eval(old-h)) / (2 * float64(h))
			eval(old)
			if !gradcheck.Close(float64(analytic[i]), num) {
				t.Errorf("%s after %s: gradient[%d] %v, numeric %v", tc.loss.Name(), tc.act, i, analytic[i], num)
			}
		}
	}
}

func TestBCEFromLogitsMatchesFormula(t *testing.T) {
	d, c := sigmoidOutput(t, "sigmoid")
	y := targets()
	got := loss.BinaryCrossentropy{}.Compute(nn.OutputOf(d, c), y, false)
	var want float64
	z := d.Logits(c).Data
	for i := range z {
		zi, yi := float64(z[i]), float64(y.Data[i])
		want += math.Max(zi, 0) - zi*yi + math.Log1p(math.Exp(-math.Abs(zi)))
	}
	want /= float64(len(z))
	if math.Abs(got-want) > 1e-6 {
		t.Errorf("BCE from logits = %v, want %v", got, want)
	}
}

// TestBCEClippedProbabilities checks Keras's double-epsilon formula on a
// plain (non-sigmoid) output, the values quoted in the Keras issues.
func TestBCEClippedProbabilities(t *testing.T) {
	c := &nn.Call{Out: tensor.FromSlice([]float32{1, 0, 0.5, 0.9999999}, 4, 1), GradOut: &tensor.Tensor{}}
	lin, _ := nn.NewDense(nn.LayerSpec{Type: "Dense", Name: "x", Units: 1})
	y := tensor.FromSlice([]float32{0, 1, 1, 0}, 4, 1)
	got := loss.BinaryCrossentropy{}.Compute(nn.OutputOf(lin, c), y, false)
	// y=0,p=1 -> 15.333239; y=1,p=0 -> 15.424948; y=1,p=.5 -> -log(.5+1e-7); y=0,p=1-1e-7 -> 15.333239
	want := (15.333239 + 15.424948 + -math.Log(0.5+1e-7) + 15.333239) / 4
	if math.Abs(got-want) > 1e-4 {
		t.Errorf("clipped BCE = %v, want %v", got, want)
	}
}

func TestMSEValue(t *testing.T) {
	c := &nn.Call{Out: tensor.FromSlice([]float32{1, 2, 3, 4}, 2, 2), GradOut: &tensor.Tensor{}}
	y := tensor.FromSlice([]float32{1, 0, 3, 1}, 2, 2)
	lin, _ := nn.NewDense(nn.LayerSpec{Type: "Dense", Name: "x", Units: 2})
	if got := (loss.MeanSquaredError{}).Compute(nn.OutputOf(lin, c), y, true); got != 13.0/4 {
		t.Errorf("mse = %v, want 3.25", got)
	}
	if c.GradOut.Data[1] != 1 || c.GradOut.Data[3] != 1.5 {
		t.Errorf("mse gradient %v", c.GradOut.Data)
	}
}

func TestByName(t *testing.T) {
	for _, n := range []string{"binary_crossentropy", "mse", "mean_squared_error"} {
		if _, err := loss.ByName(n); err != nil {
			t.Error(err)
		}
	}
	if _, err := loss.ByName("hinge2"); err == nil {
		t.Error("unknown loss accepted")
	}
}

// TestPerSampleMeanIsBatchLoss checks that each loss's per-sample scores
// (the anomaly scores) average to its batch loss, on every path, and that
// they rank the samples: a sample made worse scores higher.
func TestPerSampleMeanIsBatchLoss(t *testing.T) {
	y := targets()
	for _, tc := range []struct {
		loss loss.Loss
		act  string
	}{
		{loss.BinaryCrossentropy{}, "sigmoid"},
		{loss.BinaryCrossentropy{}, "linear"},
		{loss.MeanSquaredError{}, "tanh"},
	} {
		d, c := sigmoidOutput(t, tc.act)
		if tc.act == "linear" {
			for i := range c.Out.Data {
				c.Out.Data[i] = 0.05 + 0.9*float32(i)/float32(len(c.Out.Data))
			}
		}
		out := nn.OutputOf(d, c)
		batch := tc.loss.Compute(out, y, false)
		per := make([]float64, c.Out.Rows())
		tc.loss.PerSample(out, y, per)
		var sum float64
		for _, v := range per {
			sum += v
		}
		if mean := sum / float64(len(per)); math.Abs(mean-batch) > 1e-6*math.Abs(batch) {
			t.Errorf("%s after %s: per-sample mean %v, batch loss %v", tc.loss.Name(), tc.act, mean, batch)
		}
		if per[0] == per[1] {
			t.Errorf("%s after %s: samples score alike: %v", tc.loss.Name(), tc.act, per)
		}
	}
}
