package bench

import (
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// A shared virtual machine does not always give a program the cores it
// has: in some stretches, minutes long, two threads that share nothing run
// no faster than one (this project's 2-core machine: ae2's 2-thread epochs
// all as slow as its 1-thread ones in one run, while the 1-thread epochs
// kept their time), because the cores are busy with something else or
// far apart. A run cannot tell such an epoch from a program that
// does not scale unless it looks, so each epoch of a multi-thread count is
// followed by two short checks of the machine: how many cores the threads
// get (CoresGiven), and how far apart they are (RoundTrip).

// LatencyBound does n dependent multiply-adds: two hyperthreads of one
// core both run it at full speed.
func LatencyBound(n int) float64 {
	x := 1.0
	for i := 0; i < n; i++ {
		x = x*1.0000001 + 1e-9
	}
	return x
}

// ThroughputBound does n multiply-adds in sixteen independent chains,
// bound by the core's arithmetic units, which two hyperthreads of one
// core share, as a matrix product would.
func ThroughputBound(n int) float64 {
	var x [16]float64
	for j := range x {
		x[j] = float64(j)
	}
	for i := 0; i < n/16; i++ {
		for j := range x {
			x[j] = math.FMA(x[j], 1.0000001, 1e-9)
		}
	}
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}

// SpeedUp is the median over rounds of g times one goroutine's time for
// work(n) over the time of g goroutines each doing work(n) at once, with
// nothing shared: g when the machine gives each goroutine a core of its
// own.
func SpeedUp(work func(int) float64, g, n, rounds int) float64 {
	var ratios []float64
	for range rounds {
		one, many := timed(work, 1, n), timed(work, g, n)
		ratios = append(ratios, float64(g)*one.Seconds()/many.Seconds())
	}
	sort.Float64s(ratios)
	return ratios[len(ratios)/2]
}

// timed runs work(n) on each of g goroutines at once and returns the wall
// time.
func timed(work func(int) float64, g, n int) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	sink := make([]float64, g)
	for i := range g {
		wg.Add(1)
		go func() { defer wg.Done(); sink[i] = work(n) }()
	}
	wg.Wait()
	keep = sink[0]
	return time.Since(start)
}

// keep holds a result of the work so that the compiler keeps the work.
var keep float64

// RoundTrip is the time, in nanoseconds, that a value takes to go from
// one thread to another and back through a cache line they share: the
// price of every hand-over between the threads of a parallel pass (the
// fastest of five rounds of 5,000 trips, since a round that a goroutine
// of the runtime interrupts takes longer; 0 with GOMAXPROCS 1). On this
// project's 2-core machine it is 55 to 95 ns, and in some stretches 320
// to 380, when the host has put the two virtual CPUs far apart; a
// 2-thread epoch of ae1 then runs no faster than a 1-thread one (0.92 to
// 1.04 times, against 1.7 to 1.9), though each thread has a core of its
// own (CoresGiven reads 2).
func RoundTrip() float64 {
	if runtime.GOMAXPROCS(0) < 2 {
		return 0
	}
	// The compute pool's helpers poll for a millisecond after the last
	// parallel call: let them go to sleep, so that the two goroutines
	// have a thread each.
	time.Sleep(3 * time.Millisecond)
	best := math.Inf(1)
	for range 5 {
		best = min(best, pingPong(5_000))
	}
	return best
}

// pingPong times n round trips of a counter between two goroutines on
// threads of their own, in nanoseconds a trip.
func pingPong(n int64) float64 {
	var c struct {
		_ [64]byte
		v atomic.Int64
		_ [64]byte
	}
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for i := int64(1); i <= n; i++ {
			await(&c.v, 2*i-1)
			c.v.Store(2 * i)
		}
		close(done)
	}()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := time.Now()
	for i := int64(1); i <= n; i++ {
		c.v.Store(2*i - 1)
		await(&c.v, 2*i)
	}
	<-done
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

// await spins until v holds want, letting other goroutines run now and
// then in case the other side shares this thread.
func await(v *atomic.Int64, want int64) {
	for i := 1; v.Load() != want; i++ {
		if i%4096 == 0 {
			runtime.Gosched()
		}
	}
}

// CoresGiven is how many of g cores the machine gives a program right
// now, by a check of a few tens of milliseconds: SpeedUp on the
// throughput-bound work, three rounds.
func CoresGiven(g int) float64 { return SpeedUp(ThroughputBound, g, 20_000_000, 3) }
