// Package modelfile stores a model in one safetensors file: its weights
// as tensors named "layer/kernel", "layer/bias", and its architecture as
// JSON in the header's metadata, with a format name that says which model
// family it is. Loading rebuilds the model from the JSON through the fixed
// layer registry and copies the weights in: it executes nothing.
//
// It imports nn and safetensors; the model families use it.
package modelfile

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/safetensors"
	"github.com/latent-go/latent/tensor"
)

// Metadata keys of the safetensors header.
const (
	KeyFormat       = "format"
	KeyArchitecture = "architecture"
)

// Save writes the weights and the architecture arch (marshalled to JSON)
// under the format name, with extra metadata.
func Save(path, format string, arch any, weights []nn.Weight, extra map[string]string) error {
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
	for _, w := range weights {
		f.Tensors[w.Name] = w.Value
	}
	return safetensors.WriteFile(path, f)
}

// Read reads a file written by Save and decodes its architecture into
// arch. Its format is f.Metadata[KeyFormat].
func Read(path string, arch any) (*safetensors.File, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if f.Metadata[KeyFormat] == "" {
		return nil, fmt.Errorf("%s: not a latent model file (its metadata names no format)", path)
	}
	if _, ok := f.Metadata[KeyArchitecture]; !ok {
		return nil, fmt.Errorf("%s: no model family reads format %q: it holds no architecture", path, f.Metadata[KeyFormat])
	}
	dec := json.NewDecoder(strings.NewReader(f.Metadata[KeyArchitecture]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(arch); err != nil {
		return nil, fmt.Errorf("%s: bad architecture: %w", path, err)
	}
	return f, nil
}

// SetWeights copies the file's tensors into the weights, checking that
// every weight is there with its shape and that no tensor is left over.
func SetWeights(f *safetensors.File, path string, weights []nn.Weight) error {
	used := 0
	for _, w := range weights {
		t, ok := f.Tensors[w.Name]
		if !ok {
			return fmt.Errorf("%s: weights %q are missing", path, w.Name)
		}
		if !tensor.SameShape(t.Shape, w.Value.Shape) {
			return fmt.Errorf("%s: weights %q have shape %v, the architecture needs %v", path, w.Name, t.Shape, w.Value.Shape)
		}
		if err := tensor.CheckFinite(t); err != nil {
			return fmt.Errorf("%s: weights %q hold %v; the file is damaged", path, w.Name, err)
		}
		copy(w.Value.Data, t.Data)
		used++
	}
	if used != len(f.Tensors) {
		return fmt.Errorf("%s: holds %d tensors but the architecture uses %d", path, len(f.Tensors), used)
	}
	return nil
}
