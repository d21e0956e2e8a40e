package ae

import (
	"encoding/json"
	"fmt"

	"github.com/latent-go/latent/safetensors"
	"github.com/latent-go/latent/tensor"
)

// Format names the layout of latent's model files.
const Format = "latent.autoencoder/1"

// Metadata keys in a saved model's safetensors header.
const (
	metaFormat = "format"
	metaSpec   = "architecture"
)

// Save writes the autoencoder to one safetensors file: the weights as
// tensors named "layer/kernel", and the architecture as JSON in the header's
// metadata. Loading it runs no code.
func (a *Autoencoder) Save(path string, extra map[string]string) error {
	spec, err := json.Marshal(a.Spec)
	if err != nil {
		return err
	}
	f := &safetensors.File{Metadata: map[string]string{metaFormat: Format, metaSpec: string(spec)}, Tensors: map[string]*tensor.Tensor{}}
	for k, v := range extra {
		if k != metaFormat && k != metaSpec {
			f.Metadata[k] = v
		}
	}
	for _, l := range a.Model.Layers() {
		for _, p := range l.Params() {
			f.Tensors[l.Name()+"/"+p.Name] = p.Value
		}
	}
	return safetensors.WriteFile(path, f)
}

// Load reads a model file written by Save and returns the autoencoder with
// its weights and the file's metadata.
func Load(path string) (*Autoencoder, map[string]string, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if f.Metadata[metaFormat] != Format {
		return nil, nil, fmt.Errorf("%s: not a latent model file (format %q, want %q)", path, f.Metadata[metaFormat], Format)
	}
	var spec Spec
	if err := json.Unmarshal([]byte(f.Metadata[metaSpec]), &spec); err != nil {
		return nil, nil, fmt.Errorf("%s: bad architecture: %w", path, err)
	}
	a, err := Build(spec, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	used := 0
	for _, l := range a.Model.Layers() {
		for _, p := range l.Params() {
			name := l.Name() + "/" + p.Name
			t, ok := f.Tensors[name]
			if !ok {
				return nil, nil, fmt.Errorf("%s: weights %q are missing", path, name)
			}
			if !tensor.SameShape(t.Shape, p.Value.Shape) {
				return nil, nil, fmt.Errorf("%s: weights %q have shape %v, the architecture needs %v", path, name, t.Shape, p.Value.Shape)
			}
			copy(p.Value.Data, t.Data)
			used++
		}
	}
	if used != len(f.Tensors) {
		return nil, nil, fmt.Errorf("%s: holds %d tensors but the architecture uses %d", path, len(f.Tensors), used)
	}
	return a, f.Metadata, nil
}
