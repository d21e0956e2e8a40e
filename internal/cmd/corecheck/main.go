// Command corecheck measures how much of N cores the machine gives a
// program right now. It times a fixed amount of arithmetic on one
// goroutine, then the same amount on each of N goroutines at once, with
// nothing shared between them, and prints N times the first time over the
// second (N when every goroutine has a core of its own), for two kinds of
// arithmetic:
//
//   - one chain of dependent multiply-adds, bound by the latency of each
//     operation: two hyperthreads of one core both run it at full speed;
//   - sixteen independent chains, bound by the core's arithmetic units:
//     two hyperthreads of one core share them, and get about 1 between
//     them, as a matrix product would.
//
// On a shared virtual machine both swing from run to run;
// peers/pytorch/compare.sh prints them beside its timings, so that a
// 2-thread run that does not speed up can be told from a machine that did
// not give it two cores.
//
//	go run ./internal/cmd/corecheck [N]     (default N: 2)
package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"
)

// latencyBound does n dependent multiply-adds.
func latencyBound(n int) float64 {
	x := 1.0
	for i := 0; i < n; i++ {
		x = x*1.0000001 + 1e-9
	}
	return x
}

// throughputBound does n multiply-adds in sixteen independent chains.
func throughputBound(n int) float64 {
	var x [16]float64
	for j := range x {
		x[j] = float64(j)
	}
	for i := 0; i < n/16; i++ {
		for j := range x {
			x[j] = x[j]*1.0000001 + 1e-9
		}
	}
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}

// timed runs work(n) on each of g goroutines at once and returns the wall time.
func timed(work func(int) float64, g, n int) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	sink := make([]float64, g)
	for i := range g {
		wg.Add(1)
		go func() { defer wg.Done(); sink[i] = work(n) }()
	}
	wg.Wait()
	if sink[0] == 0 {
		fmt.Fprintln(os.Stderr, "unreachable")
	}
	return time.Since(start)
}

// speedUp is the median over rounds of g times one goroutine's time over
// g goroutines' time.
func speedUp(work func(int) float64, g, n int) float64 {
	var ratios []float64
	for range 5 {
		one, many := timed(work, 1, n), timed(work, g, n)
		ratios = append(ratios, float64(g)*one.Seconds()/many.Seconds())
	}
	sort.Float64s(ratios)
	return ratios[len(ratios)/2]
}

func main() {
	n := 2
	if len(os.Args) > 1 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil || v < 1 {
			fmt.Fprintln(os.Stderr, "usage: corecheck [N], N a positive number of goroutines")
			os.Exit(2)
		}
		n = v
	}
	latency := speedUp(latencyBound, n, 100_000_000)
	throughput := speedUp(throughputBound, n, 400_000_000)
	fmt.Printf("%d goroutines with nothing shared run %.2fx as fast as one on dependent operations, %.2fx on independent ones (medians of 5)\n", n, latency, throughput)
}
