package bench

import (
	"math"
	"runtime"
	"time"

	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/train"
)

// threadTurns is the callback of Interleave: before each epoch it sets
// GOMAXPROCS to the next thread count in turn, and it adds up each
// count's layer times.
type threadTurns struct {
	train.BaseCallback
	counts []int
	net    *nn.Model
	// before is the layers' times as the epoch began; byTurn[i] the times
	// accumulated in the epochs of counts[i].
	before map[nn.LayerPass]time.Duration
	byTurn []map[nn.LayerPass]time.Duration
	// cores[i] holds, for each epoch of counts[i] when it is over 1, how
	// many of its cores the machine gave right after it (CoresGiven).
	cores [][]float64
	// trips[i] holds, likewise, the round trip between two threads
	// (RoundTrip), in nanoseconds.
	trips [][]float64
}

func newThreadTurns(counts []int, net *nn.Model) *threadTurns {
	byTurn := make([]map[nn.LayerPass]time.Duration, len(counts))
	for i := range byTurn {
		byTurn[i] = map[nn.LayerPass]time.Duration{}
	}
	return &threadTurns{counts: counts, net: net, byTurn: byTurn, cores: make([][]float64, len(counts)), trips: make([][]float64, len(counts))}
}

// EpochBegin implements train.Callback.
func (t *threadTurns) EpochBegin(epoch int) {
	runtime.GOMAXPROCS(t.counts[epoch%len(t.counts)])
	t.before = t.net.LayerPassTimes()
}

// EpochEnd implements train.Callback.
func (t *threadTurns) EpochEnd(logs train.EpochLogs) bool {
	i := logs.Epoch % len(t.counts)
	for pass, d := range t.net.LayerPassTimes() {
		t.byTurn[i][pass] += d - t.before[pass]
	}
	if n := t.counts[i]; n > 1 {
		t.cores[i] = append(t.cores[i], CoresGiven(n))
		t.trips[i] = append(t.trips[i], RoundTrip())
	}
	return false
}

// fill sets the epochs, times, losses and layer shares of the report of
// counts[turn] from the run's history.
func (t *threadTurns) fill(rep *Report, turn int, h *train.History) {
	var total float64
	for e := turn; e < len(h.Seconds); e += len(t.counts) {
		rep.Epochs = append(rep.Epochs, e+1)
		rep.EpochSeconds = append(rep.EpochSeconds, h.Seconds[e])
		total += h.Seconds[e]
		rep.Loss = h.Loss[e]
		if len(h.ValLoss) > e {
			rep.ValLoss = h.ValLoss[e]
		}
	}
	rep.CoresGiven, rep.RoundTripNs = t.cores[turn], t.trips[turn]
	rep.MedianSeconds = Median(rep.EpochSeconds)
	rep.LayerShare, rep.LayerPasses = layerShares(t.net, t.byTurn[turn], total)
}

// layerShares is the fraction of total seconds that the layers' passes
// took, by class and, in the model's order, by layer.
func layerShares(net *nn.Model, times map[nn.LayerPass]time.Duration, total float64) (map[string]float64, []LayerPassShare) {
	byClass := map[string]float64{}
	byLayer := map[string]*LayerPassShare{}
	for pass, d := range times {
		share := d.Seconds() / total
		byClass[pass.Class] += share
		l := byLayer[pass.Layer]
		if l == nil {
			l = &LayerPassShare{Layer: pass.Layer, Class: pass.Class}
			byLayer[pass.Layer] = l
		}
		if pass.Backward {
			l.Backward += share
		} else {
			l.Forward += share
		}
	}
	var inOrder []LayerPassShare
	for _, l := range net.Layers() {
		if s := byLayer[l.Name()]; s != nil {
			inOrder = append(inOrder, *s)
		}
	}
	return byClass, inOrder
}

// RoundRatios returns, for two reports of one Interleave run, base's time
// over other's round by round (the i-th epoch at each count, run within
// seconds of each other). Reports of separate runs, whose epochs are
// numbered alike, give nil.
func RoundRatios(base, other *Report) []float64 {
	n := len(base.EpochSeconds)
	if n != len(other.EpochSeconds) || n != len(base.Epochs) || n != len(other.Epochs) {
		return nil
	}
	out := make([]float64, n)
	for i := range n {
		if base.Epochs[i] == other.Epochs[i] {
			return nil
		}
		out[i] = base.EpochSeconds[i] / other.EpochSeconds[i]
	}
	return out
}

// GivenRatios is RoundRatios over the rounds in which the machine gave
// other's epoch at least nine tenths of its threads' cores (CoresGiven)
// and threads no further apart than twice the nearest of the run
// (RoundTrip); every round when other has no checks.
func GivenRatios(base, other *Report) []float64 {
	nearest := math.Inf(1)
	for _, t := range other.RoundTripNs {
		nearest = min(nearest, t)
	}
	var out []float64
	for i, r := range RoundRatios(base, other) {
		cores := i >= len(other.CoresGiven) || other.CoresGiven[i] >= 0.9*float64(other.Threads)
		near := i >= len(other.RoundTripNs) || other.RoundTripNs[i] <= 2*nearest
		if cores && near {
			out = append(out, r)
		}
	}
	return out
}
