// Package computetest is the conformance suite that every compute.GEMM
// implementation passes with a one-line test, as gonum's testblas does for
// BLAS implementations.
//
// It imports compute only.
package computetest

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/compute"
)

// Sizes are the odd and even matrix sizes the suite covers.
var Sizes = []int{1, 2, 7, 8, 16, 33, 40, 48, 64, 100, 257}

// TestSgemm compares g with the float64 reference on every combination of
// transposes, odd sizes, padded strides and alpha/beta values.
func TestSgemm(t *testing.T, g compute.GEMM) {
	rng := rand.New(rand.NewPCG(1, 2))
	ref := compute.Reference{}
	for _, m := range Sizes {
		for _, n := range Sizes {
			for _, k := range []int{1, 7, 33, 257} {
				if m*n*k > 4_000_000 {
					continue
				}
				for _, ta := range []bool{false, true} {
					for _, tb := range []bool{false, true} {
						for _, ab := range [][2]float32{{1, 0}, {0.5, 1}, {-1, 0.25}} {
							checkOne(t, g, ref, rng, ta, tb, m, n, k, ab[0], ab[1])
						}
					}
				}
			}
		}
	}
}

func checkOne(t *testing.T, g, ref compute.GEMM, rng *rand.Rand, ta, tb bool, m, n, k int, alpha, beta float32) {
	t.Helper()
	ar, ac := m, k
	if ta {
		ar, ac = k, m
	}
	br, bc := k, n
	if tb {
		br, bc = n, k
	}
	lda, ldb, ldc := ac+3, bc+1, n+2 // padded strides catch stride bugs
	a := random(rng, ar*lda)
	b := random(rng, br*ldb)
	c := random(rng, m*ldc)
	want := append([]float32(nil), c...)
	ref.Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
	got := append([]float32(nil), c...)
	g.Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, got, ldc)
	tol := 1e-5 * float64(k)
	for i := 0; i < m; i++ {
		for j := 0; j < ldc; j++ {
			w, x := want[i*ldc+j], got[i*ldc+j]
			if j >= n {
				if w != x {
					t.Fatalf("%s: m=%d n=%d k=%d ta=%v tb=%v: padding C[%d,%d] changed", g.Name(), m, n, k, ta, tb, i, j)
				}
				continue
			}
			if math.Abs(float64(w-x)) > tol*(1+math.Abs(float64(w))) {
				t.Fatalf("%s: m=%d n=%d k=%d ta=%v tb=%v alpha=%v beta=%v: C[%d,%d]=%v, want %v", g.Name(), m, n, k, ta, tb, alpha, beta, i, j, x, w)
			}
		}
	}
}

func random(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = rng.Float32()*2 - 1
	}
	return x
}
