//go:build amd64 && !purego

package compute

//go:noescape
func reluGradAVX2(z, dy, dz *float32, blocks int)

//go:noescape
func addBiasReLUAVX2(pre, out, bias *float32, rows, cols, blocks int, relu bool)

//go:noescape
func addRowsAVX2(dst, m *float32, rows, blocks, stride int)

//go:noescape
func addRows16AVX2(dst, m *float32, rows, blocks, stride int)

//go:noescape
func adamAVX2(w, grad, m, v *float32, blocks int, alpha, c1, c2, eps float32)

//go:noescape
func unitBytesAVX2(dst *float32, src *uint8, blocks int)

//go:noescape
func gatherSumAVX2(dst, src *float32, idx *int32, rows, taps, blocks int)

//go:noescape
func gatherSum1AVX2(dst, src *float32, byTap *int32, blocks, taps, rows int)

//go:noescape
func maxPoolAVX2(x *float32, idx *int32, rows, taps, width int, best *float32, arg *int32, lanes *int32)

//go:noescape
func maxPoolGradGather8AVX2(dst *float32, window *int32, pixels, blocks int, dy, out *float32, arg *int32, first int, lanes *int32)

//go:noescape
func gatherCopy1AVX2(dst, src *float32, idx *int32, blocks int)

//go:noescape
func gatherCopyAVX2(dst, src *float32, idx *int32, rows, blocks int)

// avx2Elementwise runs, on processors with AVX2 and FMA but not AVX-512,
// the bias and ReLU, ReLU's gradient, row sums, the Adam step, bytes to
// [0, 1], the sigmoid and the cross-entropy in assembly, 8 lanes at a
// time, and max pooling and the gathers over rows of a multiple of 8
// values, with the bits of the AVX-512 kernels; the last few values of a
// row or slice, other gathers and pooling's gradients, in portable Go.
type avx2Elementwise struct{ PortableElementwise }

func (avx2Elementwise) Name() string { return "avx2" }

func (avx2Elementwise) ReLUGrad(z, dy, dz []float32) {
	dy, dz = dy[:len(z)], dz[:len(z)]
	n := len(z) &^ 7
	if n > 0 {
		reluGradAVX2(&z[0], &dy[0], &dz[0], n/8)
	}
	PortableElementwise{}.ReLUGrad(z[n:], dy[n:], dz[n:])
}

// AddBiasReLU runs rows of 8 values or more in assembly, all but the
// last cols%8 of each, which Go adds row by row; narrower rows, in Go.
func (avx2Elementwise) AddBiasReLU(pre, out, bias []float32, relu bool) {
	cols := len(bias)
	if cols < 8 || len(pre) < cols {
		PortableElementwise{}.AddBiasReLU(pre, out, bias, relu)
		return
	}
	rows := len(pre) / cols
	pre = pre[:rows*cols]
	var o *float32
	if relu {
		out = out[:rows*cols]
		o = &out[0]
	}
	addBiasReLUAVX2(&pre[0], o, &bias[0], rows, cols, cols/8, relu)
	done := cols &^ 7
	if done == cols {
		return
	}
	for r := 0; r < rows; r++ {
		lo, hi := r*cols+done, (r+1)*cols
		PortableElementwise{}.AddBiasReLU(pre[lo:hi], tailOf(out[:min(len(out), hi)], lo, relu), bias[done:], relu)
	}
}

func (avx2Elementwise) AddRows(dst, m []float32, rows, width, stride int) {
	if rows == 0 || width == 0 {
		return
	}
	dst = dst[:width]
	_ = m[(rows-1)*stride+width-1]
	// 16 columns at a time, whole cache lines of each row, then 8.
	n := width &^ 15
	if n > 0 {
		addRows16AVX2(&dst[0], &m[0], rows, n/16, stride)
	}
	if width-n >= 8 {
		addRowsAVX2(&dst[n], &m[n], rows, 1, stride)
		n += 8
	}
	PortableElementwise{}.AddRows(dst[n:], m[n:], rows, width-n, stride)
}

func (avx2Elementwise) AdamStep(w, g, m, v []float32, alpha, c1, c2, eps float32) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	n := len(w) &^ 7
	if n > 0 {
		adamAVX2(&w[0], &g[0], &m[0], &v[0], n/8, alpha, c1, c2, eps)
	}
	PortableElementwise{}.AdamStep(w[n:], g[n:], m[n:], v[n:], alpha, c1, c2, eps)
}

func (avx2Elementwise) UnitBytes(dst []float32, src []uint8) {
	dst = dst[:len(src)]
	n := len(src) &^ 7
	if n > 0 {
		unitBytesAVX2(&dst[0], &src[0], n/8)
	}
	PortableElementwise{}.UnitBytes(dst[n:], src[n:])
}

func (avx2Elementwise) GatherSum(dst, src []float32, t *GatherTable, width int) {
	rows := t.Rows()
	switch {
	case len(src) == 0:
		PortableElementwise{}.GatherSum(dst, src, t, width)
	case width == 1 && rows >= 8:
		t.check(dst, src, width)
		gatherSum1AVX2(&dst[0], &src[0], &t.tapMajor()[0], rows/8, t.taps, rows)
		gatherSumRows(dst, src, t, 1, rows&^7)
	case width%8 == 0 && width > 0 && rows > 0:
		t.check(dst, src, width)
		gatherSumAVX2(&dst[0], &src[0], &t.idx[0], rows, t.taps, width/8)
	default:
		PortableElementwise{}.GatherSum(dst, src, t, width)
	}
}

func (avx2Elementwise) GatherCopy(dst, src []float32, t *GatherTable, width int) {
	rows := t.Rows()
	switch {
	case len(src) == 0:
		PortableElementwise{}.GatherCopy(dst, src, t, width)
	case width == 1 && rows >= 8:
		t.checkCopy(dst, src, width)
		gatherCopy1AVX2(&dst[0], &src[0], &t.idx[0], rows/8)
		gatherCopyRows(dst, src, t, 1, rows&^7)
	case width%8 == 0 && width > 0 && rows > 0:
		t.checkCopy(dst, src, width)
		gatherCopyAVX2(&dst[0], &src[0], &t.idx[0], rows, width/8)
	default:
		PortableElementwise{}.GatherCopy(dst, src, t, width)
	}
}

func (avx2Elementwise) MaxPool(x []float32, t *GatherTable, best []float32, arg []int32) {
	width := t.checkPool(x, best, arg)
	if width == 0 || width%8 != 0 {
		PortableElementwise{}.MaxPool(x, t, best, arg)
		return
	}
	maxPoolAVX2(&x[0], &t.idx[0], t.Rows(), t.taps, width, &best[0], &arg[0], &lanes[0])
}

// vectorGathers: MaxPoolGradGather runs in vector code at widths that
// are a multiple of 8 (VectorGathers).
func (avx2Elementwise) vectorGathers(width int) bool { return width%8 == 0 }

func (avx2Elementwise) MaxPoolGradGather(dst []float32, w *PixelWindows, q0, width int, dy, out []float32, arg []int32) {
	if width%8 != 0 {
		PortableElementwise{}.MaxPoolGradGather(dst, w, q0, width, dy, out, arg)
		return
	}
	checkGradGather(dst, w, q0, width, dy, out, arg)
	if len(dst) > 0 {
		maxPoolGradGather8AVX2(&dst[0], &w.window[q0], len(dst)/width, width/8, &dy[0], &out[0], &arg[0], q0*width, &lanes[0])
	}
}
