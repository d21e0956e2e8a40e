package compute_test

import (
	"fmt"
	"testing"

	"github.com/latent-go/latent/compute"
)

// BenchmarkParallelFor times one ParallelFor call of a given number of
// pieces, each summing work values that stay in the core's first-level
// cache: with no work (2 pieces, one a thread on 2 threads) or little per
// piece it measures what handing out the pieces and waiting for the last
// costs, with more it shows how close the call comes to the threads' count
// times one thread's rate.
func BenchmarkParallelFor(b *testing.B) {
	for _, pieces := range []int{2, 16, 128} {
		for _, work := range []int{0, 256, 4096} {
			b.Run(fmt.Sprintf("pieces=%d/work=%d", pieces, work), func(b *testing.B) {
				data := make([][]float32, pieces)
				for p := range data {
					data[p] = make([]float32, work)
					for i := range data[p] {
						data[p][i] = float32(i % 7)
					}
				}
				sums := make([]float32, pieces*16)
				for b.Loop() {
					compute.ParallelFor(pieces, 1, func(lo, hi int) {
						for p := lo; p < hi; p++ {
							var s float32
							for _, v := range data[p] {
								s += v
							}
							sums[p*16] = s
						}
					})
				}
				if sums[0] != sums[16] {
					b.Fatalf("pieces summed %v and %v", sums[0], sums[16])
				}
			})
		}
	}
}
