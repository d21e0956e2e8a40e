package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/latent-go/latent/safetensors"
)

// blobs writes a CSV of three clusters in 6 features, with a header and a
// "kind" label column, and a second CSV of far-away points.
func blobs(t *testing.T, dir string) (normal, odd string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var b, o strings.Builder
	b.WriteString("a,b,c,d,e,f,kind\n")
	o.WriteString("a,b,c,d,e,f,kind\n")
	for i := 0; i < 600; i++ {
		k := i % 3
		for j := 0; j < 6; j++ {
			fmt.Fprintf(&b, "%.4f,", float64(k*(j+1))+0.3*rng.NormFloat64())
		}
		fmt.Fprintf(&b, "%c\n", 'x'+k)
		if i < 20 {
			for j := 0; j < 6; j++ {
				fmt.Fprintf(&o, "%.4f,", 9+3*rng.NormFloat64())
			}
			o.WriteString("x\n")
		}
	}
	normal, odd = filepath.Join(dir, "blobs.csv"), filepath.Join(dir, "odd.csv")
	os.WriteFile(normal, []byte(b.String()), 0o644)
	os.WriteFile(odd, []byte(o.String()), 0o644)
	return normal, odd
}

func latentOK(t *testing.T, bin, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("latent %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestOwnDataWalkthrough is the README's walk-through on a CSV: train on
// it with a held-out split, encode, decode, reconstruct, fit PCA, compare,
// and flag the points of another distribution as anomalies.
func TestOwnDataWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	bin := binary(t)
	dir := t.TempDir()
	normal, odd := blobs(t, dir)
	recipePath := filepath.Join(dir, "tab.json")
	os.WriteFile(recipePath, []byte(`{"name": "tab", "loss": "mean_squared_error", "epochs": 30, "batch_size": 32, "seed": 7,
		"encoder": [{"type": "Dense", "units": 8, "activation": "relu"}, {"type": "Dense", "units": 2}],
		"decoder": [{"type": "Dense", "units": 8, "activation": "relu"}, {"type": "Dense", "units": 6}]}`), 0o644)
	out := latentOK(t, bin, dir, "run", recipePath, "--train", normal, "--label", "kind", "--scale", "standard")
	if !strings.Contains(out, "validation: 60 of the 600 samples of "+normal+" (0.1), drawn with seed 7; training on the other 540") {
		t.Errorf("the split is not stated:\n%s", out)
	}
	m := filepath.Join(dir, "tab", "model.safetensors")
	latentOK(t, bin, dir, "encode", m, normal, "--label", "kind", "--out", "codes.npy", "--projector", "proj")
	latentOK(t, bin, dir, "decode", m, "codes.npy", "--out", "decoded.csv")
	latentOK(t, bin, dir, "reconstruct", m, normal, "--label", "kind", "--out", "recon.csv")
	decoded, _ := os.ReadFile(filepath.Join(dir, "decoded.csv"))
	recon, _ := os.ReadFile(filepath.Join(dir, "recon.csv"))
	if string(decoded) != string(recon) || strings.Count(string(recon), "\n") != 601 {
		t.Errorf("decode(encode) differs from reconstruct, or rows are missing")
	}
	meta, _ := os.ReadFile(filepath.Join(dir, "proj", "metadata.tsv"))
	if strings.Count(string(meta), "\n") != 600 || !strings.HasPrefix(string(meta), "x\ny\nz\n") {
		t.Errorf("projector labels %q...", string(meta[:min(20, len(meta))]))
	}
	var rep pcaReport
	if err := json.Unmarshal([]byte(latentOK(t, bin, dir, "pca", normal, "--label", "kind", "--scale", "standard", "--dim", "2", "--json", "--out", "pca2")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Dim != 2 || len(rep.Ratio) != 2 || !(rep.Ratio[0] > rep.Ratio[1]) || !(rep.MSE > 0) {
		t.Errorf("pca report %+v", rep)
	}
	var cmp struct{ Models []compareRow }
	json.Unmarshal([]byte(latentOK(t, bin, dir, "compare", m, "pca2/model.safetensors", "--data", normal, "--label", "kind", "--json")), &cmp)
	if len(cmp.Models) != 2 || !(cmp.Models[0].MSE > 0) {
		t.Errorf("compare %+v", cmp)
	}
	// Normal points and far-away ones: the detector finds the far ones.
	both := filepath.Join(dir, "both.csv")
	normalRows, _ := os.ReadFile(normal)
	oddRows, _ := os.ReadFile(odd)
	os.WriteFile(both, append(normalRows, []byte(strings.SplitN(string(oddRows), "\n", 2)[1])...), 0o644)
	truth := strings.Repeat("0\n", 600) + strings.Repeat("1\n", 20)
	os.WriteFile(filepath.Join(dir, "truth.txt"), []byte(truth), 0o644)
	var an anomaliesReport
	json.Unmarshal([]byte(latentOK(t, bin, dir, "anomalies", m, both, "--label", "kind", "--labels", "truth.txt", "--threshold", "max", "--json")), &an)
	if an.N != 620 || an.AUC == nil || *an.AUC < 0.99 || an.Flagged < 20 || an.Flagged > 40 {
		t.Errorf("anomalies %+v (auc %v)", an, an.AUC)
	}
	// The worst five, highest first, are far-away points (rows 600 on).
	for i, w := range an.Worst {
		if len(an.Worst) != 5 || w.Index < 600 || i > 0 && w.Score > an.Worst[i-1].Score {
			t.Errorf("the worst samples %+v", an.Worst)
			break
		}
	}
	for _, f := range []string{"scores.csv", "histogram.png", "roc.png"} {
		if _, err := os.Stat(filepath.Join(dir, "anomalies", f)); err != nil {
			t.Error(err)
		}
	}
}

// TestBadDataNothingWritten: a bad data file stops a run with one line
// that names the file, the line and the column, before anything is
// written.
func TestBadDataNothingWritten(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("a,b\n1,2\n3,x\n"), 0o644)
	cmd := exec.Command(bin, "run", "ae1", "--train", bad, "--out", filepath.Join(dir, "out"))
	out, err := cmd.CombinedOutput()
	if err == nil || strings.TrimSpace(string(out)) != "latent: "+bad+`: line 3, column 2: "x" is not a number` {
		t.Errorf("exit %v, output %q", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("the output folder was made for bad data")
	}
}

// TestExportImportRoundTrip writes a model's weights with Keras's names,
// loads them into a fresh model of the recipe, and gets the same weights;
// the ONNX export of each part is written too.
func TestExportImportRoundTrip(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	normal, _ := blobs(t, dir)
	recipePath := filepath.Join(dir, "tab.json")
	os.WriteFile(recipePath, []byte(`{"name": "tab", "loss": "mse", "epochs": 2, "batch_size": 32, "seed": 7, "input_shape": [6],
		"encoder": [{"type": "Dense", "units": 2}], "decoder": [{"type": "Dense", "units": 6}]}`), 0o644)
	latentOK(t, bin, dir, "run", recipePath, "--train", normal, "--label", "kind", "--out", "tab")
	latentOK(t, bin, dir, "export", "tab/model.safetensors", "--format", "safetensors", "--out", "w.safetensors")
	latentOK(t, bin, dir, "import", recipePath, "w.safetensors", "--out", "back.safetensors")
	a, err := safetensors.ReadFile(filepath.Join(dir, "tab", "model.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := safetensors.ReadFile(filepath.Join(dir, "back.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Tensors) != 4 || len(b.Tensors) != 4 {
		t.Fatalf("%d and %d tensors", len(a.Tensors), len(b.Tensors))
	}
	for name, ta := range a.Tensors {
		for i, v := range ta.Data {
			if b.Tensors[name].Data[i] != v {
				t.Fatalf("%s[%d] differs after the round trip", name, i)
			}
		}
	}
	for _, part := range []string{"autoencoder", "encoder", "decoder"} {
		latentOK(t, bin, dir, "export", "tab/model.safetensors", "--part", part, "--out", part+".onnx")
	}
}
