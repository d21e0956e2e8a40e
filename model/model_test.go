package model_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/safetensors"
	"github.com/latent-go/latent/tensor"
)

// familyRecipes are built-in recipes that cover every family and every
// layer type: dense and convolutional autoencoders, the VAE, and a PCA of
// images (its Flatten and Reshape included).
var familyRecipes = []string{"ae2", "conv", "inpaint", "vae", "pca"}

// build builds a built-in recipe's model with its weights moved off their
// initial values (biases start at zero), so that every weight matters; "pca"
// is a PCA of 28x28 images with 5 components.
func build(t *testing.T, name string) model.Model {
	t.Helper()
	if name == "pca" {
		f, _ := model.Lookup("pca")
		m, err := f.Build(model.Architecture{InputShape: []int{28, 28}, LatentDim: 5}, 0)
		if err != nil {
			t.Fatal(err)
		}
		return shake(m)
	}
	r, err := recipe.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := r.Build()
	if err != nil {
		t.Fatal(err)
	}
	return shake(m)
}

// shake moves every weight a little, from a fixed seed.
func shake(m model.Model) model.Model {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, w := range model.Weights(m) {
		for i := range w.Value.Data {
			w.Value.Data[i] += 0.01 * float32(rng.NormFloat64())
		}
	}
	return m
}

// inputs draws n samples in [0, 1] of the model's input shape.
func inputs(m model.Model, n int, seed uint64) *tensor.Tensor {
	x := tensor.New(append([]int{n}, m.Network().Inputs()[0].Shape()...)...)
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	return x
}

func sameBits(t *testing.T, what string, a, b *tensor.Tensor) {
	t.Helper()
	if !tensor.SameShape(a.Shape, b.Shape) {
		t.Fatalf("%s: shapes %v and %v", what, a.Shape, b.Shape)
	}
	for i := range a.Data {
		if math.Float32bits(a.Data[i]) != math.Float32bits(b.Data[i]) {
			t.Fatalf("%s: value %d is %v, want %v", what, i, b.Data[i], a.Data[i])
		}
	}
}

// TestOpenEveryFamily saves a model of every family, opens the file with
// model.Open (which finds the family from the file alone) and checks that
// the loaded model encodes, decodes, reconstructs and samples bit for bit
// as the saved one, with the same summaries.
func TestOpenEveryFamily(t *testing.T) {
	for _, name := range familyRecipes {
		t.Run(name, func(t *testing.T) {
			m := build(t, name)
			path := filepath.Join(t.TempDir(), "model.safetensors")
			if err := model.Save(m, path, map[string]string{"recipe": name}); err != nil {
				t.Fatal(err)
			}
			got, meta, err := model.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if got.Family().Name() != m.Family().Name() || meta["recipe"] != name {
				t.Errorf("opened a %s (metadata %v), saved a %s", got.Family().Name(), meta, m.Family().Name())
			}
			x := inputs(m, 37, 5)
			for _, use := range []struct {
				name string
				run  func(model.Model, *tensor.Tensor) (*tensor.Tensor, error)
			}{
				{"encode", func(m model.Model, x *tensor.Tensor) (*tensor.Tensor, error) { return model.Encode(m, x, 16) }},
				{"reconstruct", func(m model.Model, x *tensor.Tensor) (*tensor.Tensor, error) { return model.Reconstruct(m, x, 16) }},
				{"every encoder output", func(m model.Model, x *tensor.Tensor) (*tensor.Tensor, error) {
					last := len(m.Encoder().Outputs()) - 1 // a VAE's sampled z
					return m.Encoder().PredictOutput(x, 16, last)
				}},
			} {
				want, err := use.run(m, x)
				if err != nil {
					t.Fatal(err)
				}
				have, err := use.run(got, x)
				if err != nil {
					t.Fatal(err)
				}
				sameBits(t, use.name, want, have)
			}
			var a, b strings.Builder
			for _, v := range m.Views() {
				v.Model.Summary(&a)
			}
			for _, v := range got.Views() {
				v.Model.Summary(&b)
			}
			if a.String() != b.String() {
				t.Errorf("summaries differ:\n%s\n%s", a.String(), b.String())
			}
		})
	}
}

// TestConcurrentInference runs 8 goroutines that encode and reconstruct
// with one shared model of every family at once (run it with -race) and
// requires the results of a sequential run, bit for bit: weights are
// shared read-only, buffers and a VAE's random draws are per call.
func TestConcurrentInference(t *testing.T) {
	for _, name := range familyRecipes {
		t.Run(name, func(t *testing.T) {
			m := build(t, name)
			const callers = 8
			xs := make([]*tensor.Tensor, callers)
			want := make([][2]*tensor.Tensor, callers)
			use := func(x *tensor.Tensor) ([2]*tensor.Tensor, error) {
				z, err := m.Encoder().PredictOutput(x, 8, len(m.Encoder().Outputs())-1)
				if err != nil {
					return [2]*tensor.Tensor{}, err
				}
				r, err := model.Reconstruct(m, x, 8)
				return [2]*tensor.Tensor{z, r}, err
			}
			for i := range xs {
				xs[i] = inputs(m, 20, uint64(i))
				var err error
				if want[i], err = use(xs[i]); err != nil {
					t.Fatal(err)
				}
			}
			got := make([][2]*tensor.Tensor, callers)
			errs := make([]error, callers)
			var wg sync.WaitGroup
			for i := range xs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 3 {
						got[i], errs[i] = use(xs[i])
						runtime.Gosched()
					}
				}()
			}
			wg.Wait()
			for i := range xs {
				if errs[i] != nil {
					t.Fatal(errs[i])
				}
				sameBits(t, "codes", want[i][0], got[i][0])
				sameBits(t, "reconstructions", want[i][1], got[i][1])
			}
		})
	}
}

