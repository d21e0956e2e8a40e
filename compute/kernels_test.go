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
	shapes := [][3]int{{1000, 8, 72}, {1000, 16, 9}, {72, 8, 3000}, {9, 16, 3000}, {9, 32, 3000}, {21, 32, 300}, {9, 40, 500}, {33, 8, 700}, {300, 40, 288}, {300, 48, 600}, {100, 9, 16}, {25, 72, 16}}
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, ta := range []bool{false, true} {
			a := make([]float32, m*k)
			b := make([]float32, k*n)
			for i := range a {
				a[i] = float32(rng.NormFloat64())
			}
			for i := range b {
				b[i] = float32(rng.NormFloat64())
			}
			lda := k
			if ta {
				lda = m
			}
			var first []float32
			for _, g := range asm {
				c := make([]float32, m*n)
				g.Sgemm(ta, false, m, n, k, 1, a, lda, b, n, 0, c, n)
				if first == nil {
					first = c
					continue
				}
				for i := range c {
					if math.Float32bits(c[i]) != math.Float32bits(first[i]) {
						t.Fatalf("%dx%dx%d transA=%v: %s gives %v at %d, %s %v", m, n, k, ta, g.Name(), c[i], i, asm[0].Name(), first[i])
					}
				}
			}
		}
	}
}
