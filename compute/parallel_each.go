package compute

import "runtime"

// ParallelEach is ParallelFor for passes whose results do not depend on
// where the ranges are cut, as long as the cuts fall on multiples of unit
// items: element-wise passes and copies (unit 1), or vector kernels whose
// last few items take another path (unit 16 for 16 float32 lanes), never
// sums kept per piece (those need ParallelFor's fixed ranges). Their
// ranges may then follow the threads: ParallelFor's number of pieces, when
// there are several, is rounded up to a multiple of the threads, as long
// as that at most doubles it, so that no thread is left with a piece to do
// after the others have finished (a batch of 256 rows in pieces of 20: 13
// pieces, 7 for one thread and 6 for the other on 2 threads, 13 of 16
// threads busy on 16; now 14 and 16). Where grain is not a multiple of
// unit, the ranges are ParallelFor's.
func ParallelEach(n, grain, unit int, fn func(lo, hi int)) {
	unit, grain = max(unit, 1), max(grain, 1)
	if grain%unit == 0 {
		grain = unit * eachGrain((n+unit-1)/unit, grain/unit, runtime.GOMAXPROCS(0))
	}
	ParallelFor(n, grain, fn)
}

// eachGrain is the grain of ParallelEach's ranges, in units, on the given
// number of threads: one that cuts n into a multiple of workers pieces, or
// grain where one piece does, where that would more than double the
// pieces, or where the even grain does not give such a cut (10 items in 6
// pieces).
func eachGrain(n, grain, workers int) int {
	pieces := Pieces(n, grain)
	if pieces <= 1 || workers <= 1 || pieces%workers == 0 {
		return grain
	}
	even := (pieces + workers - 1) / workers * workers
	if even > 2*pieces || even > n {
		return grain
	}
	if g := (n + even - 1) / even; Pieces(n, g) == even {
		return g
	}
	return grain
}
