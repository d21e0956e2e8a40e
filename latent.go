// Package latent is the front door of the library: it opens a saved model
// of any family and lists the families this build knows. Importing it
// registers every built-in family (autoencoder, vae, pca).
//
//	m, meta, err := latent.Open("ae1/model.safetensors")
//	codes, err := model.Encode(m, x, 256)
//
// The packages below it, from the bottom up: tensor and compute (numbers),
// nn (layers, models, sessions), loss and optim, data (sources of samples),
// train (the one training loop and its objectives), model (the families'
// interface and registry) with ae and vae (the families), then recipe,
// runner (a run as a pipeline of steps), bench, and cmd/latent.
package latent

import (
	"github.com/latent-go/latent/model"

	_ "github.com/latent-go/latent/ae"  // the autoencoder family
	_ "github.com/latent-go/latent/pca" // the PCA family
	_ "github.com/latent-go/latent/vae" // the VAE family
)

// Open reads a model file of any built-in family; see model.Open.
func Open(path string) (model.Model, map[string]string, error) { return model.Open(path) }

// Families lists the model families this build knows.
func Families() []string { return model.Names() }
