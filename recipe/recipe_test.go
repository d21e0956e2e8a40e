package recipe_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/recipe"
)

func TestBuiltinsMatchTheLecture(t *testing.T) {
	// Parameter counts from Keras's summaries (the lecture's, and the
	// blog's 4385 and 28353 for its convolutional autoencoders).
	want := map[string]struct {
		params, epochs int
		code           int
		batch          int
	}{
		"ae1":     {50992, 50, 32, 256},
		"ae2":     {50992, 50, 32, 256},
		"ae3":     {222384, 100, 32, 256},
		"ae3b":    {103410, 100, 2, 256},
		"ae3c":    {103410, 100, 2, 256},
		"conv":    {4385, 50, 4 * 4 * 8, 128},
		"denoise": {28353, 100, 7 * 7 * 32, 128},
		"inpaint": {111425, 20, 7 * 7 * 64, 128},
	}
	names := recipe.Builtins()
	if len(names) != len(want)+1 {
		t.Errorf("built-ins %v", names)
	}
	for _, n := range names {
		if n == "vae" {
			r, err := recipe.Load(n)
			if err != nil {
				t.Fatal(err)
			}
			v, err := r.Build()
			if err != nil {
				t.Fatal(err)
			}
			if v.Encoder().CountParams() != 69076 || v.Decoder().CountParams() != 65089 || r.Epochs != 30 || r.BatchSize != 128 || v.Family().Name() != "vae" {
				t.Errorf("vae: %d + %d params", v.Encoder().CountParams(), v.Decoder().CountParams())
			}
			continue
		}
		r, err := recipe.Load(n)
		if err != nil {
			t.Fatal(err)
		}
		a, err := r.Build()
		if err != nil {
			t.Fatal(err)
		}
		w := want[n]
		code := 1
		for _, d := range model.CodeShape(a) {
			code *= d
		}
		if a.Network().CountParams() != w.params || r.Epochs != w.epochs || code != w.code {
			t.Errorf("%s: %d params, %d epochs, code %v", n, a.Network().CountParams(), r.Epochs, model.CodeShape(a))
		}
		if r.BatchSize != w.batch || r.Seed != 7 || r.Loss != "binary_crossentropy" || r.Optimizer.LearningRate == nil || *r.Optimizer.LearningRate != 0.001 {
			t.Errorf("%s: settings %+v", n, r)
		}
	}
}

func TestUserRecipeFile(t *testing.T) {
	dir := t.TempDir()
	good := `{"name": "mine", "input_shape": [784], "epochs": 2,
	  "encoder": [{"type": "Dense", "units": 8, "activation": "tanh"}],
	  "decoder": [{"type": "Dense", "units": 784, "activation": "sigmoid"}],
	  "loss": "mse", "optimizer": {"name": "adam", "learning_rate": 0.01}}`
	p := filepath.Join(dir, "mine.json")
	os.WriteFile(p, []byte(good), 0o644)
	r, err := recipe.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if r.BatchSize != 32 || r.Dataset != "mnist" || r.Optimizer.LearningRate == nil || *r.Optimizer.LearningRate != 0.01 {
		t.Errorf("defaults not filled: %+v", r)
	}
	for name, bad := range map[string]string{
		"typo":       strings.Replace(good, `"epochs"`, `"epoch"`, 1),
		"loss":       strings.Replace(good, `"mse"`, `"hinge9"`, 1),
		"activation": strings.Replace(good, `"tanh"`, `"tanhh"`, 1),
		"shape":      strings.Replace(good, `"units": 784`, `"units": 700`, 1),
		"epochs":     strings.Replace(good, `"epochs": 2`, `"epochs": 0`, 1),
		"json":       good[:40],
	} {
		os.WriteFile(p, []byte(bad), 0o644)
		if _, err := recipe.Load(p); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
	if _, err := recipe.Load("ae9"); err == nil || !strings.Contains(err.Error(), "ae1, ae2") {
		t.Errorf("unknown recipe error: %v", err)
	}
}

// FuzzParse: any bytes either parse into a recipe that builds, or give one
// line without a Go type in it; never a panic.
func FuzzParse(f *testing.F) {
	for _, name := range recipe.Builtins() {
		b, _ := os.ReadFile(filepath.Join("builtin", name+".json"))
		f.Add(b)
	}
	f.Add([]byte(`{"name": "x", "epochs": 1, "encoder": [{"type": "Dense", "units": "32"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := recipe.Parse(b)
		if err != nil {
			msg := err.Error()
			if strings.Contains(msg, "\n") || strings.Contains(msg, "Go struct") || strings.Contains(msg, "main.") || strings.Contains(msg, "recipe.Recipe") {
				t.Fatalf("message %q", msg)
			}
			return
		}
		if len(r.InputShape) > 0 {
			r.Build() // may refuse, must not panic or allocate beyond the plan
		}
	})
}
