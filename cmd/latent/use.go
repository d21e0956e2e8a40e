package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/tensor"
)

// useFlags are the flags the commands that use a saved model share.
type useFlags struct {
	fs      *flag.FlagSet
	out     *string
	batch   *int
	label   *string
	ignore  *string
	missing *string
	dataDir *string
}

func newUseFlags(name string) *useFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	return &useFlags{
		fs:      fs,
		out:     fs.String("out", "", "output file, .csv or .npy (default: CSV on standard output)"),
		batch:   fs.Int("batch-size", 256, "samples per batch"),
		label:   fs.String("label", "", "the label column of a CSV input (its header name or index), left out of the features"),
		ignore:  ignoreFlag(fs),
		missing: missingFlag(fs),
		dataDir: fs.String("data-dir", "", "read a built-in dataset's four IDX files from this folder"),
	}
}

// parseUse parses a command's arguments: MODEL and one input.
func (u *useFlags) parse(args []string, stdout io.Writer) (modelPath, input string, err error) {
	pos, err := parseCommand(u.fs, args, stdout)
	if err != nil {
		return "", "", err
	}
	if len(pos) != 2 {
		return "", "", usageErr("%s needs a MODEL file and an input, got %d arguments", u.fs.Name(), len(pos))
	}
	if *u.batch <= 0 {
		return "", "", usageErr("--batch-size must be a positive number, got %d", *u.batch)
	}
	return pos[0], pos[1], nil
}

// inputOptions are the options of reading input: the flags', and, for
// what they leave unset, the columns the model's training CSV left out
// (its label, its ignored columns; only the ignored ones in codes) when
// input has them; notes says so.
func (u *useFlags) inputOptions(m *infer.Model, input string, notes io.Writer, codes bool) infer.InputOptions {
	opt := withModelColumns(data.FileOptions{Label: *u.label, Ignore: columnList(*u.ignore), Missing: *u.missing}, m.Meta, input, notes, !codes)
	return infer.InputOptions{File: opt, Data: data.Options{Dir: *u.dataDir, NoDownload: *u.dataDir != ""}}
}

// withModelColumns fills in the ignored columns and, with label (samples,
// not codes), the label column that opt leaves unset with those the model
// file records, where input has them, and the fill of missing values the
// model's training data had, for a CSV input.
func withModelColumns(opt data.FileOptions, meta map[string]string, input string, notes io.Writer, label bool) data.FileOptions {
	var used []string
	if name := meta[model.MetaLabel]; label && opt.Label == "" && name != "" && data.HasColumns(input, []string{name}) {
		opt.Label = name
		used = append(used, name+" (the label)")
	}
	if ignore := columnList(meta[model.MetaIgnore]); len(opt.Ignore) == 0 && len(ignore) > 0 && data.HasColumns(input, ignore) {
		opt.Ignore = ignore
		used = append(used, ignore...)
	}
	if len(used) > 0 {
		fmt.Fprintf(notes, "%s: leaving out the columns the model was trained without: %s (--label and --ignore choose others)\n", input, strings.Join(used, ", "))
	}
	if fill := model.FillOf(meta); label && opt.Missing == "" && fill != nil && data.HasColumns(input, nil) {
		opt.Fill = fill // missing values become what the training data's did
	}
	return opt
}

// openModelAndInput opens the model and its input: samples of the
// model's input, or codes for decode.
func openModelAndInput(modelPath, input string, u *useFlags, codes bool, notes io.Writer) (*infer.Model, data.Source, error) {
	m, err := infer.Open(modelPath)
	if err != nil {
		return nil, nil, err
	}
	shape := m.Network().Inputs()[0].Shape()
	if codes {
		shape = model.CodeShape(m)
	}
	src, err := infer.OpenInput(input, shape, u.inputOptions(m, input, notes, codes))
	if err != nil {
		return nil, nil, err
	}
	if _, n := data.FillOf(src); n > 0 {
		how := "as the model's training data's were"
		if *u.missing != "" {
			how = "by --missing " + *u.missing
		}
		fmt.Fprintf(notes, "%s: %d missing values filled %s\n", input, n, how)
	}
	return m, src, nil
}

