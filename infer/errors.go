package infer

import (
	"math"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/loss"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/tensor"
)

// Errors are a model's reconstruction errors on some data: the mean
// squared error and the binary cross-entropy of the reconstruction clipped
// to [1e-7, 1-1e-7], as Keras computes it on probabilities, each the mean
// over every value, in the model's (scaled) units. The cross-entropy is
// nil (null in JSON) for data with values outside [0, 1], where it means
// nothing.
type Errors struct {
	MSE float64  `json:"mse"`
	BCE *float64 `json:"bce"`
}

// ReconstructionErrors reconstructs src (as the model takes it: already
// scaled) in batches and returns its errors.
func ReconstructionErrors(m model.Model, src data.Source, batch int) (Errors, error) {
	var sq, ce float64
	var n int
	unit := true
	var x tensor.Tensor
	for lo := 0; lo < src.Len(); lo += batch {
		if err := data.ReadBatch(src, &x, data.Span(lo, min(lo+batch, src.Len()))); err != nil {
			return Errors{}, err
		}
		r, err := model.Reconstruct(m, &x, batch)
		if err != nil {
			return Errors{}, err
		}
		for i, p := range r.Data {
			y := float64(x.Data[i])
			unit = unit && y >= 0 && y <= 1
			d := float64(p) - y
			sq += float64(d * d)
			q := float64(min(max(p, loss.Epsilon), 1-loss.Epsilon))
			eps := float64(loss.Epsilon)
			ce -= float64(y*math.Log(q+eps)) + float64((1-y)*math.Log(1-q+eps))
		}
		n += len(r.Data)
	}
	e := Errors{MSE: sq / float64(n)}
	if unit {
		bce := ce / float64(n)
		e.BCE = &bce
	}
	return e, nil
}
