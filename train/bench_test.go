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
	tr := &train.Trainer{Model: a.Network(), Objective: train.Reconstruction{Loss: loss.BinaryCrossentropy{}}, Optimizer: optim.NewAdam()}
	x, _ := data.Reshape(ds.Train, r.InputShape...)
	val, _ := data.Reshape(ds.Test, r.InputShape...)
	cfg := train.Config{Epochs: 1, BatchSize: r.BatchSize, Seed: r.Seed, ValX: val}
	b.ResetTimer()
	for b.Loop() {
		if _, err := tr.Fit(x, x, cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(x.Len())*float64(b.N)/b.Elapsed().Seconds(), "images/s")
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

// BenchmarkConvStep times one training step (batch 128: forward, loss,
// backward, Adam) of each convolutional recipe on real MNIST digits.
func BenchmarkConvStep(b *testing.B) {
	ds, err := data.Load("mnist", data.Options{NoDownload: true})
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"conv", "denoise", "inpaint", "vae"} {
		b.Run(name, func(b *testing.B) {
			r, err := recipe.Load(name)
			if err != nil {
				b.Fatal(err)
			}
			x := data.FromTensor(ds.Train.Values().Slice(0, 1280).View(r.InputShape...), nil, nil)
			idx := func(i int) []int {
				s := make([]int, 128)
				for j := range s {
					s[j] = (i%10)*128 + j
				}
				return s
			}
			a, err := r.Build()
			if err != nil {
				b.Fatal(err)
			}
			objective, err := a.Family().Objective(r.Loss)
			if err != nil {
				b.Fatal(err)
			}
			tr := &train.Trainer{Model: a.Network(), Objective: objective, Optimizer: optim.NewAdam()}
			i := 0
			for b.Loop() {
				if _, err := tr.TrainBatch(x, x, idx(i)); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
