package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/figure"
	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/model"
)

// compareRow is one model's errors in latent compare's report.
type compareRow struct {
	Model string   `json:"model"`
	MSE   float64  `json:"mse"`
	BCE   *float64 `json:"bce"`
}

func cmdCompare(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	dataArg := fs.String("data", "", "the data every model is scored on (a file, a folder of PNG images, mnist or fashion)")
	out := fs.String("out", "compare", "output folder for the figure")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	label := fs.String("label", "", "the label column of a CSV file, left out of the features")
	ignore := ignoreFlag(fs)
	dataDir := fs.String("data-dir", "", "read a built-in dataset's four IDX files from this folder")
	paths, err := parseCommand(fs, args, stdout)
	if err != nil {
		return helpIsNotAnError(err)
	}
	if len(paths) == 0 || *dataArg == "" {
		return usageErr("compare needs one or more MODEL files and --data DATA")
	}
	opt := infer.InputOptions{File: data.FileOptions{Label: *label, Ignore: columnList(*ignore)}, Data: data.Options{Dir: *dataDir}}
	var rows []compareRow
	var figRows [][][]float32
	h, w := 0, 0
	for _, p := range paths {
		m, err := infer.Open(p)
		if err != nil {
			return err
		}
		own := opt
		own.File = withModelColumns(opt.File, m.Meta, *dataArg, stderr, true)
		src, err := infer.OpenInput(*dataArg, m.Network().Inputs()[0].Shape(), own)
		if err != nil {
			return err
		}
		e, err := infer.ReconstructionErrors(m, m.Scaled(src), 256)
		if err != nil {
			return err
		}
		rows = append(rows, compareRow{Model: p, MSE: e.MSE, BCE: e.BCE})
		if h == 0 {
			h, w, _ = figure.GreyImage(m.Network().Inputs()[0].Shape())
		}
		if figRows, err = addFigureRows(figRows, m, src); err != nil {
			return err
		}
	}
	if err := drawComparison(*out, paths, figRows, h, w); err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(struct {
			Models []compareRow `json:"models"`
		}{rows})
	}
	fmt.Fprintf(stdout, "%-40s %-8s %-8s\n", "model", "mse", "bce")
	for _, r := range rows {
		fmt.Fprintf(stdout, "%-40s %-8.4f %-8s\n", r.Model, r.MSE, orDash(r.BCE))
	}
	return nil
}

// addFigureRows adds the first ten inputs (once) and the model's
// reconstructions of them, for grey images.
func addFigureRows(rows [][][]float32, m *infer.Model, src data.Source) ([][][]float32, error) {
	if _, _, ok := figure.GreyImage(m.Network().Inputs()[0].Shape()); !ok {
		return rows, nil
	}
	x, err := data.ReadRange(m.Scaled(src), 0, min(10, src.Len()))
	if err != nil {
		return nil, err
	}
	r, err := model.Reconstruct(m, x, 256)
	if err != nil {
		return nil, err
	}
	if rows == nil {
		rows = append(rows, tensorRows(x))
	}
	return append(rows, tensorRows(r)), nil
}

func tensorRows(x interface {
	Rows() int
	Row(int) []float32
}) [][]float32 {
	var out [][]float32
	for i := 0; i < x.Rows(); i++ {
		out = append(out, x.Row(i))
	}
	return out
}

// drawComparison draws compare.png: the originals over each model's
// reconstructions, in the order of the models given.
func drawComparison(dir string, paths []string, rows [][][]float32, h, w int) error {
	if rows == nil || len(rows) != len(paths)+1 || h*w != len(rows[0][0]) {
		return nil // not all the models take grey images of one size
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return figure.ImageRows(filepath.Join(dir, "compare.png"), rows, h, w, 3, figure.Gray)
}
