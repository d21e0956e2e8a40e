package compute

import (
	"runtime"
	"sync"
)

// Blocked is latent's own GEMM: op(A) and op(B) are copied into packed
// panels (BLIS-style) and a register-blocked micro-kernel multiplies one
// MR×NR tile of C at a time — in AVX2/FMA or AVX-512 assembly on amd64
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
	// kern or of a narrower one): a last row panel of exactly their rows is
	// read in place by them rather than packed, zero-padded, into a panel
	// of kern's rows.
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

// scratch holds one task's packed panels and tile.
type scratch struct {
	a, b, tile []float32
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
	mc := split(m, kern.mr, mcBlock, 2*workers)
	nc := split(n, kern.nr, ncBlock, max(1, 2*workers/((m+mc-1)/mc)))
	mTasks := (m + mc - 1) / mc
	nTasks := (n + nc - 1) / nc
	// Split-k pays only when it makes more pieces than the tiles do.
	if slices := (k + kSlice(k) - 1) / kSlice(k); workers > 1 && mTasks*nTasks < 2*workers && slices > mTasks*nTasks && m*n <= splitKValues {
		g.sgemmSplitK(kern, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	// B in place is read directly; a transposed B is packed, once when
	// several row tasks would each pack it.
	var shared *[]float32
	if transB && mTasks > 1 {
		shared = packAllB(workers, kern.nr, transB, b, ldb, n, k)
		defer sharedPool.Put(shared)
	}
	// Likewise a transposed A is packed once when several column tasks
	// would each pack it.
	var sharedA *[]float32
	if transA && nTasks > 1 {
		sharedA = packAllA(workers, kern.mr, a, lda, m, k)
		defer sharedPool.Put(sharedA)
	}
	forEach(workers, mTasks*nTasks, func(lo, hi int) {
		s := scratchPool.Get().(*scratch)
		defer scratchPool.Put(s)
		for t := lo; t < hi; t++ {
			i0 := (t / nTasks) * mc
			j0 := (t % nTasks) * nc
			g.task(kern, s, packedOperands{shared, sharedA, m}, transA, transB, i0, min(i0+mc, m), j0, min(j0+nc, n), n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		}
	})
}

var sharedPool = sync.Pool{New: func() any { return new([]float32) }}

// packedOperands are the operands packed once for all tasks: all of op(B)
// (see packAllB) and all of a transposed A (packAllA), or nil; m is A's
// row count.
type packedOperands struct {
	b, a *[]float32
	m    int
}

// packAllA packs all of a transposed A, k slice by k slice: slice p0
// starts at p0*mPad and holds its row panels one after another.
func packAllA(workers, mr int, a []float32, lda, m, k int) *[]float32 {
	return packAll(workers, m, mr, k, func(dst []float32, i0, rows, p0, kc int) {
		packA(dst, true, a, lda, i0, rows, p0, kc, mr)
	})
}

// packAllB packs all of op(B), k slice by k slice: slice p0 starts at
// p0*nPad and holds its column panels one after another.
func packAllB(workers, nr int, transB bool, b []float32, ldb, n, k int) *[]float32 {
	return packAll(workers, n, nr, k, func(dst []float32, j0, cols, p0, kc int) {
		packB(dst, transB, b, ldb, j0, cols, p0, kc, nr)
	})
}

// packAll packs all of an operand with size rows or columns (A's rows,
// B's columns) into panels of width, k slice by k slice, in parallel:
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
	mr, nr := kern.mr, kern.nr
	rows, cols := i1-i0, j1-j0
	// tail is the kernel for a last, partial column panel of B in place.
	tail := kern
	if !transB && cols%nr != 0 {
		tail = g.fitting(kern, cols%nr)
	}
	rowPanels := (rows + mr - 1) / mr
	colPanels := (cols + nr - 1) / nr
	fullRows := rows / mr * mr
	// A last, partial row panel is read in place by a shorter kernel when
	// there is one for every column panel's kernel.
	shortRows, shortWide := g.short(rows-fullRows, nr)
	shortTail, shortNarrow := g.short(rows-fullRows, tail.nr)
	readShort := fullRows < rows && ops.a == nil && !(transA && colPanels > 1) && shortWide && (cols%nr == 0 || shortNarrow)
	// A last column panel narrower than its kernel (9 taps, 2 latent
	// values) runs under a column mask when masked kernels fit it: B read
	// in place, C written in place, no tile.
	lastCols := cols - (colPanels-1)*nr
	maskedFull, okFull := g.maskedFor(mr, lastCols)
	maskedShort, okShort := g.maskedFor(rows-fullRows, lastCols)
	useMask := lastCols < tail.nr && okFull && (!readShort || okShort)
	slice := kSlice(k)
	for p0 := 0; p0 < k; p0 += slice {
		kc := min(slice, k-p0)
		first := p0 == 0
		// A transposed is packed when its panels serve several column
		// panels; for one column panel, full row panels are read in place.
		packAllA := transA && colPanels > 1 && ops.a == nil
		switch {
		case ops.a != nil:
			// Every panel is in the shared packing.
		case packAllA:
			packA(s.a, true, a, lda, i0, rows, p0, kc, mr)
		case fullRows < rows && !readShort:
			// Only a last, partial panel is packed.
			packA(s.a, transA, a, lda, i0+fullRows, rows-fullRows, p0, kc, mr)
		}
		packed := s.b
		switch {
		case !transB:
			// Full panels are read in place, and a last, partial panel
			// too when a narrower or masked kernel fits it; otherwise it
			// is packed to that kernel's width.
			if full := cols / nr * nr; full < cols && cols-full != tail.nr && !useMask {
				packB(s.b, false, b, ldb, j0+full, cols-full, p0, kc, tail.nr)
			}
		case ops.b != nil:
			nPad := (n + nr - 1) / nr * nr
			packed = (*ops.b)[p0*nPad+j0*kc:]
		default:
			packB(s.b, transB, b, ldb, j0, cols, p0, kc, nr)
		}
		// The kernel writes C itself when no scaling is needed.
		direct := alpha == 1 && (!first || beta == 0 || beta == 1)
		accumulate := !first || beta == 1
		for jp := 0; jp < colPanels; jp++ {
			jn := min(nr, cols-jp*nr)
			kj := kern
			if jn < nr {
				kj = tail
			}
			masked := useMask && jp == colPanels-1
			var bp []float32
			bs := nr
			switch {
			case !transB && (jn == kj.nr || masked):
				bp, bs = b[p0*ldb+j0+jp*nr:], ldb
			case !transB:
				bp, bs = s.b[:kc*kj.nr], kj.nr
			default:
				bp = packed[jp*kc*nr : (jp+1)*kc*nr]
			}
			for ip := 0; ip < rowPanels; ip++ {
				im := min(mr, rows-ip*mr)
				var ap []float32
				rs, ps := 1, mr
				pstride := kc * mr // from one row panel's A to the next
				kr := kj
				switch {
				case ops.a != nil:
					mPad := (ops.m + mr - 1) / mr * mr
					ap = (*ops.a)[p0*mPad+(i0/mr+ip)*kc*mr:]
				case packAllA:
					ap = s.a[ip*kc*mr:]
				case im == mr || readShort:
					if transA {
						ap, rs, ps, pstride = a[p0*lda+i0+ip*mr:], 1, lda, mr
					} else {
						ap, rs, ps, pstride = a[(i0+ip*mr)*lda+p0:], lda, 1, mr*lda
					}
					if im < mr {
						kr = shortRows
						if kj.nr != nr {
							kr = shortTail
						}
					}
				default:
					ap = s.a[:kc*mr]
				}
				if masked {
					kr = maskedFull
					if im < mr && readShort {
						kr = maskedShort
					}
				}
				at := c[(i0+ip*mr)*ldc+j0+jp*nr:]
				if direct && im == kr.mr && (jn == kr.nr || masked) {
					if im == mr && kr.panels != nil {
						// This and the following full row panels, in one call.
						count := fullRows/mr - ip
						kr.panels(count, pstride, jn, kc, ap, rs, ps, bp, bs, at, ldc, accumulate)
						ip += count - 1
						continue
					}
					kr.call(kc, ap, rs, ps, bp, bs, at, ldc, accumulate, jn)
					continue
				}
				kr.call(kc, ap, rs, ps, bp, bs, s.tile, kr.nr, false, jn)
				addPartial(at, ldc, s.tile, kr.nr, im, jn, first, alpha, beta)
			}
		}
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
				src := a[(p0+p)*lda+i0+q*mr : (p0+p)*lda+i0+q*mr+im]
				out := panel[p*mr : (p+1)*mr]
				for i, v := range src {
					out[i] = v
				}
				for i := im; i < mr; i++ {
					out[i] = 0
				}
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
			// op(B)[p, j] = b[j*ldb+p]: walk p outermost so the writes are
			// sequential.
			var colBuf [32][]float32
			colsB := colBuf[:jn]
			for j := range colsB {
				r := j0 + q*nr + j
				colsB[j] = b[r*ldb+p0 : r*ldb+p0+kc]
			}
			for p := 0; p < kc; p++ {
				out := panel[p*nr : (p+1)*nr]
				for j, col := range colsB {
					out[j] = col[p]
				}
				clear(out[jn:])
			}
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
			row := &acc[i]
			for j := 0; j < 16; j++ {
				row[j] += ai * bp[j]
			}
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
