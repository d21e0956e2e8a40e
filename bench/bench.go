// Package bench measures training speed the way `latent bench` reports it:
// the median seconds per epoch of a recipe, the images per second, the
// arithmetic rate the epoch achieves, and the rate the GEMM alone reaches
// on the same matrix shapes in the same run, so that the distance to the
// machine's limit is a ratio anyone can reproduce.
//
// It imports runner (to prepare a recipe's data as a run does), recipe,
// train, optim, nn, data and compute; cmd/latent uses it.
package bench

import (
	"fmt"
	"io"
	"runtime"
	"sort"
	"time"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/runner"
	"github.com/latent-go/latent/train"
)

// Options choose what is measured.
type Options struct {
	Epochs int          // epochs to time (the median is reported)
	Data   data.Options // where the dataset is found
	// Limit, when positive, trains on the first Limit images only.
	Limit int
	// GEMMSeconds is how long the GEMM alone is timed (default 1 s).
	GEMMSeconds float64
}

// Report is what bench measures.
type Report struct {
	Recipe string `json:"recipe"`
	GEMM   string `json:"gemm"`
	// Elementwise is the element-wise implementation (avx512, avx2, go).
	Elementwise string `json:"elementwise"`
	Threads     int    `json:"threads"`
	Images      int    `json:"images"`
	BatchSize   int    `json:"batch_size"`
	// Epochs are the run's epochs (one-based) that ran at this thread
	// count, and EpochSeconds their times.
	Epochs        []int     `json:"epochs"`
	EpochSeconds  []float64 `json:"epoch_seconds"`
	MedianSeconds float64   `json:"median_seconds"`
	ImagesPerSec  float64   `json:"images_per_second"`
	GFLOPPerEpoch float64   `json:"gflop_per_epoch"`
	GFLOPS        float64   `json:"gflops"`
	GEMMGFLOPS    float64   `json:"gemm_gflops"`
	// OfGEMM is GFLOPS / GEMMGFLOPS: how close the epoch comes to the
	// rate of its matrix products alone.
	OfGEMM   float64 `json:"fraction_of_gemm_rate"`
	ValLoss  float64 `json:"last_val_loss,omitempty"`
	Loss     float64 `json:"last_loss"`
	Dataset  string  `json:"dataset"`
	Hardware string  `json:"hardware"`
	// Machine says which machine the run was on (Processor).
	Machine string `json:"machine"`
	// PeakRSSMB is the process's peak resident memory, data loading
	// included (0 where the system does not tell).
	PeakRSSMB float64 `json:"peak_rss_mb"`
	// CoresGiven is, for each epoch of a count over 1, how many of its
	// threads' cores the machine gave right after it: Threads when every
	// thread had a core of its own (CoresGiven's check, outside the
	// epoch's time).
	CoresGiven []float64 `json:"cores_given,omitempty"`
	// RoundTripNs is, likewise, the round trip of a value between two
	// threads through a shared cache line, in nanoseconds (RoundTrip):
	// several times its usual value when the machine has put the threads
	// far apart.
	RoundTripNs []float64 `json:"round_trip_ns,omitempty"`
	// LayerShare is the fraction of the training time spent in each layer
	// class (forward and backward together); the rest is the loss, the
	// optimizer and batching.
	LayerShare map[string]float64 `json:"layer_share"`
	// LayerPasses is, layer by layer in the model's order, the fraction
	// of the training time spent in its forward and its backward pass
	// (layers that run together, a convolution and its pooling, count as
	// the one that runs them).
	LayerPasses []LayerPassShare `json:"layer_passes"`
	// ParallelSites is where the run's parallel work went, when it was
	// recorded (latent bench --parallel-sites).
	ParallelSites []compute.Site `json:"parallel_sites,omitempty"`
}

// LayerPassShare is one layer's share of the training time, forward and
// backward.
type LayerPassShare struct {
	Layer    string  `json:"layer"`
	Class    string  `json:"class"`
	Forward  float64 `json:"forward"`
	Backward float64 `json:"backward"`
}

// Run trains the recipe for opt.Epochs epochs (validation included) on
// the data the run prepares for it, at the current GOMAXPROCS, and
// measures. Every family and either dataset can be timed.
func Run(r *recipe.Recipe, opt Options) (*Report, error) {
	reps, err := Interleave(r, opt, []int{runtime.GOMAXPROCS(0)})
	if err != nil {
		return nil, err
	}
	return reps[0], nil
}

