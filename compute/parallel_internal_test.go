package compute

import (
	"runtime"
	"testing"
)

// TestFewPiecesKeepHelpersPolling: a call of fewer pieces than threads
// leaves every helper free to poll (active stays GOMAXPROCS-1), so that
// the next call of many pieces does not have to wake them; after
// GOMAXPROCS goes down, active follows it.
func TestFewPiecesKeepHelpersPolling(t *testing.T) {
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	ParallelFor(8, 1, func(lo, hi int) {})
	ParallelFor(2, 1, func(lo, hi int) {})
	if got := thePool.active.Load(); got != 3 {
		t.Fatalf("after a call of 2 pieces at GOMAXPROCS 4: %d helpers may poll, want 3", got)
	}
	runtime.GOMAXPROCS(2)
	ParallelFor(8, 1, func(lo, hi int) {})
	if got := thePool.active.Load(); got != 1 {
		t.Fatalf("at GOMAXPROCS 2: %d helpers may poll, want 1", got)
	}
}
