// Package modelfile stores a model in one safetensors file: its weights
// as tensors named "layer/kernel", "layer/bias", and its architecture as
// JSON in the header's metadata, with a format name that says which kind
// of model it is. Loading rebuilds the model from the JSON through the
// fixed layer registry and copies the weights in: it executes nothing.
package modelfile

import (
	"encoding/json"
	"fmt"

	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/safetensors"
	"github.com/latent-go/latent/tensor"
)

// Metadata keys of the safetensors header.
const (
	KeyFormat       = "format"
	KeyArchitecture = "architecture"
)

// Save writes the weights of layers and the architecture arch (marshalled
// to JSON) under the format name, with extra metadata.
func Save(path, format string, arch any, layers []nn.Layer, extra map[string]string) error {
	spec, err := json.Marshal(arch)
	if err != nil {
		return err
	}
	f := &safetensors.File{Metadata: map[string]string{KeyFormat: format, KeyArchitecture: string(spec)}, Tensors: map[string]*tensor.Tensor{}}
	for k, v := range extra {
		if k != KeyFormat && k != KeyArchitecture {
			f.Metadata[k] = v
		}
	}
	for _, l := range layers {
		for _, p := range l.Params() {
			f.Tensors[l.Name()+"/"+p.Name] = p.Value
		}
	}
	return safetensors.WriteFile(path, f)
}

// Read reads a file written by Save, checks its format and decodes the
// architecture into arch.
func Read(path, format string, arch any) (*safetensors.File, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if f.Metadata[KeyFormat] != format {
		return nil, fmt.Errorf("%s: not a %s file (format %q)", path, format, f.Metadata[KeyFormat])
	}
	if err := json.Unmarshal([]byte(f.Metadata[KeyArchitecture]), arch); err != nil {
		return nil, fmt.Errorf("%s: bad architecture: %w", path, err)
	}
	return f, nil
}

// SetWeights copies the file's tensors into the layers' weights, checking
// that every weight is there with its shape and that no tensor is left over.
func SetWeights(f *safetensors.File, path string, layers []nn.Layer) error {
	used := 0
	for _, l := range layers {
		for _, p := range l.Params() {
			name := l.Name() + "/" + p.Name
			t, ok := f.Tensors[name]
			if !ok {
				return fmt.Errorf("%s: weights %q are missing", path, name)
			}
			if !tensor.SameShape(t.Shape, p.Value.Shape) {
				return fmt.Errorf("%s: weights %q have shape %v, the architecture needs %v", path, name, t.Shape, p.Value.Shape)
			}
			copy(p.Value.Data, t.Data)
			used++
		}
	}
	if used != len(f.Tensors) {
		return fmt.Errorf("%s: holds %d tensors but the architecture uses %d", path, len(f.Tensors), used)
	}
	return nil
}
