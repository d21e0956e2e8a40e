package runner_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/runner"
	"github.com/latent-go/latent/safetensors"
)

// runFor runs a recipe on the first 512 images for the given epochs.
func runFor(t *testing.T, name, dir string, epochs int, resume bool, edit func(*recipe.Recipe)) (string, error) {
	t.Helper()
	r, err := recipe.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	r.Epochs = epochs
	if edit != nil {
		edit(r)
	}
	var out strings.Builder
	_, err = runner.Run(r, runner.Options{OutDir: dir, Stdout: &out, Limit: 512, Resume: resume, Data: data.Options{NoDownload: true}})
	return out.String(), err
}

// sameWeights fails unless two model files hold bit-identical tensors.
func sameWeights(t *testing.T, a, b string) {
	t.Helper()
	fa, err := safetensors.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := safetensors.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(fa.Tensors) != len(fb.Tensors) || len(fa.Tensors) == 0 {
		t.Fatalf("%d tensors vs %d", len(fa.Tensors), len(fb.Tensors))
	}
	for name, ta := range fa.Tensors {
		tb := fb.Tensors[name]
		if tb == nil {
			t.Fatalf("%s missing", name)
		}
		for i, v := range ta.Data {
			if tb.Data[i] != v {
				t.Fatalf("%s[%d]: %v uninterrupted, %v resumed", name, i, v, tb.Data[i])
			}
		}
	}
}

// TestResumeEndsWithSameWeights stops runs after 2 of 3 epochs and resumes
// them from their checkpoints: the final weights and the histories must be
// those of runs that never stopped, for a dense autoencoder, a
// convolutional denoising one (noisy inputs) and the VAE (whose Sampling
// layer draws random numbers as it trains).
func TestResumeEndsWithSameWeights(t *testing.T) {
	for _, name := range []string{"ae1", "denoise", "vae"} {
		t.Run(name, func(t *testing.T) {
			if testing.Short() && name != "ae1" {
				t.Skip("short")
			}
			whole, parts := t.TempDir(), t.TempDir()
			if _, err := runFor(t, name, whole, 3, false, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := runFor(t, name, parts, 2, false, nil); err != nil {
				t.Fatal(err)
			}
			out, err := runFor(t, name, parts, 3, true, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "Resuming after epoch 2 from ") || !strings.Contains(out, "Epoch 3/3") || strings.Contains(out, "Epoch 1/3") {
				t.Errorf("resumed output:\n%s", out)
			}
			sameWeights(t, filepath.Join(whole, "model.safetensors"), filepath.Join(parts, "model.safetensors"))
			hw, _ := os.ReadFile(filepath.Join(whole, "history.json"))
			hp, _ := os.ReadFile(filepath.Join(parts, "history.json"))
			// Losses must agree; the seconds differ.
			cut := func(b []byte) string { return string(b[:strings.Index(string(b), `"seconds"`)]) }
			if cut(hw) != cut(hp) {
				t.Errorf("histories differ:\n%s\n%s", hw, hp)
			}
		})
	}
}

func TestResumeRefusesOtherRuns(t *testing.T) {
	dir := t.TempDir()
	if _, err := runFor(t, "ae1", dir, 1, true, nil); err == nil || !strings.Contains(err.Error(), "nothing to resume") {
		t.Errorf("resume with no checkpoint: %v", err)
	}
	if _, err := runFor(t, "ae1", dir, 2, false, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := runFor(t, "ae1", dir, 3, true, func(r *recipe.Recipe) { r.Seed = 8 }); err == nil || !strings.Contains(err.Error(), "different run") {
		t.Errorf("resume with another seed: %v", err)
	}
	if _, err := runFor(t, "ae2", dir, 3, true, nil); err == nil || !strings.Contains(err.Error(), "different run") {
		t.Errorf("resume with another recipe: %v", err)
	}
	if _, err := runFor(t, "ae1", dir, 1, true, nil); err == nil || !strings.Contains(err.Error(), "more than the 1 asked for") {
		t.Errorf("resume with fewer epochs: %v", err)
	}
	// A damaged checkpoint is an error, never a panic or a silent restart.
	path := filepath.Join(dir, runner.CheckpointFile)
	b, _ := os.ReadFile(path)
	if err := os.WriteFile(path, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runFor(t, "ae1", dir, 3, true, nil); err == nil {
		t.Error("a truncated checkpoint was accepted")
	}
}
