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
	if recordingSites.Load() {
		defer enterSite(pieces)()
	}
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
	j := &job{fn: fn, n: n, grain: grain}
	j.blocks = dealBlocks(j.inline[:0], pieces, workers)
	j.left.Store(int64(pieces))
	slot := thePool.offer(j, workers-1)
	j.work(callerBlock)
	thePool.withdraw(slot)
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

// job is one ParallelFor call. Its pieces are dealt out in blocks of
// consecutive pieces, one block per thread the call was offered to: the
// caller takes the first block, helper h the block after h's, and a thread
// that has finished its own block takes the pieces left in the others.
// The same thread thus gets the same rows of a batch call after call (as
// OpenMP's static schedule gives them), and a pass finds in its own core's
// caches the rows the pass before wrote, rather than rows another core
// wrote; no counter's cache line passes between cores until the blocks
// run out. Which thread runs a piece never changes what the piece computes.
type job struct {
	fn       func(lo, hi int)
	n, grain int
	blocks   []block // one per thread the call was offered to
	// left is on a line of its own: the caller that waits for the last
	// pieces reads it without pause while the workers take pieces.
	_    [64]byte
	left atomic.Int64 // pieces not finished yet
	// done is the channel a caller that stopped polling sleeps on, made
	// only then (most calls finish while it polls: a channel made for
	// every call cost a fifth of a 2-piece call's time on two threads);
	// finished once left reaches 0, and closed then if it was made.
	done atomic.Pointer[chan struct{}]
	// inline holds the blocks of a call offered to a few threads, in the
	// job's own allocation.
	inline [inlineBlocks]block
}

// inlineBlocks is how many blocks a job holds without an allocation of
// their own: enough for 4 threads.
const inlineBlocks = 4

// finishedJob is the value of a job's done once left has reached 0: a
// closed channel, so that a caller that looks for done after that does
// not wait.
var finishedJob = func() *chan struct{} {
	c := make(chan struct{})
	close(c)
	return &c
}()

// finish marks j finished, waking its caller if it sleeps; the worker
// whose pieces brought left to 0 calls it.
func (j *job) finish() {
	if c := j.done.Swap(finishedJob); c != nil && c != finishedJob {
		close(*c)
	}
}

// doneChannel is the channel the caller sleeps on: closed once j is
// finished.
func (j *job) doneChannel() chan struct{} {
	if c := j.done.Load(); c != nil {
		return *c
	}
	c := make(chan struct{})
	if j.done.CompareAndSwap(nil, &c) {
		return c
	}
	return *j.done.Load() // finished meanwhile
}

// block is the pieces [next, end) of a job not taken yet, on a cache line
// of its own.
type block struct {
	next atomic.Int64
	end  int64
	_    [48]byte
}

// dealBlocks cuts a job's pieces into workers blocks of consecutive
// pieces, whose sizes differ by one at most, in room's storage when it
// has room for them.
func dealBlocks(room []block, pieces, workers int) []block {
	blocks := room[:0]
	if cap(room) < workers {
		blocks = make([]block, workers)
	}
	blocks = blocks[:workers]
	for b := range blocks {
		blocks[b].next.Store(int64(b * pieces / workers))
		blocks[b].end = int64((b + 1) * pieces / workers)
	}
	return blocks
}

// Threads' places in a job: the caller's block, and the place of a thread
// that has no block of its own (a caller that works on another call while
// it waits for its own). Helper h's block is h+1.
const (
	callerBlock = 0
	noBlock     = -1
)

// work takes the pieces of block own, then those left in the blocks after
// it, until none is left; a thread without a block of its own in j (own
// noBlock, or a helper beyond j's blocks) takes from the last block back,
// meeting the caller, who is busy with the first, last. Then it counts the
// pieces it finished in one step, so that the last worker to leave
// finishes the job.
func (j *job) work(own int) {
	finished := int64(0)
	blocks := len(j.blocks)
	if own >= 0 && own < blocks {
		for i := range blocks {
			finished += j.drain((own + i) % blocks)
		}
	} else {
		for b := blocks - 1; b >= 0; b-- {
			finished += j.drain(b)
		}
	}
	if finished > 0 && j.left.Add(-finished) == 0 {
		j.finish()
	}
}

