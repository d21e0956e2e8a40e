package compute_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/compute"
)

// TestAssemblyKernelsSameBits: every assembly micro-kernel (AVX-512 at
// 12×32, 12×16 and 12×8, AVX2 at 6×16) sums each element in the same
// order with one FMA per term, so on the narrow and partial shapes of the
// convolutions they all give the same bits: a model trains to the same
// weights on a processor with or without AVX-512.
func TestAssemblyKernelsSameBits(t *testing.T) {
	var asm []*compute.Blocked
	for _, b := range compute.BlockedKernels() {
		if b.Name() != compute.NewPortable().Name() {
			asm = append(asm, b)
		}
	}
	if len(asm) < 2 {
		t.Skip("fewer than two assembly kernels on this processor")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	shapes := [][3]int{{1000, 8, 72}, {1000, 16, 9}, {72, 8, 3000}, {9, 16, 3000}, {9, 32, 3000}, {21, 32, 300}, {9, 40, 500}, {33, 8, 700}, {300, 40, 288}, {300, 48, 600}, {100, 9, 16}, {25, 72, 16},
		// The masked kernels' shapes: 9 or 2 columns, or a last panel of
		// 9, over rows in full panels, nine rows read in place and other
		// partial panels packed.
		{21, 9, 300}, {23, 9, 40}, {9, 9, 3000}, {1000, 9, 16}, {100, 2, 50}, {100, 41, 77}, {50, 13, 33},
		// A last row panel of 8 or 4 rows, read in place with A
		// transposed or not, over one column panel or several, beside a
		// wide, narrow, narrower or masked last column panel.
		{64, 288, 256}, {32, 288, 100}, {16, 40, 70}, {64, 32, 200}, {32, 16, 50}, {28, 8, 90}, {128, 72, 60}, {784, 48, 30}, {20, 9, 80}, {16, 2, 40}}
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}} {
			ta, tb := tr[0], tr[1]
			a := make([]float32, m*k)
			b := make([]float32, k*n)
			for i := range a {
				a[i] = float32(rng.NormFloat64())
			}
			for i := range b {
				b[i] = float32(rng.NormFloat64())
			}
			lda, ldb := k, n
			if ta {
				lda = m
			}
			if tb {
				ldb = k
			}
			var first []float32
			for _, g := range asm {
				// A product stored, one added onto it (beta 1), one
				// scaled (alpha and beta not 1).
				c := make([]float32, m*n)
				g.Sgemm(ta, tb, m, n, k, 1, a, lda, b, ldb, 0, c, n)
				d := append([]float32(nil), c...)
				g.Sgemm(ta, tb, m, n, k, 1, a, lda, b, ldb, 1, d, n)
				e := append([]float32(nil), d...)
				g.Sgemm(ta, tb, m, n, k, 0.5, a, lda, b, ldb, 0.25, e, n)
				c = append(append(c, d...), e...)
				if first == nil {
					first = c
					continue
				}
				for i := range c {
					if math.Float32bits(c[i]) != math.Float32bits(first[i]) {
						t.Fatalf("%dx%dx%d transA=%v transB=%v: %s gives %v at %d, %s %v", m, n, k, ta, tb, g.Name(), c[i], i, asm[0].Name(), first[i])
					}
				}
			}
		}
	}
}
