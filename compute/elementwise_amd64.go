//go:build amd64 && !purego

package compute

import "golang.org/x/sys/cpu"

//go:noescape
func addBiasReLUAVX512(pre, out, bias *float32, rows, cols int, relu bool, tail uint64)

//go:noescape
func reluGradAVX512(z, dy, dz *float32, blocks int, tail uint64)

//go:noescape
func addRowsAVX512(dst, m *float32, rows, width, stride int, tail uint64)

//go:noescape
func maxPoolAVX512(x *float32, idx *int32, rows, taps, width int, best *float32, arg *int32, tail uint64, lanes *int32)

//go:noescape
func maxPoolGradAVX512(dx *float32, idx *int32, rows, taps, width int, dy *float32, arg *int32, tail uint64, lanes *int32, set bool)

// lanes is 0, 1, ..., 15: the channel offsets within a vector.
var lanes = [16]int32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}

//go:noescape
func gatherSumAVX512(dst, src *float32, idx *int32, rows, taps, width int, tail uint64)

//go:noescape
func gatherSum1AVX512(dst, src *float32, byTap *int32, blocks, taps, rows int, tail uint64)

//go:noescape
func gatherCopyAVX512(dst, src *float32, idx *int32, rows, width int, tail uint64)

//go:noescape
func gatherCopy1AVX512(dst, src *float32, idx *int32, blocks int, tail uint64)

//go:noescape
func maxPoolGradGatherAVX512(dst *float32, window *int32, pixels, width int, dy, out *float32, arg *int32, first int, tail uint64, lanes *int32)

//go:noescape
func maxPoolGradGather16AVX512(dst *float32, window *int32, pixels, blocks int, dy, out *float32, arg *int32, first int, lanes *int32)

//go:noescape
func unitBytesAVX512(dst *float32, src *uint8, blocks int, tail uint64)

//go:noescape
func adamAVX512(w, grad, m, v *float32, blocks int, tail uint64, alpha, c1, c2, eps float32)

func fastElementwise() []Elementwise {
	var fast []Elementwise
	if cpu.X86.HasAVX512F {
		fast = append(fast, avx512Elementwise{})
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		fast = append(fast, avx2Elementwise{})
	}
	return fast
}

// avx512Elementwise runs the element-wise operations 16 lanes at a time,
// the last few of a row under a mask.
type avx512Elementwise struct{}

func (avx512Elementwise) Name() string { return "avx512" }

// vectorGathers: the gathers run in vector code at any width
// (VectorGathers).
func (avx512Elementwise) vectorGathers(int) bool { return true }

// tailMask has the low n%16 bits set.
func tailMask(n int) uint64 { return 1<<(n%16) - 1 }

func (avx512Elementwise) AddBiasReLU(pre, out, bias []float32, relu bool) {
	cols := len(bias)
	if cols == 0 || len(pre) < cols {
		return
	}
	rows := len(pre) / cols
	if cols < 16 && 16%cols == 0 && rows*cols >= 16 {
		// Narrow rows (1, 2, 4 or 8 values) are taken 16 values at a
		// time, against the bias repeated to 16 values.
		var wide [16]float32
		for j := range wide {
			wide[j] = bias[j%cols]
		}
		n := rows * cols / 16 * 16
		var o *float32
		if relu {
			o = &out[0]
		}
		addBiasReLUAVX512(&pre[0], o, &wide[0], n/16, 16, relu, 0)
		if n < rows*cols {
			PortableElementwise{}.AddBiasReLU(pre[n:rows*cols], tailOf(out, n, relu), bias, relu)
		}
		return
	}
	var o *float32
	if relu {
		o = &out[0]
	}
	addBiasReLUAVX512(&pre[0], o, &bias[0], rows, cols, relu, tailMask(cols))
}

// tailOf is out[n:] when relu writes out, nil otherwise.
func tailOf(out []float32, n int, relu bool) []float32 {
	if !relu {
		return nil
	}
	return out[n:]
}

