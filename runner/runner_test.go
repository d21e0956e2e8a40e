package runner_test

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/runner"
	"github.com/latent-go/latent/tensor"
)

// TestRunAe3cOneEpoch runs the lecture's program 6 for one epoch on the
// real MNIST and checks every file it must leave behind.
func TestRunAe3cOneEpoch(t *testing.T) {
	r, err := recipe.Load("ae3c")
	if err != nil {
		t.Fatal(err)
	}
	r.Epochs = 1
	dir := t.TempDir()
	var out bytes.Buffer
	res, err := runner.Run(r, runner.Options{OutDir: dir, Stdout: &out, Data: data.Options{NoDownload: true}})
	if err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, s := range []string{`Model: "model_2"`, "Total params: 103410 (403.95 KB)", "Epoch 1/1 - ", "encoded_imgs[9]:", "np.mean(encoded_imgs[0]): "} {
		if !strings.Contains(text, s) {
			t.Errorf("output lacks %q", s)
		}
	}
	for name, size := range map[string][2]int{
		"reconstructions.png": {4 + 10*(28*3+4), 4 + 2*(28*3+4)},
		"grid.png":            {15 * 28 * 2, 15 * 28 * 2},
		"latent.png":          {0, 0},
		"loss.png":            {0, 0},
		"autoencoder.png":     {0, 0},
		"encoder.png":         {0, 0},
		"decoder.png":         {0, 0},
	} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if size[0] != 0 && (cfg.Width != size[0] || cfg.Height != size[1]) {
			t.Errorf("%s is %dx%d, want %dx%d", name, cfg.Width, cfg.Height, size[0], size[1])
		}
	}
	var h runner.HistoryFile
	b, err := os.ReadFile(filepath.Join(dir, "history.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	if len(h.Loss) != 1 || len(h.ValLoss) != 1 || len(h.Seconds) != 1 || h.Loss[0] != res.History.Loss[0] || h.Recipe != "ae3c" {
		t.Errorf("history.json %+v", h)
	}
	if h.ValLoss[0] > 0.3 {
		t.Errorf("val_loss %v after one epoch; expected under 0.3", h.ValLoss[0])
	}
	// The saved model encodes the test set exactly as the trained one did.
	a, _, err := model.Open(filepath.Join(dir, "model.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := data.Load("mnist", data.Options{NoDownload: true})
	codes, _ := a.Encoder().Predict(ds.Test.Values().Slice(0, 100).View(784), 32)
	for i, v := range codes.Data {
		if v != res.Codes.Data[i] {
			t.Fatalf("loaded model's code %d differs: %v vs %v", i, v, res.Codes.Data[i])
		}
	}
}

func TestFormatArrayLikeNumPy(t *testing.T) {
	// Expected texts printed by NumPy 1.24 (Debian's python3-numpy) after
	// np.set_printoptions(precision=4), for program 5's code of test image 0
	// and the first ten values of program 2's.
	if got := runner.FormatArray([]float32{0, 21.3608}); got != "[ 0.     21.3608]" {
		t.Errorf("got %q", got)
	}
	v := []float32{6.8632, 12.2469, 8.2113, 7.629, 4.9538, 6.9681, 4.7306, 6.9359, 10.5455, 2.3526}
	want := "[ 6.8632 12.2469  8.2113  7.629   4.9538  6.9681  4.7306  6.9359 10.5455\n  2.3526]"
	if got := runner.FormatArray(v); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestDecodeGridOrder(t *testing.T) {
	r, _ := recipe.Load("ae3c")
	a, _ := r.Build()
	grid, err := runner.DecodeGrid(a.Decoder(), &recipe.Grid{N: 3, Min: 0, Max: 4}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(grid) != 3 || len(grid[0]) != 3 || len(grid[2][1]) != 784 {
		t.Fatalf("grid %dx%d", len(grid), len(grid[0]))
	}
	// Row 0, column 2 is the code (x=4, y=0), as the lecture's loops make it.
	z := []float32{4, 0}
	want, _ := a.Decoder().Predict(tensorOf(z), 1)
	for i, v := range want.Data {
		if grid[0][2][i] != v {
			t.Fatal("grid[0][2] is not the decoding of (4, 0)")
		}
	}
	r1, _ := recipe.Load("ae1")
	b, _ := r1.Build()
	if _, err := runner.DecodeGrid(b.Decoder(), &recipe.Grid{N: 3, Max: 1}, false); err == nil {
		t.Error("grid of a 32-d code accepted")
	}
}

func tensorOf(v []float32) *tensor.Tensor { return tensor.FromSlice(v, 1, len(v)) }

// TestRunCorruptedRecipes runs the denoising and inpainting recipes on
// 512 real digits for one epoch: three-row figures, and for inpainting the
// error inside the masks beside the mean-image baseline.
func TestRunCorruptedRecipes(t *testing.T) {
	for _, name := range []string{"denoise", "inpaint"} {
		r, err := recipe.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		r.Epochs = 1
		dir := t.TempDir()
		var out bytes.Buffer
		res, err := runner.Run(r, runner.Options{OutDir: dir, Stdout: &out, Limit: 512, Data: data.Options{NoDownload: true}})
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join(dir, "reconstructions.png"))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Height != 4+3*(28*3+4) {
			t.Errorf("%s: figure %+v %v, want three rows", name, cfg, err)
		}
		if name == "inpaint" {
			if res.Inpainting == nil || res.Inpainting.Values != 512*144 || !strings.Contains(out.String(), "mean-image fill MSE") {
				t.Errorf("inpainting report %+v", res.Inpainting)
			}
		}
	}
}

// TestRunVAE runs the VAE recipe on 512 digits for two epochs and checks
// its files and its printed terms.
func TestRunVAE(t *testing.T) {
	r, _ := recipe.Load("vae")
	r.Epochs = 2
	dir := t.TempDir()
	var out bytes.Buffer
	if _, err := runner.Run(r, runner.Options{OutDir: dir, Stdout: &out, Limit: 512, Data: data.Options{NoDownload: true}}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`Model: "encoder"`, "Connected to", "reconstruction_loss: ", "kl_loss: ", "Epoch 2/2"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output lacks %q", s)
		}
	}
	var h runner.HistoryFile
	b, _ := os.ReadFile(filepath.Join(dir, "history.json"))
	if err := json.Unmarshal(b, &h); err != nil || len(h.Part("kl_loss")) != 2 || len(h.Part("reconstruction_loss")) != 2 || !(h.Loss[1] < h.Loss[0]) || h.ValLoss != nil {
		t.Errorf("history %+v %v", h, err)
	}
	f, err := os.Open(filepath.Join(dir, "grid.png"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := png.DecodeConfig(f)
	f.Close()
	if cfg.Width != 30*28 {
		t.Errorf("grid %dx%d, want 840 wide", cfg.Width, cfg.Height)
	}
	for _, name := range []string{"latent.png", "encoder.png", "decoder.png", "model.safetensors", "summary.txt"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
}
