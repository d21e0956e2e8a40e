package onnx_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/latent-go/latent/ae"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/onnx"
	"github.com/latent-go/latent/pca"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/tensor"
)

// runtimeDir holds onnxruntime-node, which .ci/run installs with
// npm install --ignore-scripts --prefix onnx/testdata/ort onnxruntime-node@1.30.0.
var runtimeDir = filepath.Join("testdata", "ort")

// ortRun runs an exported model in ONNX Runtime on the feeds.
func ortRun(t *testing.T, modelBytes []byte, feeds map[string]*tensor.Tensor) map[string]*tensor.Tensor {
	t.Helper()
	// CI sets LATENT_REQUIRE_ORT so that a missing runtime fails there.
	skip := t.Skipf
	if os.Getenv("LATENT_REQUIRE_ORT") != "" {
		skip = t.Fatalf
	}
	node, err := exec.LookPath("node")
	if err != nil {
		skip("Node.js is missing: ONNX Runtime cannot run the exports here")
	}
	if _, err := os.Stat(filepath.Join(runtimeDir, "node_modules", "onnxruntime-node")); err != nil {
		skip("onnxruntime-node is not installed in %s (.ci/run installs it)", runtimeDir)
	}
	path := filepath.Join(t.TempDir(), "m.onnx")
	os.WriteFile(path, modelBytes, 0o644)
	type tj struct {
		Dims []int     `json:"dims"`
		Data []float32 `json:"data"`
	}
	type feed struct {
		Dims []int `json:"dims"`
		Data []any `json:"data"` // nil for a NaN, which JSON cannot hold
	}
	req := map[string]any{"model": path, "feeds": map[string]feed{}}
	for name, x := range feeds {
		values := make([]any, len(x.Data))
		for i, v := range x.Data {
			if v == v {
				values[i] = v
			}
		}
		req["feeds"].(map[string]feed)[name] = feed{x.Shape, values}
	}
	b, _ := json.Marshal(req)
	abs, _ := filepath.Abs(runtimeDir)
	cmd := exec.Command(node, filepath.Join("testdata", "run.js"))
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(abs, "node_modules"))
	cmd.Stdin = bytes.NewReader(b)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ONNX Runtime: %v: %s", err, stderr.String())
	}
	var res map[string]tj
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	got := map[string]*tensor.Tensor{}
	for name, r := range res {
		got[name] = tensor.FromSlice(r.Data, r.Dims...)
	}
	return got
}

// maxDiff is the largest |a-b| over two tensors of one size; +Inf where
// either holds a NaN.
func maxDiff(t *testing.T, what string, a, b *tensor.Tensor) float64 {
	t.Helper()
	if len(a.Data) != len(b.Data) {
		t.Fatalf("%s: %d values from ONNX Runtime, %d from latent", what, len(a.Data), len(b.Data))
	}
	d := 0.0
	for i := range a.Data {
		diff := math.Abs(float64(a.Data[i] - b.Data[i]))
		if diff != diff {
			return math.Inf(1) // a NaN on either side
		}
		d = math.Max(d, diff)
	}
	return d
}

// mnistInputs are 5 test digits in the model's input shape.
func mnistInputs(t *testing.T, shape []int) *tensor.Tensor {
	ds, err := data.Load("mnist", data.Options{NoDownload: true})
	if err != nil {
		t.Fatal(err)
	}
	src, err := data.Reshape(data.Head(ds.Test, 5), shape...)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := data.ReadAll(src)
	return x
}

// TestBuiltinRecipesInONNXRuntime exports the autoencoder, the encoder and
// the decoder of every built-in recipe (weights as built from its seed)
// and runs each in ONNX Runtime on real digits: the outputs must equal
// latent's to 1e-5.
func TestBuiltinRecipesInONNXRuntime(t *testing.T) {
	for _, name := range recipe.Builtins() {
		r, _ := recipe.Load(name)
		m, err := r.Build()
		if err != nil {
			t.Fatal(err)
		}
		checkModel(t, name, m, data.Scaler{Kind: "none"})
	}
}