// drain runs the pieces of block b that no one has taken, one at a time,
// and returns how many it ran. It reads the block's counter before it
// takes a piece (an atomic add), so that a thread looking through the
// others' blocks for pieces left, as every thread does at the end of a
// call, does not take each counter's cache line from its owner, and from
// the other threads looking, only to find the block empty: in a profile
// of ae3 on 16 threads (results/bench/16-cores-d3b75bb/sites) drain's own
// instructions, these adds, took 9.6% of the samples (none on 2 here).
func (j *job) drain(b int) (finished int64) {
	blk := &j.blocks[b]
	for blk.next.Load() < blk.end {
		p := blk.next.Add(1) - 1
		if p >= blk.end {
			return finished
		}
		lo := int(p) * j.grain
		j.fn(lo, min(lo+j.grain, j.n))
		finished++
	}
	return finished
}

// untaken reports whether some piece of j is not taken yet.
func (j *job) untaken() bool {
	for b := range j.blocks {
		if j.blocks[b].next.Load() < j.blocks[b].end {
			return true
		}
	}
	return false
}

// wait returns when every piece is finished. It works on other calls'
// pieces meanwhile, if any are published (the calls Together runs at once,
// say), rather than leave its core idle. With none to work on it polls for
// spinTime (the last pieces usually finish within microseconds), then
// sleeps, so that a caller never burns a core waiting for a helper the
// operating system has not scheduled; it sleeps as a helper does, counted
// among the sleepers, so that a call published later (the other half of a
// Together, after a pass of its own) wakes it to help.
func (j *job) wait() {
	for !j.spin() && !j.sleep() {
	}
}

// spin works on other calls' pieces or polls until j is finished (true)
// or spinTime has passed with nothing to work on (false).
func (j *job) spin() bool {
	deadline := time.Now().Add(spinTime)
	var news newCalls
	for i := 0; j.left.Load() > 0; i++ {
		if other := news.find(thePool); other != nil {
			other.work(noBlock)
			deadline = time.Now().Add(spinTime)
			news = newCalls{}
			continue
		}
		if i%pollsPerClock == pollsPerClock-1 && time.Now().After(deadline) {
			return false
		}
	}
	return true
}

// sleep blocks until j is finished (true) or a call is published that may
// have pieces for this thread (false).
func (j *job) sleep() bool {
	p := thePool
	// Counted before the last look, as help does, so that a call
	// published after it finds the count and sends a token.
	p.sleeping.Add(1)
	defer p.sleeping.Add(-1)
	if p.find() != nil {
		return false
	}
	select {
	case <-j.doneChannel():
		return true
	case <-p.wake:
		return false
	}
}

// Together runs the functions at once, on the caller and the pool's
// helpers, and returns when all have returned: independent passes (a
// layer's kernel gradient, bias gradient and input gradient) that each
// share their own work among the threads, so that where one has too few
// pieces to keep every thread busy the others fill the gap.
func Together(fns ...func()) {
	ParallelFor(len(fns), 1, func(lo, hi int) {
		for _, fn := range fns[lo:hi] {
			fn()
		}
	})
}

// pool is the set of helper goroutines, grown to GOMAXPROCS-1 as needed.
// A call publishes its job in a free slot; helpers that are awake find it
// by reading the slots, which costs them no lock and the caller one atomic
// store, so that 15 helpers join a call within a fraction of a microsecond
// (a channel they all polled serialised them on its lock).
type pool struct {
	mu      sync.Mutex
	helpers int
	_       [64]byte
	// published counts the calls offered so far. A polling thread reads
	// it, on a cache line of its own, and looks through the slots only
	// when it changes, rather than have fifteen helpers read the slots and
	// the jobs' counters without pause while the workers take pieces from
	// them (on 16 threads, denoise 2.68 to 2.53 s an epoch and inpaint 6.68
	// to 6.63 s, two alternations each; more with the image groups).
	published atomic.Int64
	// active is how many helpers may poll: GOMAXPROCS-1 at the latest
	// call, whatever that call wanted, so that a call of few pieces does
	// not send the other helpers to sleep, to be woken (tens of
	// microseconds each) by the next call of many. Helpers beyond it
	// (after GOMAXPROCS went down) sleep rather than poll.
	active atomic.Int64
	_      [56]byte
	// slots holds the jobs being worked on; used is one past the highest
	// slot ever taken, so that helpers read only those.
	slots [poolSlots]atomic.Pointer[job]
	used  atomic.Int64
	// sleeping counts the threads asleep on wake (active helpers, and
	// callers waiting for their last pieces), which gets one token per
	// thread to wake.
	sleeping atomic.Int64
	wake     chan struct{}
	// raised is closed, and replaced, when active goes up: helpers beyond
	// active wait on it (park) rather than on wake.
	raised chan struct{}
}

// poolSlots bounds the calls that helpers can join at once (nested and
// concurrent ones); a call that finds no free slot runs on its caller.
const poolSlots = 64

