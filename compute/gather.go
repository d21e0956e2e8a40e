package compute

import (
	"fmt"
	"sync"
)

// GatherTable says, for each row of an output, which rows of an input it
// sums: taps offsets per output row, in values from the input's start, -1
// where there is nothing to add (a window over the padding). Convolutions
// build one per geometry, once, and use it for every image: the sums of
// kn2row's output pass, the adjoint of im2col, the gradient of upsampling.
type GatherTable struct {
	idx     []int32
	taps    int
	max     int32 // the largest offset
	windows bool  // each row's offsets that are not negative come first, at least one

	byTapOnce sync.Once
	byTap     []int32 // idx tap-major: byTap[tap*rows+row], made when first asked for
}

// NewGatherTable wraps idx, taps offsets per output row.
func NewGatherTable(idx []int32, taps int) *GatherTable {
	if taps <= 0 || len(idx)%taps != 0 {
		panic(fmt.Sprintf("compute: a gather table of %d offsets cannot have %d per row", len(idx), taps))
	}
	t := &GatherTable{idx: idx, taps: taps, max: -1}
	for _, o := range idx {
		t.max = max(t.max, o)
	}
	t.windows = len(idx) > 0 && leadingOffsets(idx, taps)
	return t
}

// Slice is the table of rows [lo, hi) alone (its offsets unchanged).
func (t *GatherTable) Slice(lo, hi int) *GatherTable {
	idx := t.idx[lo*t.taps : hi*t.taps]
	return &GatherTable{idx: idx, taps: t.taps, max: t.max, windows: t.windows && len(idx) > 0}
}

// tapMajor is the table laid out tap by tap, so that a vector of rows'
// offsets for one tap is contiguous.
func (t *GatherTable) tapMajor() []int32 {
	t.byTapOnce.Do(func() {
		rows := t.Rows()
		t.byTap = make([]int32, len(t.idx))
		for r := range rows {
			for k := range t.taps {
				t.byTap[k*rows+r] = t.idx[r*t.taps+k]
			}
		}
	})
	return t.byTap
}

// Rows is the number of output rows.
func (t *GatherTable) Rows() int { return len(t.idx) / t.taps }

// check panics unless dst and src are long enough for rows of width values.
func (t *GatherTable) check(dst, src []float32, width int) {
	if len(dst) < t.Rows()*width || int(t.max)+width > len(src) && t.max >= 0 {
		panic(fmt.Sprintf("compute: gather of %d rows of %d values from %d values into %d", t.Rows(), width, len(src), len(dst)))
	}
}

// GatherSum calls the implementation in use; see Elementwise.
func GatherSum(dst, src []float32, t *GatherTable, width int) {
	elementwise.GatherSum(dst, src, t, width)
}

// GatherSum implements Elementwise.
func (PortableElementwise) GatherSum(dst, src []float32, t *GatherTable, width int) {
	t.check(dst, src, width)
	gatherSumRows(dst, src, t, width, 0)
}

// gatherSumRows is GatherSum for t's rows from r0 on, once checked.
func gatherSumRows(dst, src []float32, t *GatherTable, width, r0 int) {
	for r := r0; r < t.Rows(); r++ {
		out := dst[r*width : (r+1)*width]
		clear(out)
		for _, o := range t.idx[r*t.taps : (r+1)*t.taps] {
			if o < 0 {
				continue
			}
			for j, v := range src[int(o) : int(o)+width] {
				out[j] += v
			}
		}
	}
}

// GatherCopy calls the implementation in use; see Elementwise.
func GatherCopy(dst, src []float32, t *GatherTable, width int) {
	elementwise.GatherCopy(dst, src, t, width)
}

// GatherCopy implements Elementwise.
func (PortableElementwise) GatherCopy(dst, src []float32, t *GatherTable, width int) {
	t.checkCopy(dst, src, width)
	gatherCopyRows(dst, src, t, width, 0)
}

// gatherCopyRows is GatherCopy for t's rows from r0 on, once checked.
func gatherCopyRows(dst, src []float32, t *GatherTable, width, r0 int) {
	for r := r0; r < len(t.idx); r++ {
		o := t.idx[r]
		out := dst[r*width : (r+1)*width]
		if o < 0 {
			clear(out)
			continue
		}
		copy(out, src[int(o):int(o)+width])
	}
}

// checkCopy is check for GatherCopy, whose table has one offset per row.
func (t *GatherTable) checkCopy(dst, src []float32, width int) {
	if t.taps != 1 {
		panic(fmt.Sprintf("compute: GatherCopy takes one offset per row, not %d", t.taps))
	}
	t.check(dst, src, width)
}
