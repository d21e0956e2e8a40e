package compute_test

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/latent-go/latent/compute"
)

// TestParallelSites: with recording on, each outermost call is counted at
// its call site with its pieces; calls made inside another's pieces are
// not; with recording off nothing is added.
func TestParallelSites(t *testing.T) {
	compute.RecordSites(true)
	for range 3 {
		compute.ParallelFor(10, 2, func(lo, hi int) {
			compute.ParallelFor(4, 1, func(lo, hi int) {})
			if lo == 0 {
				time.Sleep(time.Millisecond) // each call lasts at least this
			}
		})
	}
	compute.RecordSites(false)
	compute.ParallelFor(10, 2, func(lo, hi int) {})
	got := compute.ParallelSites()
	if len(got) != 1 {
		t.Fatalf("%d sites recorded, want 1: %+v", len(got), got)
	}
	s := got[0]
	if s.Calls != 3 || s.Pieces != 5 || s.Seconds < 0.003 || !strings.HasPrefix(s.Where, "compute_test.TestParallelSites:") {
		t.Fatalf("site %+v, want 3 calls of 5 pieces from TestParallelSites", s)
	}
}

// TestParallelSitesNameProductsAlike: a product's site has the same name
// at one thread, where its tasks run on the caller, as at two.
func TestParallelSitesNameProductsAlike(t *testing.T) {
	a := make([]float32, 64*64)
	c := make([]float32, 64*64)
	names := map[int]string{}
	for _, procs := range []int{1, 2} {
		prev := runtime.GOMAXPROCS(procs)
		compute.RecordSites(true)
		compute.NewBlocked().Sgemm(false, false, 64, 64, 64, 1, a, 64, a, 64, 0, c, 64)
		compute.RecordSites(false)
		runtime.GOMAXPROCS(prev)
		got := compute.ParallelSites()
		if len(got) != 1 {
			t.Fatalf("GOMAXPROCS %d: %d sites, want 1: %+v", procs, len(got), got)
		}
		names[procs] = got[0].Where
	}
	if !strings.HasPrefix(names[1], "compute.(*Blocked).sgemm ← compute_test.TestParallelSitesNameProductsAlike:") || names[1] != names[2] {
		t.Fatalf("the product's site at 1 thread %q, at 2 %q", names[1], names[2])
	}
}