func cmdEncode(args []string, stdout, stderr io.Writer) error {
	u := newUseFlags("encode")
	projector := u.fs.String("projector", "", "also write the Embedding Projector's tensors.tsv and metadata.tsv into this folder")
	modelPath, input, err := u.parse(args, stdout)
	if err != nil {
		return helpIsNotAnError(err)
	}
	m, src, err := openModelAndInput(modelPath, input, u, false, stderr)
	if err != nil {
		return err
	}
	out, err := createOutput(*u.out, stdout, src, model.CodeShape(m), nil, "z")
	if err != nil {
		return err
	}
	var proj *projectorFiles
	if *projector != "" {
		if proj, err = newProjector(*projector, src); err != nil {
			return err
		}
	}
	var sink infer.Output = out
	if proj != nil {
		sink = teeOutput{out, proj}
	}
	err = m.Encode(src, *u.batch, sink, progressTo(stderr))
	if proj != nil {
		err = proj.close(err)
	}
	return out.Close(err)
}

func cmdDecode(args []string, stdout, stderr io.Writer) error {
	return transform("decode", args, stdout, stderr, true, func(m *infer.Model) []int { return m.Decoder().Outputs()[0].Shape() },
		func(m *infer.Model) func(data.Source, int, infer.Output, infer.Progress) error { return m.Decode })
}

func cmdReconstruct(args []string, stdout, stderr io.Writer) error {
	return transform("reconstruct", args, stdout, stderr, false, func(m *infer.Model) []int { return m.Network().Inputs()[0].Shape() },
		func(m *infer.Model) func(data.Source, int, infer.Output, infer.Progress) error { return m.Reconstruct })
}

// transform runs a command that maps every input row (a code for decode)
// to a sample of outShape through the model's call.
func transform(name string, args []string, stdout, stderr io.Writer, codes bool, outShape func(*infer.Model) []int,
	call func(*infer.Model) func(data.Source, int, infer.Output, infer.Progress) error) error {
	u := newUseFlags(name)
	modelPath, input, err := u.parse(args, stdout)
	if err != nil {
		return helpIsNotAnError(err)
	}
	m, src, err := openModelAndInput(modelPath, input, u, codes, stderr)
	if err != nil {
		return err
	}
	names := model.FeaturesOf(m.Meta)
	if !codes && data.FeatureNamesOf(src) != nil {
		names = data.FeatureNamesOf(src)
	}
	out, err := createOutput(*u.out, stdout, src, outShape(m), names, "x")
	if err != nil {
		return err
	}
	return out.Close(call(m)(src, *u.batch, out, progressTo(stderr)))
}

// createOutput starts a command's output of one sample of shape for each
// input row: a CSV's columns are names (the training data's or the
// input's), or prefix0, prefix1, ... when names do not fit, after the
// input's key columns (an id, a name) when it has some.
func createOutput(path string, stdout io.Writer, src data.Source, shape []int, names []string, prefix string) (*infer.File, error) {
	if len(names) != tensor.Size(shape) {
		names = infer.NumberedColumns(prefix, tensor.Size(shape))
	}
	keys, _ := data.KeyedOf(src)
	return infer.CreateWithHeader(path, stdout, src.Len(), shape, names, keys)
}

// parseCommand parses a command's flags and positional arguments; on -h
// it prints the command's usage and flags and returns flag.ErrHelp.
func parseCommand(fs *flag.FlagSet, args []string, stdout io.Writer) ([]string, error) {
	pos, err := parseArgs(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fmt.Fprintln(stdout, "usage: "+commands[fs.Name()].usage)
		fs.PrintDefaults()
	}
	return pos, err
}

// helpIsNotAnError turns -h, which printed the usage, into success.
func helpIsNotAnError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// progressTo draws the samples done on w when it is a terminal.
func progressTo(w io.Writer) infer.Progress {
	if !isTerminal(w) {
		return nil
	}
	return func(done, total int) {
		fmt.Fprintf(w, "\r%d/%d samples", done, total)
		if done == total {
			fmt.Fprintln(w)
		}
	}
}
