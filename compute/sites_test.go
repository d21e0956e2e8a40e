package compute_test

import (
	"strings"
	"testing"

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
		})
	}
	compute.RecordSites(false)
	compute.ParallelFor(10, 2, func(lo, hi int) {})
	got := compute.ParallelSites()
	if len(got) != 1 {
		t.Fatalf("%d sites recorded, want 1: %+v", len(got), got)
	}
	s := got[0]
	if s.Calls != 3 || s.Pieces != 5 || s.Seconds <= 0 || !strings.HasPrefix(s.Where, "compute_test.TestParallelSites:") {
		t.Fatalf("site %+v, want 3 calls of 5 pieces from TestParallelSites", s)
	}
}
