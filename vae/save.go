package vae

import (
	"fmt"

	"github.com/latent-go/latent/modelfile"
)

// Format names the layout of latent's VAE files.
const Format = "latent.vae/1"

// Save writes the VAE to one safetensors file: the weights as
// "layer/kernel" tensors and the architecture as JSON in the metadata.
func (v *VAE) Save(path string, extra map[string]string) error {
	return modelfile.Save(path, Format, v.Spec, v.Train.Layers(), extra)
}

// Load reads a VAE file written by Save.
func Load(path string) (*VAE, map[string]string, error) {
	var spec Spec
	f, err := modelfile.Read(path, Format, &spec)
	if err != nil {
		return nil, nil, err
	}
	v, err := Build(spec, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := modelfile.SetWeights(f, path, v.Train.Layers()); err != nil {
		return nil, nil, err
	}
	return v, f.Metadata, nil
}
