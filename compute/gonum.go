package compute

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Gonum is the default GEMM: gonum's pure-Go BLAS, which splits C into
// blocks that one goroutine each sums along k in a fixed order, so its
// results do not depend on GOMAXPROCS.
type Gonum struct{}

// Name identifies the implementation in benchmarks and logs.
func (Gonum) Name() string { return "gonum" }

// Sgemm implements GEMM.
func (Gonum) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gonum.Implementation{}.Sgemm(trans(transA), trans(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}
