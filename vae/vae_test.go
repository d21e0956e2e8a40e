package vae_test

import (
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/internal/gradcheck"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
	"github.com/latent-go/latent/vae"
)

// TestKLByHand: one sample with mean (1, 0) and log-variance (0, ln 2):
// KL = -0.5*[(1+0-1-1) + (1+ln2-0-2)] = 1 - ln(2)/2 = 0.6534264.
func TestKLByHand(t *testing.T) {
	gm, gl := make([]float32, 2), make([]float32, 2)
	got := vae.KL([]float32{1, 0}, []float32{0, float32(math.Ln2)}, 1, gm, gl)
	if math.Abs(got-(1-math.Ln2/2)) > 1e-6 {
		t.Errorf("KL = %v, want %v", got, 1-math.Ln2/2)
	}
	// d/dmean = mean; d/dlogvar = -0.5*(1 - exp(logvar)): 0 and 0.5.
	if gm[0] != 1 || gm[1] != 0 || gl[0] != 0 || math.Abs(float64(gl[1])-0.5) > 1e-6 {
		t.Errorf("gradients %v %v", gm, gl)
	}
	// Two samples: the mean over the batch.
	if two := vae.KL([]float32{1, 0, 1, 0}, []float32{0, float32(math.Ln2), 0, float32(math.Ln2)}, 2, nil, nil); math.Abs(two-got) > 1e-6 {
		t.Errorf("batch of two: %v", two)
	}
}

// smallSpec is a tiny convolutional VAE with smooth activations, so that
// finite differences do not cross relu kinks.
func smallSpec() model.Architecture {
	return model.Architecture{
		InputShape: []int{6, 6, 1}, LatentDim: 2,
		Encoder: []nn.LayerSpec{
			{Type: "Conv2D", Filters: 3, KernelSize: []int{3}, Strides: []int{2}, Padding: "same", Activation: "tanh"},
			{Type: "Flatten"},
			{Type: "Dense", Units: 5, Activation: "tanh"},
		},
		Decoder: []nn.LayerSpec{
			{Type: "Dense", Units: 3 * 3 * 2, Activation: "tanh"},
			{Type: "Reshape", TargetShape: []int{3, 3, 2}},
			{Type: "Conv2DTranspose", Filters: 2, KernelSize: []int{3}, Strides: []int{2}, Padding: "same", Activation: "tanh"},
			{Type: "Conv2DTranspose", Filters: 1, KernelSize: []int{3}, Padding: "same", Activation: "sigmoid"},
		},
	}
}

// TestWholeVAEGradient checks the gradient of reconstruction + KL with
// respect to every weight, through the sampling layer (its ε held fixed).
func TestWholeVAEGradient(t *testing.T) {
	v, err := vae.Build(smallSpec(), 3)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x := tensor.New(4, 6, 6, 1)
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	for _, p := range v.Network().Params() {
		for i := range p.Value.Data {
			p.Value.Data[i] += 0.1 * float32(rng.NormFloat64())
		}
	}
	s := v.Network().NewSession()
	loss := func(grad bool) float64 {
		v.Sampling().Reseed(9)
		if _, err := s.Forward([]*tensor.Tensor{x}, true); err != nil {
			t.Fatal(err)
		}
		l, err := vae.Objective{}.Compute(s, x, grad)
		if err != nil {
			t.Fatal(err)
		}
		if grad {
			s.Backward()
		}
		return l.Total
	}
	gradcheck.Model(t, "vae", v.Network().Params(), loss)
}

func kerasVAESpec() model.Architecture {
	return model.Architecture{
		InputShape: []int{28, 28, 1}, LatentDim: 2,
		Encoder: []nn.LayerSpec{
			{Type: "Conv2D", Filters: 32, KernelSize: []int{3}, Strides: []int{2}, Padding: "same", Activation: "relu"},
			{Type: "Conv2D", Filters: 64, KernelSize: []int{3}, Strides: []int{2}, Padding: "same", Activation: "relu"},
			{Type: "Flatten"},
			{Type: "Dense", Units: 16, Activation: "relu"},
		},
		Decoder: []nn.LayerSpec{
			{Type: "Dense", Units: 7 * 7 * 64, Activation: "relu"},
			{Type: "Reshape", TargetShape: []int{7, 7, 64}},
			{Type: "Conv2DTranspose", Filters: 64, KernelSize: []int{3}, Strides: []int{2}, Padding: "same", Activation: "relu"},
			{Type: "Conv2DTranspose", Filters: 32, KernelSize: []int{3}, Strides: []int{2}, Padding: "same", Activation: "relu"},
			{Type: "Conv2DTranspose", Filters: 1, KernelSize: []int{3}, Padding: "same", Activation: "sigmoid"},
		},
	}
}

