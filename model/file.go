package model

import (
	"fmt"

	"github.com/latent-go/latent/modelfile"
)

// Save writes m to one safetensors file: its weights as tensors named
// "layer/kernel", and its family's format and architecture as JSON in the
// header's metadata, with extra metadata (the recipe, the dataset, ...).
// Loading it back executes nothing.
func Save(m Model, path string, extra map[string]string) error {
	return modelfile.Save(path, m.Family().Format(), m.Architecture(), Weights(m), extra)
}

// Open reads a model file of any registered family: it reads the file's
// description, rebuilds the right family's model (planning it first, so a
// file that asks for too much is refused before anything is allocated) and
// copies the weights in. It returns the model and the file's metadata.
func Open(path string) (Model, map[string]string, error) {
	var a Architecture
	f, err := modelfile.Read(path, &a)
	if err != nil {
		return nil, nil, err
	}
	format := f.Metadata[modelfile.KeyFormat]
	fam, ok := byFormat(format)
	if !ok {
		return nil, nil, fmt.Errorf("%s: no model family reads format %q (known: %v)", path, format, Names())
	}
	m, err := fam.Build(a, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := modelfile.SetWeights(f, path, Weights(m)); err != nil {
		return nil, nil, err
	}
	return m, f.Metadata, nil
}
