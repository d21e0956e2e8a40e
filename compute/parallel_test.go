package compute_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/latent-go/latent/compute"
)

// TestParallelForConcurrentAndNested: callers on several goroutines at
// once, each calling ParallelFor from inside its pieces, all finish with
// every index visited exactly once (run with -race in CI).
func TestParallelForConcurrentAndNested(t *testing.T) {
	testConcurrentAndNested(t, 8)
}

// TestParallelForMoreCallsThanSlots: more calls at once than the pool
// has slots to publish them in (64); those that find none run on their
// callers, and every index is still visited once.
func TestParallelForMoreCallsThanSlots(t *testing.T) {
	testConcurrentAndNested(t, 100)
}

func testConcurrentAndNested(t *testing.T, callers int) {
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	const outer, inner = 13, 57
	var wg, arrived sync.WaitGroup
	arrived.Add(callers)
	counts := make([][]atomic.Int32, callers)
	for c := range counts {
		counts[c] = make([]atomic.Int32, outer*inner)
	}
	for c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			compute.ParallelFor(outer, 2, func(lo, hi int) {
				if lo == 0 {
					// Every caller's call is under way at once.
					arrived.Done()
					arrived.Wait()
				}
				for o := lo; o < hi; o++ {
					compute.ParallelFor(inner, 5, func(ilo, ihi int) {
						for i := ilo; i < ihi; i++ {
							counts[c][o*inner+i].Add(1)
						}
					})
				}
			})
		}()
	}
	wg.Wait()
	for c := range counts {
		for i := range counts[c] {
			if v := counts[c][i].Load(); v != 1 {
				t.Fatalf("caller %d: index %d visited %d times", c, i, v)
			}
		}
	}
}
