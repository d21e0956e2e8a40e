package serve_test

import (
	"path/filepath"
	"testing"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/pca"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/serve"
)

// mnist returns the first n test digits, flat.
func mnist(t *testing.T, split string, n int) data.Source {
	t.Helper()
	ds, err := data.Load("mnist", data.Options{NoDownload: true})
	if err != nil {
		t.Fatal(err)
	}
	s := ds.Test
	if split == "train" {
		s = ds.Train
	}
	x, err := data.Reshape(data.Head(s, n), 784)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// savedPCA fits a 2-component PCA on 1,000 training digits and opens its
// saved file as the commands do.
func savedPCA(t *testing.T) *infer.Model {
	t.Helper()
	p, _, err := pca.Fit(mnist(t, "train", 1000), 2)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "pca.safetensors")
	if err := model.Save(p, path, map[string]string{model.MetaLoss: "mse"}); err != nil {
		t.Fatal(err)
	}
	m, err := infer.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func newServer(t *testing.T, points int) *serve.Server {
	t.Helper()
	s, err := serve.New(savedPCA(t), serve.Options{Points: mnist(t, "test", points), Threshold: "contamination=0.1"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// savedAE saves ae1 with its initial weights and opens it: a model that
// is quick to make, even under the race detector.
func savedAE(t *testing.T) *infer.Model {
	t.Helper()
	r, err := recipe.Load("ae1")
	if err != nil {
		t.Fatal(err)
	}
	a, err := r.Build()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ae1.safetensors")
	if err := model.Save(a, path, nil); err != nil {
		t.Fatal(err)
	}
	m, err := infer.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
