package nn

import "github.com/latent-go/latent/compute"

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

// col2im is im2col's adjoint: it adds each row of cols back onto the
// positions of one image dx that its window covers.
func (g geometry) col2im(cols, dx []float32) {
	p, rowLen := g.patch(), g.kw*g.inC
	for oy := 0; oy < g.outH; oy++ {
		for ox := 0; ox < g.outW; ox++ {
			row := cols[(oy*g.outW+ox)*p : (oy*g.outW+ox+1)*p]
			lo, hi := g.kxRange(ox)
			ix0 := ox*g.sw - g.padLeft
			for ky := 0; ky < g.kh; ky++ {
				iy := oy*g.sh + ky - g.padTop
				if iy < 0 || iy >= g.inH || lo >= hi {
					continue
				}
				src := row[ky*rowLen+lo*g.inC : ky*rowLen+hi*g.inC]
				start := (iy*g.inW + ix0 + lo) * g.inC
				addSmall(dx[start:start+len(src)], src)
			}
		}
	}
}

// addSmall adds src into dst, element by element: in Go for short runs,
// through the compute seam's vector kernels for longer ones.
func addSmall(dst, src []float32) {
	if len(dst) >= 16 {
		compute.AddRows(dst, src, 1, len(dst), len(dst))
		return
	}
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

// gatherSum is the output side of a convolution computed from per-offset
// products (see conv_kn2row.go). z holds one image's inH*inW positions, each
// a row of kh*kw*f values: the input pixel times each kernel offset's
// [inC, f] slice. It writes out (outH*outW rows of f values) as the sum,
// over the offsets, of the row each window position reads at that offset.
func (g geometry) gatherSum(z, out []float32, f int) {
	if f == 1 {
		g.gatherSum1(z, out)
		return
	}
	zw := g.kh * g.kw * f
	for oy := 0; oy < g.outH; oy++ {
		for ox := 0; ox < g.outW; ox++ {
			dst := out[(oy*g.outW+ox)*f : (oy*g.outW+ox+1)*f]
			clear(dst)
			k := 0
			for ky := 0; ky < g.kh; ky++ {
				iy := oy*g.sh + ky - g.padTop
				for kx := 0; kx < g.kw; kx++ {
					ix := ox*g.sw + kx - g.padLeft
					if iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW {
						src := z[(iy*g.inW+ix)*zw+k*f : (iy*g.inW+ix)*zw+(k+1)*f]
						addSmall(dst, src)
					}
					k++
				}
			}
		}
	}
}

// scatter is gatherSum's adjoint: it zeroes dz and adds each output row of
// dOut into the rows of dz its window reads.
func (g geometry) scatter(dOut, dz []float32, f int) {
	zw := g.kh * g.kw * f
	clear(dz[:g.inH*g.inW*zw])
	if f == 1 {
		g.scatter1(dOut, dz)
		return
	}
	for oy := 0; oy < g.outH; oy++ {
		for ox := 0; ox < g.outW; ox++ {
			src := dOut[(oy*g.outW+ox)*f : (oy*g.outW+ox+1)*f]
			k := 0
			for ky := 0; ky < g.kh; ky++ {
				iy := oy*g.sh + ky - g.padTop
				for kx := 0; kx < g.kw; kx++ {
					ix := ox*g.sw + kx - g.padLeft
					if iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW {
						dst := dz[(iy*g.inW+ix)*zw+k*f : (iy*g.inW+ix)*zw+(k+1)*f]
						addSmall(dst, src)
					}
					k++
				}
			}
		}
	}
}

// gatherSum1 is gatherSum for one filter: one sum per output position, in
// the same order.
func (g geometry) gatherSum1(z, out []float32) {
	taps := g.kh * g.kw
	for oy := 0; oy < g.outH; oy++ {
		for ox := 0; ox < g.outW; ox++ {
			var sum float32
			k := 0
			for ky := 0; ky < g.kh; ky++ {
				iy := oy*g.sh + ky - g.padTop
				for kx := 0; kx < g.kw; kx++ {
					ix := ox*g.sw + kx - g.padLeft
					if iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW {
						sum += z[(iy*g.inW+ix)*taps+k]
					}
					k++
				}
			}
			out[oy*g.outW+ox] = sum
		}
	}
}

// scatter1 is scatter for one filter, on dz already zeroed.
func (g geometry) scatter1(dOut, dz []float32) {
	taps := g.kh * g.kw
	for oy := 0; oy < g.outH; oy++ {
		for ox := 0; ox < g.outW; ox++ {
			v := dOut[oy*g.outW+ox]
			k := 0
			for ky := 0; ky < g.kh; ky++ {
				iy := oy*g.sh + ky - g.padTop
				for kx := 0; kx < g.kw; kx++ {
					ix := ox*g.sw + kx - g.padLeft
					if iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW {
						dz[(iy*g.inW+ix)*taps+k] += v
					}
					k++
				}
			}
		}
	}
}
