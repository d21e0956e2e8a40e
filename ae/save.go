package ae

import (
	"fmt"

	"github.com/latent-go/latent/modelfile"
)

// Format names the layout of latent's autoencoder files.
const Format = "latent.autoencoder/1"

// Save writes the autoencoder to one safetensors file: the weights as
// tensors named "layer/kernel", and the architecture as JSON in the header's
// metadata. Loading it runs no code.
func (a *Autoencoder) Save(path string, extra map[string]string) error {
	return modelfile.Save(path, Format, a.Spec, a.Model.Layers(), extra)
}

// Load reads a model file written by Save and returns the autoencoder with
// its weights and the file's metadata.
func Load(path string) (*Autoencoder, map[string]string, error) {
	var spec Spec
	f, err := modelfile.Read(path, Format, &spec)
	if err != nil {
		return nil, nil, err
	}
	a, err := Build(spec, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := modelfile.SetWeights(f, path, a.Model.Layers()); err != nil {
		return nil, nil, err
	}
	return a, f.Metadata, nil
}
