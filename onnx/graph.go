package onnx

import (
	"fmt"

	"github.com/latent-go/latent/nn"
)

// graph is an ONNX graph being built: its nodes, initializers, inputs and
// outputs, and the layout of each value (samples are NHWC in latent and
// NCHW for ONNX's convolutions; the graph keeps values NHWC and
// transposes around the image operators).
type graph struct {
	nodes, inits, inputs, outputs []message
	names                         map[string]int
	fill                          []float32 // missing inputs' values; nil: none
}

func newGraph() *graph { return &graph{names: map[string]int{}} }

// fresh is a new value name from a base.
func (g *graph) fresh(base string) string {
	g.names[base]++
	if n := g.names[base]; n > 1 {
		return fmt.Sprintf("%s_%d", base, n-1)
	}
	return base
}

func (g *graph) node(name, op string, inputs []string, attrs ...attribute) string {
	out := g.fresh(name)
	g.nodes = append(g.nodes, nodeProto(out, op, inputs, []string{out}, attrs...))
	return out
}

func (g *graph) init(name string, dims []int, values []float32) string {
	n := g.fresh(name)
	g.inits = append(g.inits, tensorProto(n, dims, values))
	return n
}

func (g *graph) initInt64(name string, values []int64) string {
	n := g.fresh(name)
	g.inits = append(g.inits, int64TensorProto(n, values))
	return n
}

// toNCHW and toNHWC transpose an image value between the layouts.
func (g *graph) toNCHW(x, name string) string {
	return g.node(name+"/to_nchw", "Transpose", []string{x}, intsAttr("perm", 0, 3, 1, 2))
}

func (g *graph) toNHWC(x, name string) string {
	return g.node(name+"/to_nhwc", "Transpose", []string{x}, intsAttr("perm", 0, 2, 3, 1))
}

// activation applies a Keras activation by name.
func (g *graph) activation(x, name, act string) (string, error) {
	op, ok := map[string]string{"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "softplus": "Softplus"}[act]
	switch {
	case act == "linear" || act == "":
		return x, nil
	case !ok:
		return "", fmt.Errorf("activation %q has no ONNX export", act)
	}
	return g.node(name+"/"+act, op, []string{x}), nil
}

// model is the ModelProto of the graph.
func (g *graph) model(name string) []byte {
	gm := message{}
	for _, n := range g.nodes {
		gm = gm.msg(1, n)
	}
	gm = gm.str(2, name)
	for _, t := range g.inits {
		gm = gm.msg(5, t)
	}
	for _, v := range g.inputs {
		gm = gm.msg(11, v)
	}
	for _, v := range g.outputs {
		gm = gm.msg(12, v)
	}
	opset := message{}.str(1, "").int(2, Opset)
	return message{}.int(1, irVersion).msg(8, opset).str(2, "latent").str(3, "1").msg(7, gm)
}

// layerExport writes one layer's computation from its input value x (NHWC)
// and returns its output value (NHWC).
type layerExport func(g *graph, l nn.Layer, x string, in, out []int) (string, error)
