package runner

import (
	"fmt"

	"github.com/latent-go/latent/figure"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/tensor"
)

// drawGrid draws grid.png for a 2-d code: the decoded latent grid of the
// lecture's figure F2 (or the recipe's own grid, such as keras.io's).
func drawGrid(r *run) error {
	if !tensor.SameShape(model.CodeShape(r.model), []int{2}) || r.data.Height == 0 {
		return nil
	}
	g := recipe.DefaultGrid
	if r.recipe.Grid != nil {
		g = *r.recipe.Grid
	}
	grid, err := DecodeGrid(r.model.Decoder(), &g, g.YUp)
	if err != nil {
		return err
	}
	scale, cmap := 2, figure.Greys
	if g.Scale > 0 {
		scale = g.Scale
	}
	if g.Colormap == "gray" {
		cmap = figure.Gray
	}
	return figure.Mosaic(r.path("grid.png"), grid, r.data.Height, r.data.Width, scale, cmap)
}

// DecodeGrid decodes a grid of 2-d codes through decoder: row i holds
// y = linspace(min, max, n)[i] and column j holds x = linspace(...)[j],
// the code being (x, y), exactly as the lecture's loops build z_sample;
// with yUp the rows run from max down to min instead, as keras.io's
// plot_latent_space draws them.
func DecodeGrid(decoder *nn.Model, g *recipe.Grid, yUp bool) ([][][]float32, error) {
	if shape := decoder.Inputs()[0].Shape(); len(shape) != 1 || shape[0] != 2 {
		return nil, fmt.Errorf("the latent grid needs a 2-d code, this one is %v", shape)
	}
	lin := func(i int) float32 {
		if g.N == 1 {
			return float32(g.Min)
		}
		return float32(g.Min + (g.Max-g.Min)*float64(i)/float64(g.N-1))
	}
	z := tensor.New(g.N*g.N, 2)
	for i := 0; i < g.N; i++ {
		row := i
		if yUp {
			row = g.N - 1 - i
		}
		for j := 0; j < g.N; j++ {
			z.Data[2*(i*g.N+j)] = lin(j)
			z.Data[2*(i*g.N+j)+1] = lin(row)
		}
	}
	imgs, err := decoder.Predict(z, 256)
	if err != nil {
		return nil, err
	}
	grid := make([][][]float32, g.N)
	for i := range grid {
		for j := 0; j < g.N; j++ {
			grid[i] = append(grid[i], imgs.Row(i*g.N+j))
		}
	}
	return grid, nil
}
