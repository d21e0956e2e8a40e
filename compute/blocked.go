package compute

import (
	"runtime"
	"sync"

	"github.com/latent-go/latent/internal/mathf"
)

// Blocked is latent's own GEMM: a register-blocked micro-kernel
// multiplies one MR×NR tile of C at a time, reading A in place, transposed
// or not (the kernel takes any strides), and B in place or from packed
// panels (BLIS-style) — in AVX2/FMA or AVX-512 assembly on amd64
// processors that have it, in portable Go elsewhere (or with the purego
// build tag).
//
// C is split into tiles of rows and columns that goroutines take whole;
// each element is summed along k in the same order whatever the number of
// threads, so results are bit-identical for any GOMAXPROCS.
type Blocked struct {
	kern kernel
	// narrower lists, narrowest first, kernels with kern's rows and fewer
	// columns: they serve products that narrow (convolutions with 8 or
	// 16 filters), which kern's wider tiles would mostly pad, and the
	// last, partial column panel of a wider product. Every kernel sums
	// each element in the same order, with one FMA per term, so the
	// choice changes the speed, not the bits.
	narrower []kernel
	// shorter lists kernels with fewer rows than kern (and the columns of
	// kern or of a narrower one): a last row panel of exactly their rows
	// (9, 8 or 4) is read in place by them rather than packed,
	// zero-padded, into a panel of kern's rows and computed whole (a batch
	// of 256 rows is 21 panels of 12 and one of 4, not 22 of 12).
	shorter []kernel
	// masked lists kernels that run on the first columns of their tile
	// only (see kernel.masked), of kern's rows or a shorter kernel's: a
	// last column panel narrower than its kernel is read, B in place, and
	// written, C in place, by them rather than packed into a tile.
	masked []kernel
}

// short is the kernel with rows rows and nr columns, if there is one.
func (g *Blocked) short(rows, nr int) (kernel, bool) {
	for _, k := range g.shorter {
		if k.mr == rows && k.nr == nr {
			return k, true
		}
	}
	return kernel{}, false
}

// maskedFor is the masked kernel with rows rows and room for cols
// columns, if there is one.
func (g *Blocked) maskedFor(rows, cols int) (kernel, bool) {
	for _, k := range g.masked {
		if k.mr == rows && cols <= k.nr {
			return k, true
		}
	}
	return kernel{}, false
}

// NewBlocked returns Blocked with the fastest micro-kernel this processor
// runs: AVX-512, else AVX2 with FMA, else portable Go.
func NewBlocked() *Blocked { return BlockedKernels()[0] }

// pick chooses the kernel for a product n columns wide.
func (g *Blocked) pick(n int) kernel { return g.fitting(g.kern, n) }

// fitting is the narrowest kernel with kern's rows and at least n columns,
// or kern.
func (g *Blocked) fitting(kern kernel, n int) kernel {
	for _, k := range g.narrower {
		if n <= k.nr && k.nr < kern.nr {
			return k
		}
	}
	return kern
}

// NewPortable returns Blocked with the portable Go micro-kernel: the
// reference the assembly kernels are tested against.
func NewPortable() *Blocked { return &Blocked{kern: portableKernel} }

// BlockedKernels lists every micro-kernel this processor can run, best
// first, each as a ready GEMM, so tests and benchmarks cover all of them.
func BlockedKernels() []*Blocked {
	var out []*Blocked
	for _, k := range availableKernels() {
		out = append(out, &Blocked{kern: k, narrower: narrowerKernels(k), shorter: shorterKernels(k), masked: maskedKernels(k)})
	}
	return append(out, NewPortable())
}

// Name implements GEMM; it names the micro-kernel in use.
func (g *Blocked) Name() string { return "blocked-" + g.kern.name }

// Blocking sizes: a task computes at most an mcBlock×ncBlock region of C,
// walking k in slices of at most kcBlock. They are multiples of every
// kernel's MR and NR.
const (
	mcBlock = 96
	ncBlock = 128
	kcBlock = 256
)

// kSlice is the length of the k slices: k cut into equal slices of at most
// kcBlock, so that no slice is a short remainder. It depends on k alone.
func kSlice(k int) int {
	slices := (k + kcBlock - 1) / kcBlock
	return (k + slices - 1) / slices
}

