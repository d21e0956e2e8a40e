package compute

import (
	"runtime"
	"testing"
	"time"
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
		blocks := dealBlocks(nil, c.pieces, c.workers)
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

// TestDealBlocksInRoom: blocks for up to the room's capacity are dealt in
// that storage (a job's own), more in storage of their own.
func TestDealBlocksInRoom(t *testing.T) {
	var room [inlineBlocks]block
	if got := dealBlocks(room[:0], 10, inlineBlocks); &got[0] != &room[0] {
		t.Fatalf("%d blocks were not dealt in the job's own room", inlineBlocks)
	}
	if got := dealBlocks(room[:0], 10, inlineBlocks+1); len(got) != inlineBlocks+1 || &got[0] == &room[0] {
		t.Fatalf("%d blocks: %d dealt, in the room: %v", inlineBlocks+1, len(got), &got[0] == &room[0])
	}
}

// TestJobDone: the channel a caller sleeps on is closed when the job
// finishes, whether the caller asked for it before or after.
func TestJobDone(t *testing.T) {
	before := &job{}
	c := before.doneChannel()
	select {
	case <-c:
		t.Fatal("a job not finished has a closed channel")
	default:
	}
	before.finish()
	select {
	case <-c:
	default:
		t.Fatal("finishing a job did not close the channel its caller sleeps on")
	}
	after := &job{}
	after.finish()
	select {
	case <-after.doneChannel():
	default:
		t.Fatal("a finished job gave its caller a channel that is not closed")
	}
}

// TestSleepingCallerWakes: a caller whose last piece runs on a helper for
// longer than the caller polls sleeps, and wakes when the helper finishes.
func TestSleepingCallerWakes(t *testing.T) {
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	started := make(chan struct{})
	returned := make(chan struct{})
	go func() {
		ParallelFor(2, 1, func(lo, hi int) {
			if lo == 0 {
				<-started // the helper has taken the other piece
				return
			}
			close(started)
			time.Sleep(5 * spinTime)
		})
		close(returned)
	}()
	select {
	case <-returned:
	case <-time.After(10 * time.Second):
		t.Fatal("the caller did not wake when the helper finished the last piece")
	}
}
