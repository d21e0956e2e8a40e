package compute_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

// TestWaitingCallerHelpsLaterCalls: a caller waiting for the other half of
// a Together helps with a call that half publishes after it has run longer
// than the caller polls (so that the caller was asleep): with 2 threads,
// the call's two pieces must run at once.
func TestWaitingCallerHelpsLaterCalls(t *testing.T) {
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	started := make(chan struct{})
	done := make(chan struct{})
	var both sync.WaitGroup
	both.Add(2)
	go func() {
		defer close(done)
		compute.Together(func() { <-started }, func() {
			close(started)
			time.Sleep(5 * time.Millisecond) // longer than a waiting caller polls
			compute.ParallelFor(2, 1, func(lo, hi int) {
				both.Done()
				both.Wait() // returns once both pieces run at once
			})
		})
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the later call's two pieces never ran at once: the waiting caller slept through it")
	}
}
