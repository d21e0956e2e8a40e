// Package vae is the variational autoencoder family, built and trained as
// keras.io's example "Variational AutoEncoder" does: an encoder that
// returns z_mean, z_log_var and a sampled z, a decoder from z to the image,
// and an objective that adds the reconstruction term (binary cross-entropy
// summed over the pixels) and the KL term (summed over the latent
// dimensions), each averaged over the batch.
//
// It imports compute, nn, loss, train and model, and registers the family
// "vae" with model.
package vae

import (
	"fmt"

	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
)

func init() { model.Register(Family{}) }

// Family is the VAE family.
type Family struct{}

// Name implements model.Family.
func (Family) Name() string { return "vae" }

// Format implements model.Family.
func (Family) Format() string { return Format }

// Format names the layout of latent's VAE files.
const Format = "latent.vae/1"

// Plan implements model.Family: the encoder's trunk from the input to a
// flat feature vector, two Dense heads of latent_dim units, and the
// decoder from latent_dim values back to the input's shape.
func (Family) Plan(a model.Architecture) (nn.Plan, error) {
	if a.LatentDim <= 0 {
		return nn.Plan{}, fmt.Errorf("latent_dim must be positive, got %d", a.LatentDim)
	}
	if len(a.Encoder) == 0 || len(a.Decoder) == 0 {
		return nn.Plan{}, fmt.Errorf("a VAE needs an input shape, encoder layers and decoder layers")
	}
	if last := a.Decoder[len(a.Decoder)-1]; last.Activation != "sigmoid" {
		return nn.Plan{}, fmt.Errorf("the decoder's last layer must end in a sigmoid (its loss is binary cross-entropy)")
	}
	trunk, err := nn.PlanChain("encoder", a.InputShape, a.Encoder)
	if err != nil {
		return nn.Plan{}, err
	}
	head := nn.LayerSpec{Type: "Dense", Name: "z_mean", Units: a.LatentDim}
	zMean, err := trunk.Then(head)
	if err != nil {
		return nn.Plan{}, err
	}
	// z_log_var: a second head of the same size.
	enc, err := zMean.Add(nn.Plan{Weights: zMean.Weights - trunk.Weights})
	if err != nil {
		return nn.Plan{}, err
	}
	dec, err := nn.PlanChain("decoder", []int{a.LatentDim}, a.Decoder)
	if err != nil {
		return nn.Plan{}, err
	}
	if !tensor.SameShape(dec.Shape, a.InputShape) {
		return nn.Plan{}, fmt.Errorf("the decoder's output %s does not match the input %s", tensor.ShapeString(dec.Shape), tensor.ShapeString(a.InputShape))
	}
	return enc.Add(dec)
}

// Build implements model.Family.
func (Family) Build(a model.Architecture, seed uint64) (model.Model, error) { return Build(a, seed) }

// VAE holds the encoder (x -> [z_mean, z_log_var, z], named "encoder"),
// the decoder (z -> reconstruction, named "decoder"), and the model that
// training runs, its Network: from x to [z_mean, z_log_var,
// reconstruction], the decoder's layers applied to the sampled z.
type VAE struct {
	model.Networks
	// sampling is the layer that draws z.
	sampling *nn.Sampling
}

// Build makes the VAE with weights drawn from seed, in the order and with
// the names of the keras.io example: the encoder's layers, its heads
// "z_mean" and "z_log_var" and "sampling", then the decoder's. The
// sampling layer draws from a.SamplingSeed, or from seed when that is 0.
func Build(a model.Architecture, seed uint64) (*VAE, error) {
	if _, err := (Family{}).Plan(a); err != nil {
		return nil, err
	}
	samplingSeed := a.SamplingSeed
	if samplingSeed == 0 {
		samplingSeed = seed
	}
	s := nn.NewScope(seed)
	v := &VAE{Networks: model.Networks{Arch: model.Architecture{InputShape: a.InputShape, LatentDim: a.LatentDim, SamplingSeed: samplingSeed}}}
	x := s.Input(a.InputShape...)
	zMean, zLogVar, z, err := v.buildEncoder(s, x, a)
	if err != nil {
		return nil, err
	}
	decLayers, err := v.buildDecoder(s, a)
	if err != nil {
		return nil, err
	}
	r := z
	for _, l := range decLayers {
		if r, err = s.Apply(l, r); err != nil {
			return nil, err
		}
	}
	if v.Full, err = nn.NewModel("vae", []*nn.Node{x}, []*nn.Node{zMean, zLogVar, r}); err != nil {
		return nil, err
	}
	return v, nil
}

// buildEncoder applies the trunk, the two heads and the sampling layer to
// x and makes the encoder model.
func (v *VAE) buildEncoder(s *nn.Scope, x *nn.Node, a model.Architecture) (zMean, zLogVar, z *nn.Node, err error) {
	h, layers, err := s.Chain("encoder", x, a.Encoder)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, l := range layers {
		v.Arch.Encoder = append(v.Arch.Encoder, l.Spec())
	}
	head := func(name string) (*nn.Node, error) {
		l, err := s.Layer(nn.LayerSpec{Type: "Dense", Name: name, Units: a.LatentDim})
		if err != nil {
			return nil, err
		}
		return s.Apply(l, h)
	}
	if zMean, err = head("z_mean"); err != nil {
		return nil, nil, nil, err
	}
	if zLogVar, err = head("z_log_var"); err != nil {
		return nil, nil, nil, err
	}
	sl, err := s.Layer(nn.LayerSpec{Type: "Sampling", Seed: v.Arch.SamplingSeed})
	if err != nil {
		return nil, nil, nil, err
	}
	v.sampling = sl.(*nn.Sampling)
	if z, err = s.Apply(sl, zMean, zLogVar); err != nil {
		return nil, nil, nil, err
	}
	v.Enc, err = nn.NewModel("encoder", []*nn.Node{x}, []*nn.Node{zMean, zLogVar, z})
	return zMean, zLogVar, z, err
}

// buildDecoder makes the decoder model from a new latent input and
// returns its layers, to be applied to the sampled z as well.
func (v *VAE) buildDecoder(s *nn.Scope, a model.Architecture) ([]nn.Layer, error) {
	zIn := s.Input(a.LatentDim)
	d, layers, err := s.Chain("decoder", zIn, a.Decoder)
	if err != nil {
		return nil, err
	}
	for _, l := range layers {
		v.Arch.Decoder = append(v.Arch.Decoder, l.Spec())
	}
	v.Dec, err = nn.NewModel("decoder", []*nn.Node{zIn}, []*nn.Node{d})
	return layers, err
}

// Family implements model.Model.
func (v *VAE) Family() model.Family { return Family{} }

// Sampling is the layer that draws z.
func (v *VAE) Sampling() *nn.Sampling { return v.sampling }

// Views implements model.Model: keras.io prints the encoder's summary,
// then the decoder's.
func (v *VAE) Views() []model.View {
	return []model.View{{Name: "encoder", Model: v.Enc}, {Name: "decoder", Model: v.Dec}}
}

// Objective implements model.Family: the reconstruction term is binary
// cross-entropy, the only loss keras.io's VAE has.
func (Family) Objective(loss string) (train.Objective, error) {
	if loss != "" && loss != "binary_crossentropy" && loss != "bce" {
		return nil, fmt.Errorf("a VAE's reconstruction term is binary_crossentropy, not %q", loss)
	}
	return Objective{}, nil
}
