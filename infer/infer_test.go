package infer_test

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/latent-go/latent/ae"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

// saved builds a small autoencoder of 6 features with random weights,
// fits a scaler on data and saves both; it returns the file and the data.
func saved(t *testing.T, scale string) (string, *data.Tensor) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	x := tensor.New(300, 6)
	for i := range x.Data {
		x.Data[i] = float32(rng.NormFloat64()*3 + float64(i%6))
	}
	src := data.FromTensor(x, nil, nil)
	a, err := ae.Build(model.Architecture{
		InputShape: []int{6},
		Encoder:    []nn.LayerSpec{{Type: "Dense", Units: 4, Activation: "tanh"}, {Type: "Dense", Units: 2}},
		Decoder:    []nn.LayerSpec{{Type: "Dense", Units: 4, Activation: "tanh"}, {Type: "Dense", Units: 6}},
	}, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range model.Weights(a) {
		for i := range w.Value.Data {
			w.Value.Data[i] += 0.1 * float32(rng.NormFloat64())
		}
	}
	s, err := data.ParseScale(scale)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Fit(src); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := model.Save(a, path, map[string]string{model.MetaScaler: model.ScalerMeta(s), model.MetaLoss: "mse"}); err != nil {
		t.Fatal(err)
	}
	return path, src
}

func collect(t *testing.T, run func(infer.Output) error) *tensor.Tensor {
	t.Helper()
	var c infer.Collector
	if err := run(&c); err != nil {
		t.Fatal(err)
	}
	return c.Tensor()
}

func same(t *testing.T, what string, a, b *tensor.Tensor) {
	t.Helper()
	if !tensor.SameShape(a.Shape, b.Shape) {
		t.Fatalf("%s: shapes %v and %v", what, a.Shape, b.Shape)
	}
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatalf("%s: value %d is %v and %v", what, i, a.Data[i], b.Data[i])
		}
	}
}

// TestEncodeDecodeIsReconstruct: decoding the codes gives what
// reconstruct gives, in the data's units, for every scaler.
func TestEncodeDecodeIsReconstruct(t *testing.T) {
	for _, scale := range []string{"none", "minmax", "standard", "max=10"} {
		path, src := saved(t, scale)
		m, err := infer.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		codes := collect(t, func(o infer.Output) error { return m.Encode(src, 64, o, nil) })
		decoded := collect(t, func(o infer.Output) error { return m.Decode(data.FromTensor(codes, nil, nil), 64, o, nil) })
		recon := collect(t, func(o infer.Output) error { return m.Reconstruct(src, 64, o, nil) })
		same(t, scale+": decode(encode) and reconstruct", decoded, recon)
	}
}

// TestStreamingEqualsWholeInput: an input read in batches of 7 gives
// what it gives in one batch of all 300 samples.
func TestStreamingEqualsWholeInput(t *testing.T) {
	path, src := saved(t, "standard")
	m, err := infer.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	small := collect(t, func(o infer.Output) error {
		return m.Reconstruct(src, 7, o, func(done, total int) { calls++ })
	})
	whole := collect(t, func(o infer.Output) error { return m.Reconstruct(src, 300, o, nil) })
	same(t, "batches of 7 and of 300", small, whole)
	if calls != 43 {
		t.Errorf("progress told %d times, want 43 batches", calls)
	}
	s1, _ := m.Scores(src, 7)
	s2, _ := m.Scores(src, 300)
	for i := range s1 {
		if s1[i] != s2[i] {
			t.Fatalf("score %d: %v and %v", i, s1[i], s2[i])
		}
	}
}

// TestScalerSavedAndApplied: the scaler fitted before saving comes back
// from the file and is applied to raw inputs: encoding raw data through
// the opened model equals encoding the scaled data with the bare model.
func TestScalerSavedAndApplied(t *testing.T) {
	path, src := saved(t, "minmax")
	m, err := infer.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Scaler.Kind != "minmax" || len(m.Scaler.Mul) != 6 {
		t.Fatalf("scaler %+v", m.Scaler)
	}
	scaled, _ := data.ReadAll(data.Scale(src, m.Scaler))
	for _, v := range scaled.Data {
		if v < 0 || v > 1 {
			t.Fatalf("minmax scaled value %v", v)
		}
	}
	want, _ := model.Encode(m.Model, scaled, 64)
	got := collect(t, func(o infer.Output) error { return m.Encode(src, 64, o, nil) })
	same(t, "encode of raw data", want, got)
}