// TestBillionsOfWeightsRefused plans architectures far beyond the weight
// budget: each is refused with one line, before a weight is allocated.
func TestBillionsOfWeightsRefused(t *testing.T) {
	dense := func(units int) nn.LayerSpec { return nn.LayerSpec{Type: "Dense", Units: units, Activation: "relu"} }
	for name, a := range map[string]model.Architecture{
		"wide code": {InputShape: []int{784}, Encoder: []nn.LayerSpec{dense(4_000_000)}, Decoder: []nn.LayerSpec{dense(784)}},
		"overflow":  {InputShape: []int{784}, Encoder: []nn.LayerSpec{dense(math.MaxInt / 2)}, Decoder: []nn.LayerSpec{dense(784)}},
		"huge input": {InputShape: []int{1 << 20, 1 << 20}, Encoder: []nn.LayerSpec{{Type: "Flatten"}, dense(2)},
			Decoder: []nn.LayerSpec{dense(4), {Type: "Reshape", TargetShape: []int{2, 2}}}},
		"wide conv": {InputShape: []int{28, 28, 1}, Encoder: []nn.LayerSpec{{Type: "Conv2D", Filters: 100000, KernelSize: []int{99}, Padding: "same"}},
			Decoder: []nn.LayerSpec{{Type: "Conv2D", Filters: 1, KernelSize: []int{3}, Padding: "same"}}},
	} {
		for _, family := range []string{"autoencoder", "vae"} {
			f, err := model.Lookup(family)
			if err != nil {
				t.Fatal(err)
			}
			b := a
			if family == "vae" {
				b.LatentDim = 2
				b.Decoder = append([]nn.LayerSpec{dense(8)}, dense(int(min(tensor.Size(a.InputShape), 1<<40))))
				b.Decoder[len(b.Decoder)-1].Activation = "sigmoid"
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err = f.Build(b, 1)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatalf("%s %s: built", family, name)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || len(msg) > 300 {
				t.Errorf("%s %s: not one short line: %q", family, name, msg)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
				t.Errorf("%s %s: allocated %d bytes before refusing", family, name, grew)
			}
		}
	}
}

// TestRegistry finds the built-in families by name and refuses others.
func TestRegistry(t *testing.T) {
	if names := model.Names(); strings.Join(names, ",") != "autoencoder,pca,vae" {
		t.Errorf("families %v", names)
	}
	if f, err := model.Lookup(""); err != nil || f.Name() != "autoencoder" {
		t.Errorf("default family %v %v", f, err)
	}
	if _, err := model.Lookup("gan"); err == nil || !strings.Contains(err.Error(), "autoencoder, pca, vae") {
		t.Errorf("unknown family: %v", err)
	}
}

// FuzzOpen: any bytes in a model file are refused with an error or give a
// model that predicts; never a panic.
func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	for i, name := range []string{"ae1", "conv"} {
		r, _ := recipe.Load(name)
		m, _ := r.Build()
		p := filepath.Join(dir, fmt.Sprint(i))
		model.Save(m, p, map[string]string{"recipe": name})
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "m.safetensors")
		os.WriteFile(p, b, 0o644)
		openAndUse(t, p)
		// The same content sealed with a valid checksum, so that the
		// architecture and the tensors themselves are fuzzed too.
		if sf, err := safetensors.ReadUnchecked(b); err == nil && safetensors.WriteFile(p, sf) == nil {
			openAndUse(t, p)
		}
	})
}

func openAndUse(t *testing.T, p string) {
	if tooBig(p) {
		return // legal, but too slow to fuzz: a plan of millions of weights
	}
	m, _, err := model.Open(p)
	if err != nil {
		return
	}
	x := tensor.New(append([]int{2}, m.Network().Inputs()[0].Shape()...)...)
	if _, err := model.Reconstruct(m, x, 2); err != nil {
		t.Fatalf("opened but cannot reconstruct: %v", err)
	}
}

// tooBig says whether a file's architecture plans, in any family, more
// than a million weights or 100,000 values per sample.
func tooBig(p string) bool {
	b, err := os.ReadFile(p)
	if err != nil {
		return false
	}
	sf, err := safetensors.ReadUnchecked(b)
	if err != nil {
		return false
	}
	var a model.Architecture
	if json.Unmarshal([]byte(sf.Metadata["architecture"]), &a) != nil {
		return false
	}
	for _, name := range model.Names() {
		f, _ := model.Lookup(name)
		if plan, err := f.Plan(a); err == nil && (plan.Weights > 1e6 || plan.Largest > 1e5) {
			return true
		}
	}
	return false
}
