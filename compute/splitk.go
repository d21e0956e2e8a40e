package compute

import (
	"runtime"
	"sync"
)

// A product with a small C and a long k (a convolution's kernel gradient:
// 9×16 values summed over 100,000 rows) has too few tiles to share among
// the threads. Its k slices are independent, though: each element of C is
// the sum of its slices' partial sums, added in order (see task). So the
// slices' partial sums are computed in parallel, each exactly as task
// computes it, and added in order: the same bits as one thread, sooner.

// splitKValues is the largest C (in values) whose k slices are split.
const splitKValues = 1 << 16

// splitKGroup bounds the partial sums held at once, in values, up to 4
// workers; splitKPerWorker, 1 MB of them, each worker's share beyond.
const (
	splitKGroup     = 1 << 20
	splitKPerWorker = 1 << 18
)

var partialPool = sync.Pool{New: func() any { return new([]float32) }}

func (g *Blocked) sgemmSplitK(kern kernel, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sumSlices(m, n, alpha, beta, c, ldc, sliceStarts(k, k), func(dst []float32, p0, kc int) {
		sc := scratchPool.Get().(*scratch)
		defer scratchPool.Put(sc)
		as, bs := sliceOffsets(a, lda, transA, b, ldb, transB, p0)
		g.task(kern, sc, packedOperands{}, transA, transB, 0, m, 0, n, n, kc, 1, as, lda, bs, ldb, 0, dst, n)
	})
}

// sliceStarts cuts a sum over k rows into chunks of chunk rows (the last
// may be shorter) and each chunk into k slices as kSlice cuts a k of the
// chunk's length. It returns where each slice starts, then k.
func sliceStarts(k, chunk int) []int {
	starts := make([]int, 0, k/kcBlock+k/max(1, chunk)+2)
	for c0 := 0; c0 < k; c0 += chunk {
		c1 := min(c0+chunk, k)
		for p0, slice := c0, kSlice(c1-c0); p0 < c1; p0 += slice {
			starts = append(starts, p0)
		}
	}
	return append(starts, k)
}

// sumSlices computes C = alpha*Σ partials + beta*C over the slices that
// starts bounds (see sliceStarts): part(dst, p0, kc) writes slice [p0,
// p0+kc)'s m×n partial sums into dst, in parallel, a group at a time, and
// the partials are added into C in slice order.
func sumSlices(m, n int, alpha, beta float32, c []float32, ldc int, starts []int, part func(dst []float32, p0, kc int)) {
	slices := len(starts) - 1
	group := sliceGroup(slices, m*n, runtime.GOMAXPROCS(0))
	buf := partialPool.Get().(*[]float32)
	defer partialPool.Put(buf)
	if cap(*buf) < group*m*n {
		*buf = make([]float32, group*m*n)
	}
	parts := (*buf)[:group*m*n]
	for s0 := 0; s0 < slices; s0 += group {
		s1 := min(s0+group, slices)
		ParallelFor(s1-s0, 1, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				p0 := starts[s0+i]
				part(parts[i*m*n:(i+1)*m*n], p0, starts[s0+i+1]-p0)
			}
		})
		addSlices(c, ldc, parts, s1-s0, s0 == 0, m, n, alpha, beta)
	}
}

// sliceGroup is how many slices of size values each sumSlices computes at
// once, given how many workers share them: about partialBudget values of
// partial sums, a whole number of rounds of the workers (14 slices at a
// time keep only 14 of 16 threads busy), and at least one slice per
// worker as long as that holds at most 4 times the budget. The bits do
// not depend on it: the partials are added in slice order.
func sliceGroup(slices, size, workers int) int {
	budget := partialBudget(workers)
	group := max(1, budget/size)
	switch {
	case group >= workers:
		group = group / workers * workers
	case workers*size <= 4*budget:
		group = workers
	}
	return min(group, slices)
}

// partialBudget is how many values of partial sums sumSlices holds at
// once: splitKGroup (4 MB) up to 4 workers, 1 MB a worker beyond, so that
// each worker's share of them stays within its core's second-level cache
// as more workers take more slices at once. On 16 threads the 16 MB take
// a transposed convolution's kernel gradient in one round rather than two
// or three, with no wait for the last slices and no adding of partials
// between rounds: the VAE's and inpaint's training steps 7 to 10% faster
// on 16 cores (1 and 4 MB budgets alternated step by step;
// results/bench/16-cores-d3b75bb).
func partialBudget(workers int) int {
	return max(splitKGroup, workers*splitKPerWorker)
}

// addSlices adds count slices' partial sums (each m×n, one after another
// in parts) into C in slice order, first telling whether the first of them
// is the product's first slice. Rows of C are independent, so they are
// shared among the threads; each element still sums its slices in order.
func addSlices(c []float32, ldc int, parts []float32, count int, first bool, m, n int, alpha, beta float32) {
	ParallelFor(m, max(1, (1<<14)/(n*count)), func(lo, hi int) {
		if alpha != 1 || first && beta != 0 && beta != 1 {
			for i := range count {
				addPartial(c[lo*ldc:], ldc, parts[i*m*n+lo*n:], n, hi-lo, n, first && i == 0, alpha, beta)
			}
			return
		}
		// Unscaled: each row of C is the first slice's row (0 + v: a
		// partial sum is never -0) or C's own, plus the others' rows in
		// order, 16 values at a time (AddRows); C's rows at once when
		// they are contiguous.
		width, rows := n, hi-lo
		if ldc == n {
			width, rows = n*rows, 1
		}
		for r := range rows {
			at := (lo + r) * ldc
			dst, src := c[at:at+width], parts[lo*n+r*n:]
			slices := count
			if first && beta == 0 {
				copy(dst, src[:width])
				if slices--; slices == 0 {
					continue
				}
				src = src[m*n:]
			}
			AddRows(dst, src, slices, width, m*n)
		}
	})
}

// addPartial adds one k slice's partial sums t (m×n, row stride ldt) into
// C as the micro-kernel's tile is added: the first slice scaled by alpha
// onto beta*C, the others added times alpha.
func addPartial(c []float32, ldc int, t []float32, ldt, m, n int, first bool, alpha, beta float32) {
	for i := 0; i < m; i++ {
		crow := c[i*ldc : i*ldc+n]
		trow := t[i*ldt : i*ldt+n]
		switch {
		case !first:
			for j, v := range trow {
				crow[j] += float32(alpha * v)
			}
		case beta == 0:
			for j, v := range trow {
				crow[j] = alpha * v
			}
		default:
			for j, v := range trow {
				crow[j] = float32(alpha*v) + float32(beta*crow[j])
			}
		}
	}
}

// sliceOffsets are A and B from k index p0 on: A(i, p0) is a[p0] in place
// and a[p0*lda] transposed; B(p0, j) is b[p0*ldb] in place and b[p0]
// transposed.
func sliceOffsets(a []float32, lda int, transA bool, b []float32, ldb int, transB bool, p0 int) (as, bs []float32) {
	if transA {
		as = a[p0*lda:]
	} else {
		as = a[p0:]
	}
	if transB {
		bs = b[p0:]
	} else {
		bs = b[p0*ldb:]
	}
	return as, bs
}
