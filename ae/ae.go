// Package ae builds autoencoders as the lecture does: one functional model
// from the input to the reconstruction, and the encoder (input to code) and
// the decoder (a new code input to the reconstruction) as models of their
// own that share the autoencoder's layers and so its weights.
package ae

import (
	"fmt"

	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

// Spec is an autoencoder's architecture: the per-sample input shape, the
// encoder's layers (the last one makes the code) and the decoder's layers
// (the last one makes the reconstruction).
type Spec struct {
	InputShape []int          `json:"input_shape"`
	Encoder    []nn.LayerSpec `json:"encoder"`
	Decoder    []nn.LayerSpec `json:"decoder"`
}

// Autoencoder holds the three models of the lecture.
type Autoencoder struct {
	Model   *nn.Model // input -> reconstruction; the one that is trained
	Encoder *nn.Model // input -> code
	Decoder *nn.Model // code -> reconstruction
	Spec    Spec      // with every layer named
}

// Build makes the autoencoder with weights drawn from seed, in the order
// Keras builds them, and with Keras's default names: the autoencoder is
// "model", the encoder "model_1" and the decoder "model_2", whose input is
// "input_2".
func Build(spec Spec, seed uint64) (*Autoencoder, error) {
	if len(spec.InputShape) == 0 {
		return nil, fmt.Errorf("the input shape is missing")
	}
	for _, d := range spec.InputShape {
		if d <= 0 {
			return nil, fmt.Errorf("input shape %v has a non-positive dimension", spec.InputShape)
		}
	}
	if len(spec.Encoder) == 0 || len(spec.Decoder) == 0 {
		return nil, fmt.Errorf("an autoencoder needs at least one encoder layer and one decoder layer")
	}
	s := nn.NewScope(seed)
	in := s.Input(spec.InputShape...)
	node := in
	named := Spec{InputShape: append([]int(nil), spec.InputShape...)}
	var decLayers []nn.Layer
	var code *nn.Node
	for i, ls := range append(append([]nn.LayerSpec(nil), spec.Encoder...), spec.Decoder...) {
		l, err := s.Layer(ls)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", i+1, err)
		}
		if node, err = s.Apply(l, node); err != nil {
			return nil, fmt.Errorf("layer %d: %w", i+1, err)
		}
		if i < len(spec.Encoder) {
			named.Encoder = append(named.Encoder, l.Spec())
		} else {
			named.Decoder = append(named.Decoder, l.Spec())
			decLayers = append(decLayers, l)
		}
		if i == len(spec.Encoder)-1 {
			code = node
		}
	}
	full, err := s.Model([]*nn.Node{in}, []*nn.Node{node})
	if err != nil {
		return nil, err
	}
	if got := node.Shape(); !tensor.SameShape(got, spec.InputShape) {
		return nil, fmt.Errorf("the decoder's output %s does not match the input %s", tensor.ShapeString(got), tensor.ShapeString(spec.InputShape))
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
	return &Autoencoder{Model: full, Encoder: enc, Decoder: dec, Spec: named}, nil
}

// CodeShape is the per-sample shape of the code.
func (a *Autoencoder) CodeShape() []int { return a.Encoder.Outputs()[0].Shape() }
