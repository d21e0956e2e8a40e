// Package vae builds and trains variational autoencoders as keras.io's
// example "Variational AutoEncoder" does: an encoder that returns z_mean,
// z_log_var and a sampled z, a decoder from z to the image, and a loss
// that adds the reconstruction term (binary cross-entropy summed over the
// pixels) and the KL term (summed over the latent dimensions), each
// averaged over the batch.
package vae

import (
	"fmt"

	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

// Spec is a VAE's architecture: the encoder's trunk (from the input to a
// flat feature vector), the latent size, and the decoder (from z to an
// image of the input's shape, ending in a sigmoid).
type Spec struct {
	InputShape []int          `json:"input_shape"`
	LatentDim  int            `json:"latent_dim"`
	Encoder    []nn.LayerSpec `json:"encoder"`
	Decoder    []nn.LayerSpec `json:"decoder"`
}

// VAE holds the encoder and the decoder, and the model that training runs:
// from x to [z_mean, z_log_var, reconstruction], the decoder's layers
// applied to the sampled z.
type VAE struct {
	Encoder *nn.Model // x -> [z_mean, z_log_var, z], named "encoder"
	Decoder *nn.Model // z -> reconstruction, named "decoder"
	Train   *nn.Model
	Spec    Spec
	// Sampling is the layer that draws z.
	Sampling *nn.Sampling
}

// Build makes the VAE with weights drawn from seed, in the order and with
// the names of the keras.io example: the encoder's layers, its heads
// "z_mean" and "z_log_var" and "sampling", then the decoder's.
func Build(spec Spec, seed uint64) (*VAE, error) {
	if spec.LatentDim <= 0 {
		return nil, fmt.Errorf("latent_dim must be positive, got %d", spec.LatentDim)
	}
	if len(spec.InputShape) == 0 || len(spec.Encoder) == 0 || len(spec.Decoder) == 0 {
		return nil, fmt.Errorf("a VAE needs an input shape, encoder layers and decoder layers")
	}
	s := nn.NewScope(seed)
	v := &VAE{Spec: Spec{InputShape: spec.InputShape, LatentDim: spec.LatentDim}}
	x := s.Input(spec.InputShape...)
	h := x
	for i, ls := range spec.Encoder {
		l, err := s.Layer(ls)
		if err != nil {
			return nil, fmt.Errorf("encoder layer %d: %w", i+1, err)
		}
		if h, err = s.Apply(l, h); err != nil {
			return nil, fmt.Errorf("encoder layer %d: %w", i+1, err)
		}
		v.Spec.Encoder = append(v.Spec.Encoder, l.Spec())
	}
	head := func(name string) (*nn.Node, error) {
		l, err := s.Layer(nn.LayerSpec{Type: "Dense", Name: name, Units: spec.LatentDim})
		if err != nil {
			return nil, err
		}
		return s.Apply(l, h)
	}
	zMean, err := head("z_mean")
	if err != nil {
		return nil, err
	}
	zLogVar, err := head("z_log_var")
	if err != nil {
		return nil, err
	}
	sl, err := s.Layer(nn.LayerSpec{Type: "Sampling", Seed: seed})
	if err != nil {
		return nil, err
	}
	v.Sampling = sl.(*nn.Sampling)
	z, err := s.Apply(sl, zMean, zLogVar)
	if err != nil {
		return nil, err
	}
	if v.Encoder, err = nn.NewModel("encoder", []*nn.Node{x}, []*nn.Node{zMean, zLogVar, z}); err != nil {
		return nil, err
	}
	zIn := s.Input(spec.LatentDim)
	var decLayers []nn.Layer
	d := zIn
	for i, ls := range spec.Decoder {
		l, err := s.Layer(ls)
		if err != nil {
			return nil, fmt.Errorf("decoder layer %d: %w", i+1, err)
		}
		if d, err = s.Apply(l, d); err != nil {
			return nil, fmt.Errorf("decoder layer %d: %w", i+1, err)
		}
		decLayers = append(decLayers, l)
		v.Spec.Decoder = append(v.Spec.Decoder, l.Spec())
	}
	if !tensor.SameShape(d.Shape(), spec.InputShape) {
		return nil, fmt.Errorf("the decoder's output %s does not match the input %s", tensor.ShapeString(d.Shape()), tensor.ShapeString(spec.InputShape))
	}
	last, ok := decLayers[len(decLayers)-1].(nn.LogitLayer)
	if !ok || last.ActivationName() != "sigmoid" {
		return nil, fmt.Errorf("the decoder's last layer must end in a sigmoid (its loss is binary cross-entropy)")
	}
	if v.Decoder, err = nn.NewModel("decoder", []*nn.Node{zIn}, []*nn.Node{d}); err != nil {
		return nil, err
	}
	r := z
	for _, l := range decLayers {
		if r, err = s.Apply(l, r); err != nil {
			return nil, err
		}
	}
	if v.Train, err = nn.NewModel("vae", []*nn.Node{x}, []*nn.Node{zMean, zLogVar, r}); err != nil {
		return nil, err
	}
	return v, nil
}