// rowsPerTask bounds a task's rows: mcBlock, or, for a short k, as many
// more as keep its A block (rows × k) the size of mcBlock × kcBlock, so
// that a product with 9 values per window is not cut into a thousand
// tasks that each cost more to start than their tiles take.
func rowsPerTask(k int) int {
	if k >= kcBlock {
		return mcBlock
	}
	return mcBlock * kcBlock / max(k, 1)
}

// split cuts n into pieces that are multiples of unit, at most limit long,
// and at least want pieces when n allows: it returns the piece length.
func split(n, unit, limit, want int) int {
	units := (n + unit - 1) / unit
	per := (units + want - 1) / want
	return max(1, min(per, limit/unit)) * unit
}

// kernel is one register-blocked micro-kernel. run computes the mr×nr
// tile Σ_p A(i,p)·B(p,j) over p < kc, reading A(i,p) at a[i*rs+p*ps]
// (rs = lda, ps = 1 for A in place; rs = 1, ps = mr for a packed panel)
// and B(p,j) at b[p*bs+j] (bs = ldb for B in place; nr for a packed
// panel), and stores it into c (row stride ldc), or adds it when
// accumulate is set.
type kernel struct {
	name   string
	mr, nr int
	run    func(kc int, a []float32, rs, ps int, b []float32, bs int, c []float32, ldc int, accumulate bool)
	// panels, in an assembly kernel, runs it on count row panels, one
	// below the other: panel q reads A from a[q*pstride:] and writes C
	// from c[q*mr*ldc:], so that a product with a short k (9 values per
	// window) does not pay a call per tile. A masked kernel (run is nil)
	// computes the first cols columns of its tiles only: B's other
	// columns are not read, C's are not written.
	panels func(count, pstride, cols, kc int, a []float32, rs, ps int, b []float32, bs int, c []float32, ldc int, accumulate bool)
	masked bool
}

// scratch holds one task's packed panels, tile and plan.
type scratch struct {
	a, b, tile []float32
	plan       taskPlan
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{
		a:    make([]float32, (mcBlock+16)*kcBlock),
		b:    make([]float32, (ncBlock+32)*kcBlock),
		tile: make([]float32, 16*32),
	}
}}

