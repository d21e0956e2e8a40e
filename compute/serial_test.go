package compute_test

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/latent-go/latent/compute"
)

// TestSumSlicesSameBitsAsSgemm: a product summed k slice by k slice, each
// slice's partial made on its own (as a convolution makes its windows),
// gives the bits of one Sgemm over all the rows, stored or added (beta 0
// or 1), with one slice or many, at any thread count.
func TestSumSlicesSameBitsAsSgemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, s := range [][3]int{{9, 16, 100}, {9, 16, 3000}, {72, 8, 2600}, {64, 288, 1000}, {13, 5, 257}, {1, 1, 700}, {64, 288, 15000}} {
		m, n, k := s[0], s[1], s[2]
		a, b := normalValues(rng, k*m), normalValues(rng, k*n)
		for _, beta := range []float32{0, 1} {
			c0 := normalValues(rng, m*n)
			want := append([]float32(nil), c0...)
			compute.Sgemm(true, false, m, n, k, 1, a, m, b, n, beta, want, n)
			for _, procs := range []int{1, 2, 8, 16} {
				prev := runtime.GOMAXPROCS(procs)
				got := append([]float32(nil), c0...)
				compute.SumSlices(m, n, k, beta, got, func(dst []float32, p0, kc int) {
					compute.SgemmSerial(true, false, m, n, kc, 1, a[p0*m:], m, b[p0*n:], n, 0, dst, n)
				})
				runtime.GOMAXPROCS(prev)
				if !sameBits(want, got) {
					t.Fatalf("%dx%dx%d beta %v, %d threads: SumSlices differs from Sgemm", m, n, k, beta, procs)
				}
			}
		}
	}
}

// TestSplitKIntoWiderC: a product split along k among the threads adds
// its slices into a C whose rows are wider than the product (a row
// stride beyond n) with the bits of one thread's tiles.
func TestSplitKIntoWiderC(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	m, n, k, ldc := 9, 16, 3000, 21
	a, b := normalValues(rng, k*m), normalValues(rng, k*n)
	for _, beta := range []float32{0, 1, 0.5} {
		c0 := normalValues(rng, m*ldc)
		run := func(procs int) []float32 {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			c := append([]float32(nil), c0...)
			compute.Sgemm(true, false, m, n, k, 1, a, m, b, n, beta, c, ldc)
			return c
		}
		if one, two := run(1), run(2); !sameBits(one, two) {
			t.Fatalf("beta %v: split k differs from one thread", beta)
		}
	}
}

// normalValues are n draws of a standard normal: sums whose every bit
// shows a change of order (no NaN that would hide it).
func normalValues(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}
