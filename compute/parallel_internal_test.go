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

// TestDealBlocks: a job's blocks cover its pieces in order, each block
// one piece larger than another at most, so that the same thread gets the
// same rows of a batch call after call.
func TestDealBlocks(t *testing.T) {
	for _, c := range []struct{ pieces, workers int }{{13, 2}, {3, 2}, {16, 16}, {100, 16}, {17, 16}, {1, 1}} {
		blocks := dealBlocks(c.pieces, c.workers)
		if len(blocks) != c.workers {
			t.Fatalf("%d pieces for %d workers: %d blocks", c.pieces, c.workers, len(blocks))
		}
		next := int64(0)
		for b := range blocks {
			lo, hi := blocks[b].next.Load(), blocks[b].end
			if lo != next || hi-lo < int64(c.pieces/c.workers) || hi-lo > int64(c.pieces/c.workers+1) {
				t.Fatalf("%d pieces for %d workers: block %d is [%d, %d)", c.pieces, c.workers, b, lo, hi)
			}
			next = hi
		}
		if next != int64(c.pieces) {
			t.Fatalf("%d pieces for %d workers: the blocks end at %d", c.pieces, c.workers, next)
		}
	}
}