// Interleave trains the recipe once, opt.Epochs epochs at each of the
// thread counts, taking the counts in turn epoch by epoch (1, 2, 1, 2,
// ...), and returns one report per count. A shared machine's slow phase,
// which lasts seconds to minutes, then falls on every count alike rather
// than on the one that happened to run during it, so the ratios between
// counts hold. Training is bit-identical whatever the thread count, so
// this is one ordinary run of opt.Epochs*len(threads) epochs.
func Interleave(r *recipe.Recipe, opt Options, threads []int) ([]*Report, error) {
	if opt.Epochs <= 0 {
		return nil, fmt.Errorf("epochs must be positive, got %d", opt.Epochs)
	}
	if len(threads) == 0 {
		return nil, fmt.Errorf("no thread count to time")
	}
	for _, n := range threads {
		if n < 1 {
			return nil, fmt.Errorf("thread counts must be positive, got %d", n)
		}
	}
	m, err := r.Build()
	if err != nil {
		return nil, err
	}
	d, err := runner.Prepare(r, runner.Options{Data: opt.Data, Limit: opt.Limit})
	if err != nil {
		return nil, err
	}
	objective, err := m.Family().Objective(r.Loss)
	if err != nil {
		return nil, err
	}
	opti, err := optim.New(r.Optimizer)
	if err != nil {
		return nil, err
	}
	net := m.Network()
	net.TimeLayers(true)
	turns := newThreadTurns(threads, net)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	t := &train.Trainer{Model: net, Objective: objective, Optimizer: opti}
	cfg := train.Config{Epochs: opt.Epochs * len(threads), BatchSize: r.BatchSize, Seed: r.Seed, ValX: d.Val, ValY: d.ValTargets, Callbacks: []train.Callback{turns}}
	h, err := t.Fit(d.Train, d.TrainTargets, cfg)
	if err != nil {
		return nil, err
	}
	reps := make([]*Report, len(threads))
	machine := Processor()
	for i, n := range threads {
		rep := &Report{
			Recipe: r.Name, GEMM: compute.Current().Name(), Elementwise: compute.CurrentElementwise().Name(), Threads: n,
			Images: d.Train.Len(), BatchSize: r.BatchSize, Dataset: d.Dataset, Hardware: runtime.GOARCH, Machine: machine,
		}
		turns.fill(rep, i, h)
		rep.ImagesPerSec = float64(d.Train.Len()) / rep.MedianSeconds
		rep.PeakRSSMB = peakRSSMB()
		reps[i] = rep
	}
	if !denseOnly(net) {
		return reps, nil // the arithmetic below counts Dense layers only
	}
	valRows := 0
	if d.Val != nil {
		valRows = d.Val.Len()
	}
	for _, rep := range reps {
		runtime.GOMAXPROCS(rep.Threads)
		rep.addArithmetic(net, r.BatchSize, d.Train.Len(), valRows, opt.GEMMSeconds)
	}
	return reps, nil
}

// addArithmetic fills in the epoch's arithmetic rate and the rate of the
// GEMM alone on the same shapes, timed now for secs seconds (default 1).
func (rep *Report) addArithmetic(net *nn.Model, batch, rows, valRows int, secs float64) {
	rep.GFLOPPerEpoch = EpochFLOP(net, rows, valRows) / 1e9
	rep.GFLOPS = rep.GFLOPPerEpoch / rep.MedianSeconds
	if secs <= 0 {
		secs = 1
	}
	rep.GEMMGFLOPS = GEMMRate(Shapes(net, batch), secs)
	rep.OfGEMM = rep.GFLOPS / rep.GEMMGFLOPS
}

// denseOnly reports whether every layer with weights is Dense.
func denseOnly(m *nn.Model) bool {
	for _, l := range m.Layers() {
		if _, ok := l.(*nn.Dense); !ok && len(l.Params()) > 0 {
			return false
		}
	}
	return true
}

// Shape is one matrix product of a training step: op(A) is M×K, op(B) K×N.
type Shape struct {
	TransA, TransB bool
	M, N, K        int
}

// FLOP is the arithmetic of one product: 2·M·N·K.
func (s Shape) FLOP() float64 { return 2 * float64(s.M) * float64(s.N) * float64(s.K) }

// Shapes lists the products of one training step of a chain of Dense
// layers at this batch size: the forward product, the kernel gradient and
// (but for the first layer) the input gradient of each.
func Shapes(m *nn.Model, batch int) []Shape {
	var out []Shape
	for i, l := range denseLayers(m) {
		in, units := l.Kernel().Value.Shape[0], l.Kernel().Value.Shape[1]
		out = append(out, Shape{M: batch, N: units, K: in}, Shape{TransA: true, M: in, N: units, K: batch})
		if i > 0 {
			out = append(out, Shape{TransB: true, M: batch, N: in, K: units})
		}
	}
	return out
}

// EpochFLOP is the matrix arithmetic of one epoch: training on n images
// (forward and backward) and evaluating nVal.
func EpochFLOP(m *nn.Model, n, nVal int) float64 {
	var perSampleTrain, perSampleFwd float64
	for i, l := range denseLayers(m) {
		f := 2 * float64(l.Kernel().Value.Shape[0]) * float64(l.Kernel().Value.Shape[1])
		perSampleFwd += f
		perSampleTrain += 2 * f
		if i > 0 {
			perSampleTrain += f
		}
	}
	return float64(n)*perSampleTrain + float64(nVal)*perSampleFwd
}

