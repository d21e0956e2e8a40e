package figure

import (
	"fmt"
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// LossCurves plots loss and val_loss per epoch, as Keras users plot
// history.history.
func LossCurves(path, title string, loss, valLoss []float64) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = "loss"
	p.Add(plotter.NewGrid())
	for i, series := range [][]float64{loss, valLoss} {
		if len(series) == 0 {
			continue
		}
		pts := make(plotter.XYs, len(series))
		for e, v := range series {
			pts[e] = plotter.XY{X: float64(e + 1), Y: v}
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		line.Color = palette[i]
		line.Width = vg.Points(1.5)
		p.Add(line)
		p.Legend.Add([]string{"loss", "val_loss"}[i], line)
	}
	p.Legend.Top = true
	return savePlot(p, 6*vg.Inch, 4*vg.Inch, path)
}

// palette is matplotlib's tab10, the colours of its default cycle.
var palette = []color.Color{
	color.RGBA{0x1f, 0x77, 0xb4, 255}, color.RGBA{0xff, 0x7f, 0x0e, 255},
	color.RGBA{0x2c, 0xa0, 0x2c, 255}, color.RGBA{0xd6, 0x27, 0x28, 255},
	color.RGBA{0x94, 0x67, 0xbd, 255}, color.RGBA{0x8c, 0x56, 0x4b, 255},
	color.RGBA{0xe3, 0x77, 0xc2, 255}, color.RGBA{0x7f, 0x7f, 0x7f, 255},
	color.RGBA{0xbc, 0xbd, 0x22, 255}, color.RGBA{0x17, 0xbe, 0xcf, 255},
}

// LatentScatter plots 2-d codes coloured by label, one legend entry per
// class: the picture of how an encoder lays out the classes.
// Without labels every code is drawn in one colour.
func LatentScatter(path, title string, codes [][2]float32, labels []int, classes []string) error {
	if labels == nil {
		labels = make([]int, len(codes))
		classes = []string{"codes"}
	}
	if len(codes) != len(labels) {
		return fmt.Errorf("figure %s: %d codes but %d labels", path, len(codes), len(labels))
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "z[0]"
	p.Y.Label.Text = "z[1]"
	groups := map[int]plotter.XYs{}
	var present []int
	for i, c := range codes {
		if _, ok := groups[labels[i]]; !ok {
			present = append(present, labels[i])
		}
		groups[labels[i]] = append(groups[labels[i]], plotter.XY{X: float64(c[0]), Y: float64(c[1])})
	}
	slices.Sort(present)
	for _, label := range present {
		pts := groups[label]
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		s.GlyphStyle.Color = palette[(label%len(palette)+len(palette))%len(palette)]
		s.GlyphStyle.Radius = vg.Points(1)
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		p.Add(s)
		name := fmt.Sprint(label)
		if label >= 0 && label < len(classes) {
			name = classes[label]
		}
		entry, _ := plotter.NewScatter(plotter.XYs{{}})
		entry.GlyphStyle = s.GlyphStyle
		entry.GlyphStyle.Radius = vg.Points(3)
		p.Legend.Add(name, entry)
	}
	p.Legend.Top = true
	return savePlot(p, 7*vg.Inch, 6*vg.Inch, path)
}
