package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/runner"
)

// runFlags are the flags of latent run; each one set on the command line
// replaces the recipe's own setting.
type runFlags struct {
	dataset, out, dataDir, gemm            string
	epochs, batch, patience                int
	seed                                   int64
	noDownload, resume, force, restoreBest bool
	minDelta                               float64
	trainFile, valFile, scale, label       string
	exclude, ignore, missing               string
}

func newRunFlags() (*flag.FlagSet, *runFlags) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	f := &runFlags{}
	fs.StringVar(&f.dataset, "dataset", "", "dataset: mnist or fashion (default: the recipe's)")
	fs.IntVar(&f.epochs, "epochs", 0, "number of epochs (default: the recipe's)")
	fs.IntVar(&f.batch, "batch-size", 0, "batch size (default: the recipe's)")
	fs.Int64Var(&f.seed, "seed", -1, "random seed for weights and shuffling (default: the recipe's)")
	fs.StringVar(&f.out, "out", "", "output folder (default: the recipe's name, plus -fashion on Fashion-MNIST)")
	fs.StringVar(&f.dataDir, "data-dir", "", "read the four IDX files from this folder instead")
	fs.BoolVar(&f.noDownload, "no-download", false, "never download datasets")
	fs.StringVar(&f.gemm, "gemm", "", "GEMM implementation (default: the fastest this build has; see latent bench --list)")
	fs.BoolVar(&f.resume, "resume", false, "continue the stopped run whose checkpoint (written after every epoch) is in the output folder")
	fs.BoolVar(&f.force, "force", false, "replace the run the output folder holds")
	fs.StringVar(&f.trainFile, "train", "", "train on your own data: a CSV, TSV or .npy file, an IDX file or a folder of PNG images")
	fs.StringVar(&f.valFile, "val", "", "validation data for --train (default: 10% of it held out, drawn from the seed)")
	fs.StringVar(&f.scale, "scale", "", "input scaling: none, max=V, minmax or standard, fitted on the training data (default: the recipe's, or none)")
	fs.StringVar(&f.label, "label", "", "the label column of a CSV file (header name or index), left out of the features")
	fs.StringVar(&f.ignore, "ignore", "", ignoreUsage)
	fs.StringVar(&f.missing, "missing", "", missingUsage)
	fs.StringVar(&f.exclude, "exclude", "", "classes to leave out of the data, comma-separated (e.g. 7)")
	fs.IntVar(&f.patience, "patience", 0, "stop when val_loss has not improved for this many epochs (Keras's EarlyStopping)")
	fs.Float64Var(&f.minDelta, "min-delta", 0, "with --patience: the least change of val_loss that counts as an improvement")
	fs.BoolVar(&f.restoreBest, "restore-best-weights", false, "with --patience: end with the weights of the best epoch")
	return fs, f
}

func cmdRun(args []string, stdout, stderr io.Writer) error {
	fs, f := newRunFlags()
	name, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fmt.Fprintln(stdout, "usage: latent run RECIPE [flags]")
		fs.PrintDefaults()
		return nil
	}
	if err != nil {
		return err
	}
	if err := useGEMM(f.gemm); err != nil {
		return err
	}
	r, err := recipe.Load(name)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if err := f.applyTraining(r, set); err != nil {
		return err
	}
	if err := f.applyData(r, set); err != nil {
		return err
	}
	dir := f.out
	if dir == "" {
		dir = defaultOutDir(r)
	}
	ctx, stop := interruptible(stderr)
	defer stop()
	_, err = runner.Run(r, runner.Options{
		Context:  ctx,
		OutDir:   dir,
		Stdout:   stdout,
		Terminal: isTerminal(stdout),
		Data:     data.Options{Dir: f.dataDir, NoDownload: f.noDownload, Log: stderr},
		Resume:   f.resume,
		Force:    f.force,
	})
	var stopped *runner.Interrupted
	if errors.As(err, &stopped) && stopped.Epochs > 0 {
		return fmt.Errorf("%w; resume with: %s", err, resumeCommand(dir))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "outputs written to %s/\n", dir)
	return nil
}

// applyTraining puts the flags of training (epochs, batch size, seed,
// dataset, early stopping) that were set into the recipe, checked.
func (f *runFlags) applyTraining(r *recipe.Recipe, set map[string]bool) error {
	if set["epochs"] {
		if f.epochs <= 0 {
			return usageErr("--epochs must be a positive number, got %d", f.epochs)
		}
		r.Epochs = f.epochs
	}
	if set["batch-size"] {
		if f.batch <= 0 {
			return usageErr("--batch-size must be a positive number, got %d", f.batch)
		}
		r.BatchSize = f.batch
	}
	if set["seed"] {
		if f.seed < 0 {
			return usageErr("--seed must be zero or positive, got %d", f.seed)
		}
		r.Seed = uint64(f.seed)
	}
	if set["dataset"] {
		if err := checkDataset(f.dataset, f.dataDir); err != nil {
			return err
		}
		r.Dataset = f.dataset
	}
	if set["patience"] || set["min-delta"] || set["restore-best-weights"] {
		if !set["patience"] || f.patience <= 0 {
			return usageErr("--min-delta and --restore-best-weights go with --patience N (N above 0)")
		}
		r.EarlyStopping = &recipe.EarlyStopping{Patience: f.patience, MinDelta: f.minDelta, RestoreBestWeights: f.restoreBest}
	}
	return nil
}

// applyData puts the data flags that were set into the recipe and checks
// it again.
func (f *runFlags) applyData(r *recipe.Recipe, set map[string]bool) error {
	if set["train"] {
		r.Train = f.trainFile
	}
	if set["val"] {
		r.Val = f.valFile
	}
	if set["scale"] {
		r.Scale = f.scale
	}
	if set["label"] {
		r.Label = f.label
	}
	if set["ignore"] {
		r.Ignore = columnList(f.ignore)
	}
	if set["missing"] {
		r.Missing = f.missing
	}
	if set["exclude"] {
		r.Exclude = strings.Split(f.exclude, ",")
	}
	if set["train"] && !set["dataset"] && r.Train != "" {
		r.TrainOnTest = false
	}
	if err := r.Validate(); err != nil {
		return usageErr("%v", err)
	}
	return nil
}

// defaultOutDir is where a run writes when --out is not given: the
// recipe's name, plus the dataset when it is not MNIST and the classes
// left out.
func defaultOutDir(r *recipe.Recipe) string {
	dir := r.Name
	if r.Train == "" && r.Dataset != "mnist" {
		dir += "-" + r.Dataset
	}
	if len(r.Exclude) > 0 {
		dir += "-without-" + strings.Join(r.Exclude, "-")
	}
	return dir
}
