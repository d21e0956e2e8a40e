package bench_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/latent-go/latent/bench"
)

// TestPassSpeedups: the speed-ups are the passes' seconds at the base
// count over the other's (shares times each count's total), a pass that
// took no time has none, and the rest is what the layers leave.
func TestPassSpeedups(t *testing.T) {
	one := &bench.Report{Threads: 1, EpochSeconds: []float64{1, 1}, LayerShare: map[string]float64{"Dense": 0.8},
		LayerPasses: []bench.LayerPassShare{{Layer: "d0", Forward: 0.2, Backward: 0.3}, {Layer: "d1", Forward: 0.3, Backward: 0}}}
	two := &bench.Report{Threads: 2, EpochSeconds: []float64{0.5, 0.5}, LayerShare: map[string]float64{"Dense": 0.7},
		LayerPasses: []bench.LayerPassShare{{Layer: "d0", Forward: 0.2, Backward: 0.5}, {Layer: "d1", Forward: 0.0, Backward: 0}}}
	passes, rest := bench.PassSpeedups(one, two)
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if len(passes) != 2 || !near(passes[0].Forward, 2) || !near(passes[0].Backward, 1.2) || passes[1].Forward != 0 || passes[1].Backward != 0 || !near(rest, 0.2*2/(0.3*1)) {
		t.Fatalf("passes %+v, rest %v", passes, rest)
	}
	var b bytes.Buffer
	bench.PrintPassSpeedups(&b, one, two)
	if want := "  each layer's speed-up, forward + backward: d0 2.00 + 1.20, d1 - + -, loss, optimizer and batching 1.33\n"; b.String() != want {
		t.Fatalf("printed %q, want %q", b.String(), want)
	}
}
