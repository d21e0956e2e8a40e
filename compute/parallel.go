package compute

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// ParallelFor calls fn on the ranges [lo, hi) that cover [0, n) in pieces of
// grain items (the last may be shorter), spread over up to GOMAXPROCS
// threads: the caller and the helpers of a pool started once, not
// goroutines started per call. The pieces depend only on n and grain, never
// on the number of threads, so a kernel that writes disjoint outputs per
// piece, or keeps one partial result per piece and combines them in order,
// is deterministic.
//
// Calls may come from several goroutines at once, and fn may itself call
// ParallelFor: the caller always works on its own pieces, so it never waits
// for a helper that has not started.
func ParallelFor(n, grain int, fn func(lo, hi int)) {
	pieces := Pieces(n, grain)
	if grain < 1 {
		grain = 1
	}
	workers := min(runtime.GOMAXPROCS(0), pieces)
	if workers <= 1 {
		for lo := 0; lo < n; lo += grain {
			fn(lo, min(lo+grain, n))
		}
		return
	}
	j := &job{fn: fn, n: n, grain: grain, pieces: pieces}
	j.wg.Add(pieces)
	thePool.offer(j, workers-1)
	j.work()
	j.wg.Wait()
}

// Pieces is the number of ranges ParallelFor(n, grain, ...) calls fn on;
// kernels size their per-piece partial results with it.
func Pieces(n, grain int) int {
	if grain < 1 {
		grain = 1
	}
	return (n + grain - 1) / grain
}

// job is one ParallelFor call: its pieces are taken in turn by whoever
// works on it.
type job struct {
	fn               func(lo, hi int)
	n, grain, pieces int
	next             atomic.Int64
	wg               sync.WaitGroup
}

// work takes pieces until none is left.
func (j *job) work() {
	for {
		p := int(j.next.Add(1) - 1)
		if p >= j.pieces {
			return
		}
		lo := p * j.grain
		j.fn(lo, min(lo+j.grain, j.n))
		j.wg.Done()
	}
}

// pool is the set of helper goroutines, grown to GOMAXPROCS-1 as needed.
type pool struct {
	mu      sync.Mutex
	helpers int
	jobs    chan *job
}

var thePool = &pool{jobs: make(chan *job, 256)}

// offer hands j to up to want helpers, starting helpers when there are
// fewer than want. A helper that is busy is not waited for: the caller
// does the work itself.
func (p *pool) offer(j *job, want int) {
	p.mu.Lock()
	for p.helpers < want {
		p.helpers++
		go p.help()
	}
	p.mu.Unlock()
	for range want {
		select {
		case p.jobs <- j:
		default:
			return
		}
	}
}

func (p *pool) help() {
	for j := range p.jobs {
		j.work()
	}
}
