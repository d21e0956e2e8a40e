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

// im2col writes the windows of one image x (inH*inW*inC values) as rows of
// cols (outH*outW rows of patch() values), zeros where the window hangs
// over the padding.
func (g geometry) im2col(x, cols []float32) {
	p := g.patch()
	for oy := 0; oy < g.outH; oy++ {
		for ox := 0; ox < g.outW; ox++ {
			row := cols[(oy*g.outW+ox)*p : (oy*g.outW+ox+1)*p]
			i := 0
			for ky := 0; ky < g.kh; ky++ {
				iy := oy*g.sh + ky - g.padTop
				for kx := 0; kx < g.kw; kx++ {
					ix := ox*g.sw + kx - g.padLeft
					seg := row[i : i+g.inC : i+g.inC]
					if iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW {
						for c := range seg {
							seg[c] = 0
						}
					} else {
						// a loop, not copy: runs are a few values long
						src := x[(iy*g.inW+ix)*g.inC : (iy*g.inW+ix+1)*g.inC]
						for c := range seg {
							seg[c] = src[c]
						}
					}
					i += g.inC
				}
			}
		}
	}
}

// col2im is im2col's adjoint: it adds each row of cols back onto the
// positions of one image dx that its window covers.
func (g geometry) col2im(cols, dx []float32) {
	p := g.patch()
	for oy := 0; oy < g.outH; oy++ {
		for ox := 0; ox < g.outW; ox++ {
			row := cols[(oy*g.outW+ox)*p : (oy*g.outW+ox+1)*p]
			i := 0
			for ky := 0; ky < g.kh; ky++ {
				iy := oy*g.sh + ky - g.padTop
				for kx := 0; kx < g.kw; kx++ {
					ix := ox*g.sw + kx - g.padLeft
					if iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW {
						dst := dx[(iy*g.inW+ix)*g.inC : (iy*g.inW+ix+1)*g.inC]
						src := row[i : i+g.inC : i+g.inC]
						for c := range src {
							dst[c] += src[c]
						}
					}
					i += g.inC
				}
			}
		}
	}
}
