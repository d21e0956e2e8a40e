package bench_test

import (
	"bytes"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/latent-go/latent/bench"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/recipe"
)

func TestFLOPCounts(t *testing.T) {
	r, _ := recipe.Load("ae1")
	a, _ := r.Build()
	// Per sample: forward 2*(784*32 + 32*784) = 100352; training adds the
	// two kernel gradients and the second layer's input gradient.
	want := 60000*(100352.0*2+50176) + 10000*100352.0
	if got := bench.EpochFLOP(a.Network(), 60000, 10000); got != want {
		t.Errorf("ae1 epoch FLOP %v, want %v", got, want)
	}
	if s := bench.Shapes(a.Network(), 256); len(s) != 5 || s[0].K != 784 || !s[1].TransA || !s[4].TransB {
		t.Errorf("shapes %+v", s)
	}
}

func TestBenchReports(t *testing.T) {
	r, _ := recipe.Load("ae1")
	rep, err := bench.Run(r, bench.Options{Epochs: 3, Limit: 2048, Data: data.Options{NoDownload: true}, GEMMSeconds: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.EpochSeconds) != 3 || rep.MedianSeconds <= 0 || rep.GEMMGFLOPS <= 0 || rep.GFLOPS <= 0 || rep.Images != 2048 {
		t.Errorf("report %+v", rep)
	}
	if rep.PeakRSSMB <= 0 || rep.PeakRSSMB > 4000 {
		t.Errorf("peak memory %v MB", rep.PeakRSSMB)
	}
	if rep.OfGEMM <= 0 || rep.OfGEMM > 1.5 {
		t.Errorf("epoch at %.2f of the GEMM rate", rep.OfGEMM)
	}
	var b bytes.Buffer
	rep.Print(&b)
	for _, s := range []string{"median ", "images/s", "GFLOP/s achieved", "GEMM alone"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("output lacks %q:\n%s", s, b.String())
		}
	}
	if _, err := bench.Run(r, bench.Options{Epochs: 0}); err == nil {
		t.Error("zero epochs accepted")
	}
}

// TestBenchConvShares: conv's time is shared by layer class and, layer by
// layer in the model's order, by forward and backward pass, the two
// accounts adding up to the same; every convolution runs both passes. The
// first pooling's forward pass runs inside the first convolution's, so it
// has no forward share of its own (nor a backward one, where the vector
// kernels gather its gradient inside the convolution's too).
func TestBenchConvShares(t *testing.T) {
	r, _ := recipe.Load("conv")
	rep, err := bench.Run(r, bench.Options{Epochs: 1, Limit: 256, Data: data.Options{NoDownload: true}})
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, v := range rep.LayerShare {
		sum += v
	}
	if rep.LayerShare["Conv2D"] <= 0 || sum > 1.01 || rep.GEMMGFLOPS != 0 {
		t.Errorf("shares %v (sum %v), GEMM rate %v", rep.LayerShare, sum, rep.GEMMGFLOPS)
	}
	var names []string
	var perLayer, convs float64
	for _, l := range rep.LayerPasses {
		names = append(names, l.Layer)
		perLayer += l.Forward + l.Backward
		if l.Layer == "max_pooling2d" && l.Forward != 0 {
			t.Errorf("the first pooling, run inside the first convolution, has a forward share %v", l.Forward)
		}
		if l.Class == "Conv2D" {
			convs += l.Forward + l.Backward
			if l.Forward <= 0 || l.Backward <= 0 {
				t.Errorf("%s: forward %v, backward %v", l.Layer, l.Forward, l.Backward)
			}
		}
	}
	if len(names) < 7 || names[0] != "conv2d" || !slices.Contains(names, "conv2d_6") || slices.Index(names, "conv2d_1") < slices.Index(names, "conv2d") {
		t.Errorf("layers %v", names)
	}
	if math.Abs(perLayer-sum) > 1e-9 || math.Abs(convs-rep.LayerShare["Conv2D"]) > 1e-9 {
		t.Errorf("by layer %v in all, %v for Conv2D; by class %v, %v", perLayer, convs, sum, rep.LayerShare["Conv2D"])
	}
	var b bytes.Buffer
	rep.Print(&b)
	if !strings.Contains(b.String(), "Conv2D ") || !strings.Contains(b.String(), "each layer, forward + backward: conv2d ") {
		t.Errorf("output: %s", b.String())
	}
}

// TestBenchVAE times the VAE recipe on 256 digits of each dataset (the
// data latent run would train on: train and test images together, no
// validation).
func TestBenchVAE(t *testing.T) {
	for _, dataset := range []string{"mnist", "fashion"} {
		if dataset == "fashion" {
			if _, err := os.Stat("/usr/share/datasets/fashion-mnist"); err != nil {
				t.Skip("dataset-fashion-mnist is not installed")
			}
		}
		r, _ := recipe.Load("vae")
		r.Dataset = dataset
		rep, err := bench.Run(r, bench.Options{Epochs: 1, Limit: 256, Data: data.Options{NoDownload: true}})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Images != 512 || rep.Dataset != dataset || rep.Loss <= 0 || rep.ValLoss != 0 || rep.LayerShare["Conv2DTranspose"] <= 0 {
			t.Errorf("%s: %+v", dataset, rep)
		}
		var b bytes.Buffer
		rep.Print(&b)
		if !strings.Contains(b.String(), "last loss ") {
			t.Errorf("output: %s", b.String())
		}
	}
}

