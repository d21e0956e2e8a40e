package compute

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
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
	j := &job{fn: fn, n: n, grain: grain, pieces: pieces, done: make(chan struct{})}
	j.left.Store(int64(pieces))
	thePool.offer(j, workers-1)
	j.work()
	j.wait()
}

// Pieces is the number of ranges ParallelFor(n, grain, ...) calls fn on;
// kernels size their per-piece partial results with it.
func Pieces(n, grain int) int {
	if grain < 1 {
		grain = 1
	}
	return (n + grain - 1) / grain
}

// spinTime is how long a helper that ran out of work, or a caller waiting
// for the last pieces, keeps polling before it sleeps. Waking a sleeping thread takes tens of microseconds on a
// virtual machine, as long as a whole small matrix product, and training
// calls ParallelFor again within microseconds; OpenMP runtimes spin for the
// same reason. A millisecond outlasts the gaps of training, so helpers
// sleep (and must be woken) only when training pauses.
const spinTime = time.Millisecond

// job is one ParallelFor call: its pieces are taken in turn by whoever
// works on it.
type job struct {
	fn               func(lo, hi int)
	n, grain, pieces int
	next             atomic.Int64
	left             atomic.Int64  // pieces not finished yet
	done             chan struct{} // closed when left reaches 0
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
		if j.left.Add(-1) == 0 {
			close(j.done)
		}
	}
}

// wait returns when every piece is finished: it polls for spinTime (the
// last pieces usually finish within microseconds), then sleeps until the
// last piece closes done, so that a caller never burns a core waiting for
// a helper the operating system has not scheduled.
func (j *job) wait() {
	deadline := time.Now().Add(spinTime)
	for i := 0; j.left.Load() > 0; i++ {
		if i%64 == 63 && time.Now().After(deadline) {
			<-j.done
			return
		}
	}
}

// pool is the set of helper goroutines, grown to GOMAXPROCS-1 as needed.
type pool struct {
	mu      sync.Mutex
	helpers int
	// active is how many helpers the latest call wanted: helpers beyond it
	// (after GOMAXPROCS went down) sleep rather than poll.
	active atomic.Int64
	jobs   chan *job
}

var thePool = &pool{jobs: make(chan *job, 256)}

// offer hands j to up to want helpers, starting helpers when there are
// fewer than want. A helper that is busy is not waited for: the caller
// does the work itself.
func (p *pool) offer(j *job, want int) {
	p.active.Store(int64(want))
	p.mu.Lock()
	for p.helpers < want {
		go p.help(p.helpers)
		p.helpers++
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

// help runs jobs as they come; between them it polls for spinTime before
// it sleeps on the channel.
func (p *pool) help(id int) {
	for {
		j := p.poll(id)
		if j == nil {
			j = <-p.jobs
		}
		j.work()
	}
}

// poll waits up to spinTime for a job without sleeping; nil if none came
// or this helper is not among the active ones.
func (p *pool) poll(id int) *job {
	deadline := time.Now().Add(spinTime)
	for i := 0; int64(id) < p.active.Load(); i++ {
		select {
		case j := <-p.jobs:
			return j
		default:
		}
		if i%64 == 63 && time.Now().After(deadline) {
			return nil
		}
	}
	return nil
}
