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

// kxRange is the part [lo, hi) of a window row, at output column ox, that
// lies inside the image; the rest hangs over the padding.
func (g geometry) kxRange(ox int) (lo, hi int) {
	ix0 := ox*g.sw - g.padLeft
	return max(0, -ix0), min(g.kw, g.inW-ix0)
}

// im2col writes the windows of one image x (inH*inW*inC values) as rows of
// cols (outH*outW rows of patch() values), zeros where the window hangs
// over the padding. The kx values of one window row are adjacent in x, so
// each window row is one copy.
func (g geometry) im2col(x, cols []float32) {
	p, rowLen := g.patch(), g.kw*g.inC
	for oy := 0; oy < g.outH; oy++ {
		for ky := 0; ky < g.kh; ky++ {
			iy := oy*g.sh + ky - g.padTop
			for ox := 0; ox < g.outW; ox++ {
				at := (oy*g.outW+ox)*p + ky*rowLen
				dst := cols[at : at+rowLen]
				if iy < 0 || iy >= g.inH {
					clearSmall(dst)
					continue
				}
				ix0 := ox*g.sw - g.padLeft
				lo, hi := g.kxRange(ox)
				if lo >= hi {
					clearSmall(dst)
					continue
				}
				start := (iy*g.inW + ix0 + lo) * g.inC
				clearSmall(dst[:lo*g.inC])
				copySmall(dst[lo*g.inC:hi*g.inC], x[start:start+(hi-lo)*g.inC])
				clearSmall(dst[hi*g.inC:])
			}
		}
	}
}

// copySmall is copy for the short runs of a window row (3 values for a 3x3
// window over one channel), where a call of the runtime's copy costs more
// than the copying.
func copySmall(dst, src []float32) {
	if len(dst) > 16 {
		copy(dst, src)
		return
	}
	src = src[:len(dst)]
	for i := range dst {
		dst[i] = src[i]
	}
}

// clearSmall is clear for short runs; see copySmall.
func clearSmall(dst []float32) {
	if len(dst) > 16 {
		clear(dst)
		return
	}
	for i := range dst {
		dst[i] = 0
	}
}
