// Package figure draws what the lecture draws, as PNG files made in Go:
// rows of digits over their reconstructions, the decoded latent grid, the
// codes of the test set scattered by label, and the loss curves.
//
// It imports gonum/plot, the standard library and internal/atomic (files
// written whole or not at all), nothing else of latent.
package figure

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/latent-go/latent/internal/atomic"
)

// Colormap turns a value in [0, 1] into a gray level.
type Colormap int

const (
	// Gray is matplotlib's "gray": 0 is black, 1 is white (plt.gray()).
	Gray Colormap = iota
	// Greys is matplotlib's "Greys": 0 is white, 1 is black (figure F2).
	Greys
)

func (c Colormap) level(v float32) uint8 {
	v = min(max(v, 0), 1)
	if c == Greys {
		v = 1 - v
	}
	return uint8(float32(v*255) + 0.5)
}

// ImageRows draws rows of equally sized images (height×width values in
// [0,1] each), scale pixels per value, separated by a white margin: the
// lecture's figure of test digits over their reconstructions is two rows.
func ImageRows(path string, rows [][][]float32, height, width, scale int, cmap Colormap) error {
	if len(rows) == 0 || len(rows[0]) == 0 {
		return fmt.Errorf("figure %s: no images", path)
	}
	const margin = 4
	cols := len(rows[0])
	cell := func(n, size int) int { return margin + n*(size*scale+margin) }
	img := image.NewGray(image.Rect(0, 0, cell(cols, width), cell(len(rows), height)))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for r, row := range rows {
		for c, values := range row {
			if len(values) != height*width {
				return fmt.Errorf("figure %s: image %d of row %d has %d values, want %d", path, c, r, len(values), height*width)
			}
			x0, y0 := cell(c, width), cell(r, height)
			paint(img, values, x0, y0, height, width, scale, cmap)
		}
	}
	return SavePNG(path, img)
}

// Mosaic draws an n×m grid of images with no margin, as the lecture's
// figure F2 (15×15 decoded digits) is drawn.
func Mosaic(path string, images [][][]float32, height, width, scale int, cmap Colormap) error {
	if len(images) == 0 || len(images[0]) == 0 {
		return fmt.Errorf("figure %s: no images", path)
	}
	img := image.NewGray(image.Rect(0, 0, len(images[0])*width*scale, len(images)*height*scale))
	for r, row := range images {
		for c, values := range row {
			paint(img, values, c*width*scale, r*height*scale, height, width, scale, cmap)
		}
	}
	return SavePNG(path, img)
}

func paint(img *image.Gray, values []float32, x0, y0, height, width, scale int, cmap Colormap) {
	for y := 0; y < height; y++ {
		for x := 0; x < width; x++ {
			g := color.Gray{Y: cmap.level(values[y*width+x])}
			for dy := 0; dy < scale; dy++ {
				for dx := 0; dx < scale; dx++ {
					img.SetGray(x0+x*scale+dx, y0+y*scale+dy, g)
				}
			}
		}
	}
}

// SavePNG writes img to path, creating the folder if needed, whole or
// not at all.
func SavePNG(path string, img image.Image) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomic.WriteFile(path, 0o644, func(w io.Writer) error { return png.Encode(w, img) })
}

// savePlot writes p as a PNG image of width by height to path, whole or
// not at all.
func savePlot(p *plot.Plot, width, height vg.Length, path string) error {
	image, err := p.WriterTo(width, height, "png")
	if err != nil {
		return err
	}
	return atomic.WriteFile(path, 0o644, func(w io.Writer) error {
		_, err := image.WriteTo(w)
		return err
	})
}

// GreyImage says whether samples of shape are grey images, and their
// size: (h, w), (h, w, 1), or 784 values (MNIST's 28x28, flattened).
func GreyImage(shape []int) (h, w int, ok bool) {
	switch {
	case len(shape) == 2:
		return shape[0], shape[1], true
	case len(shape) == 3 && shape[2] == 1:
		return shape[0], shape[1], true
	case len(shape) == 1 && shape[0] == 784:
		return 28, 28, true
	}
	return 0, 0, false
}
