package compute

import (
	"runtime"
	"sync"
)

// ParallelFor calls fn on the ranges [lo, hi) that cover [0, n) in pieces of
// grain items (the last may be shorter), spread over GOMAXPROCS goroutines.
// The pieces depend only on n and grain, never on the number of threads, so
// a kernel that writes disjoint outputs per piece, or keeps one partial
// result per piece and combines them in order, is deterministic.
func ParallelFor(n, grain int, fn func(lo, hi int)) {
	if grain < 1 {
		grain = 1
	}
	pieces := (n + grain - 1) / grain
	workers := runtime.GOMAXPROCS(0)
	if workers > pieces {
		workers = pieces
	}
	if workers <= 1 {
		for lo := 0; lo < n; lo += grain {
			fn(lo, min(lo+grain, n))
		}
		return
	}
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Add(workers)
	for w := 0; w < workers; w++ {
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				p := next
				next++
				mu.Unlock()
				if p >= pieces {
					return
				}
				lo := p * grain
				fn(lo, min(lo+grain, n))
			}
		}()
	}
	wg.Wait()
}

// Pieces is the number of ranges ParallelFor(n, grain, ...) calls fn on;
// kernels size their per-piece partial results with it.
func Pieces(n, grain int) int {
	if grain < 1 {
		grain = 1
	}
	return (n + grain - 1) / grain
}
