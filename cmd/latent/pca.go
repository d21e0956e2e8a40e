package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/latent-go/latent/anomaly"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/pca"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/runner"
	"github.com/latent-go/latent/train"
)

// pcaReport is what latent pca --json prints.
type pcaReport struct {
	Dim   int       `json:"dim"`
	Ratio []float64 `json:"explained_variance_ratio"`
	MSE   float64   `json:"mse"`
	BCE   *float64  `json:"bce"`
}

func cmdPCA(args []string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("pca", flag.ContinueOnError)
	dim := fs.Int("dim", 0, "number of components")
	out := fs.String("out", "", "output folder (default: pca-DATA-DIM)")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	d := addDataFlags(fs)
	pos, err := parseCommand(fs, args, stdout)
	if err != nil {
		return helpIsNotAnError(err)
	}
	if len(pos) != 1 {
		return usageErr("pca needs one DATA (a file, a folder of PNG images, mnist or fashion), got %d arguments", len(pos))
	}
	if *dim <= 0 {
		return usageErr("--dim must be a positive number of components, got %d", *dim)
	}
	r, err := d.recipe("pca", pos[0])
	if err != nil {
		return err
	}
	prep, err := runner.Prepare(r, runner.Options{Data: d.dataOptions()})
	if err != nil {
		return err
	}
	p, ratio, err := pca.Fit(prep.TrainSplit, *dim)
	if err != nil {
		return err
	}
	errs, err := infer.ReconstructionErrors(p, prep.TestTargets, 256)
	if err != nil {
		return err
	}
	dir := *out
	if dir == "" {
		dir = fmt.Sprintf("pca-%s-%d", strings.TrimSuffix(filepath.Base(pos[0]), filepath.Ext(pos[0])), *dim)
	}
	if err := savePCA(p, ratio, prep, r, dir); err != nil {
		return err
	}
	rep := pcaReport{Dim: *dim, Ratio: ratio, MSE: errs.MSE, BCE: errs.BCE}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(rep)
	}
	for _, n := range prep.Notes {
		fmt.Fprintln(stdout, n)
	}
	var total float64
	for _, v := range ratio {
		total += v
	}
	fmt.Fprintf(stdout, "PCA of %s: %d components explain %.4f of the variance\n", prep.Dataset, *dim, total)
	fmt.Fprintf(stdout, "explained variance ratio: %s\n", formatList(ratio))
	fmt.Fprintf(stdout, "on the %d validation samples: mse %.4f, bce %s\n", prep.TestTargets.Len(), errs.MSE, orDash(errs.BCE))
	fmt.Fprintf(stdout, "model written to %s\n", filepath.Join(dir, "model.safetensors"))
	return nil
}

// savePCA writes the fitted PCA with its scaler, its training errors, its
// explained variance and the columns of r's data into
// dir/model.safetensors.
func savePCA(p *pca.PCA, ratio []float64, prep *runner.Prepared, r *recipe.Recipe, dir string) error {
	objective, err := p.Family().Objective("")
	if err != nil {
		return err
	}
	scores, err := train.PerSample(p.Network().NewSession(), objective, prep.TrainSplit, prep.TrainSplit, 256)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	evr, _ := json.Marshal(ratio)
	return model.Save(p, filepath.Join(dir, "model.safetensors"), map[string]string{
		model.MetaRecipe: "pca", model.MetaDataset: prep.Dataset, model.MetaLoss: "mean_squared_error",
		model.MetaLabel: r.Label, model.MetaIgnore: strings.Join(r.Ignore, ","), model.MetaFeatures: model.FeaturesMeta(prep.Features), model.MetaFill: model.FillMeta(prep.Fill),
		model.MetaScaler:            model.ScalerMeta(prep.Scaler),
		model.MetaTrainingErrors:    anomaly.NewDistribution(scores).JSON(),
		model.MetaExplainedVariance: string(evr),
	})
}

func formatList(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprintf("%.4f", x)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// dataFlags are the flags that say which data a command fits on: a
// built-in dataset or the user's files.
type dataFlags struct {
	val, scale, label, ignore, missing, exclude, dataDir *string
	seed                                                 *int64
}

func addDataFlags(fs *flag.FlagSet) *dataFlags {
	return &dataFlags{
		val:     fs.String("val", "", "validation data (default: the test split of a built-in dataset, or 10% of the data held out)"),
		scale:   fs.String("scale", "", "input scaling: none, max=V, minmax or standard (fitted on the training data)"),
		label:   fs.String("label", "", "the label column of a CSV file (header name or index)"),
		ignore:  ignoreFlag(fs),
		missing: missingFlag(fs),
		exclude: fs.String("exclude", "", "classes to leave out, comma-separated"),
		dataDir: fs.String("data-dir", "", "read a built-in dataset's four IDX files from this folder"),
		seed:    fs.Int64("seed", 7, "seed of the validation split"),
	}
}

// recipe is a recipe that only says where the data comes from.
func (d *dataFlags) recipe(name, dataArg string) (*recipe.Recipe, error) {
	r := &recipe.Recipe{Name: name, Dataset: dataArg, Val: *d.val, Scale: *d.scale, Label: *d.label, Ignore: columnList(*d.ignore), Missing: *d.missing, Seed: uint64(*d.seed)}
	if _, ok := data.Builtins[dataArg]; !ok {
		r.Dataset, r.Train = "", dataArg
	} else if r.Val != "" {
		return nil, usageErr("--val goes with your own data; %s has its test split", dataArg)
	}
	if *d.exclude != "" {
		r.Exclude = strings.Split(*d.exclude, ",")
	}
	if _, err := data.ParseScale(r.Scale); err != nil {
		return nil, usageErr("%v", err)
	}
	return r, nil
}

func (d *dataFlags) dataOptions() data.Options {
	return data.Options{Dir: *d.dataDir}
}

// orDash prints a number to 4 decimals, or "-" for none.
func orDash(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.4f", *v)
}
