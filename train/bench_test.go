package train_test

import (
	"testing"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/loss"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/train"
)

// benchmarkEpoch times one full training epoch of a built-in recipe on
// MNIST (60,000 images, batch 256), validation on 10,000 included.
func benchmarkEpoch(b *testing.B, name string) {
	ds, err := data.Load("mnist", data.Options{NoDownload: true})
	if err != nil {
		b.Fatal(err)
	}
	r, err := recipe.Load(name)
	if err != nil {
		b.Fatal(err)
	}
	a, err := r.Build()
	if err != nil {
		b.Fatal(err)
	}
	tr := &train.Trainer{Model: a.Model, Loss: loss.BinaryCrossentropy{}, Optimizer: optim.NewAdam()}
	cfg := train.Config{Epochs: 1, BatchSize: r.BatchSize, Seed: r.Seed, ValX: ds.TestX, ValY: ds.TestX}
	b.ResetTimer()
	for b.Loop() {
		if _, err := tr.Fit(ds.TrainX, ds.TrainX, cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(ds.TrainX.Rows())*float64(b.N)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkEpoch runs ae1 and ae3 epochs with every GEMM implementation
// this build has, side by side.
func BenchmarkEpoch(b *testing.B) {
	defer compute.Use(compute.Current())
	for _, name := range []string{"ae1", "ae3"} {
		for _, g := range compute.Implementations() {
			b.Run(name+"/"+g.Name(), func(b *testing.B) {
				compute.Use(g)
				benchmarkEpoch(b, name)
			})
		}
	}
}