// TestKerasExampleParams: keras.io's VAE has 69,076 encoder and 65,089
// decoder parameters.
func TestKerasExampleParams(t *testing.T) {
	v, err := vae.Build(kerasVAESpec(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if e, d := v.Encoder().CountParams(), v.Decoder().CountParams(); e != 69076 || d != 65089 {
		t.Errorf("encoder %d, decoder %d parameters; want 69076 and 65089", e, d)
	}
}

// TestShortRunLearns trains the keras.io VAE on 1,024 real MNIST digits
// for 3 epochs: the total loss falls every epoch, and the same seed gives
// the same bits with 1 and 8 threads.
func TestShortRunLearns(t *testing.T) {
	ds, err := data.Load("mnist", data.Options{NoDownload: true})
	if err != nil {
		t.Fatal(err)
	}
	x := data.FromTensor(ds.Train.Values().Slice(0, 1024).View(28, 28, 1), nil, nil)
	run := func(procs int) *train.History {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		v, err := vae.Build(kerasVAESpec(), 7)
		if err != nil {
			t.Fatal(err)
		}
		tr := &train.Trainer{Model: v.Network(), Objective: vae.Objective{}, Optimizer: optim.NewAdam()}
		h, err := tr.Fit(x, x, train.Config{Epochs: 3, BatchSize: 128, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	h := run(8)
	for e := 1; e < len(h.Loss); e++ {
		if !(h.Loss[e] < h.Loss[e-1]) {
			t.Errorf("loss did not fall: %+v", h)
		}
	}
	// An untrained decoder scores about 784*ln 2 = 543 per image.
	recon, kl := h.Part("reconstruction_loss"), h.Part("kl_loss")
	if len(recon) != 3 || len(kl) != 3 || recon[0] > 560 || recon[0] < 150 || kl[0] < 0 {
		t.Errorf("epoch 1: %+v", h)
	}
	// The total is the sum of its parts.
	for e := range h.Loss {
		if math.Abs(h.Loss[e]-(recon[e]+kl[e])) > 1e-9*h.Loss[e] {
			t.Errorf("epoch %d: loss %v, parts %v + %v", e+1, h.Loss[e], recon[e], kl[e])
		}
	}
	one := run(1)
	if !reflect.DeepEqual(h.Loss, one.Loss) || !reflect.DeepEqual(h.Parts, one.Parts) {
		t.Fatalf("GOMAXPROCS 8 and 1 differ: %+v vs %+v", h, one)
	}
}

func TestSaveLoadDecodesIdentically(t *testing.T) {
	v, err := vae.Build(smallSpec(), 4)
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/v.safetensors"
	if err := model.Save(v, path, nil); err != nil {
		t.Fatal(err)
	}
	w, _, err := model.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	z := tensor.FromSlice([]float32{0.5, -1, 2, 0.25}, 2, 2)
	a, _ := v.Decoder().Predict(z, 2)
	b, _ := w.Decoder().Predict(z, 2)
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatal("loaded decoder differs")
		}
	}
}

// TestPerSampleAveragesToBatchLoss: a VAE's per-sample losses (summed
// cross-entropy plus KL) average to its batch loss; their draws of z are
// the inference stream's, the same for both.
func TestPerSampleAveragesToBatchLoss(t *testing.T) {
	v, err := vae.Build(smallSpec(), 5)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	x := tensor.New(40, 6, 6, 1)
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	xs := data.FromTensor(x, nil, nil)
	batch, err := train.Evaluate(v.Network().NewSession(), vae.Objective{}, xs, xs, 40)
	if err != nil {
		t.Fatal(err)
	}
	scores, err := train.PerSample(v.Network().NewSession(), vae.Objective{}, xs, xs, 40)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, s := range scores {
		sum += s
	}
	if mean := sum / 40; math.Abs(mean-batch.Total) > 1e-5*batch.Total {
		t.Errorf("mean of per-sample losses %v, batch loss %v (parts %v)", mean, batch.Total, batch.Parts)
	}
	if math.Abs(batch.Total-(batch.Parts[0]+batch.Parts[1])) > 1e-9*batch.Total {
		t.Errorf("total %v is not the sum of %v", batch.Total, batch.Parts)
	}
}