func denseLayers(m *nn.Model) []*nn.Dense {
	var ds []*nn.Dense
	for _, l := range m.Layers() {
		if d, ok := l.(*nn.Dense); ok {
			ds = append(ds, d)
		}
	}
	return ds
}

// GEMMRate times the current GEMM on the shapes, round after round, for
// about secs seconds and returns GFLOP/s.
func GEMMRate(shapes []Shape, secs float64) float64 {
	type operands struct{ a, b, c []float32 }
	ops := make([]operands, len(shapes))
	var flop float64
	for i, s := range shapes {
		ops[i] = operands{make([]float32, s.M*s.K), make([]float32, s.K*s.N), make([]float32, s.M*s.N)}
		for j := range ops[i].a {
			ops[i].a[j] = float32(j%13) * 0.01
		}
		for j := range ops[i].b {
			ops[i].b[j] = float32(j%7) * 0.01
		}
		flop += s.FLOP()
	}
	round := func() {
		for i, s := range shapes {
			lda, ldb := s.K, s.N
			if s.TransA {
				lda = s.M
			}
			if s.TransB {
				ldb = s.K
			}
			compute.Sgemm(s.TransA, s.TransB, s.M, s.N, s.K, 1, ops[i].a, lda, ops[i].b, ldb, 0, ops[i].c, s.N)
		}
	}
	round() // warm up
	start := time.Now()
	rounds := 0
	for time.Since(start).Seconds() < secs {
		round()
		rounds++
	}
	return flop * float64(rounds) / time.Since(start).Seconds() / 1e9
}

// Median is the median of v (the mean of the middle two for an even count).
func Median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Print writes the report for people.
func (r *Report) Print(w io.Writer) {
	threads := "threads"
	if r.Threads == 1 {
		threads = "thread"
	}
	fmt.Fprintf(w, "%s on %s: %d images, batch %d, GEMM %s, element-wise %s, %d %s\n", r.Recipe, r.Dataset, r.Images, r.BatchSize, r.GEMM, r.Elementwise, r.Threads, threads)
	for i, s := range r.EpochSeconds {
		epoch := i + 1
		if i < len(r.Epochs) {
			epoch = r.Epochs[i]
		}
		given := ""
		if i < len(r.CoresGiven) && i < len(r.RoundTripNs) {
			given = fmt.Sprintf(" (the machine gave %.2f of %d cores; threads %.0f ns apart, there and back)", r.CoresGiven[i], r.Threads, r.RoundTripNs[i])
		}
		fmt.Fprintf(w, "  epoch %d: %.3f s%s\n", epoch, s, given)
	}
	last := "last loss " + train.FormatValue(r.Loss)
	if r.ValLoss != 0 {
		last = "last val_loss " + train.FormatValue(r.ValLoss)
	}
	fmt.Fprintf(w, "median %.3f s/epoch, %.0f images/s (%s)\n", r.MedianSeconds, r.ImagesPerSec, last)
	if r.PeakRSSMB > 0 {
		fmt.Fprintf(w, "peak memory %.0f MB\n", r.PeakRSSMB)
	}
	if r.GEMMGFLOPS > 0 {
		fmt.Fprintf(w, "arithmetic %.2f GFLOP/epoch -> %.1f GFLOP/s achieved\n", r.GFLOPPerEpoch, r.GFLOPS)
		fmt.Fprintf(w, "GEMM alone on the same shapes: %.1f GFLOP/s; the epoch runs at %.0f%% of that rate\n", r.GEMMGFLOPS, 100*r.OfGEMM)
	}
	fmt.Fprint(w, "time by layer (forward and backward):")
	for _, c := range r.classesByShare() {
		fmt.Fprintf(w, " %s %.0f%%,", c, 100*r.LayerShare[c])
	}
	fmt.Fprintf(w, " loss, optimizer and batching %.0f%%\n", 100*r.restShare())
	if len(r.LayerPasses) > 0 {
		fmt.Fprint(w, "each layer, forward + backward:")
		for i, l := range r.LayerPasses {
			sep := ","
			if i == len(r.LayerPasses)-1 {
				sep = "\n"
			}
			fmt.Fprintf(w, " %s %.0f%% + %.0f%%%s", l.Layer, 100*l.Forward, 100*l.Backward, sep)
		}
	}
}

// classesByShare is the layer classes of LayerShare, the largest share
// first.
func (r *Report) classesByShare() []string {
	classes := make([]string, 0, len(r.LayerShare))
	for c := range r.LayerShare {
		classes = append(classes, c)
	}
	sort.Slice(classes, func(i, j int) bool { return r.LayerShare[classes[i]] > r.LayerShare[classes[j]] })
	return classes
}

// restShare is the share of training outside the layers' passes: the
// loss, the optimizer and batching.
func (r *Report) restShare() float64 {
	rest := 1.0
	for _, c := range r.classesByShare() {
		rest -= r.LayerShare[c]
	}
	return rest
}
