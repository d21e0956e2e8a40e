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
	"strconv"

	"github.com/latent-go/latent/bench"
)

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
	latency := bench.SpeedUp(bench.LatencyBound, n, 100_000_000, 5)
	throughput := bench.SpeedUp(bench.ThroughputBound, n, 400_000_000, 5)
	fmt.Printf("%d goroutines with nothing shared run %.2fx as fast as one on dependent operations, %.2fx on independent ones (medians of 5)\n", n, latency, throughput)
}
