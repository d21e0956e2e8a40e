package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/latent-go/latent/tensor"
)

// Sampling is the variational autoencoder's reparameterisation layer of
// keras.io's VAE example: from inputs [z_mean, z_log_var] it returns
// z = z_mean + exp(0.5*z_log_var)*ε with ε ~ N(0,1) drawn from the layer's
// own generator, seeded by its spec, so training repeats exactly. In
// inference each session draws from a stream of its own, seeded from the
// same spec, so predictions neither disturb training's stream nor depend on
// other callers: two sessions that predict the same inputs draw the same z.
type Sampling struct {
	name  string
	seed  uint64
	src   *rand.PCG
	rng   *rand.Rand
	shape []int
}

// NewSampling makes a Sampling layer.
func NewSampling(s LayerSpec) (*Sampling, error) {
	src := rand.NewPCG(s.Seed, 0x73616d706c65) // "sample"
	return &Sampling{name: s.Name, seed: s.Seed, src: src, rng: rand.New(src)}, nil
}

// RandomLayer is a layer that draws random numbers as it trains; a
// checkpoint saves its generator's position so a resumed run draws what an
// uninterrupted one would.
type RandomLayer interface {
	Layer
	RandomState() ([]byte, error)
	SetRandomState(b []byte) error
}

// RandomState implements RandomLayer.
func (l *Sampling) RandomState() ([]byte, error) { return l.src.MarshalBinary() }

// SetRandomState implements RandomLayer.
func (l *Sampling) SetRandomState(b []byte) error {
	if err := l.src.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("Sampling %q: %w", l.name, err)
	}
	return nil
}

// Name implements Layer.
func (l *Sampling) Name() string { return l.name }

// Class implements Layer.
func (l *Sampling) Class() string { return "Sampling" }

// Built implements Layer.
func (l *Sampling) Built() bool { return l.shape != nil }

// Params implements Layer.
func (l *Sampling) Params() []*Param { return nil }

// Spec implements Layer.
func (l *Sampling) Spec() LayerSpec { return LayerSpec{Type: "Sampling", Name: l.name, Seed: l.seed} }

// OutputShape implements Layer.
func (l *Sampling) OutputShape(in [][]int) ([]int, error) {
	if len(in) != 2 || !tensor.SameShape(in[0], in[1]) {
		return nil, fmt.Errorf("Sampling %q takes [z_mean, z_log_var] of one shape, got %v", l.name, in)
	}
	return append([]int(nil), in[0]...), nil
}

// Build implements Layer.
func (l *Sampling) Build(in [][]int, _ *rand.Rand) ([]int, error) {
	out, err := l.OutputShape(in)
	if err == nil {
		l.shape = out
	}
	return out, err
}

type samplingState struct {
	eps, scale []float32
	infer      *rand.Rand // this session's stream for inference
}

// Forward implements Layer.
func (l *Sampling) Forward(c *Call) {
	mean, logVar := c.In[0].Data, c.In[1].Data
	s, ok := c.State.(*samplingState)
	if !ok {
		s = &samplingState{}
		c.State = s
	}
	rng := l.rng
	if !c.Training {
		if s.infer == nil {
			s.infer = rand.New(rand.NewPCG(l.seed, 0x696e666572)) // "infer"
		}
		rng = s.infer
	}
	s.eps = grow(s.eps, len(mean))
	s.scale = grow(s.scale, len(mean))
	for i := range mean {
		s.eps[i] = float32(rng.NormFloat64())
		s.scale[i] = float32(math.Exp(0.5 * float64(logVar[i])))
		c.Out.Data[i] = mean[i] + float32(s.scale[i]*s.eps[i])
	}
}

// Backward implements Layer: dz/dmean = 1, dz/dlogvar = 0.5*exp(0.5*logvar)*ε.
func (l *Sampling) Backward(c *Call) {
	s := c.State.(*samplingState)
	for k, g := range c.GradIn {
		if g == nil {
			continue
		}
		if !c.GradOutSet {
			g.Zero()
			continue
		}
		for i, d := range c.GradOut.Data {
			if k == 0 {
				g.Data[i] = d
			} else {
				g.Data[i] = d * 0.5 * s.scale[i] * s.eps[i]
			}
		}
	}
}

// Reseed restarts the layer's draws from a seed: a resumed run, or a test
// that needs the same ε on every call, uses it.
func (l *Sampling) Reseed(seed uint64) { l.rng = rand.New(rand.NewPCG(seed, 0x73616d706c65)) }
