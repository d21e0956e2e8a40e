// Package infer uses a saved model on the user's data: it opens a model
// file with what it says besides its weights (the scaler fitted on the
// training data, the loss, the training errors), opens inputs as the model
// takes them, and encodes, decodes, reconstructs or scores them in batches,
// so that an input larger than memory streams through. The commands
// encode, decode, reconstruct, anomalies and compare call it.
//
// It imports model, train, data, anomaly and tensor, and registers every
// built-in family (through the root package's families).
package infer

import (
	"fmt"
	"strings"

	"github.com/latent-go/latent/anomaly"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"

	_ "github.com/latent-go/latent/ae"  // the autoencoder family
	_ "github.com/latent-go/latent/pca" // the PCA family
	_ "github.com/latent-go/latent/vae" // the VAE family
)

// Model is a saved model and what its file says.
type Model struct {
	model.Model
	Path   string
	Meta   map[string]string
	Scaler data.Scaler
	// Loss is the loss it was trained with, which scores samples.
	Loss string
	// Errors is the distribution of its training data's errors; nil when
	// the file holds none.
	Errors *anomaly.Distribution
}

// Open opens a model file of any family.
func Open(path string) (*Model, error) {
	m, meta, err := model.Open(path)
	if err != nil {
		return nil, err
	}
	s, err := model.ScalerOf(meta)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := s.Check(m.Network().Inputs()[0].Shape()); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := &Model{Model: m, Path: path, Meta: meta, Scaler: s, Loss: meta[model.MetaLoss]}
	if v, ok := meta[model.MetaTrainingErrors]; ok {
		d, err := anomaly.ParseDistribution(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out.Errors = &d
	}
	return out, nil
}

// InputOptions say where inputs come from.
type InputOptions struct {
	File data.FileOptions
	// Data says where the built-in datasets are found.
	Data data.Options
}

// OpenInput opens samples for a model's input shape: a data file or
// folder, or a built-in dataset by name ("mnist" or "fashion": its test
// split; "mnist:train" its training split). Samples of another shape of
// the same size are viewed in the model's shape.
func OpenInput(spec string, shape []int, opt InputOptions) (data.Source, error) {
	src, err := openAny(spec, opt)
	if err != nil {
		return nil, err
	}
	v, err := data.Reshape(src, shape...)
	if err != nil {
		return nil, fmt.Errorf("%s: samples of shape %v do not fit the model's input %v", spec, src.Shape(), shape)
	}
	return v, nil
}

func openAny(spec string, opt InputOptions) (data.Source, error) {
	name, split, _ := strings.Cut(spec, ":")
	if _, ok := data.Builtins[name]; ok {
		ds, err := data.Load(name, opt.Data)
		if err != nil {
			return nil, err
		}
		switch split {
		case "", "test":
			return ds.Test, nil
		case "train":
			return ds.Train, nil
		}
		return nil, fmt.Errorf("%s: the splits are %s:train and %s:test", spec, name, name)
	}
	return data.Open(spec, opt.File)
}

// Scaled is src as the model takes it: through its scaler.
func (m *Model) Scaled(src data.Source) data.Source { return data.Scale(src, m.Scaler) }

// Output is where a command's rows go, batch by batch.
type Output interface {
	Write(x *tensor.Tensor) error
}

// Progress is told how many samples are done.
type Progress func(done, total int)

// Encode writes the codes of src (in the data's units, scaled by the
// model's scaler first) to out, in batches.
func (m *Model) Encode(src data.Source, batch int, out Output, progress Progress) error {
	return m.each(m.Scaled(src), batch, progress, func(x *tensor.Tensor) error {
		z, err := model.Encode(m.Model, x, batch)
		if err != nil {
			return err
		}
		return out.Write(z)
	})
}

// Decode writes the decoding of the codes in src, mapped back to the
// data's units.
func (m *Model) Decode(codes data.Source, batch int, out Output, progress Progress) error {
	return m.each(codes, batch, progress, func(z *tensor.Tensor) error {
		x, err := model.Decode(m.Model, z, batch)
		if err != nil {
			return err
		}
		m.Scaler.Invert(x.Data)
		return out.Write(x)
	})
}

// Reconstruct writes what the model makes of src, in the data's units.
func (m *Model) Reconstruct(src data.Source, batch int, out Output, progress Progress) error {
	return m.each(m.Scaled(src), batch, progress, func(x *tensor.Tensor) error {
		r, err := model.Reconstruct(m.Model, x, batch)
		if err != nil {
			return err
		}
		m.Scaler.Invert(r.Data)
		return out.Write(r)
	})
}

// Scores are the per-sample errors of src under the model's loss, the
// anomaly scores.
func (m *Model) Scores(src data.Source, batch int) ([]float64, error) {
	objective, err := m.Family().Objective(m.Loss)
	if err != nil {
		return nil, err
	}
	s := m.Network().NewSession()
	x := m.Scaled(src)
	return train.PerSample(s, objective, x, x, batch)
}

// each reads src in batches and hands each to fn.
func (m *Model) each(src data.Source, batch int, progress Progress, fn func(*tensor.Tensor) error) error {
	if batch <= 0 {
		return fmt.Errorf("batch size must be positive, got %d", batch)
	}
	var x tensor.Tensor
	n := src.Len()
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		if err := data.ReadBatch(src, &x, data.Span(lo, hi)); err != nil {
			return err
		}
		if err := fn(&x); err != nil {
			return err
		}
		if progress != nil {
			progress(hi, n)
		}
	}
	return nil
}
