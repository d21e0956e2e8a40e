package nn_test

import (
	"math"
	"testing"

	"github.com/latent-go/latent/internal/gradcheck"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

// frozen draws the same ε on every call, so finite differences see a
// fixed function.
type frozen struct{ *nn.Sampling }

func (f frozen) Forward(c *nn.Call) {
	f.Reseed(5)
	c.Training = true
	f.Sampling.Forward(c)
}

func TestSamplingGradient(t *testing.T) {
	s, _ := nn.NewSampling(nn.LayerSpec{Type: "Sampling", Name: "sampling", Seed: 5})
	gradcheck.Layer(t, frozen{s}, []int{3}, []int{3})
}

func TestSamplingDistribution(t *testing.T) {
	s, _ := nn.NewSampling(nn.LayerSpec{Type: "Sampling", Name: "sampling", Seed: 1})
	s.Build([][]int{{2}, {2}}, nil)
	n := 20000
	mean, logVar := tensor.New(n, 2), tensor.New(n, 2)
	for i := 0; i < n; i++ {
		mean.Data[2*i], mean.Data[2*i+1] = 1, -2
		logVar.Data[2*i], logVar.Data[2*i+1] = 0, float32(math.Log(4)) // sd 1 and 2
	}
	c := &nn.Call{In: []*tensor.Tensor{mean, logVar}, Out: tensor.New(n, 2), Training: true}
	s.Forward(c)
	var m, v [2]float64
	for i := 0; i < n; i++ {
		for j := 0; j < 2; j++ {
			m[j] += float64(c.Out.Data[2*i+j])
		}
	}
	for j := range m {
		m[j] /= float64(n)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < 2; j++ {
			d := float64(c.Out.Data[2*i+j]) - m[j]
			v[j] += d * d / float64(n)
		}
	}
	if math.Abs(m[0]-1) > 0.03 || math.Abs(m[1]+2) > 0.06 || math.Abs(v[0]-1) > 0.05 || math.Abs(v[1]-4) > 0.2 {
		t.Errorf("means %v variances %v; want (1, -2) and (1, 4)", m, v)
	}
	// The same seed draws the same z.
	s2, _ := nn.NewSampling(nn.LayerSpec{Type: "Sampling", Name: "s", Seed: 1})
	s2.Build([][]int{{2}, {2}}, nil)
	c2 := &nn.Call{In: []*tensor.Tensor{mean, logVar}, Out: tensor.New(n, 2), Training: true}
	s2.Forward(c2)
	for i := range c.Out.Data {
		if c.Out.Data[i] != c2.Out.Data[i] {
			t.Fatal("same seed, different samples")
		}
	}
}
