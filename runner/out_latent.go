package runner

import (
	"fmt"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/figure"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/tensor"
)

// drawLatent draws latent.png for a 2-d code: the codes of the test set
// (or of the training set, as keras.io's VAE draws them) coloured by
// label.
func drawLatent(r *run) error {
	if !tensor.SameShape(model.CodeShape(r.model), []int{2}) {
		return nil
	}
	split, src, codes := "test", r.data.Test, r.result.Codes
	if r.recipe.LatentPlot == "train" {
		split, src = "training", r.data.TrainSplit
		x, err := data.ReadAll(src)
		if err != nil {
			return err
		}
		if codes, err = model.Encode(r.model, x, 256); err != nil {
			return err
		}
	}
	pts := make([][2]float32, codes.Rows())
	for i := range pts {
		pts[i] = [2]float32{codes.Data[2*i], codes.Data[2*i+1]}
	}
	labels, classes := data.LabelsOf(src)
	title := fmt.Sprintf("%s: codes of the %s %s set", r.recipe.Name, r.data.Dataset, split)
	return figure.LatentScatter(r.path("latent.png"), title, pts, labels, classes)
}
