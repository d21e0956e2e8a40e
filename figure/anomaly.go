package figure

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Histogram plots the distribution of anomaly scores in bins, with the
// threshold as a vertical line.
func Histogram(path, title string, scores []float64, threshold float64) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "reconstruction error (score)"
	p.Y.Label.Text = "samples"
	h, err := plotter.NewHist(plotter.Values(scores), 50)
	if err != nil {
		return fmt.Errorf("figure %s: %w", path, err)
	}
	h.FillColor = palette[0]
	h.LineStyle.Width = 0
	p.Add(h)
	top := 0.0
	for _, b := range h.Bins {
		top = max(top, b.Weight)
	}
	line, err := plotter.NewLine(plotter.XYs{{X: threshold, Y: 0}, {X: threshold, Y: top}})
	if err != nil {
		return err
	}
	line.Color = palette[3]
	line.Width = vg.Points(1.5)
	p.Add(line)
	p.Legend.Add(fmt.Sprintf("threshold %.4g", threshold), line)
	p.Legend.Top = true
	return savePlot(p, 6*vg.Inch, 4*vg.Inch, path)
}

// ROC plots a receiver operating characteristic curve with its AUC.
func ROC(path, title string, fpr, tpr []float64, auc float64) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "false positive rate"
	p.Y.Label.Text = "true positive rate"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	p.Add(plotter.NewGrid())
	pts := make(plotter.XYs, len(fpr))
	for i := range fpr {
		pts[i] = plotter.XY{X: fpr[i], Y: tpr[i]}
	}
	curve, err := plotter.NewLine(pts)
	if err != nil {
		return err
	}
	curve.Color = palette[0]
	curve.Width = vg.Points(1.5)
	chance, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	chance.Color = color.Gray{Y: 160}
	chance.Dashes = []vg.Length{vg.Points(4), vg.Points(4)}
	p.Add(curve, chance)
	p.Legend.Add(fmt.Sprintf("AUC %.4f", auc), curve)
	p.Legend.Top, p.Legend.Left = false, false // bottom right, below the curve
	return savePlot(p, 5*vg.Inch, 5*vg.Inch, path)
}
