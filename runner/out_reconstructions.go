package runner

import (
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/figure"
	"github.com/latent-go/latent/model"
)

// drawReconstructions draws reconstructions.png: ten test inputs over
// what the model makes of them, with the clean originals beneath when the
// inputs were corrupted (noisy, denoised, clean).
func drawReconstructions(r *run) error {
	if r.data.Height == 0 {
		return nil // not grey images
	}
	n := min(10, r.data.Test.Len())
	x, err := data.ReadRange(r.data.Test, 0, n)
	if err != nil {
		return err
	}
	recon, err := model.Reconstruct(r.model, x, 256)
	if err != nil {
		return err
	}
	rows := [][][]float32{nil, nil}
	for i := 0; i < n; i++ {
		rows[0] = append(rows[0], x.Row(i))
		rows[1] = append(rows[1], recon.Row(i))
	}
	if r.data.Corrupted {
		clean, err := data.ReadRange(r.data.TestTargets, 0, n)
		if err != nil {
			return err
		}
		rows = append(rows, nil)
		for i := 0; i < n; i++ {
			rows[2] = append(rows[2], clean.Row(i))
		}
	}
	return figure.ImageRows(r.path("reconstructions.png"), rows, r.data.Height, r.data.Width, 3, figure.Gray)
}