// Sgemm implements GEMM.
func (g *Blocked) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	g.sgemm(runtime.GOMAXPROCS(0), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// sgemm is Sgemm with its tasks shared among workers goroutines; with one,
// it runs on the caller alone.
func (g *Blocked) sgemm(workers int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	// Tasks are sized to keep every thread busy. Each element of C is
	// summed in the same order whatever the tiling (the k slices and the
	// order within a slice depend on k alone), so the thread count changes
	// the speed, never the bits.
	kern := g.pick(n)
	mc, nc := tiles(kern, workers, m, n, k)
	mTasks := (m + mc - 1) / mc
	nTasks := (n + nc - 1) / nc
	// Split-k pays only when it makes more pieces than the tiles do.
	if slices := (k + kSlice(k) - 1) / kSlice(k); workers > 1 && mTasks*nTasks < 2*workers && slices > mTasks*nTasks && m*n <= splitKValues {
		g.sgemmSplitK(kern, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if nTasks == 1 {
		mTasks = evenRounds(mTasks, (m+kern.mr-1)/kern.mr, workers)
	}
	// B in place is read directly; a transposed B is packed, once when
	// several row tasks would each pack it.
	var shared *[]float32
	if transB && mTasks > 1 {
		shared = packAllB(workers, kern.nr, transB, b, ldb, n, k)
		defer sharedPool.Put(shared)
	}
	// A is read in place, transposed or not (see taskPlan.aPanel).
	forEach(workers, mTasks*nTasks, func(lo, hi int) {
		s := scratchPool.Get().(*scratch)
		defer scratchPool.Put(s)
		for t := lo; t < hi; t++ {
			i0, i1 := taskRows(m, kern.mr, mTasks, t/nTasks)
			j0 := (t % nTasks) * nc
			g.task(kern, s, packedOperands{shared}, transA, transB, i0, i1, j0, min(j0+nc, n), n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		}
	})
}

// tiles sizes the tasks of a product: mc rows by nc columns. Rows are cut
// first, into at least two tasks a worker where they allow, then columns
// into as many more as make that count. A product of a long k with few
// rows (up to two tasks' worth: a task's slice of A stays in its core's
// second-level cache) whose columns alone give every worker two tasks is
// cut by columns only: each task then reads its columns of B, k rows of
// them, once, where row tasks would each read them again. A Dense layer's
// kernel gradient of 32×784 over a batch of 256 reads the 800 KB dPre that
// the loss has just written, half of it in the other core's cache on 2
// threads: cut into three row tasks as well, it took longer on 2 threads
// than on 1; ae3's of 128×784, cut into four row tasks, read it four
// times. A short k (a forward product's 32 inputs) keeps the cut by rows,
// which was the faster there.
func tiles(kern kernel, workers, m, n, k int) (mc, nc int) {
	if k >= kcBlock && m <= 2*mcBlock {
		if nc := split(n, kern.nr, ncBlock, 2*workers); (n+nc-1)/nc >= 2*workers {
			return m, nc
		}
	}
	mc = split(m, kern.mr, rowsPerTask(k), 2*workers)
	mTasks := (m + mc - 1) / mc
	return mc, split(n, kern.nr, ncBlock, (2*workers+mTasks-1)/mTasks)
}

// evenRounds is how many row tasks a product cut by rows alone is given:
// of tasks and the multiples of workers just below and above it, the
// count that leaves the fewest row panels to the busiest worker, rounds
// of tasks times panels a task (66 panels on 2 workers, a Dense layer's
// weight gradient of 784×32: 9 tasks are 5 rounds of up to 8 panels, one
// worker a task behind the other at the end; 10 are 5 rounds of up to 7).
// Ties keep the fewer tasks.
func evenRounds(tasks, panels, workers int) int {
	cost := func(t int) int { return (t + workers - 1) / workers * ((panels + t - 1) / t) }
	best := tasks
	for _, t := range []int{tasks / workers * workers, (tasks + workers - 1) / workers * workers} {
		if t >= 1 && t <= panels && (cost(t) < cost(best) || cost(t) == cost(best) && t < best) {
			best = t
		}
	}
	return best
}

// taskRows is the rows [i0, i1) of row task t of tasks: the row panels
// (mr rows each) shared as evenly as whole panels allow, the larger
// shares first and every other task (22 panels in 4 tasks: 6, 5, 6, 5),
// so that two workers that take the tasks in turn finish together.
func taskRows(m, mr, tasks, t int) (i0, i1 int) {
	panels := (m + mr - 1) / mr
	start := func(t int) int { return (t*panels + tasks - 1) / tasks * mr }
	return start(t), min(start(t+1), m)
}

var sharedPool = sync.Pool{New: func() any { return new([]float32) }}

// packedOperands are the operands packed once for all tasks: all of a
// transposed B (see packAllB), or nil.
type packedOperands struct {
	b *[]float32
}

// packAllB packs all of op(B), k slice by k slice: slice p0 starts at
// p0*nPad and holds its column panels one after another.
func packAllB(workers, nr int, transB bool, b []float32, ldb, n, k int) *[]float32 {
	return packAll(workers, n, nr, k, func(dst []float32, j0, cols, p0, kc int) {
		packB(dst, transB, b, ldb, j0, cols, p0, kc, nr)
	})
}

// packAll packs all of an operand with size columns (a transposed B's)
// into panels of width, k slice by k slice, in parallel:
// slice p0 starts at p0*padded and holds its panels one after another;
// pack packs the panel of the given rows or columns.
func packAll(workers, size, width, k int, pack func(dst []float32, first, count, p0, kc int)) *[]float32 {
	panels := (size + width - 1) / width
	padded := panels * width
	buf := sharedPool.Get().(*[]float32)
	if cap(*buf) < k*padded {
		*buf = make([]float32, k*padded)
	}
	*buf = (*buf)[:k*padded]
	dst := *buf
	slice := kSlice(k)
	slices := (k + slice - 1) / slice
	forEach(workers, slices*panels, func(lo, hi int) {
		for t := lo; t < hi; t++ {
			p0 := (t / panels) * slice
			q := t % panels
			kc := min(slice, k-p0)
			pack(dst[p0*padded+q*kc*width:], q*width, min(width, size-q*width), p0, kc)
		}
	})
	return buf
}

// task computes rows [i0,i1) and columns [j0,j1) of C.
func (g *Blocked) task(kern kernel, s *scratch, ops packedOperands, transA, transB bool, i0, i1, j0, j1, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	op := operands{transA, transB, n, alpha, beta, a, b, c, lda, ldb, ldc}
	t := &s.plan
	g.plan(t, kern, transB, i0, i1, j0, j1)
	slice := kSlice(k)
	for p0 := 0; p0 < k; p0 += slice {
		sl := kSliceOf{p0: p0, kc: min(slice, k-p0), first: p0 == 0}
		// The kernel writes C itself when no scaling is needed.
		sl.direct = alpha == 1 && (!sl.first || beta == 0 || beta == 1)
		sl.accumulate = !sl.first || beta == 1
		sl.packedB = t.pack(s, ops, op, sl)
		for jp := 0; jp < t.colPanels; jp++ {
			t.columnPanel(s, ops, op, sl, jp)
		}
	}
}

// operands are one product's matrices and how to read them.
type operands struct {
	transA, transB bool
	n              int // C's columns in all
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
}

// taskPlan is what a task decides once for all its k slices: its
// region, its kernels and how it reads a last, partial row or column
// panel.
type taskPlan struct {
	i0, j0, rows, cols             int
	mr, nr                         int
	rowPanels, colPanels, fullRows int
	kern, tail                     kernel // tail: for a last, partial column panel of B in place
	shortRows, shortTail           kernel // for a last row panel read in place, of kern's or tail's width
	maskedFull, maskedShort        kernel
	readShort, useMask             bool
}

// kSliceOf is one k slice of a task: its place, whether it is the first,
// how its tiles reach C, and the packed B it reads (when B is packed).
type kSliceOf struct {
	p0, kc                    int
	first, direct, accumulate bool
	packedB                   []float32
}

func (g *Blocked) plan(t *taskPlan, kern kernel, transB bool, i0, i1, j0, j1 int) {
	*t = taskPlan{i0: i0, j0: j0, rows: i1 - i0, cols: j1 - j0, mr: kern.mr, nr: kern.nr, kern: kern, tail: kern}
	if !transB && t.cols%t.nr != 0 {
		t.tail = g.fitting(kern, t.cols%t.nr)
	}
	t.rowPanels = (t.rows + t.mr - 1) / t.mr
	t.colPanels = (t.cols + t.nr - 1) / t.nr
	t.fullRows = t.rows / t.mr * t.mr
	if t.fullRows < t.rows {
		// A last, partial row panel is read in place by a shorter kernel
		// when there is one for every column panel's kernel, rather than
		// packed, zero-padded, and computed as a whole panel (64 rows are
		// 5 panels of 12 and one of 4, not 72 rows).
		var shortWide, shortNarrow bool
		t.shortRows, shortWide = g.short(t.rows-t.fullRows, t.nr)
		t.shortTail, shortNarrow = g.short(t.rows-t.fullRows, t.tail.nr)
		t.readShort = shortWide && (t.cols%t.nr == 0 || shortNarrow)
	}
	// A last column panel narrower than its kernel (9 taps, 2 latent
	// values) runs under a column mask when masked kernels fit it: B read
	// in place, C written in place, no tile.
	if lastCols := t.cols - (t.colPanels-1)*t.nr; lastCols < t.tail.nr {
		var okFull, okShort bool
		t.maskedFull, okFull = g.maskedFor(t.mr, lastCols)
		t.maskedShort, okShort = g.maskedFor(t.rows-t.fullRows, lastCols)
		t.useMask = okFull && (!t.readShort || okShort)
	}
}

// pack packs what slice sl of the task reads packed: A's last, partial
// row panel where no shorter kernel reads it in place, and B's panels
// where B is not read in place. It returns the packed B.
func (t *taskPlan) pack(s *scratch, ops packedOperands, op operands, sl kSliceOf) []float32 {
	if t.fullRows < t.rows && !t.readShort {
		packA(s.a, op.transA, op.a, op.lda, t.i0+t.fullRows, t.rows-t.fullRows, sl.p0, sl.kc, t.mr)
	}
	switch {
	case !op.transB:
		// Full panels are read in place, and a last, partial panel too
		// when a narrower or masked kernel fits it; otherwise it is
		// packed to that kernel's width.
		if full := t.cols / t.nr * t.nr; full < t.cols && t.cols-full != t.tail.nr && !t.useMask {
			packB(s.b, false, op.b, op.ldb, t.j0+full, t.cols-full, sl.p0, sl.kc, t.tail.nr)
		}
		return s.b
	case ops.b != nil:
		nPad := (op.n + t.nr - 1) / t.nr * t.nr
		return (*ops.b)[sl.p0*nPad+t.j0*sl.kc:]
	default:
		packB(s.b, op.transB, op.b, op.ldb, t.j0, t.cols, sl.p0, sl.kc, t.nr)
		return s.b
	}
}

// columnPanel computes slice sl's share of column panel jp: each row
// panel's tile, with the kernel that fits it, written into C directly
// when no scaling is needed (full row panels in one call) or through the
// tile otherwise.
func (t *taskPlan) columnPanel(s *scratch, ops packedOperands, op operands, sl kSliceOf, jp int) {
	mr, nr, kc := t.mr, t.nr, sl.kc
	jn := min(nr, t.cols-jp*nr)
	kj := t.kern
	if jn < nr {
		kj = t.tail
	}
	masked := t.useMask && jp == t.colPanels-1
	var bp []float32
	bs := nr
	switch {
	case !op.transB && (jn == kj.nr || masked):
		bp, bs = op.b[sl.p0*op.ldb+t.j0+jp*nr:], op.ldb
	case !op.transB:
		bp, bs = sl.packedB[:kc*kj.nr], kj.nr
	default:
		bp = sl.packedB[jp*kc*nr : (jp+1)*kc*nr]
	}
	for ip := 0; ip < t.rowPanels; ip++ {
		im := min(mr, t.rows-ip*mr)
		ap, rs, ps, pstride := t.aPanel(s, ops, op, sl, ip)
		kr := kj
		if im < mr && t.readShort {
			kr = t.shortRows
			if kj.nr != nr {
				kr = t.shortTail
			}
		}
		if masked {
			kr = t.maskedFull
			if im < mr && t.readShort {
				kr = t.maskedShort
			}
		}
		at := op.c[(t.i0+ip*mr)*op.ldc+t.j0+jp*nr:]
		if sl.direct && im == kr.mr && (jn == kr.nr || masked) {
			if im == mr && kr.panels != nil {
				// This and the following full row panels, in one call.
				count := t.fullRows/mr - ip
				kr.panels(count, pstride, jn, kc, ap, rs, ps, bp, bs, at, op.ldc, sl.accumulate)
				ip += count - 1
				continue
			}
			kr.call(kc, ap, rs, ps, bp, bs, at, op.ldc, sl.accumulate, jn)
			continue
		}
		kr.call(kc, ap, rs, ps, bp, bs, s.tile, kr.nr, false, jn)
		addPartial(at, op.ldc, s.tile, kr.nr, im, jn, sl.first, op.alpha, op.beta)
	}
}

// aPanel is where row panel ip of slice sl reads A: A(i, p) at
// ap[i*rs+p*ps], and the next row panel's A pstride values on.
func (t *taskPlan) aPanel(s *scratch, ops packedOperands, op operands, sl kSliceOf, ip int) (ap []float32, rs, ps, pstride int) {
	mr, kc := t.mr, sl.kc
	im := min(mr, t.rows-ip*mr)
	switch {
	case (im == mr || t.readShort) && op.transA:
		return op.a[sl.p0*op.lda+t.i0+ip*mr:], 1, op.lda, mr
	case im == mr || t.readShort:
		return op.a[(t.i0+ip*mr)*op.lda+sl.p0:], op.lda, 1, mr * op.lda
	default:
		return s.a[:kc*mr], 1, mr, kc * mr
	}
}

// call runs k on a tile, under a mask of the first cols columns when k is
// a masked kernel.
func (k kernel) call(kc int, a []float32, rs, ps int, b []float32, bs int, c []float32, ldc int, accumulate bool, cols int) {
	if k.masked {
		k.panels(1, 0, cols, kc, a, rs, ps, b, bs, c, ldc, accumulate)
		return
	}
	k.run(kc, a, rs, ps, b, bs, c, ldc, accumulate)
}

// packA copies rows [i0, i0+rows) × k-slice [p0, p0+kc) of op(A) into
// panels of mr rows: panel q holds, for each p, the mr values
// op(A)[i0+q*mr+i, p0+p], zero-padded past the last row.
func packA(dst []float32, trans bool, a []float32, lda, i0, rows, p0, kc, mr int) {
	panels := (rows + mr - 1) / mr
	var rowBuf [32][]float32
	for q := 0; q < panels; q++ {
		panel := dst[q*kc*mr : (q+1)*kc*mr]
		im := min(mr, rows-q*mr)
		if trans {
			// op(A)[i, p] = a[p*lda+i]: each p is a contiguous run of rows.
			for p := 0; p < kc; p++ {
				at := (p0+p)*lda + i0 + q*mr
				out := panel[p*mr : (p+1)*mr]
				copy(out, a[at:at+im])
				clear(out[im:])
			}
			continue
		}
		// Walk p outermost so that the writes are sequential; the reads
		// advance along mr rows at once.
		rowsA := rowBuf[:mr]
		for i := 0; i < im; i++ {
			r := i0 + q*mr + i
			rowsA[i] = a[r*lda+p0 : r*lda+p0+kc]
		}
		for p := 0; p < kc; p++ {
			out := panel[p*mr : (p+1)*mr]
			for i := 0; i < im; i++ {
				out[i] = rowsA[i][p]
			}
			clear(out[im:])
		}
	}
}

// packB copies k-slice [p0, p0+kc) × columns [j0, j0+cols) of op(B) into
// panels of nr columns: panel q holds, for each p, the nr values
// op(B)[p0+p, j0+q*nr+j], zero-padded past the last column.
func packB(dst []float32, trans bool, b []float32, ldb, j0, cols, p0, kc, nr int) {
	panels := (cols + nr - 1) / nr
	for q := 0; q < panels; q++ {
		panel := dst[q*kc*nr : (q+1)*kc*nr]
		jn := min(nr, cols-q*nr)
		if trans {
			packTransposed(panel, b, ldb, j0+q*nr, jn, p0, kc, nr)
			continue
		}
		for p := 0; p < kc; p++ {
			row := panel[p*nr : (p+1)*nr]
			src := b[(p0+p)*ldb+j0+q*nr : (p0+p)*ldb+j0+q*nr+jn]
			for j, v := range src {
				row[j] = v
			}
			for j := jn; j < nr; j++ {
				row[j] = 0
			}
		}
	}
}

// packTransposed writes one panel of a transposed B: for each p < kc, the
// nr values b[(j0+j)*ldb+p0+p] for j < jn, then zeros. It reads 8 values
// of each of B's rows at a time (one load, no bounds check per value) and
// writes them to 8 rows of the panel, all within the first-level cache:
// 2.7 times faster than a value at a time on 32×784 (a Dense layer's
// input gradient), BenchmarkPackTransposed.
func packTransposed(panel, b []float32, ldb, j0, jn, p0, kc, nr int) {
	p := 0
	for ; p+8 <= kc; p += 8 {
		out := panel[p*nr : (p+8)*nr]
		for j := range jn {
			v := (*[8]float32)(b[(j0+j)*ldb+p0+p:])
			out[j], out[nr+j], out[2*nr+j], out[3*nr+j] = v[0], v[1], v[2], v[3]
			out[4*nr+j], out[5*nr+j], out[6*nr+j], out[7*nr+j] = v[4], v[5], v[6], v[7]
		}
		for r := range 8 {
			clear(out[r*nr+jn : (r+1)*nr])
		}
	}
	for ; p < kc; p++ {
		out := panel[p*nr : (p+1)*nr]
		for j := range jn {
			out[j] = b[(j0+j)*ldb+p0+p]
		}
		clear(out[jn:])
	}
}

// scaleC sets C = beta*C (C = 0 when beta is 0, as BLAS does, so NaNs in
// an uninitialized C do not leak).
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// best is the first of ks, or the portable kernel when ks is empty.
func best(ks []kernel) kernel {
	if len(ks) == 0 {
		return portableKernel
	}
	return ks[0]
}

// portableKernel is the Go micro-kernel, 4×16, used where no assembly
// kernel applies.
var portableKernel = kernel{name: "go", mr: 4, nr: 16, run: kernelGo4x16}

func kernelGo4x16(kc int, a []float32, rs, ps int, b []float32, bs int, c []float32, ldc int, accumulate bool) {
	var acc [4][16]float32
	for p := 0; p < kc; p++ {
		bp := b[p*bs : p*bs+16 : p*bs+16]
		for i := 0; i < 4; i++ {
			ai := a[i*rs+p*ps]
			mathf.MulAdd(acc[i][:], ai, bp)
		}
	}
	for i := 0; i < 4; i++ {
		crow := c[i*ldc : i*ldc+16]
		if accumulate {
			for j := range crow {
				crow[j] += acc[i][j]
			}
		} else {
			copy(crow, acc[i][:])
		}
	}
}
