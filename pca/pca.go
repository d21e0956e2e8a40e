// Package pca is principal component analysis as a model family, the
// baseline the lecture measures autoencoders against. A fitted PCA is a
// linear autoencoder: its encoder is one Dense layer z = (x - mean)·W, its
// decoder one Dense layer x̂ = z·Wᵀ + mean, W holding the top components.
// So it saves, loads, encodes, decodes, reconstructs and scores anomalies
// through the same model file and the same calls as any other family; it
// is fitted in closed form (Fit) instead of trained.
//
// It imports model, train, loss, nn, data, tensor and gonum's mat, and
// registers the family "pca" with model.
package pca

import (
	"fmt"

	"github.com/latent-go/latent/loss"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
)

func init() { model.Register(Family{}) }

// Family is the PCA family.
type Family struct{}

// Format names the layout of latent's PCA files.
const Format = "latent.pca/1"

// Name implements model.Family.
func (Family) Name() string { return "pca" }

// Format implements model.Family.
func (Family) Format() string { return Format }

// layers are a PCA's layers for samples of shape in with dim components:
// Flatten first for samples that are not flat, Reshape last.
func layers(in []int, dim int) (enc, dec []nn.LayerSpec) {
	d := tensor.Size(in)
	if len(in) > 1 {
		enc = append(enc, nn.LayerSpec{Type: "Flatten", Name: "flatten"})
	}
	enc = append(enc, nn.LayerSpec{Type: "Dense", Name: "components", Units: dim, Activation: "linear"})
	dec = append(dec, nn.LayerSpec{Type: "Dense", Name: "reconstruction", Units: d, Activation: "linear"})
	if len(in) > 1 {
		dec = append(dec, nn.LayerSpec{Type: "Reshape", Name: "reshape", TargetShape: append([]int(nil), in...)})
	}
	return enc, dec
}

// Plan implements model.Family: latent_dim components of the input.
func (Family) Plan(a model.Architecture) (nn.Plan, error) {
	if len(a.Encoder) > 0 || len(a.Decoder) > 0 {
		return nn.Plan{}, fmt.Errorf("a PCA's layers follow from its input shape and latent_dim; give no encoder or decoder")
	}
	if a.LatentDim <= 0 {
		return nn.Plan{}, fmt.Errorf("a PCA needs latent_dim, its number of components, above 0; got %d", a.LatentDim)
	}
	if d := tensor.Size(a.InputShape); len(a.InputShape) > 0 && a.LatentDim > d {
		return nn.Plan{}, fmt.Errorf("a PCA of %d features has at most %d components, not %d", d, d, a.LatentDim)
	}
	enc, dec := layers(a.InputShape, a.LatentDim)
	e, err := nn.PlanChain("encoder", a.InputShape, enc)
	if err != nil {
		return nn.Plan{}, err
	}
	d, err := nn.PlanChain("decoder", e.Shape, dec)
	if err != nil {
		return nn.Plan{}, err
	}
	return e.Add(d)
}

// Build implements model.Family: the layers with zero weights, to be
// filled by Fit or by a model file.
func (f Family) Build(a model.Architecture, _ uint64) (model.Model, error) { return build(a) }

func build(a model.Architecture) (*PCA, error) {
	if _, err := (Family{}).Plan(a); err != nil {
		return nil, err
	}
	s := nn.NewScope(0)
	in := s.Input(a.InputShape...)
	encSpecs, decSpecs := layers(a.InputShape, a.LatentDim)
	code, _, err := s.Chain("encoder", in, encSpecs)
	if err != nil {
		return nil, err
	}
	out, decLayers, err := s.Chain("decoder", code, decSpecs)
	if err != nil {
		return nil, err
	}
	p := &PCA{model.Networks{Arch: model.Architecture{InputShape: append([]int(nil), a.InputShape...), LatentDim: a.LatentDim}}}
	if p.Full, err = nn.NewModel("pca", []*nn.Node{in}, []*nn.Node{out}); err != nil {
		return nil, err
	}
	if p.Enc, err = nn.NewModel("encoder", []*nn.Node{in}, []*nn.Node{code}); err != nil {
		return nil, err
	}
	codeIn := s.Input(a.LatentDim)
	d := codeIn
	for _, l := range decLayers {
		if d, err = s.Apply(l, d); err != nil {
			return nil, err
		}
	}
	if p.Dec, err = nn.NewModel("decoder", []*nn.Node{codeIn}, []*nn.Node{d}); err != nil {
		return nil, err
	}
	for _, w := range p.Full.Weights() {
		w.Value.Zero()
	}
	return p, nil
}

// Objective implements model.Family: PCA minimizes the squared error,
// which is also what scores a sample.
func (Family) Objective(name string) (train.Objective, error) {
	if name != "" && name != "mean_squared_error" && name != "mse" {
		return nil, fmt.Errorf("a PCA minimizes the mean squared error, not %q", name)
	}
	return train.Reconstruction{Loss: loss.MeanSquaredError{}}, nil
}

// PCA is a fitted principal component analysis. Its Network is input ->
// reconstruction; its Encoder input -> the components' coordinates; its
// Decoder coordinates -> reconstruction.
type PCA struct {
	model.Networks
}

// Family implements model.Model.
func (p *PCA) Family() model.Family { return Family{} }

// Views implements model.Model.
func (p *PCA) Views() []model.View {
	return []model.View{{Name: "encoder", Model: p.Enc}, {Name: "decoder", Model: p.Dec}}
}
