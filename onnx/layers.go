package onnx

import (
	"fmt"

	"github.com/latent-go/latent/nn"
)

// exporters write each layer class, by its Keras class name.
var exporters = map[string]layerExport{
	"Dense":           dense,
	"Flatten":         flatten,
	"Reshape":         reshape,
	"Conv2D":          conv2D,
	"Conv2DTranspose": conv2DTranspose,
	"MaxPooling2D":    maxPooling2D,
	"UpSampling2D":    upSampling2D,
}

// dense is MatMul, Add and the activation.
func dense(g *graph, l nn.Layer, x string, in, out []int) (string, error) {
	p := l.Params()
	k := g.init(l.Name()+"/kernel", p[0].Value.Shape, p[0].Value.Data)
	b := g.init(l.Name()+"/bias", p[1].Value.Shape, p[1].Value.Data)
	y := g.node(l.Name()+"/matmul", "MatMul", []string{x, k})
	y = g.node(l.Name()+"/add", "Add", []string{y, b})
	return g.activation(y, l.Name(), l.Spec().Activation)
}

func flatten(g *graph, l nn.Layer, x string, in, out []int) (string, error) {
	return g.node(l.Name(), "Flatten", []string{x}, intAttr("axis", 1)), nil
}

func reshape(g *graph, l nn.Layer, x string, in, out []int) (string, error) {
	shape := []int64{-1}
	for _, d := range out {
		shape = append(shape, int64(d))
	}
	s := g.initInt64(l.Name()+"/shape", shape)
	return g.node(l.Name(), "Reshape", []string{x, s}), nil
}

// samePads are the [top, left, bottom, right] pads of a window of k with
// stride s over an input of n, for Keras's "same" padding, as TensorFlow
// computes them (the extra pixel at the end).
func samePads(nh, nw, kh, kw, sh, sw int) []int {
	pad := func(n, k, s int) (int, int) {
		out := (n + s - 1) / s
		total := max((out-1)*s+k-n, 0)
		return total / 2, total - total/2
	}
	t, b := pad(nh, kh, sh)
	lt, r := pad(nw, kw, sw)
	return []int{t, lt, b, r}
}

func windowAttrs(spec nn.LayerSpec, k []int, in []int) []attribute {
	s := spec.Strides
	if len(s) == 0 {
		s = []int{1, 1}
	}
	pads := []int{0, 0, 0, 0}
	if spec.Padding == "same" {
		pads = samePads(in[0], in[1], k[0], k[1], s[0], s[1])
	}
	return []attribute{intsAttr("kernel_shape", k...), intsAttr("strides", s...), intsAttr("pads", pads...)}
}

// conv2D is Conv in NCHW, its kernel [kh, kw, in, out] as [out, in, kh, kw].
func conv2D(g *graph, l nn.Layer, x string, in, out []int) (string, error) {
	p, spec := l.Params(), l.Spec()
	k := p[0].Value
	kh, kw, ci, co := k.Shape[0], k.Shape[1], k.Shape[2], k.Shape[3]
	w := permute(k.Data, []int{kh, kw, ci, co}, []int{3, 2, 0, 1})
	wn := g.init(l.Name()+"/kernel", []int{co, ci, kh, kw}, w)
	bn := g.init(l.Name()+"/bias", []int{co}, p[1].Value.Data)
	y := g.node(l.Name(), "Conv", []string{g.toNCHW(x, l.Name()), wn, bn}, windowAttrs(spec, []int{kh, kw}, in)...)
	y, err := g.activation(y, l.Name(), spec.Activation)
	return g.toNHWC(y, l.Name()), err
}

// conv2DTranspose is ConvTranspose in NCHW, its kernel [kh, kw, out, in]
// as [in, out, kh, kw], cropped as latent's adjoint convolution is.
func conv2DTranspose(g *graph, l nn.Layer, x string, in, out []int) (string, error) {
	p, spec := l.Params(), l.Spec()
	k := p[0].Value
	kh, kw, co, ci := k.Shape[0], k.Shape[1], k.Shape[2], k.Shape[3]
	w := permute(k.Data, []int{kh, kw, co, ci}, []int{3, 2, 0, 1})
	wn := g.init(l.Name()+"/kernel", []int{ci, co, kh, kw}, w)
	bn := g.init(l.Name()+"/bias", []int{co}, p[1].Value.Data)
	s := spec.Strides
	// The convolution this layer is the adjoint of runs from out to in;
	// its padding at the start is what the full transposed output loses.
	pads := []int{0, 0, 0, 0}
	if spec.Padding == "same" {
		pads = samePads(out[0], out[1], kh, kw, s[0], s[1])
	}
	extra := make([]int, 2)
	for i, n := range []int{in[0], in[1]} {
		full := s[i]*(n-1) + []int{kh, kw}[i]
		end := full - out[i] - pads[i]
		if end < 0 {
			extra[i], end = -end, 0
		}
		pads[i+2] = end
	}
	attrs := []attribute{intsAttr("kernel_shape", kh, kw), intsAttr("strides", s...), intsAttr("pads", pads...), intsAttr("output_padding", extra...)}
	y := g.node(l.Name(), "ConvTranspose", []string{g.toNCHW(x, l.Name()), wn, bn}, attrs...)
	y, err := g.activation(y, l.Name(), spec.Activation)
	return g.toNHWC(y, l.Name()), err
}

func maxPooling2D(g *graph, l nn.Layer, x string, in, out []int) (string, error) {
	spec := l.Spec()
	y := g.node(l.Name(), "MaxPool", []string{g.toNCHW(x, l.Name())}, windowAttrs(spec, spec.PoolSize, in)...)
	return g.toNHWC(y, l.Name()), nil
}

// upSampling2D repeats rows and columns: Resize, nearest, asymmetric, floor.
func upSampling2D(g *graph, l nn.Layer, x string, in, out []int) (string, error) {
	size := l.Spec().Size
	scales := g.init(l.Name()+"/scales", []int{4}, []float32{1, 1, float32(size[0]), float32(size[1])})
	y := g.node(l.Name(), "Resize", []string{g.toNCHW(x, l.Name()), "", scales},
		stringAttr("mode", "nearest"), stringAttr("coordinate_transformation_mode", "asymmetric"), stringAttr("nearest_mode", "floor"))
	return g.toNHWC(y, l.Name()), nil
}

// permute reorders the axes of a row-major array of shape: the result's
// axis i is the input's axis perm[i].
func permute(data []float32, shape, perm []int) []float32 {
	out := make([]float32, len(data))
	outShape := make([]int, len(shape))
	for i, p := range perm {
		outShape[i] = shape[p]
	}
	strides := make([]int, len(shape))
	st := 1
	for i := len(shape) - 1; i >= 0; i-- {
		strides[i] = st
		st *= shape[i]
	}
	idx := make([]int, len(shape))
	for o := range out {
		rem := o
		src := 0
		for i := len(outShape) - 1; i >= 0; i-- {
			idx[i] = rem % outShape[i]
			rem /= outShape[i]
			src += idx[i] * strides[perm[i]]
		}
		out[o] = data[src]
	}
	return out
}

// exportLayer writes one layer, or says it has no export.
func exportLayer(g *graph, l nn.Layer, x string, in, out []int) (string, error) {
	e, ok := exporters[l.Class()]
	if !ok {
		return "", fmt.Errorf("layer %s (%s) has no ONNX export", l.Name(), l.Class())
	}
	return e(g, l, x, in, out)
}
