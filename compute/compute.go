// Package compute is the seam through which the arithmetic of training
// passes: every matrix product, in the style of gonum's blas32 (an
// interface, latent's own blocked GEMM, and room for other implementations,
// gonum's and OpenBLAS, that a program swaps in with Use), and the
// element-wise operations around them (bias and ReLU, ReLU's gradient, row
// sums, max pooling's windows, the gathers that are im2col, its adjoint
// and kn2row's sums, the sigmoid and the cross-entropy from logits, the
// Adam step, 8-bit samples scaled to [0, 1]), each with a portable Go
// version and AVX-512 assembly that gives the same bits, on every machine. It also holds the worker pool and the
// parallel loop that cuts work into pieces that depend only on the sizes,
// so that results never depend on the number of threads.
//
// It imports internal/mathf (an exact float32 fused multiply-add) and
// nothing else of latent; nn, loss, optim and data call it.
package compute

import "sync/atomic"

// GEMM is a general matrix multiply on row-major float32 matrices.
//
// Sgemm computes C = alpha*op(A)*op(B) + beta*C where op(X) is X or its
// transpose, op(A) is m×k, op(B) is k×n and C is m×n. lda, ldb and ldc are
// the row strides of the stored matrices. An implementation must give the
// same bits whatever the number of threads: each element of C is summed along
// k in an order that depends only on the sizes.
type GEMM interface {
	Name() string
	Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
}

// holder gives atomic.Value one concrete type whatever the implementation.
type holder struct{ g GEMM }

var current atomic.Value

func init() { current.Store(holder{NewBlocked()}) }

// Use makes g the implementation behind Sgemm for the whole program.
func Use(g GEMM) { current.Store(holder{g}) }

// Current is the implementation in use.
func Current() GEMM { return current.Load().(holder).g }

// Sgemm calls the implementation in use; see GEMM.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	Current().Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
