package model

import (
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

// Encode returns the codes of the samples x (one per row), computed in
// batches of batchSize. Each call runs sessions of its own, so goroutines
// may encode with one shared model at once.
func Encode(m Model, x *tensor.Tensor, batchSize int) (*tensor.Tensor, error) {
	return predictFirst(m.Encoder(), x, batchSize)
}

// Decode returns the reconstructions of the codes z.
func Decode(m Model, z *tensor.Tensor, batchSize int) (*tensor.Tensor, error) {
	return predictFirst(m.Decoder(), z, batchSize)
}

// Reconstruct returns Decode(Encode(x)): what the model makes of x.
func Reconstruct(m Model, x *tensor.Tensor, batchSize int) (*tensor.Tensor, error) {
	z, err := Encode(m, x, batchSize)
	if err != nil {
		return nil, err
	}
	return Decode(m, z, batchSize)
}

// predictFirst runs a one-input model over x in batches, in a session of
// its own, and returns its first output for every row.
func predictFirst(m *nn.Model, x *tensor.Tensor, batchSize int) (*tensor.Tensor, error) {
	return m.PredictOutput(x, batchSize, 0)
}