func (avx512Elementwise) ReLUGrad(z, dy, dz []float32) {
	if len(z) == 0 {
		return
	}
	dy, dz = dy[:len(z)], dz[:len(z)]
	reluGradAVX512(&z[0], &dy[0], &dz[0], len(z)/16, tailMask(len(z)))
}

func (avx512Elementwise) AddRows(dst, m []float32, rows, width, stride int) {
	if rows == 0 || width == 0 {
		return
	}
	dst = dst[:width]
	_ = m[(rows-1)*stride+width-1]
	addRowsAVX512(&dst[0], &m[0], rows, width, stride, tailMask(width))
}

func (avx512Elementwise) MaxPool(x []float32, t *GatherTable, best []float32, arg []int32) {
	if width := t.checkPool(x, best, arg); width > 0 {
		maxPoolAVX512(&x[0], &t.idx[0], t.Rows(), t.taps, width, &best[0], &arg[0], tailMask(width), &lanes[0])
	}
}

func (avx512Elementwise) MaxPoolGrad(dx []float32, t *GatherTable, dy []float32, arg []int32) {
	if width := t.checkPool(dx, dy, arg); width > 0 {
		maxPoolGradAVX512(&dx[0], &t.idx[0], t.Rows(), t.taps, width, &dy[0], &arg[0], tailMask(width), &lanes[0], false)
	}
}

func (avx512Elementwise) MaxPoolGradSet(dx []float32, t *GatherTable, dy []float32, arg []int32) {
	if width := t.checkPool(dx, dy, arg); width > 0 {
		maxPoolGradAVX512(&dx[0], &t.idx[0], t.Rows(), t.taps, width, &dy[0], &arg[0], tailMask(width), &lanes[0], true)
	}
}

func (avx512Elementwise) GatherSum(dst, src []float32, t *GatherTable, width int) {
	t.check(dst, src, width)
	rows := t.Rows()
	if rows == 0 || width == 0 {
		return
	}
	if width == 1 {
		// One value per row: 16 rows at a time, their offsets read from
		// the tap-major table and their values gathered.
		gatherSum1AVX512(&dst[0], &src[0], &t.tapMajor()[0], rows/16, t.taps, rows, tailMask(rows))
		return
	}
	gatherSumAVX512(&dst[0], &src[0], &t.idx[0], rows, t.taps, width, tailMask(width))
}

func (avx512Elementwise) GatherCopy(dst, src []float32, t *GatherTable, width int) {
	t.checkCopy(dst, src, width)
	rows := t.Rows()
	if rows == 0 || width == 0 {
		return
	}
	if width == 1 {
		gatherCopy1AVX512(&dst[0], &src[0], &t.idx[0], rows/16, tailMask(rows))
		return
	}
	gatherCopyAVX512(&dst[0], &src[0], &t.idx[0], rows, width, tailMask(width))
}

func (avx512Elementwise) AdamStep(w, g, m, v []float32, alpha, c1, c2, eps float32) {
	if len(w) == 0 {
		return
	}
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	adamAVX512(&w[0], &g[0], &m[0], &v[0], len(w)/16, tailMask(len(w)), alpha, c1, c2, eps)
}

func (avx512Elementwise) UnitBytes(dst []float32, src []uint8) {
	if len(src) == 0 {
		return
	}
	dst = dst[:len(src)]
	unitBytesAVX512(&dst[0], &src[0], len(src)/16, tailMask(len(src)))
}

func (avx512Elementwise) MaxPoolGradGather(dst []float32, w *PixelWindows, q0, width int, dy, out []float32, arg []int32) {
	checkGradGather(dst, w, q0, width, dy, out, arg)
	window := w.window
	if len(dst) == 0 {
		return
	}
	if width%16 == 0 {
		maxPoolGradGather16AVX512(&dst[0], &window[q0], len(dst)/width, width/16, &dy[0], &out[0], &arg[0], q0*width, &lanes[0])
		return
	}
	maxPoolGradGatherAVX512(&dst[0], &window[q0], len(dst)/width, width, &dy[0], &out[0], &arg[0], q0*width, tailMask(width), &lanes[0])
}
