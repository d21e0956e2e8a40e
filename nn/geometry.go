package nn

// geometry describes a 2-d convolution window sliding over an NHWC image:
// an inH×inW×inC input read by kh×kw windows with strides sh, sw and
// padBefore rows/columns of zeros above/left, giving outH×outW positions.
type geometry struct {
	inH, inW, inC   int
	kh, kw, sh, sw  int
	padTop, padLeft int
	outH, outW      int
}

// convGeometry computes TensorFlow's output size and padding: "valid"
// uses no padding; "same" gives out = ceil(in/stride) and pads
// max((out-1)*stride + k - in, 0) in total, the odd one after.
func convGeometry(inH, inW, inC, kh, kw, sh, sw int, padding string) geometry {
	g := geometry{inH: inH, inW: inW, inC: inC, kh: kh, kw: kw, sh: sh, sw: sw}
	if padding == "same" {
		g.outH, g.outW = (inH+sh-1)/sh, (inW+sw-1)/sw
		g.padTop = max((g.outH-1)*sh+kh-inH, 0) / 2
		g.padLeft = max((g.outW-1)*sw+kw-inW, 0) / 2
	} else {
		g.outH, g.outW = (inH-kh)/sh+1, (inW-kw)/sw+1
	}
	return g
}

// patch is the length of one window: kh*kw*inC, in (ky, kx, c) order,
// the order of a Keras kernel [kh, kw, inC, filters] read as a matrix.
func (g geometry) patch() int { return g.kh * g.kw * g.inC }
