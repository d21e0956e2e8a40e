package bench

import (
	"fmt"
	"io"
	"math"
)

// PassSpeedup is how many times faster one layer's passes ran at one
// thread count than at another (0 where a pass took no time at either:
// a layer whose pass another layer's does).
type PassSpeedup struct {
	Layer             string
	Forward, Backward float64
}

// PassSpeedups compares two reports of one Interleave run, pass by pass:
// base's time in each layer's forward and backward pass over other's,
// and the same for the rest of training (batches, loss, optimizer). The
// counts took the same number of epochs in turn, so their totals compare.
func PassSpeedups(base, other *Report) (passes []PassSpeedup, rest float64) {
	tb, to := sum(base.EpochSeconds), sum(other.EpochSeconds)
	byLayer := map[string]LayerPassShare{}
	for _, l := range other.LayerPasses {
		byLayer[l.Layer] = l
	}
	for _, l := range base.LayerPasses {
		o, ok := byLayer[l.Layer]
		if !ok {
			continue
		}
		passes = append(passes, PassSpeedup{Layer: l.Layer, Forward: ratio(l.Forward*tb, o.Forward*to), Backward: ratio(l.Backward*tb, o.Backward*to)})
	}
	return passes, ratio(base.restShare()*tb, other.restShare()*to)
}

// ratio is a/b, or 0 where either is not above 0.
func ratio(a, b float64) float64 {
	if !(a > 0 && b > 0) {
		return 0
	}
	return a / b
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// PrintPassSpeedups prints PassSpeedups(base, other) on one line, as
// "each layer's speed-up, forward + backward: dense 1.55 + 1.79, ...;
// the rest 1.50".
func PrintPassSpeedups(w io.Writer, base, other *Report) {
	passes, rest := PassSpeedups(base, other)
	if len(passes) == 0 {
		return
	}
	fmt.Fprintf(w, "  each layer's speed-up, forward + backward:")
	for _, p := range passes {
		fmt.Fprintf(w, " %s %s + %s,", p.Layer, times(p.Forward), times(p.Backward))
	}
	fmt.Fprintf(w, " loss, optimizer and batching %s\n", times(rest))
}

// times formats a speed-up, "-" for none.
func times(x float64) string {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf("%.2f", x)
}
