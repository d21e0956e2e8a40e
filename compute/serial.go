package compute

// A convolution runs its per-image products one image per thread: each
// image's windows, product and output stay in the processor's caches, and
// no pass over the whole batch goes through memory. Those products run on
// their thread alone (SgemmSerial). A product summed over the whole batch
// (a kernel's gradient) is cut into Sgemm's own k slices, whose operands a
// layer makes slice by slice, in cache, and whose partial sums are added
// in order (SumSlices): the bits of one Sgemm over the whole.

// SgemmSerial is Sgemm on the calling goroutine alone, for products that
// already run one per thread. Blocked gives the bits of its Sgemm; another
// implementation runs its own Sgemm.
func SgemmSerial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if g, ok := Current().(*Blocked); ok {
		g.sgemm(1, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	Current().Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SumSlices sets C (m×n, row stride n) to the sum over k of a product, or
// adds it when beta is 1, cut as Blocked's Sgemm cuts k: part(dst, p0, kc)
// writes into dst (m×n) the partial product of rows [p0, p0+kc) summed
// from zero, with one FMA per term in order (an Sgemm of those kc rows
// with beta 0 does, as kc is at most one slice), and SumSlices adds the
// partials in order. The parts run in parallel; the bits are those of
// one Sgemm(…, k, …, beta, C) over all the rows.
func SumSlices(m, n, k int, beta float32, c []float32, part func(dst []float32, p0, kc int)) {
	SumChunks(m, n, k, k, beta, c, part)
}

// SumChunks is SumSlices over a sum whose k rows are cut into chunks of
// chunk rows (the last may be shorter), each cut into k slices as
// SumSlices cuts a k of its length: the bits of SumSlices called on each
// chunk in turn, with beta for the first and 1 for the others. The slices
// of all the chunks are shared among the threads at once, so that a sum
// of many short chunks keeps as many threads busy as one long one.
func SumChunks(m, n, k, chunk int, beta float32, c []float32, part func(dst []float32, p0, kc int)) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		scaleC(m, n, beta, c, n)
		return
	}
	sumSlices(m, n, 1, beta, c, n, sliceStarts(k, max(1, chunk)), part)
}

// RowPanel is the rows of the micro-kernel of the GEMM in use (1 for an
// implementation that is not Blocked): a product whose rows are a
// multiple of it leaves no tile partial.
func RowPanel() int {
	if g, ok := Current().(*Blocked); ok {
		return g.kern.mr
	}
	return 1
}
