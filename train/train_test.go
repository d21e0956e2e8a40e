package train_test

import (
	"bytes"
	"math"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/latent-go/latent/ae"
	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/loss"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
)

var (
	mnistOnce sync.Once
	mnist     *data.Dataset
	mnistErr  error
)

// subset returns the first n training and m test images of the real MNIST.
func subset(t *testing.T, n, m int) (*tensor.Tensor, *tensor.Tensor) {
	t.Helper()
	mnistOnce.Do(func() { mnist, mnistErr = data.Load("mnist", data.Options{NoDownload: true}) })
	if mnistErr != nil {
		t.Fatal(mnistErr)
	}
	return mnist.Train.Values().Slice(0, n).Clone().View(784), mnist.Test.Values().Slice(0, m).Clone().View(784)
}

// src is a source of x's rows (nil for nil).
func src(x *tensor.Tensor) data.Source {
	if x == nil {
		return nil
	}
	return data.FromTensor(x, nil, nil)
}

func ae1(t *testing.T, seed uint64, reg *nn.RegularizerSpec) *ae.Autoencoder {
	t.Helper()
	a, err := ae.Build(model.Architecture{
		InputShape: []int{784},
		Encoder:    []nn.LayerSpec{{Type: "Dense", Units: 32, Activation: "relu", ActivityRegularizer: reg}},
		Decoder:    []nn.LayerSpec{{Type: "Dense", Units: 784, Activation: "sigmoid"}},
	}, seed)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func fit(t *testing.T, a *ae.Autoencoder, x, val *tensor.Tensor, epochs, batch int) *train.History {
	t.Helper()
	tr := &train.Trainer{Model: a.Network(), Objective: train.Reconstruction{Loss: loss.BinaryCrossentropy{}}, Optimizer: optim.NewAdam()}
	xs, vs := src(x), src(val)
	h, err := tr.Fit(xs, xs, train.Config{Epochs: epochs, BatchSize: batch, Seed: 7, ValX: vs, ValY: vs})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestShortRunLearns trains ae1 on 3,000 real MNIST images for 3 epochs:
// the loss must fall every epoch, from above 0.4 (an untrained sigmoid
// output scores about 0.69) to a val_loss under 0.32.
func TestShortRunLearns(t *testing.T) {
	x, val := subset(t, 3000, 500)
	h := fit(t, ae1(t, 7, nil), x, val, 3, 256)
	for e := 1; e < 3; e++ {
		if !(h.Loss[e] < h.Loss[e-1]) || !(h.ValLoss[e] < h.ValLoss[e-1]) {
			t.Errorf("loss did not fall: loss %v val_loss %v", h.Loss, h.ValLoss)
		}
	}
	if h.Loss[0] < 0.4 || h.ValLoss[2] > 0.32 {
		t.Errorf("unexpected scale: loss %v val_loss %v", h.Loss, h.ValLoss)
	}
	if len(h.Seconds) != 3 {
		t.Errorf("seconds %v", h.Seconds)
	}
}

// TestSameBitsAnyThreadCount trains with GOMAXPROCS 1, 2 and 8 and
// requires bit-identical weights and history.
func TestSameBitsAnyThreadCount(t *testing.T) {
	x, val := subset(t, 1500, 300)
	run := func(procs int) (*ae.Autoencoder, *train.History) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		a := ae1(t, 7, &nn.RegularizerSpec{L1: 1e-4})
		return a, fit(t, a, x, val, 2, 128)
	}
	a1, h1 := run(1)
	for _, p := range []int{2, 8} {
		ap, hp := run(p)
		for i := range h1.Loss {
			if h1.Loss[i] != hp.Loss[i] || h1.ValLoss[i] != hp.ValLoss[i] {
				t.Fatalf("GOMAXPROCS=%d: history %v/%v, with 1: %v/%v", p, hp.Loss, hp.ValLoss, h1.Loss, h1.ValLoss)
			}
		}
		for j, prm := range a1.Network().Params() {
			for i, v := range prm.Value.Data {
				if ap.Network().Params()[j].Value.Data[i] != v {
					t.Fatalf("GOMAXPROCS=%d: weight %s[%d] differs", p, prm.Name, i)
				}
			}
		}
	}
	// And a different seed gives different weights.
	b := ae1(t, 8, nil)
	if b.Network().Params()[0].Value.Data[0] == ae1(t, 7, nil).Network().Params()[0].Value.Data[0] {
		t.Error("seeds 7 and 8 give the same first weight")
	}
}

// TestEvaluateIncludesActivityPenalty checks Keras 2.15's val_loss:
// mean BCE plus l1*Σ|code|/batch, batches weighted by their size.
func TestEvaluateIncludesActivityPenalty(t *testing.T) {
	_, val := subset(t, 10, 300)
	a := ae1(t, 7, &nn.RegularizerSpec{L1: 0.01})
	tr := &train.Trainer{Model: a.Network(), Objective: train.Reconstruction{Loss: loss.BinaryCrossentropy{}}, Optimizer: optim.NewAdam()}
	v, err := train.Evaluate(tr.Session(), tr.Objective, src(val), src(val), 128) // batches of 128, 128 and 44
	if err != nil {
		t.Fatal(err)
	}
	got := v.Total
	recon, _ := a.Network().Predict(val, 300)
	codes, _ := a.Encoder().Predict(val, 300)
	var bce, l1 float64
	for i, p := range recon.Data {
		y := float64(val.Data[i])
		q := math.Min(math.Max(float64(p), 1e-12), 1-1e-12)
		bce -= y*math.Log(q) + (1-y)*math.Log(1-q)
	}
	for _, c := range codes.Data {
		l1 += math.Abs(float64(c))
	}
	want := bce/float64(len(recon.Data)) + 0.01*l1/300
	if math.Abs(got-want) > 2e-4 {
		t.Errorf("evaluate = %v, want BCE+penalty = %v", got, want)
	}
}

func TestEpochOrder(t *testing.T) {
	a := train.EpochOrder(1000, 7, 0, true)
	b := train.EpochOrder(1000, 7, 0, true)
	c := train.EpochOrder(1000, 7, 1, true)
	seen := make([]bool, 1000)
	same := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("same seed and epoch, different order")
		}
		seen[a[i]] = true
		if a[i] == c[i] {
			same++
		}
	}
	for i, s := range seen {
		if !s {
			t.Fatalf("index %d missing from the permutation", i)
		}
	}
	if same > 20 {
		t.Errorf("epochs 0 and 1 share %d positions; not reshuffled", same)
	}
	if o := train.EpochOrder(5, 7, 0, false); o[0] != 0 || o[4] != 4 {
		t.Errorf("unshuffled order %v", o)
	}
}

