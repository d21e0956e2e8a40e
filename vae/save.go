package vae

import (
	"encoding/json"
	"fmt"

	"github.com/latent-go/latent/safetensors"
	"github.com/latent-go/latent/tensor"
)

// Format names the layout of latent's VAE files.
const Format = "latent.vae/1"

// Save writes the VAE to one safetensors file: the weights as
// "layer/kernel" tensors and the architecture as JSON in the metadata.
func (v *VAE) Save(path string, extra map[string]string) error {
	spec, err := json.Marshal(v.Spec)
	if err != nil {
		return err
	}
	f := &safetensors.File{Metadata: map[string]string{"format": Format, "architecture": string(spec)}, Tensors: map[string]*tensor.Tensor{}}
	for k, val := range extra {
		if k != "format" && k != "architecture" {
			f.Metadata[k] = val
		}
	}
	for _, l := range v.Train.Layers() {
		for _, p := range l.Params() {
			f.Tensors[l.Name()+"/"+p.Name] = p.Value
		}
	}
	return safetensors.WriteFile(path, f)
}

// Load reads a VAE file written by Save.
func Load(path string) (*VAE, map[string]string, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if f.Metadata["format"] != Format {
		return nil, nil, fmt.Errorf("%s: not a latent VAE file (format %q)", path, f.Metadata["format"])
	}
	var spec Spec
	if err := json.Unmarshal([]byte(f.Metadata["architecture"]), &spec); err != nil {
		return nil, nil, fmt.Errorf("%s: bad architecture: %w", path, err)
	}
	v, err := Build(spec, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	used := 0
	for _, l := range v.Train.Layers() {
		for _, p := range l.Params() {
			name := l.Name() + "/" + p.Name
			t, ok := f.Tensors[name]
			if !ok || !tensor.SameShape(t.Shape, p.Value.Shape) {
				return nil, nil, fmt.Errorf("%s: weights %q are missing or of the wrong shape", path, name)
			}
			copy(p.Value.Data, t.Data)
			used++
		}
	}
	if used != len(f.Tensors) {
		return nil, nil, fmt.Errorf("%s: holds %d tensors but the architecture uses %d", path, len(f.Tensors), used)
	}
	return v, f.Metadata, nil
}
