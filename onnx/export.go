// Package onnx exports a latent model to ONNX, so that ONNX Runtime,
// Triton, Spark or a browser can run it: the encoder, the decoder or the
// whole autoencoder of any family (the VAE's encoder gives z_mean and
// z_log_var), with the model's input scaler, a dynamic batch dimension,
// opset 13, and the layer names as node names. Values stay in latent's
// NHWC layout between layers; image operators run in ONNX's NCHW between
// two transposes. The protobuf is written with the protobuf module's wire
// encoder.
//
// It imports nn, model, data and google.golang.org/protobuf.
package onnx

import (
	"fmt"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

// Opset is the ONNX operator set the exports use; irVersion the IR.
const (
	Opset     = 13
	irVersion = 8
)

// Parts are what can be exported.
var Parts = []string{"autoencoder", "encoder", "decoder"}

// Export writes part of m as an ONNX model. Its input takes samples in
// the data's units (the scaler applied inside); the decoder's and the
// autoencoder's outputs are in the data's units too, as latent's decode and
// reconstruct give them.
func Export(m model.Model, scaler data.Scaler, part string) ([]byte, error) {
	return ExportFilled(m, scaler, nil, part)
}

// ExportFilled is Export for a model whose training data had its missing
// values filled (fill: each input value's, as the model file records
// it): the graph's input takes NaN for a missing value and fills it as
// latent fills a CSV's, before the scaler.
func ExportFilled(m model.Model, scaler data.Scaler, fill []float32, part string) ([]byte, error) {
	if fill != nil && len(fill) != tensor.Size(m.Encoder().Inputs()[0].Shape()) {
		return nil, fmt.Errorf("%d fill values for inputs of %d values", len(fill), tensor.Size(m.Encoder().Inputs()[0].Shape()))
	}
	g := newGraph()
	g.fill = fill
	var err error
	switch part {
	case "encoder":
		err = g.encoder(m, scaler)
	case "decoder":
		err = g.decoder(m, scaler)
	case "autoencoder":
		err = g.autoencoder(m, scaler)
	default:
		return nil, fmt.Errorf("unknown part %q (autoencoder, encoder or decoder)", part)
	}
	if err != nil {
		return nil, err
	}
	return g.model(m.Family().Name() + "_" + part), nil
}

// encoder: input -> scaler -> encoder -> codes (a VAE's z_mean, z_log_var).
func (g *graph) encoder(m model.Model, s data.Scaler) error {
	enc := m.Encoder()
	outs := enc.Outputs()
	if m.Family().Name() == "vae" {
		outs = outs[:2] // z_mean and z_log_var; z is a random draw
	}
	x := g.input("input", enc.Inputs()[0].Shape())
	x = g.scale(g.fillMissing(x, enc.Inputs()[0].Shape()), s, enc.Inputs()[0].Shape())
	return g.run(enc, x, outs, outputNames(m, len(outs), "code"), false, s)
}

// decoder: codes -> decoder -> the scaler's inverse -> outputs.
func (g *graph) decoder(m model.Model, s data.Scaler) error {
	dec := m.Decoder()
	z := g.input("code", dec.Inputs()[0].Shape())
	return g.run(dec, z, dec.Outputs(), []string{"reconstruction"}, true, s)
}

// autoencoder: the encoder's code through the decoder (z_mean for a VAE).
func (g *graph) autoencoder(m model.Model, s data.Scaler) error {
	enc, dec := m.Encoder(), m.Decoder()
	x := g.input("input", enc.Inputs()[0].Shape())
	x = g.scale(g.fillMissing(x, enc.Inputs()[0].Shape()), s, enc.Inputs()[0].Shape())
	codes, err := g.values(enc, x, enc.Outputs()[:1])
	if err != nil {
		return err
	}
	return g.run(dec, codes[0], dec.Outputs(), []string{"reconstruction"}, true, s)
}

func outputNames(m model.Model, n int, one string) []string {
	if m.Family().Name() == "vae" {
		return []string{"z_mean", "z_log_var"}
	}
	return []string{one}
}

// input declares a graph input of per-sample shape.
func (g *graph) input(name string, shape []int) string {
	g.inputs = append(g.inputs, valueInfo(name, shape))
	g.names[name]++
	return name
}

// fillMissing replaces x's NaNs (missing values) with each value's fill,
// Where(IsNaN(x), fill, x); x itself without a fill.
func (g *graph) fillMissing(x string, shape []int) string {
	if g.fill == nil {
		return x
	}
	fill := g.init("fill/values", shape, g.fill)
	return g.node("fill/where", "Where", []string{g.node("fill/isnan", "IsNaN", []string{x}), fill, x})
}

// scale applies the scaler: (x - shift) * mul, per feature.
func (g *graph) scale(x string, s data.Scaler, shape []int) string {
	if s.Identity() {
		return x
	}
	shift := g.init("scaler/shift", shape, s.Shift)
	mul := g.init("scaler/mul", shape, s.Mul)
	return g.node("scaler/mul", "Mul", []string{g.node("scaler/sub", "Sub", []string{x, shift}), mul})
}

// unscale maps back to the data's units: y / mul + shift.
func (g *graph) unscale(y string, s data.Scaler, shape []int) string {
	if s.Identity() {
		return y
	}
	shift := g.init("unscale/shift", shape, s.Shift)
	mul := g.init("unscale/mul", shape, s.Mul)
	return g.node("unscale/add", "Add", []string{g.node("unscale/div", "Div", []string{y, mul}), shift})
}

// run writes model m from value x to the outputs, declared under names
// (through the scaler's inverse when unscale).
func (g *graph) run(m *nn.Model, x string, outs []*nn.Node, names []string, unscale bool, s data.Scaler) error {
	vals, err := g.values(m, x, outs)
	if err != nil {
		return err
	}
	for i, v := range vals {
		if unscale {
			v = g.unscale(v, s, outs[i].Shape())
		}
		g.nodes = append(g.nodes, nodeProto(names[i], "Identity", []string{v}, []string{names[i]}))
		g.outputs = append(g.outputs, valueInfo(names[i], outs[i].Shape()))
	}
	return nil
}

// values writes the layers that the outputs need, from the model's input
// value x, and returns the outputs' values.
func (g *graph) values(m *nn.Model, x string, outs []*nn.Node) ([]string, error) {
	need := map[*nn.Node]bool{}
	var mark func(n *nn.Node)
	mark = func(n *nn.Node) {
		if need[n] {
			return
		}
		need[n] = true
		for _, p := range n.Inputs() {
			mark(p)
		}
	}
	for _, o := range outs {
		mark(o)
	}
	val := map[*nn.Node]string{m.Inputs()[0]: x}
	for _, n := range m.Nodes() {
		if !need[n] || n == m.Inputs()[0] {
			continue
		}
		if len(n.Inputs()) != 1 {
			return nil, fmt.Errorf("layer %s (%s) takes %d inputs; only chains of layers export", n.Layer().Name(), n.Layer().Class(), len(n.Inputs()))
		}
		in := n.Inputs()[0]
		v, err := exportLayer(g, n.Layer(), val[in], in.Shape(), n.Shape())
		if err != nil {
			return nil, err
		}
		val[n] = v
	}
	out := make([]string, len(outs))
	for i, o := range outs {
		out[i] = val[o]
	}
	return out, nil
}
