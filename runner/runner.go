// Package runner runs a recipe end to end as the lecture's programs do, as
// a pipeline of small steps: prepare the data, build the model, describe it
// (summaries and diagrams), train it, then write each output with its own
// small function (the model file, the codes, the figures, the comparison
// with the lecture). The command line, the tests and the benchmarks all
// call it. Nothing here switches on a model family: the family and the
// recipe say what each step does.
//
// It imports recipe, model, train, data, figure and diagram.
package runner

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
)

// Options are the run's settings beyond the recipe.
type Options struct {
	OutDir   string       // where the files go
	Data     data.Options // where the dataset is found
	Stdout   io.Writer    // Keras's printed output
	Terminal bool         // draw live progress bars
	// Dataset, when set, replaces the recipe's.
	Dataset string
	// Limit, when positive, keeps the first Limit training and test
	// images only (for quick checks).
	Limit int
	// Resume continues the run whose checkpoint is in OutDir (see
	// CheckpointFile) instead of starting afresh; the run ends with the
	// weights an uninterrupted run would have.
	Resume bool
	// Force replaces a run that OutDir holds; without it (or Resume) such
	// a folder is refused.
	Force bool
	// Context, when not nil, interrupts the run at the end of the batch in
	// progress (Ctrl-C); the run then returns an *Interrupted error.
	Context context.Context
}

// Interrupted is the error of a run stopped by its Context: it keeps the
// epochs finished before the interruption in its checkpoint.
type Interrupted struct {
	Epochs     int    // epochs kept
	Checkpoint string // where they are kept
}

func (e *Interrupted) Error() string {
	if e.Epochs == 0 {
		return "interrupted during the first epoch: nothing was kept"
	}
	if e.Epochs == 1 {
		return fmt.Sprintf("interrupted: the finished epoch is kept in %s", e.Checkpoint)
	}
	return fmt.Sprintf("interrupted: the %d finished epochs are kept in %s", e.Epochs, e.Checkpoint)
}

// Result is what a run leaves behind besides its files.
type Result struct {
	Model   model.Model
	History *train.History
	// Codes are the codes of the whole test set (inputs as the model
	// sees them).
	Codes *tensor.Tensor
	// Inpainting is the error inside the masks, for inpainting recipes.
	Inpainting *InpaintReport
}

// run is a run in progress: what each step reads and what it leaves for
// the steps after it.
type run struct {
	recipe *recipe.Recipe
	opt    Options
	data   *Prepared
	model  model.Model
	result *Result

	// What training needs, made and checked before any file is written.
	objective train.Objective
	optimizer optim.Optimizer
	history   *train.History
	ckpt      *checkpointer

	unlock func() // releases the output folder's lock
}

// path is the path of a file in the run's output folder.
func (r *run) path(name string) string { return filepath.Join(r.opt.OutDir, name) }

// Run trains the recipe and writes everything into opt.OutDir.
func Run(rc *recipe.Recipe, opt Options) (*Result, error) {
	if opt.Stdout == nil {
		opt.Stdout = io.Discard
	}
	if opt.Dataset != "" {
		rc.Dataset = opt.Dataset
	}
	r := &run{recipe: rc, opt: opt, result: &Result{}, unlock: func() {}}
	defer func() { r.unlock() }()
	// Everything is checked before the first file is written: the data,
	// the model, the training settings and what the output folder holds.
	for _, step := range []func(*run) error{prepareData, buildModel, checkOutDir, prepareTraining, makeOutDir, describe, fit} {
		if err := step(r); err != nil {
			return nil, err
		}
	}
	for _, out := range outputs {
		if err := out.write(r); err != nil {
			return nil, fmt.Errorf("writing %s: %w", out.name, err)
		}
	}
	return r.result, nil
}

// buildModel builds the recipe's model, its weights drawn from the seed.
func buildModel(r *run) error {
	m, err := r.recipe.Build()
	if err != nil {
		return err
	}
	r.model = m
	r.result.Model = m
	return nil
}

// prepareData loads, checks and prepares the recipe's data, before
// anything is written, and says how it was prepared.
func prepareData(r *run) error {
	d, err := Prepare(r.recipe, r.opt)
	if err != nil {
		return err
	}
	r.data = d
	if n := d.Train.Len(); r.recipe.BatchSize > n {
		return fmt.Errorf("batch_size %d is larger than the %d training samples; lower it with --batch-size", r.recipe.BatchSize, n)
	}
	for _, n := range d.Notes {
		fmt.Fprintln(r.opt.Stdout, n)
	}
	return nil
}