var thePool = &pool{wake: make(chan struct{}, 1024), raised: make(chan struct{})}

// offer publishes j for up to want helpers, starting helpers when there
// are fewer than want and waking sleeping ones. It returns the slot to
// withdraw j from, or -1 when none was free.
func (p *pool) offer(j *job, want int) int {
	// Written only when it changes: every polling helper reads it.
	procs := int64(runtime.GOMAXPROCS(0) - 1)
	before := p.active.Load()
	if before != procs {
		p.active.Store(procs)
	}
	p.mu.Lock()
	if procs > before {
		close(p.raised)
		p.raised = make(chan struct{})
	}
	for p.helpers < want {
		go p.help(p.helpers)
		p.helpers++
	}
	p.mu.Unlock()
	for i := range p.slots {
		if !p.slots[i].CompareAndSwap(nil, j) {
			continue
		}
		for u := p.used.Load(); u <= int64(i) && !p.used.CompareAndSwap(u, int64(i)+1); u = p.used.Load() {
		}
		// After the slot: a thread that read the count before this finds
		// j in its next look.
		p.published.Add(1)
		for k := min(int64(want), p.sleeping.Load()); k > 0; k-- {
			select {
			case p.wake <- struct{}{}:
			default:
				return i
			}
		}
		return i
	}
	return -1
}

// withdraw empties the slot a job was published in, once all its pieces
// are taken.
func (p *pool) withdraw(slot int) {
	if slot >= 0 {
		p.slots[slot].Store(nil)
	}
}

// find returns a published job with pieces left, or nil.
func (p *pool) find() *job {
	used := int(p.used.Load())
	for i := range p.slots[:used] {
		if j := p.slots[i].Load(); j != nil && j.untaken() {
			return j
		}
	}
	return nil
}

// help runs jobs as they come; between them it polls for spinTime before
// it sleeps.
func (p *pool) help(id int) {
	for {
		if j := p.poll(id); j != nil {
			j.work(id + 1)
			continue
		}
		if p.park(id) {
			continue
		}
		// Counted as sleeping before the last look, so that a job
		// published after that look finds the count and wakes it.
		p.sleeping.Add(1)
		j := p.activeFind(id)
		if j == nil {
			<-p.wake
			if int64(id) >= p.active.Load() {
				// Asleep since before GOMAXPROCS went down: the token
				// was meant for a thread that can work.
				select {
				case p.wake <- struct{}{}:
				default:
				}
			}
		}
		p.sleeping.Add(-1)
		if j != nil {
			j.work(id + 1)
		}
	}
}

// park blocks a helper beyond the active ones (after GOMAXPROCS went
// down) until GOMAXPROCS goes up again, so that it takes no wake token
// meant for a thread that can work; it reports whether it parked.
func (p *pool) park(id int) bool {
	p.mu.Lock()
	raised := p.raised
	p.mu.Unlock()
	// Read after the channel: a rise after this look closes it.
	if int64(id) < p.active.Load() {
		return false
	}
	<-raised
	return true
}

// activeFind is find for a helper among the active ones; nil for others.
func (p *pool) activeFind(id int) *job {
	if int64(id) >= p.active.Load() {
		return nil
	}
	return p.find()
}

// poll waits up to spinTime for a job without sleeping; nil if none came
// or this helper is not among the active ones.
func (p *pool) poll(id int) *job {
	deadline := time.Now().Add(spinTime)
	var news newCalls
	for i := 0; int64(id) < p.active.Load(); i++ {
		if j := news.find(p); j != nil {
			return j
		}
		if i%pollsPerClock == pollsPerClock-1 && time.Now().After(deadline) {
			return nil
		}
	}
	return nil
}

// pollsPerClock is how many times a polling thread looks for calls between
// two readings of the clock.
const pollsPerClock = 256

// newCalls tells a polling thread when to look through the slots: on its
// first look, then whenever a call was offered since the last one.
type newCalls struct {
	looked bool
	seen   int64
}

// find is p.find when a call was offered since the last look (or on the
// first), else nil: the slots cannot hold pieces the last look missed.
func (n *newCalls) find(p *pool) *job {
	now := p.published.Load()
	if n.looked && now == n.seen {
		return nil
	}
	n.looked, n.seen = true, now
	return p.find()
}

// forEach is ParallelFor with a grain of 1 over workers goroutines; with
// one worker it calls fn on the whole range on the caller.
func forEach(workers, n int, fn func(lo, hi int)) {
	if workers > 1 {
		ParallelFor(n, 1, fn)
		return
	}
	if recordingSites.Load() {
		defer enterSite(n)()
	}
	fn(0, n)
}