// checkModel moves the weights off their initial values (so that every
// unit is active and biases matter), exports each part and compares ONNX
// Runtime's outputs with latent's.
func checkModel(t *testing.T, name string, m model.Model, s data.Scaler) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, w := range model.Weights(m) {
		for i := range w.Value.Data {
			w.Value.Data[i] += 0.05 * float32(rng.NormFloat64())
		}
	}
	x := mnistInputs(t, m.Network().Inputs()[0].Shape())
	scaled := x.Clone()
	s.Apply(scaled.Data)
	codes, _ := model.Encode(m, scaled, 5)
	for _, part := range onnx.Parts {
		b, err := onnx.Export(m, s, part)
		if err != nil {
			t.Fatalf("%s %s: %v", name, part, err)
		}
		var feeds map[string]*tensor.Tensor
		var want *tensor.Tensor
		out := "reconstruction"
		switch part {
		case "encoder":
			feeds, want, out = map[string]*tensor.Tensor{"input": x}, codes, "code"
			if m.Family().Name() == "vae" {
				out = "z_mean"
			}
		case "decoder":
			feeds = map[string]*tensor.Tensor{"code": codes}
			want, _ = model.Decode(m, codes, 5)
			s.Invert(want.Data)
		default:
			feeds = map[string]*tensor.Tensor{"input": x}
			want, _ = model.Reconstruct(m, scaled, 5)
			s.Invert(want.Data)
		}
		got := ortRun(t, b, feeds)[out]
		if got == nil {
			t.Fatalf("%s %s: no output %q", name, part, out)
		}
		d := maxDiff(t, name+" "+part, got, want)
		if d > 1e-5 {
			t.Errorf("%s %s: ONNX Runtime differs from latent by %g", name, part, d)
		}
		fmt.Printf("%-8s %-12s max |ONNX Runtime - latent| = %.3g\n", name, part, d)
	}
}

// TestMissingValuesFilled: a model trained on filled data exports a graph
// that takes NaN for a missing value and fills it as latent fills a CSV's
// (then scales): ONNX Runtime's reconstructions and codes of digits with
// holes equal latent's of the same digits filled.
func TestMissingValuesFilled(t *testing.T) {
	m, err := ae.Build(model.Architecture{InputShape: []int{784},
		Encoder: []nn.LayerSpec{{Type: "Dense", Units: 8, Activation: "relu"}},
		Decoder: []nn.LayerSpec{{Type: "Dense", Units: 784, Activation: "sigmoid"}}}, 5)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := data.ParseScale("standard")
	ds, _ := data.Load("mnist", data.Options{NoDownload: true})
	s.Fit(data.Head(ds.Train, 500))
	fill := make([]float32, 784)
	for i := range fill {
		fill[i] = float32(i%7) / 7
	}
	x := mnistInputs(t, []int{784})
	holes, filled := x.Clone(), x.Clone()
	for i := 0; i < len(holes.Data); i += 13 {
		holes.Data[i], filled.Data[i] = float32(math.NaN()), fill[i%784]
	}
	s.Apply(filled.Data)
	codes, _ := model.Encode(m, filled, 5)
	recon, _ := model.Reconstruct(m, filled, 5)
	s.Invert(recon.Data)
	for part, want := range map[string]*tensor.Tensor{"encoder": codes, "autoencoder": recon} {
		b, err := onnx.ExportFilled(m, s, fill, part)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{"encoder": "code", "autoencoder": "reconstruction"}[part]
		got := ortRun(t, b, map[string]*tensor.Tensor{"input": holes})[out]
		if got == nil {
			t.Fatalf("%s: no output %q", part, out)
		}
		scale := 1.0 // the tolerance is 1e-5 of the largest value, or 1e-5
		for _, v := range want.Data {
			scale = math.Max(scale, math.Abs(float64(v)))
		}
		if d := maxDiff(t, part, got, want); d > 1e-5*scale {
			t.Errorf("%s with holes: ONNX Runtime differs from latent on the filled digits by %g (values up to %g)", part, d, scale)
		}
	}
	if _, err := onnx.ExportFilled(m, s, fill[:10], "encoder"); err == nil || !strings.Contains(err.Error(), "10 fill values for inputs of 784 values") {
		t.Errorf("a fill of the wrong length: %v", err)
	}
}