// TestInterleave times ae1 at 1 and 2 threads in one run, the counts in
// turn epoch by epoch: each count gets its epochs, GOMAXPROCS comes back,
// and since training does not depend on the thread count, the run's last
// loss is that of a plain run of as many epochs.
func TestInterleave(t *testing.T) {
	r, _ := recipe.Load("ae1")
	opt := bench.Options{Epochs: 2, Limit: 1024, Data: data.Options{NoDownload: true}, GEMMSeconds: 0.05}
	before := runtime.GOMAXPROCS(0)
	reps, err := bench.Interleave(r, opt, []int{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOMAXPROCS(0) != before {
		t.Errorf("GOMAXPROCS %d after the run, was %d", runtime.GOMAXPROCS(0), before)
	}
	if len(reps) != 2 || reps[0].Threads != 1 || reps[1].Threads != 2 {
		t.Fatalf("reports %+v", reps)
	}
	for i, want := range [][]int{{1, 3}, {2, 4}} {
		if !slices.Equal(reps[i].Epochs, want) || len(reps[i].EpochSeconds) != 2 || reps[i].GEMMGFLOPS <= 0 || reps[i].LayerShare["Dense"] <= 0 {
			t.Errorf("report %d: %+v", i, reps[i])
		}
	}
	if len(reps[0].CoresGiven) != 0 || len(reps[1].CoresGiven) != 2 || reps[1].CoresGiven[0] <= 0 || reps[1].CoresGiven[1] <= 0 ||
		len(reps[0].RoundTripNs) != 0 || len(reps[1].RoundTripNs) != 2 || reps[1].RoundTripNs[0] <= 0 {
		t.Errorf("machine checks after the epochs: %v and %v at 1 thread (want none), %v and %v at 2", reps[0].CoresGiven, reps[0].RoundTripNs, reps[1].CoresGiven, reps[1].RoundTripNs)
	}
	ratios := bench.RoundRatios(reps[0], reps[1])
	if len(ratios) != 2 || ratios[0] != reps[0].EpochSeconds[0]/reps[1].EpochSeconds[0] || ratios[1] != reps[0].EpochSeconds[1]/reps[1].EpochSeconds[1] {
		t.Errorf("round ratios %v of epochs %v and %v", ratios, reps[0].EpochSeconds, reps[1].EpochSeconds)
	}
	opt.Epochs = 4
	plain, err := bench.Run(r, opt)
	if err != nil {
		t.Fatal(err)
	}
	if bench.RoundRatios(plain, plain) != nil {
		t.Error("a run's report against itself has round ratios")
	}
	if plain.ValLoss != reps[1].ValLoss || plain.Loss != reps[1].Loss || reps[0].ValLoss == reps[1].ValLoss {
		t.Errorf("interleaved run ends at loss %v, val_loss %v (epoch 3: %v); a plain run of 4 epochs at %v, %v", reps[1].Loss, reps[1].ValLoss, reps[0].ValLoss, plain.Loss, plain.ValLoss)
	}
	var b bytes.Buffer
	reps[1].Print(&b)
	if !strings.Contains(b.String(), "  epoch 4: ") || strings.Contains(b.String(), "epoch 1:") || !strings.Contains(b.String(), " s (the machine gave ") {
		t.Errorf("output numbers the run's epochs wrongly:\n%s", b.String())
	}
	if _, err := bench.Interleave(r, opt, nil); err == nil {
		t.Error("no thread counts accepted")
	}
	if _, err := bench.Interleave(r, opt, []int{2, 0}); err == nil || !strings.Contains(err.Error(), "positive") {
		t.Errorf("a thread count of 0: %v", err)
	}
}

// TestGivenRatios: the speed-up of the rounds in which the machine gave
// the threads their cores leaves out the others, and is every round's
// when the report has no check.
func TestGivenRatios(t *testing.T) {
	base := &bench.Report{Threads: 1, Epochs: []int{1, 3, 5}, EpochSeconds: []float64{2, 2, 3}}
	other := &bench.Report{Threads: 2, Epochs: []int{2, 4, 6}, EpochSeconds: []float64{1, 2, 1.5}, CoresGiven: []float64{1.98, 1.02, 1.80}}
	if got := bench.GivenRatios(base, other); !slices.Equal(got, []float64{2, 2}) {
		t.Errorf("rounds given 2 cores: %v, want [2 2] (the second round left out)", got)
	}
	other.CoresGiven, other.RoundTripNs = []float64{2, 2, 2}, []float64{60, 70, 330}
	if got := bench.GivenRatios(base, other); !slices.Equal(got, []float64{2, 1}) {
		t.Errorf("rounds with threads near each other: %v, want [2 1] (the third, 330 ns apart, left out)", got)
	}
	other.CoresGiven, other.RoundTripNs = nil, nil
	if got := bench.GivenRatios(base, other); !slices.Equal(got, []float64{2, 1, 2}) {
		t.Errorf("without checks: %v, want every round", got)
	}
	if m := bench.Median([]float64{3, 1, 2, 10}); m != 2.5 {
		t.Errorf("median of 3, 1, 2, 10: %v", m)
	}
}
