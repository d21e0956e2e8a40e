package train_test

import (
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/ae"
	"github.com/latent-go/latent/internal/gradcheck"
	"github.com/latent-go/latent/loss"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
)

// TestDeepModelGradient checks the gradient of a whole deep autoencoder,
// loss and activity penalties included, against central differences of
// the training objective: backpropagation through every layer at once.
func TestDeepModelGradient(t *testing.T) {
	for _, l := range []loss.Loss{loss.BinaryCrossentropy{}, loss.MeanSquaredError{}} {
		a, err := ae.Build(model.Architecture{
			InputShape: []int{6},
			Encoder: []nn.LayerSpec{
				{Type: "Dense", Units: 5, Activation: "tanh"},
				{Type: "Dense", Units: 4, Activation: "relu", ActivityRegularizer: &nn.RegularizerSpec{L1: 0.01, L2: 0.02}},
			},
			Decoder: []nn.LayerSpec{
				{Type: "Dense", Units: 5, Activation: "softplus"},
				{Type: "Dense", Units: 6, Activation: "sigmoid"},
			},
		}, 3)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(4, 5))
		x := tensor.New(5, 6)
		for i := range x.Data {
			x.Data[i] = rng.Float32()
		}
		for _, p := range a.Network().Params() {
			for i := range p.Value.Data {
				p.Value.Data[i] += 0.2 * float32(rng.NormFloat64())
			}
		}
		m := a.Network()
		s := m.NewSession()
		obj := train.Reconstruction{Loss: l}
		objective := func(grad bool) float64 {
			if _, err := s.Forward([]*tensor.Tensor{x}, true); err != nil {
				t.Fatal(err)
			}
			v, err := obj.Compute(s, x, grad)
			if err != nil {
				t.Fatal(err)
			}
			if grad {
				s.Backward()
			}
			return v.Total
		}
		gradcheck.Model(t, l.Name(), m.Params(), objective)
	}
}
