package nn

import (
	"runtime"
	"sync"

	"github.com/latent-go/latent/compute"
)

// A convolution's passes that treat each image on its own (the forward
// product, the input's gradient) run a group of images at a time per
// thread: the group's windows, its product and its output stay in that
// core's caches rather than going through memory as one matrix for the
// whole batch. The
// kernel's gradient, a sum over the whole batch, is cut into the GEMM's k
// slices, whose windows are made slice by slice (compute.SumSlices). Each
// value is computed with the same operations in the same order as one
// product over the batch would, so the bits do not change.

// imageScratch holds one image's (or one k slice's) windows or products
// per thread.
var imageScratch = sync.Pool{New: func() any { return new([]float32) }}

// groupValues is about how many values of windows or products one
// thread's group of images holds: 256 KB, well inside a core's
// second-level cache.
const groupValues = 1 << 16

// eachGroup calls fn for groups of consecutive images [i0, i1) that
// together cover batch images, in parallel, with a scratch buffer of
// perImage values per image that is the calling thread's for the call
// (see imageGroup for the groups' size).
func eachGroup(batch, perImage, rowsPerImage int, fn func(i0, i1 int, buf []float32)) {
	group := imageGroup(batch, perImage, rowsPerImage, runtime.GOMAXPROCS(0))
	compute.ParallelFor(batch, group, func(lo, hi int) {
		buf := imageScratch.Get().(*[]float32)
		defer imageScratch.Put(buf)
		*buf = grow(*buf, (hi-lo)*perImage)
		fn(lo, hi, *buf)
	})
}

// imageGroup is how many images one piece of eachGroup holds. A group
// holds about groupValues values: one large image, or several small ones,
// whose passes would otherwise be too short to pay their calls. Its
// products have rowsPerImage rows an image; where it costs at most twice
// the budget, a group is a whole number of the GEMM's row panels, so that
// no tile is left partial. Where that leaves fewer pieces than 4 per
// worker and either fewer than 2 per worker (16 pieces for 16 workers)
// or a number the workers cannot share evenly (3 for 2), the groups are
// made smaller, 2 pieces a worker at least, so that every worker gets a
// piece and one that starts late or runs slow holds the others up less
// (16 threads: denoise 2.68 to 2.46 s an epoch, inpaint 6.68 to 6.43 s,
// with the pool's published count). Last, the groups are evened out
// (evenGroups). The bits do not depend on the groups: each image's values
// are computed alone.
func imageGroup(batch, perImage, rowsPerImage, workers int) int {
	group := max(1, groupValues/max(1, perImage))
	unit := compute.RowPanel() / gcd(rowsPerImage, compute.RowPanel())
	if whole := max(unit, group/unit*unit); whole*perImage <= 2*groupValues {
		group = whole
	}
	group = min(group, batch)
	pieces := ceilDiv(batch, group)
	if workers <= 1 || pieces >= 4*workers || (pieces%workers == 0 && pieces >= 2*workers) {
		return evenGroups(batch, group, rowsPerImage, compute.RowPanel(), workers)
	}
	pieces = min(batch, max(2*workers, ceilDiv(pieces, workers)*workers))
	group = ceilDiv(batch, pieces)
	if whole := group / unit * unit; whole > 0 && ceilDiv(batch, whole)%workers == 0 {
		group = whole
	}
	return evenGroups(batch, group, rowsPerImage, compute.RowPanel(), workers)
}

// evenGroups is the group size, at most group, that leaves the least work
// to the busiest worker, counted as rounds of pieces times the GEMM's row
// panels a piece (a partial panel costs a whole one), among the sizes that
// make from ceil(batch/group) up to twice as many pieces. Of 128 images
// of 784 rows on 2 workers, groups of 9 are 15 pieces, 8 rounds of 588
// panels (of 12 rows); groups of 8 are 16 pieces, 8 rounds of 523. Of 128
// images of 196 rows, groups of 36 are 4 pieces whose last holds 20, 2
// rounds of 588 panels; groups of 32, 2 rounds of 523. A saving under a
// sixteenth is not worth the extra pieces' calls (groups of 3 images of
// 196 rows, 43 pieces on 2 workers: 22 rounds of 49 panels, against 32 of
// 33 in groups of 2), nor is a tie; one worker keeps group.
func evenGroups(batch, group, rowsPerImage, panel, workers int) int {
	if workers <= 1 {
		return group
	}
	cost := func(g int) int { return ceilDiv(ceilDiv(batch, g), workers) * ceilDiv(g*rowsPerImage, panel) }
	best, pieces := group, ceilDiv(batch, group)
	for p := pieces; p <= min(batch, 2*pieces); p++ {
		if g := ceilDiv(batch, p); cost(g) < cost(best) {
			best = g
		}
	}
	if 16*cost(best) > 15*cost(group) {
		return group
	}
	return best
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// withScratch calls fn with a scratch buffer of n values.
func withScratch(n int, fn func(buf []float32)) {
	buf := imageScratch.Get().(*[]float32)
	defer imageScratch.Put(buf)
	*buf = grow(*buf, n)
	fn(*buf)
}

// biasAndActivate adds bias to each row of pre (rows of len(bias) values)
// and writes the activation of pre into out, on the calling thread; ReLU
// is fused with the bias. addBiasAndActivate runs it in parallel.
func biasAndActivate(pre, out, bias []float32, act Activation) {
	_, isReLU := act.(relu)
	compute.AddBiasReLU(pre, out, bias, isReLU)
	if !isReLU {
		act.Apply(pre, out)
	}
}

// gatherRows writes rows [row0, row0+count) of the matrix that stacks,
// for every image of src (inSize values each), the windows im2col table t
// copies out of it (rowsPerImage rows of taps table rows of width values
// each) into dst.
func gatherRows(dst, src []float32, inSize int, t *compute.GatherTable, rowsPerImage, taps, width, row0, count int) {
	for r := row0; r < row0+count; {
		img, q0 := r/rowsPerImage, r%rowsPerImage
		q1 := min(rowsPerImage, q0+row0+count-r)
		out := dst[(r-row0)*taps*width : (r-row0+q1-q0)*taps*width]
		compute.GatherCopy(out, src[img*inSize:(img+1)*inSize], t.Slice(q0*taps, q1*taps), width)
		r += q1 - q0
	}
}

// transposeInto sets dst (cols×rows) to the rows×cols matrix m, transposed:
// a product read a group of images at a time takes its kernel as it is
// stored, in place, rather than packing a transposed one for each group.
func transposeInto(dst, m []float32, rows, cols int) []float32 {
	dst = grow(dst, rows*cols)
	for i := 0; i < rows; i++ {
		for j, v := range m[i*cols : (i+1)*cols] {
			dst[j*rows+i] = v
		}
	}
	return dst
}
