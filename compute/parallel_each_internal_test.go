package compute

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// TestEachGrain: ParallelEach's pieces are ParallelFor's, or more of them
// (at most twice as many) in a multiple of the threads; the batch read of
// 256 rows in pieces of 20 is 14 pieces on 2 threads and 16 on 16.
func TestEachGrain(t *testing.T) {
	for _, c := range []struct{ n, grain, workers, pieces int }{
		{256, 20, 2, 14}, {256, 20, 16, 16}, {256, 20, 1, 13}, {256, 20, 13, 13},
		{20, 20, 2, 1}, {50992, 8192, 2, 8}, {50992, 8192, 16, 7}, {10, 2, 6, 5},
	} {
		if got := Pieces(c.n, eachGrain(c.n, c.grain, c.workers)); got != c.pieces {
			t.Errorf("%d items, grain %d, %d threads: %d pieces, want %d", c.n, c.grain, c.workers, got, c.pieces)
		}
	}
	for n := 1; n <= 300; n++ {
		for grain := 1; grain <= 40; grain++ {
			for _, workers := range []int{2, 3, 4, 16} {
				was, got := Pieces(n, grain), Pieces(n, eachGrain(n, grain, workers))
				if got != was && (got%workers != 0 || got < was || got > 2*was) {
					t.Fatalf("%d items, grain %d, %d threads: %d pieces from %d", n, grain, workers, got, was)
				}
			}
		}
	}
}

// TestParallelEachCovers: every item is passed to fn exactly once, at any
// thread count.
func TestParallelEachCovers(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3, 16} {
		runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 19, 256, 1000} {
			seen := make([]atomic.Int32, n)
			ParallelEach(n, 20, 1, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					seen[i].Add(1)
				}
			})
			for i := range seen {
				if seen[i].Load() != 1 {
					t.Fatalf("GOMAXPROCS %d, %d items: item %d passed %d times", procs, n, i, seen[i].Load())
				}
			}
		}
	}
}
