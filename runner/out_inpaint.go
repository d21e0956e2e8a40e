package runner

import (
	"fmt"

	"github.com/latent-go/latent/internal/atomic"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/tensor"
)

// InpaintReport compares the error inside the hidden squares of the
// trained model with a baseline that fills each square with the mean
// training image.
type InpaintReport struct {
	Values      int     `json:"hidden_values"`
	ModelMSE    float64 `json:"model_mse"`
	BaselineMSE float64 `json:"mean_image_mse"`
	ModelMAE    float64 `json:"model_mae"`
	BaselineMAE float64 `json:"mean_image_mae"`
}

// reportInpainting prints and writes inpainting.txt for an inpainting
// recipe: the error inside the hidden squares of the test images.
func reportInpainting(r *run) error {
	if r.data.Hidden == nil {
		return nil
	}
	masked, err := data.ReadAll(r.data.Test)
	if err != nil {
		return err
	}
	original, err := data.ReadAll(r.data.TestTargets)
	if err != nil {
		return err
	}
	train, err := data.ReadAll(r.data.TrainSplit)
	if err != nil {
		return err
	}
	rep, err := InpaintingError(r.model, masked, original, train, r.data.Hidden)
	if err != nil {
		return err
	}
	r.result.Inpainting = rep
	text := rep.String()
	fmt.Fprint(r.opt.Stdout, text)
	return atomic.WriteBytes(r.path("inpainting.txt"), []byte(text), 0o644)
}

// InpaintingError fills the masked test images with the model and scores
// the hidden values against the originals.
func InpaintingError(m model.Model, masked, original, train *tensor.Tensor, hidden []bool) (*InpaintReport, error) {
	filled, err := model.Reconstruct(m, masked, 256)
	if err != nil {
		return nil, err
	}
	cols := train.Cols()
	mean := make([]float64, cols)
	for i, v := range train.Data {
		mean[i%cols] += float64(v)
	}
	for j := range mean {
		mean[j] /= float64(train.Rows())
	}
	r := &InpaintReport{}
	for i, h := range hidden {
		if !h {
			continue
		}
		y := float64(original.Data[i])
		dm := float64(filled.Data[i]) - y
		db := mean[i%cols] - y
		r.ModelMSE += float64(dm * dm)
		r.BaselineMSE += float64(db * db)
		r.ModelMAE += abs(dm)
		r.BaselineMAE += abs(db)
		r.Values++
	}
	if r.Values == 0 {
		return nil, fmt.Errorf("no value was hidden")
	}
	n := float64(r.Values)
	r.ModelMSE /= n
	r.BaselineMSE /= n
	r.ModelMAE /= n
	r.BaselineMAE /= n
	return r, nil
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// String reads the report for people.
func (r *InpaintReport) String() string {
	return fmt.Sprintf("inside the masks (%d test values): model MSE %.4f, MAE %.4f; mean-image fill MSE %.4f, MAE %.4f (%.1fx the model's MSE)\n",
		r.Values, r.ModelMSE, r.ModelMAE, r.BaselineMSE, r.BaselineMAE, r.BaselineMSE/r.ModelMSE)
}
