// Package ae is the autoencoder family, built as the lecture builds it: one
// functional model from the input to the reconstruction, and the encoder
// (input to code) and the decoder (a new code input to the reconstruction)
// as models of their own that share the autoencoder's layers and so its
// weights. Denoising and inpainting autoencoders are this family trained on
// corrupted inputs.
//
// It imports nn, loss, train and model, and registers the family
// "autoencoder" with model.
package ae

import (
	"fmt"

	"github.com/latent-go/latent/loss"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
)

func init() { model.Register(Family{}) }

// Family is the autoencoder family.
type Family struct{}

// Name implements model.Family.
func (Family) Name() string { return "autoencoder" }

// Format implements model.Family: the format name of autoencoder files.
func (Family) Format() string { return Format }

// Format names the layout of latent's autoencoder files.
const Format = "latent.autoencoder/1"

// Plan implements model.Family: the encoder's layers from the input, the
// decoder's from the code, ending in the input's shape.
func (Family) Plan(a model.Architecture) (nn.Plan, error) {
	if len(a.Encoder) == 0 || len(a.Decoder) == 0 {
		return nn.Plan{}, fmt.Errorf("an autoencoder needs at least one encoder layer and one decoder layer")
	}
	if a.LatentDim != 0 {
		return nn.Plan{}, fmt.Errorf("an autoencoder takes its code size from its encoder's last layer, not latent_dim")
	}
	enc, err := nn.PlanChain("encoder", a.InputShape, a.Encoder)
	if err != nil {
		return nn.Plan{}, err
	}
	dec, err := nn.PlanChain("decoder", enc.Shape, a.Decoder)
	if err != nil {
		return nn.Plan{}, err
	}
	if !tensor.SameShape(dec.Shape, a.InputShape) {
		return nn.Plan{}, fmt.Errorf("the decoder's output %s does not match the input %s", tensor.ShapeString(dec.Shape), tensor.ShapeString(a.InputShape))
	}
	return enc.Add(dec)
}

// Build implements model.Family.
func (f Family) Build(a model.Architecture, seed uint64) (model.Model, error) {
	return Build(a, seed)
}

// Autoencoder holds the three models of the lecture.
// Its Network is input -> reconstruction, the one that is trained; its
// Encoder input -> code; its Decoder code -> reconstruction.
type Autoencoder struct {
	model.Networks
}

// Build makes the autoencoder with weights drawn from seed, in the order
// Keras builds them, and with Keras's default names: the autoencoder is
// "model", the encoder "model_1" and the decoder "model_2", whose input is
// "input_2".
func Build(a model.Architecture, seed uint64) (*Autoencoder, error) {
	if _, err := (Family{}).Plan(a); err != nil {
		return nil, err
	}
	s := nn.NewScope(seed)
	in := s.Input(a.InputShape...)
	code, encLayers, err := s.Chain("encoder", in, a.Encoder)
	if err != nil {
		return nil, err
	}
	node, decLayers, err := s.Chain("decoder", code, a.Decoder)
	if err != nil {
		return nil, err
	}
	named := model.Architecture{InputShape: append([]int(nil), a.InputShape...)}
	for _, l := range encLayers {
		named.Encoder = append(named.Encoder, l.Spec())
	}
	for _, l := range decLayers {
		named.Decoder = append(named.Decoder, l.Spec())
	}
	full, err := s.Model([]*nn.Node{in}, []*nn.Node{node})
	if err != nil {
		return nil, err
	}
	enc, err := s.Model([]*nn.Node{in}, []*nn.Node{code})
	if err != nil {
		return nil, err
	}
	codeIn := s.Input(code.Shape()...)
	dnode := codeIn
	for _, l := range decLayers {
		if dnode, err = s.Apply(l, dnode); err != nil {
			return nil, err
		}
	}
	dec, err := s.Model([]*nn.Node{codeIn}, []*nn.Node{dnode})
	if err != nil {
		return nil, err
	}
	return &Autoencoder{model.Networks{Arch: named, Full: full, Enc: enc, Dec: dec}}, nil
}

// Family implements model.Model.
func (a *Autoencoder) Family() model.Family { return Family{} }

// Views implements model.Model: the lecture prints the autoencoder's
// summary, then the encoder's, then the decoder's.
func (a *Autoencoder) Views() []model.View {
	return []model.View{{Name: "autoencoder", Model: a.Full}, {Name: "encoder", Model: a.Enc}, {Name: "decoder", Model: a.Dec}}
}

// Objective implements model.Family: the named reconstruction loss plus
// the activity penalties.
func (Family) Objective(name string) (train.Objective, error) {
	if name == "" {
		name = "binary_crossentropy" // a recipe's default
	}
	l, err := loss.ByName(name)
	if err != nil {
		return nil, err
	}
	return train.Reconstruction{Loss: l}, nil
}

// CodeShape is the per-sample shape of the code.
func (a *Autoencoder) CodeShape() []int { return a.Enc.Outputs()[0].Shape() }
