// Command corecheck measures how many cores the machine gives a program
// right now: it times a fixed amount of arithmetic on one goroutine, then
// the same amount on each of N goroutines at once, with nothing shared
// between them, and prints N times the first time over the second (N for
// N free cores). On a shared virtual machine this swings from run to run;
// peers/pytorch/compare.sh prints it beside its timings, so that a
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

// spin does n dependent multiply-adds; its result keeps it from being
// optimised away.
func spin(n int) float64 {
	x := 1.0
	for i := 0; i < n; i++ {
		x = x*1.0000001 + 1e-9
	}
	return x
}

// timed runs spin(n) on each of g goroutines at once and returns the wall time.
func timed(g, n int) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	sink := make([]float64, g)
	for i := range g {
		wg.Add(1)
		go func() { defer wg.Done(); sink[i] = spin(n) }()
	}
	wg.Wait()
	if sink[0] == 0 {
		fmt.Fprintln(os.Stderr, "unreachable")
	}
	return time.Since(start)
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
	const work = 200_000_000
	var ratios []float64
	for range 5 {
		one, many := timed(1, work), timed(n, work)
		ratios = append(ratios, float64(n)*one.Seconds()/many.Seconds())
	}
	sort.Float64s(ratios)
	fmt.Printf("%d goroutines with nothing shared run %.2fx as fast as one (median of 5; lowest %.2f, highest %.2f)\n", n, ratios[2], ratios[0], ratios[4])
}
