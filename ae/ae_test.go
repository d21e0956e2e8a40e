package ae_test

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/latent-go/latent/ae"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

func ae1Spec() model.Architecture {
	return model.Architecture{
		InputShape: []int{784},
		Encoder:    []nn.LayerSpec{{Type: "Dense", Units: 32, Activation: "relu"}},
		Decoder:    []nn.LayerSpec{{Type: "Dense", Units: 784, Activation: "sigmoid"}},
	}
}

// TestSummaryGolden compares the three summaries of ae1 with Keras 2.15's
// text, as the lecture prints it (testdata/ae1_summary.golden).
func TestSummaryGolden(t *testing.T) {
	a, err := ae.Build(ae1Spec(), 7)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	a.Network().Summary(&b)
	a.Encoder().Summary(&b)
	a.Decoder().Summary(&b)
	want, err := os.ReadFile("testdata/ae1_summary.golden")
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("summary differs from the golden text:\n%s", b.String())
	}
	for _, s := range []string{
		"Total params: 50992 (199.19 KB)", "Total params: 25120 (98.12 KB)", "Total params: 25872 (101.06 KB)",
		`Model: "model_2"`, " input_2 (InputLayer)        [(None, 32)]              0         ",
		"Non-trainable params: 0 (0.00 Byte)",
	} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("summary lacks %q", s)
		}
	}
}

func TestWrapsLongNames(t *testing.T) {
	s := nn.NewScope(1)
	in := s.Input(4)
	l, err := s.Layer(nn.LayerSpec{Type: "Dense", Name: "a_very_long_layer_name_that_wraps", Units: 2})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := s.Apply(l, in)
	m, _ := s.Model([]*nn.Node{in}, []*nn.Node{out})
	var b bytes.Buffer
	m.Summary(&b)
	if !strings.Contains(b.String(), "\n a_very_long_layer_name_tha  (None, 2)                 10        \n t_wraps (Dense)") {
		t.Errorf("long name not wrapped as Keras wraps it:\n%s", b.String())
	}
}

func TestEncoderAndDecoderShareWeights(t *testing.T) {
	a, err := ae.Build(ae1Spec(), 3)
	if err != nil {
		t.Fatal(err)
	}
	x := tensor.New(5, 784)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	full, _ := a.Network().Predict(x, 2)
	code, _ := a.Encoder().Predict(x, 3)
	twoStep, _ := a.Decoder().Predict(code, 5)
	for i := range full.Data {
		if full.Data[i] != twoStep.Data[i] {
			t.Fatalf("decoder(encoder(x)) differs from the autoencoder at %d", i)
		}
	}
	// Changing a weight through the autoencoder changes the encoder.
	a.Network().Layers()[1].Params()[0].Value.Data[0] += 1
	if &a.Encoder().Params()[0].Value.Data[0] != &a.Network().Params()[0].Value.Data[0] {
		t.Error("encoder does not share the autoencoder's kernel")
	}
	if got := a.CodeShape(); len(got) != 1 || got[0] != 32 {
		t.Errorf("code shape %v", got)
	}
}

func TestSaveLoadPredictsIdentically(t *testing.T) {
	spec := ae1Spec()
	spec.Encoder[0].ActivityRegularizer = &nn.RegularizerSpec{L1: 1e-4}
	a, err := ae.Build(spec, 9)
	if err != nil {
		t.Fatal(err)
	}
	// Move the biases off zero so that they are tested too.
	for _, p := range a.Network().Params() {
		for i := range p.Value.Data {
			p.Value.Data[i] += float32(i%7) * 1e-3
		}
	}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := model.Save(a, path, map[string]string{"recipe": "test"}); err != nil {
		t.Fatal(err)
	}
	b, meta, err := model.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if meta["recipe"] != "test" {
		t.Errorf("metadata %v", meta)
	}
	if b.Architecture().Encoder[0].ActivityRegularizer == nil || b.Architecture().Encoder[0].ActivityRegularizer.L1 != 1e-4 {
		t.Error("regularizer lost on load")
	}
	x := tensor.New(17, 784)
	for i := range x.Data {
		x.Data[i] = float32(i%255) / 255
	}
	want, _ := a.Network().Predict(x, 8)
	got, _ := b.Network().Predict(x, 8)
	for i := range want.Data {
		if want.Data[i] != got.Data[i] {
			t.Fatalf("loaded model predicts %v at %d, original %v", got.Data[i], i, want.Data[i])
		}
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.safetensors")
	for name, content := range map[string][]byte{
		"empty":      {},
		"short":      {1, 2, 3},
		"huge":       {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, '{', '}'},
		"not json":   append([]byte{4, 0, 0, 0, 0, 0, 0, 0}, []byte("abcd")...),
		"not latent": append([]byte{2, 0, 0, 0, 0, 0, 0, 0}, []byte("{}")...),
	} {
		os.WriteFile(bad, content, 0o644)
		if _, _, err := model.Open(bad); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
	if _, _, err := model.Open(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file loaded")
	}
}

func TestBuildRejectsBadSpecs(t *testing.T) {
	bad := []model.Architecture{
		{},
		{InputShape: []int{784}},
		{InputShape: []int{784}, Encoder: []nn.LayerSpec{{Type: "Dense", Units: 2}}, Decoder: []nn.LayerSpec{{Type: "Dense", Units: 783}}},
		{InputShape: []int{784}, Encoder: []nn.LayerSpec{{Type: "Conv9", Units: 2}}, Decoder: []nn.LayerSpec{{Type: "Dense", Units: 784}}},
		{InputShape: []int{784}, Encoder: []nn.LayerSpec{{Type: "Dense", Units: 2, Activation: "nope"}}, Decoder: []nn.LayerSpec{{Type: "Dense", Units: 784}}},
	}
	for i, s := range bad {
		if _, err := ae.Build(s, 1); err == nil {
			t.Errorf("spec %d accepted", i)
		}
	}
}
