package compute_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/compute/computetest"
)

// TestEveryImplementationConforms runs the conformance suite against
// every implementation this build has (OpenBLAS too under -tags openblas).
func TestEveryImplementationConforms(t *testing.T) {
	for _, g := range compute.Implementations() {
		t.Run(g.Name(), func(t *testing.T) { computetest.TestSgemm(t, g) })
	}
}

func TestParallelForCoversOnce(t *testing.T) {
	for _, n := range []int{0, 1, 7, 100, 1001} {
		seen := make([]int32, n)
		compute.ParallelFor(n, 16, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				seen[i]++
			}
		})
		for i, s := range seen {
			if s != 1 {
				t.Fatalf("n=%d: index %d visited %d times", n, i, s)
			}
		}
	}
}

// TestSameBitsAnyThreadCount: latent's GEMMs tile C differently for
// different thread counts (and split a long k among the threads when C is
// small), yet every element must come out bit-identical.
func TestSameBitsAnyThreadCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	gs := []compute.GEMM{compute.Gonum{}}
	for _, b := range compute.BlockedKernels() {
		gs = append(gs, b)
	}
	for _, size := range [][3]int{{256, 200, 784}, {784, 32, 256}, {32, 784, 256}, {37, 911, 300}, {13, 5, 1000}, {9, 16, 3000}, {72, 8, 2600}} {
		m, n, k := size[0], size[1], size[2]
		a := make([]float32, m*k)
		b := make([]float32, k*n)
		for i := range a {
			a[i] = rng.Float32()
		}
		for i := range b {
			b[i] = rng.Float32()
		}
		for _, g := range gs {
			run := func(procs int) []float32 {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				c := make([]float32, m*n)
				g.Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
				// and a transposed product accumulated onto a second result
				d := append([]float32(nil), c...)
				g.Sgemm(true, false, m, n, m, 1, a[:m*m], m, c, n, 1, d, n)
				return append(c, d...)
			}
			if m > k {
				continue
			}
			one := run(1)
			for _, p := range []int{2, 3, 8} {
				got := run(p)
				for i := range one {
					if one[i] != got[i] {
						t.Fatalf("%s %v: GOMAXPROCS=%d differs at %d", g.Name(), size, p, i)
					}
				}
			}
		}
	}
}

// BenchmarkSgemm times every GEMM on the shapes of training; MB/s reads as
// MFLOP/s. BenchmarkMicroKernel gives each kernel's rate on data that
// stays in the first-level cache: the limit for the same kernel here.
func BenchmarkSgemm(b *testing.B) {
	// The shapes of one ae1 batch: forward, weight gradient, input gradient.
	for _, s := range []struct {
		name    string
		ta, tb  bool
		m, n, k int
	}{
		{"fwd_256x784x32", false, false, 256, 32, 784},
		{"fwd_256x32x784", false, false, 256, 784, 32},
		{"dW_784x32x256", true, false, 784, 32, 256},
		{"dX_256x784x32", false, true, 256, 784, 32},
		// The shapes of one conv batch's narrow products: the first layer
		// (9 values per window, 16 filters) forward and its kernel's
		// gradient, a 72-wide window by 8 filters, kn2row's 16 channels by
		// 72 offsets.
		{"conv1_fwd_100352x16x9", false, false, 100352, 16, 9},
		{"conv1_dW_9x16x100352", true, false, 9, 16, 100352},
		{"conv3_fwd_6272x8x72", false, false, 6272, 8, 72},
		{"kn2row_25088x72x16", false, false, 25088, 72, 16},
		// Nine columns, which no kernel's width divides: the one-filter
		// layer that ends the conv decoder (kn2row, 16 channels by 9
		// offsets) and the VAE's last transposed convolution (32
		// channels by 9 offsets).
		{"conv7_fwd_100352x9x16", false, false, 100352, 9, 16},
		{"vae_ct3_fwd_100352x9x32", false, true, 100352, 9, 32},
	} {
		for _, g := range compute.Implementations() {
			b.Run(s.name+"/"+g.Name(), func(b *testing.B) {
				a := make([]float32, s.m*s.k)
				bb := make([]float32, s.k*s.n)
				c := make([]float32, s.m*s.n)
				lda, ldb := s.k, s.n
				if s.ta {
					lda = s.m
				}
				if s.tb {
					ldb = s.k
				}
				b.SetBytes(int64(2 * s.m * s.n * s.k)) // reported MB/s reads as MFLOP/s
				for b.Loop() {
					g.Sgemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
				}
			})
		}
	}
}

// TestFastKernelsMatchPortable holds each assembly kernel to the portable
// Go kernel, bit for bit, on odd sizes and transposed inputs: both sum
// each element in the same order with one fused multiply-add per term
// (mathf.FMA in Go), so a machine without the assembly trains to the
// same weights.
func TestFastKernelsMatchPortable(t *testing.T) {
	portable := compute.NewPortable()
	rng := rand.New(rand.NewPCG(9, 9))
	for _, g := range compute.BlockedKernels() {
		for _, size := range [][3]int{{1, 1, 1}, {7, 33, 257}, {257, 7, 33}, {33, 257, 7}, {257, 257, 257}, {13, 100, 600}} {
			m, n, k := size[0], size[1], size[2]
			for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				a := make([]float32, m*k)
				b := make([]float32, k*n)
				for i := range a {
					a[i] = rng.Float32() - 0.5
				}
				for i := range b {
					b[i] = rng.Float32() - 0.5
				}
				lda, ldb := k, n
				if tr[0] {
					lda = m
				}
				if tr[1] {
					ldb = k
				}
				// Stored (beta 0), and scaled onto a C (alpha, beta not 1).
				for _, ab := range [][2]float32{{1, 0}, {0.7, -1.3}} {
					want := make([]float32, m*n)
					for i := range want {
						want[i] = rng.Float32()
					}
					got := slices.Clone(want)
					portable.Sgemm(tr[0], tr[1], m, n, k, ab[0], a, lda, b, ldb, ab[1], want, n)
					g.Sgemm(tr[0], tr[1], m, n, k, ab[0], a, lda, b, ldb, ab[1], got, n)
					for i := range want {
						if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
							t.Fatalf("%s %dx%dx%d trans %v alpha, beta %v: C[%d] = %v, portable %v", g.Name(), m, n, k, tr, ab, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}