func TestFitRejectsBadInput(t *testing.T) {
	a := ae1(t, 1, nil)
	tr := &train.Trainer{Model: a.Network(), Objective: train.Reconstruction{Loss: loss.BinaryCrossentropy{}}, Optimizer: optim.NewAdam()}
	x := src(tensor.New(10, 784))
	for _, c := range []struct {
		x, y data.Source
		cfg  train.Config
	}{
		{x, x, train.Config{Epochs: 1, BatchSize: 0}},
		{x, x, train.Config{Epochs: 0, BatchSize: 4}},
		{src(tensor.New(10, 783)), src(tensor.New(10, 783)), train.Config{Epochs: 1, BatchSize: 4}},
		{x, src(tensor.New(9, 784)), train.Config{Epochs: 1, BatchSize: 4}},
		{x, src(tensor.New(10, 783)), train.Config{Epochs: 1, BatchSize: 4}},
		{x, x, train.Config{Epochs: 1, BatchSize: 4, ValX: src(tensor.New(10, 783))}},
		{x, x, train.Config{Epochs: 1, BatchSize: 4, ValY: x}},
		{x, x, train.Config{Epochs: 1, BatchSize: 4, History: &train.History{Loss: []float64{1, 2}}}},
	} {
		if _, err := tr.Fit(c.x, c.y, c.cfg); err == nil {
			t.Errorf("fit accepted %v/%v %+v", c.x.Shape(), c.y.Shape(), c.cfg)
		}
	}
}

