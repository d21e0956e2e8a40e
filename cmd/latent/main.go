// Command latent builds, trains and inspects autoencoders; see README.md.
//
//	latent run RECIPE [--dataset mnist|fashion] [--epochs N] [--batch-size N] [--seed N] [--out DIR]
//	latent summary RECIPE|MODEL_FILE
//	latent bench RECIPE [--epochs N] [--dataset mnist|fashion] [--json] [--gemm NAME]
//	latent recipes
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/latent-go/latent"
	"github.com/latent-go/latent/bench"
	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/runner"
)

const usage = `latent: autoencoders in Go

usage:
  latent run RECIPE [flags]   train a recipe and write its outputs into a folder
  latent summary RECIPE|FILE  print the Keras summaries of a recipe's or a saved model's models
  latent bench RECIPE [flags] time training epochs against the GEMM's own rate
  latent recipes              list the built-in recipes
  latent help                 print this text

RECIPE is a built-in name (see "latent recipes") or a recipe file (JSON).
Run "latent run -h" for the flags of run.
`

// errUsage marks errors caused by how the command was called (exit 2).
var errUsage = errors.New("usage")

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	msg := err.Error()
	code := 1
	if errors.Is(err, errUsage) {
		code = 2
		msg = strings.TrimSuffix(strings.TrimPrefix(msg, "usage: "), ": usage")
	}
	fmt.Fprintf(os.Stderr, "latent: %s\n", msg)
	os.Exit(code)
}

func usageErr(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), errUsage)
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageErr("no command given; try \"latent run ae1\"")
	}
	switch args[0] {
	case "run":
		return cmdRun(args[1:], stdout, stderr)
	case "summary":
		return cmdSummary(args[1:], stdout)
	case "bench":
		return cmdBench(args[1:], stdout)
	case "recipes":
		for _, n := range recipe.Builtins() {
			r, err := recipe.Load(n)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%-8s %s\n", n, r.Description)
		}
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageErr("unknown command %q (commands: run, summary, bench, recipes, help)", args[0])
}

// parse parses flags that may come before or after the one positional
// argument, as users type them.
func parse(fs *flag.FlagSet, args []string) (string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return "", err
			}
			return "", usageErr("%v", err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != 1 {
		return "", usageErr("%s needs exactly one RECIPE (a built-in name or a recipe file), got %d", fs.Name(), len(pos))
	}
	return pos[0], nil
}

func cmdRun(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	dataset := fs.String("dataset", "", "dataset: mnist or fashion (default: the recipe's)")
	epochs := fs.Int("epochs", 0, "number of epochs (default: the recipe's)")
	batch := fs.Int("batch-size", 0, "batch size (default: the recipe's)")
	seed := fs.Int64("seed", -1, "random seed for weights and shuffling (default: the recipe's)")
	out := fs.String("out", "", "output folder (default: the recipe's name, plus -fashion on Fashion-MNIST)")
	dataDir := fs.String("data-dir", "", "read the four IDX files from this folder instead")
	noDownload := fs.Bool("no-download", false, "never download datasets")
	gemm := fs.String("gemm", "", "GEMM implementation (default: the fastest this build has; see latent bench --list)")
	resume := fs.Bool("resume", false, "continue the stopped run whose checkpoint (written after every epoch) is in the output folder")
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
	if err := useGEMM(*gemm); err != nil {
		return err
	}
	r, err := recipe.Load(name)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["epochs"] {
		if *epochs <= 0 {
			return usageErr("--epochs must be a positive number, got %d", *epochs)
		}
		r.Epochs = *epochs
	}
	if set["batch-size"] {
		if *batch <= 0 {
			return usageErr("--batch-size must be a positive number, got %d", *batch)
		}
		r.BatchSize = *batch
	}
	if set["seed"] {
		if *seed < 0 {
			return usageErr("--seed must be zero or positive, got %d", *seed)
		}
		r.Seed = uint64(*seed)
	}
	if set["dataset"] {
		if err := checkDataset(*dataset, *dataDir); err != nil {
			return err
		}
		r.Dataset = *dataset
	}
	dir := *out
	if dir == "" {
		dir = r.Name
		if r.Dataset != "mnist" {
			dir += "-" + r.Dataset
		}
	}
	_, err = runner.Run(r, runner.Options{
		OutDir:   dir,
		Stdout:   stdout,
		Terminal: isTerminal(stdout),
		Data:     data.Options{Dir: *dataDir, NoDownload: *noDownload, Log: stderr},
		Resume:   *resume,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "outputs written to %s/\n", dir)
	return nil
}

func cmdSummary(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("summary", flag.ContinueOnError)
	name, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, "usage: latent summary RECIPE|MODEL_FILE")
		return nil
	}
	if err != nil {
		return err
	}
	m, err := modelOrRecipe(name)
	if err != nil {
		return err
	}
	runner.Summaries(stdout, m)
	return nil
}

// modelOrRecipe loads a saved model file (.safetensors), or builds a
// recipe's model.
func modelOrRecipe(name string) (model.Model, error) {
	if strings.HasSuffix(name, ".safetensors") {
		m, _, err := latent.Open(name)
		return m, err
	}
	r, err := recipe.Load(name)
	if err != nil {
		return nil, err
	}
	return r.Build()
}

func cmdBench(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	epochs := fs.Int("epochs", 5, "epochs to time; the median is reported")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	gemm := fs.String("gemm", "", "GEMM implementation (default: the fastest this build has; see --list)")
	list := fs.Bool("list", false, "list the GEMM implementations and exit")
	dataDir := fs.String("data-dir", "", "read the four IDX files from this folder")
	dataset := fs.String("dataset", "", "dataset: mnist or fashion (default: the recipe's)")
	if len(args) > 0 && (args[0] == "--list" || args[0] == "-list") {
		*list = true
		args = args[1:]
	}
	if *list || (len(args) > 0 && (args[len(args)-1] == "--list" || args[len(args)-1] == "-list")) {
		for _, g := range compute.Implementations() {
			fmt.Fprintln(stdout, g.Name())
		}
		return nil
	}
	name, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fmt.Fprintln(stdout, "usage: latent bench RECIPE [flags]")
		fs.PrintDefaults()
		return nil
	}
	if err != nil {
		return err
	}
	if *epochs <= 0 {
		return usageErr("--epochs must be a positive number, got %d", *epochs)
	}
	if err := useGEMM(*gemm); err != nil {
		return err
	}
	r, err := recipe.Load(name)
	if err != nil {
		return err
	}
	if *dataset != "" {
		if err := checkDataset(*dataset, *dataDir); err != nil {
			return err
		}
		r.Dataset = *dataset
	}
	rep, err := bench.Run(r, bench.Options{Epochs: *epochs, Data: data.Options{Dir: *dataDir}})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rep.Print(stdout)
	return nil
}

// checkDataset refuses a dataset name latent does not know, unless the
// files come from --data-dir.
func checkDataset(name, dir string) error {
	if _, ok := data.Builtins[name]; !ok && dir == "" {
		return usageErr("--dataset must be mnist or fashion, got %q", name)
	}
	return nil
}

// useGEMM switches the compute seam to the named implementation; "" keeps
// the default.
func useGEMM(name string) error {
	if name == "" {
		return nil
	}
	g, ok := compute.ByName(name)
	if !ok {
		var names []string
		for _, g := range compute.Implementations() {
			names = append(names, g.Name())
		}
		return usageErr("unknown --gemm %q (this build has: %s)", name, strings.Join(names, ", "))
	}
	compute.Use(g)
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