// TestEveryLayerAlone exports small models that hold each layer with odd
// sizes, strides and both paddings, with a standard scaler, and checks
// them in ONNX Runtime on digits cut to 12x12.
func TestEveryLayerAlone(t *testing.T) {
	conv := func(typ string, f, k, s int, pad, act string) nn.LayerSpec {
		return nn.LayerSpec{Type: typ, Filters: f, KernelSize: []int{k}, Strides: []int{s}, Padding: pad, Activation: act}
	}
	cases := map[string]model.Architecture{
		"dense activations": {InputShape: []int{784}, Encoder: []nn.LayerSpec{{Type: "Dense", Units: 7, Activation: "tanh"}, {Type: "Dense", Units: 3, Activation: "softplus"}},
			Decoder: []nn.LayerSpec{{Type: "Dense", Units: 9, Activation: "relu"}, {Type: "Dense", Units: 784, Activation: "linear"}}},
		"conv valid stride 2, transpose valid": {InputShape: []int{28, 28, 1}, Encoder: []nn.LayerSpec{conv("Conv2D", 3, 3, 2, "valid", "relu"), {Type: "Flatten"}, {Type: "Dense", Units: 4}},
			Decoder: []nn.LayerSpec{{Type: "Dense", Units: 13 * 13 * 2}, {Type: "Reshape", TargetShape: []int{13, 13, 2}}, conv("Conv2DTranspose", 1, 4, 2, "valid", "sigmoid")}},
		"conv same, pool same 3, upsampling": {InputShape: []int{28, 28, 1}, Encoder: []nn.LayerSpec{conv("Conv2D", 4, 5, 1, "same", "tanh"), {Type: "MaxPooling2D", PoolSize: []int{3}, Strides: []int{3}, Padding: "same"}, {Type: "Flatten"}, {Type: "Dense", Units: 5}},
			Decoder: []nn.LayerSpec{{Type: "Dense", Units: 7 * 7 * 3}, {Type: "Reshape", TargetShape: []int{7, 7, 3}}, {Type: "UpSampling2D", Size: []int{4}}, conv("Conv2D", 1, 3, 1, "same", "sigmoid")}},
		"transpose same stride 3, pool valid": {InputShape: []int{28, 28, 1}, Encoder: []nn.LayerSpec{{Type: "MaxPooling2D", PoolSize: []int{2}, Padding: "valid"}, conv("Conv2D", 2, 3, 2, "same", "relu"), {Type: "Flatten"}, {Type: "Dense", Units: 6}},
			Decoder: []nn.LayerSpec{{Type: "Dense", Units: 4 * 4 * 5}, {Type: "Reshape", TargetShape: []int{4, 4, 5}}, conv("Conv2DTranspose", 3, 3, 7, "same", "relu"), conv("Conv2D", 1, 1, 1, "valid", "sigmoid")}},
	}
	for name, a := range cases {
		m, err := ae.Build(a, 3)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		s, _ := data.ParseScale("standard")
		ds, _ := data.Load("mnist", data.Options{NoDownload: true})
		src, _ := data.Reshape(data.Head(ds.Train, 500), a.InputShape...)
		s.Fit(src)
		checkModel(t, name, m, s)
	}
	// A PCA, and a VAE with a scaler.
	p, _, err := pca.Fit(func() data.Source {
		ds, _ := data.Load("mnist", data.Options{NoDownload: true})
		x, _ := data.Reshape(data.Head(ds.Train, 300), 28, 28)
		return x
	}(), 4)
	if err != nil {
		t.Fatal(err)
	}
	checkModel(t, "pca", p, data.Scaler{Kind: "none"})
}

// TestRefusals: an unknown part, and a model whose layer takes two inputs
// on the way to what is asked, are refused with one line.
func TestRefusals(t *testing.T) {
	r, _ := recipe.Load("ae1")
	m, _ := r.Build()
	if _, err := onnx.Export(m, data.Scaler{}, "middle"); err == nil || !strings.Contains(err.Error(), "unknown part") {
		t.Errorf("unknown part: %v", err)
	}
}
