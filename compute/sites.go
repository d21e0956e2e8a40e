package compute

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Where the parallel time goes: with RecordSites on, every outermost
// ParallelFor call (one not made from inside another's pieces) adds its
// wall time and pieces to its call site, named by ParallelFor's caller
// and the first two functions above it outside this package. A site of few pieces and much time is one that leaves
// threads idle; `latent bench --parallel-sites` prints the table. Off, it
// costs ParallelFor one atomic load.

var (
	recordingSites atomic.Bool
	siteDepth      atomic.Int64
	sitesMu        sync.Mutex
	sites          = map[siteKey]*Site{}
)

type siteKey struct {
	where  string
	pieces int
}

// Site is one call site's outermost ParallelFor calls of one piece count.
type Site struct {
	Where   string  `json:"site"`    // the calling functions, innermost first
	Pieces  int     `json:"pieces"`  // pieces per call
	Calls   int     `json:"calls"`   // calls made
	Seconds float64 `json:"seconds"` // their wall time, summed
}

// RecordSites turns the recording on or off; turning it on clears what
// was recorded.
func RecordSites(on bool) {
	sitesMu.Lock()
	if on {
		clear(sites)
	}
	sitesMu.Unlock()
	recordingSites.Store(on)
}

// ParallelSites returns the sites recorded, the most time first.
func ParallelSites() []Site {
	sitesMu.Lock()
	defer sitesMu.Unlock()
	out := make([]Site, 0, len(sites))
	for _, s := range sites {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Site) int {
		if a.Seconds != b.Seconds {
			if a.Seconds > b.Seconds {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Where, b.Where)
	})
	return out
}

// enterSite starts timing an outermost call of pieces pieces; the
// function it returns ends it. Calls made inside another are not timed.
// The call sites are named from the caller of ParallelFor, or of
// forEach's serial path, which records its products at one thread as
// ParallelFor would at more.
func enterSite(pieces int) func() {
	if siteDepth.Add(1) != 1 {
		return func() { siteDepth.Add(-1) }
	}
	start := time.Now()
	return func() {
		recordSite(pieces, time.Since(start))
		siteDepth.Add(-1)
	}
}

func recordSite(pieces int, d time.Duration) {
	pcs := make([]uintptr, 12)
	// Skip Callers, recordSite, the closure enterSite returned and
	// ParallelFor (or forEach) itself.
	n := runtime.Callers(4, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var names []string
	for len(names) < 3 {
		f, more := frames.Next()
		name := strings.TrimPrefix(f.Function, "github.com/latent-go/latent/")
		// ParallelFor's caller (forEach's, for a product), then the
		// first two callers outside this package.
		switch {
		case name == "compute.forEach":
			// ParallelFor with the GEMM's worker count: named by its
			// caller, as its serial path is.
		case strings.HasPrefix(name, "compute."):
			// This package's own callers are named without their
			// lines, so that a site reads the same at any thread count.
			if len(names) == 0 {
				names = append(names, name)
			}
		default:
			names = append(names, fmt.Sprintf("%s:%d", name, f.Line))
		}
		if !more {
			break
		}
	}
	key := siteKey{strings.Join(names, " ← "), pieces}
	sitesMu.Lock()
	defer sitesMu.Unlock()
	s := sites[key]
	if s == nil {
		s = &Site{Where: key.where, Pieces: pieces}
		sites[key] = s
	}
	s.Calls++
	s.Seconds += d.Seconds()
}