func TestProgressLinePerEpoch(t *testing.T) {
	x, val := subset(t, 600, 100)
	a := ae1(t, 7, nil)
	var out bytes.Buffer
	tr := &train.Trainer{Model: a.Network(), Objective: train.Reconstruction{Loss: loss.BinaryCrossentropy{}}, Optimizer: optim.NewAdam()}
	if _, err := tr.Fit(src(x), src(x), train.Config{Epochs: 2, BatchSize: 256, ValX: src(val),
		Callbacks: []train.Callback{&train.Progress{W: &out}}}); err != nil {
		t.Fatal(err)
	}
	// The time per step reads s, ms or us, whatever the machine's speed.
	line := regexp.MustCompile(`^Epoch 2/2 - \d+s \d+(s|ms|us)/step - loss: 0\.\d{4} - val_loss: 0\.\d{4}$`)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "Epoch 1/2 - ") || !line.MatchString(lines[1]) {
		t.Errorf("progress output:\n%s", out.String())
	}
	var term bytes.Buffer
	p := &train.Progress{W: &term, Terminal: true}
	p.TrainBegin(train.Info{Epochs: 1, Steps: 3})
	p.EpochBegin(0)
	p.EpochEnd(train.EpochLogs{Loss: 0.5, Seconds: 1.5})
	if !strings.Contains(term.String(), "3/3 [==============================] - 2s 500ms/step - loss: 0.5000") {
		t.Errorf("terminal progress: %q", term.String())
	}
}

func TestFormatValue(t *testing.T) {
	for v, want := range map[float64]string{0.09155: "0.0916", 1.5: "1.5000", 0.0005: "5.0000e-04", 205.15923: "205.1592"} {
		if got := train.FormatValue(v); got != want {
			t.Errorf("FormatValue(%v) = %s, want %s", v, got, want)
		}
	}
}

// TestEveryGEMMTrainsAlike trains the same model with each GEMM this build
// has: every one must learn, and their losses agree to rounding.
func TestEveryGEMMTrainsAlike(t *testing.T) {
	x, val := subset(t, 2000, 300)
	defer compute.Use(compute.Current())
	var ref *train.History
	for _, g := range compute.Implementations() {
		compute.Use(g)
		h := fit(t, ae1(t, 7, nil), x, val, 2, 256)
		if !(h.ValLoss[1] < h.ValLoss[0]) {
			t.Errorf("%s: val_loss did not fall: %v", g.Name(), h.ValLoss)
		}
		if ref == nil {
			ref = h
			continue
		}
		for e := range h.Loss {
			if math.Abs(h.Loss[e]-ref.Loss[e]) > 1e-4 || math.Abs(h.ValLoss[e]-ref.ValLoss[e]) > 1e-4 {
				t.Errorf("%s: losses %v/%v, default GEMM %v/%v", g.Name(), h.Loss, h.ValLoss, ref.Loss, ref.ValLoss)
			}
		}
	}
}

// TestConvSameBitsAnyThreadCount trains the blog's convolutional
// autoencoder (convolutions, pooling, upsampling) with 1, 2 and 8 threads:
// the weights must agree bit for bit, which Keras does not promise for
// convolutions.
func TestConvSameBitsAnyThreadCount(t *testing.T) {
	x, val := subset(t, 512, 128)
	xs, vs := src(x.View(28, 28, 1)), src(val.View(28, 28, 1))
	run := func(procs int) model.Model {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		r, err := recipe.Load("conv")
		if err != nil {
			t.Fatal(err)
		}
		a, err := r.Build()
		if err != nil {
			t.Fatal(err)
		}
		tr := &train.Trainer{Model: a.Network(), Objective: train.Reconstruction{Loss: loss.BinaryCrossentropy{}}, Optimizer: optim.NewAdam()}
		if _, err := tr.Fit(xs, xs, train.Config{Epochs: 1, BatchSize: 128, Seed: 7, ValX: vs, ValY: vs}); err != nil {
			t.Fatal(err)
		}
		return a
	}
	one := run(1)
	for _, procs := range []int{2, 8} {
		other := run(procs)
		for j, p := range one.Network().Params() {
			for i, v := range p.Value.Data {
				if other.Network().Params()[j].Value.Data[i] != v {
					t.Fatalf("%d threads: param %d (%s) differs at %d", procs, j, p.Name, i)
				}
			}
		}
	}
}
