package compute

import (
	"fmt"
	"math"
)

// Max pooling over one image as two seam operations: MaxPool picks each
// window's largest value channel by channel and remembers where it was,
// MaxPoolGrad sends each window's gradient back there. The windows are a
// GatherTable built once per geometry: one row per output pixel, the
// offsets of the window's pixels that lie inside the image first, in the
// window's row-major order (the order ties are broken in), then -1s.

// MaxPool calls the implementation in use; see Elementwise.
func MaxPool(x []float32, t *GatherTable, best []float32, arg []int32) {
	elementwise.MaxPool(x, t, best, arg)
}

// MaxPoolGrad calls the implementation in use; see Elementwise.
func MaxPoolGrad(dx []float32, t *GatherTable, dy []float32, arg []int32) {
	elementwise.MaxPoolGrad(dx, t, dy, arg)
}

// MaxPoolGradSet calls the implementation in use; see Elementwise.
func MaxPoolGradSet(dx []float32, t *GatherTable, dy []float32, arg []int32) {
	elementwise.MaxPoolGradSet(dx, t, dy, arg)
}

// MaxPoolGradGather calls the implementation in use; see Elementwise.
func MaxPoolGradGather(dst []float32, w *PixelWindows, q0, width int, dy, out []float32, arg []int32) {
	elementwise.MaxPoolGradGather(dst, w, q0, width, dy, out, arg)
}

// PixelWindows is, for each pixel of an image, the window of a max
// pooling whose windows partition the image that holds it, checked once
// when made: MaxPoolGradGather then checks a call's arguments in constant
// time rather than every window it reads (1% of conv's profile).
type PixelWindows struct {
	window  []int32
	windows int // one past the largest window
}

// NewPixelWindows makes the table of window, which must hold no negative
// window; it panics otherwise (a caller's bug).
func NewPixelWindows(window []int32) *PixelWindows {
	w := &PixelWindows{window: window}
	for _, v := range window {
		if v < 0 {
			panic(fmt.Sprintf("compute: pixel windows: window %d", v))
		}
		w.windows = max(w.windows, int(v)+1)
	}
	return w
}

// MaxPoolGradGather implements Elementwise.
func (PortableElementwise) MaxPoolGradGather(dst []float32, w *PixelWindows, q0, width int, dy, out []float32, arg []int32) {
	checkGradGather(dst, w, q0, width, dy, out, arg)
	window := w.window
	var zero float32
	for i := range len(dst) / width {
		q := q0 + i
		at := int(window[q]) * width
		row, g, o, a := dst[i*width:(i+1)*width], dy[at:at+width], out[at:at+width], arg[at:at+width]
		for ch := range row {
			// Without a branch: which pixel of a window wins is as
			// unpredictable as the data.
			miss := a[ch] ^ int32(q*width+ch)
			keep := positiveMask(o[ch]) &^ uint32((miss|-miss)>>31)
			row[ch] = zero + math.Float32frombits(math.Float32bits(g[ch])&keep)
		}
	}
}

// checkGradGather panics where MaxPoolGradGather's arguments do not fit
// together: a caller's bug, not the data's.
func checkGradGather(dst []float32, w *PixelWindows, q0, width int, dy, out []float32, arg []int32) {
	pixels := len(dst) / max(width, 1)
	if width <= 0 || len(dst)%width != 0 || q0 < 0 || q0+pixels > len(w.window) || w.windows*width > len(dy) || len(out) < len(dy) || len(arg) < len(dy) {
		panic(fmt.Sprintf("compute: MaxPoolGradGather of %d values at pixel %d of %d, width %d, over %d gradients of %d windows", len(dst), q0, len(w.window), width, len(dy), w.windows))
	}
}

// MaxPool implements Elementwise. The comparison selects without a
// branch: which value wins is as unpredictable as the data.
func (PortableElementwise) MaxPool(x []float32, t *GatherTable, best []float32, arg []int32) {
	width := t.checkPool(x, best, arg)
	for r := range t.Rows() {
		maxWindow(x, t.window(r), best[r*width:(r+1)*width], arg[r*width:(r+1)*width])
	}
}

// MaxPoolGrad implements Elementwise.
func (PortableElementwise) MaxPoolGrad(dx []float32, t *GatherTable, dy []float32, arg []int32) {
	t.checkPool(dx, dy, arg)
	for i, g := range dy {
		dx[arg[i]] += g
	}
}

// MaxPoolGradSet implements Elementwise.
func (PortableElementwise) MaxPoolGradSet(dx []float32, t *GatherTable, dy []float32, arg []int32) {
	width := t.checkPool(dx, dy, arg)
	for r := range t.Rows() {
		for _, o := range t.window(r) {
			clear(dx[o : int(o)+width])
		}
		for i := r * width; i < (r+1)*width; i++ {
			dx[arg[i]] += dy[i]
		}
	}
}

// maxWindow sets best to the largest of the len(best) values at each of
// offs in x, and arg to where each was found.
func maxWindow(x []float32, offs []int32, best []float32, arg []int32) {
	arg = arg[:len(best)]
	base := int(offs[0])
	copy(best, x[base:base+len(best)])
	for ch := range arg {
		arg[ch] = int32(base + ch)
	}
	for _, o := range offs[1:] {
		base := int(o)
		for ch, v := range x[base : base+len(best)] {
			m := greaterMask(v, best[ch])
			best[ch] = math.Float32frombits(math.Float32bits(v)&m | math.Float32bits(best[ch])&^m)
			arg[ch] = int32(uint32(base+ch)&m | uint32(arg[ch])&^m)
		}
	}
}

// window is row r's offsets that are not negative: the leading ones.
func (t *GatherTable) window(r int) []int32 {
	row := t.idx[r*t.taps : (r+1)*t.taps]
	n := 0
	for n < len(row) && row[n] >= 0 {
		n++
	}
	return row[:n]
}

// checkPool panics unless t holds windows (each row's offsets inside the
// image first, at least one) and x, out and arg fit them: out and arg one
// row of width values per window, x width values at each offset. It
// returns the width.
func (t *GatherTable) checkPool(x, out []float32, arg []int32) int {
	rows := t.Rows()
	if !t.windows || rows == 0 || len(out)%rows != 0 || len(arg) < len(out) || int(t.max)+len(out)/rows > len(x) {
		panic(fmt.Sprintf("compute: max pooling of %d values in %d windows over %d values", len(out), rows, len(x)))
	}
	return len(out) / rows
}

// leadingOffsets reports whether every row of idx (taps offsets each)
// starts with an offset that is not negative and has no such offset after
// a negative one.
func leadingOffsets(idx []int32, taps int) bool {
	for r := 0; r < len(idx); r += taps {
		row := idx[r : r+taps]
		if row[0] < 0 {
			return false
		}
		for k := 1; k < taps; k++ {
			if row[k] >= 0 && row[k-1] < 0 {
				return false
			}
		}
	}
	return true
}
