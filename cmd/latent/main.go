// Command latent builds, trains and inspects autoencoders; see README.md.
//
//	latent run RECIPE [--dataset mnist|fashion] [--epochs N] [--batch-size N] [--seed N] [--out DIR]
//	latent summary RECIPE|MODEL_FILE
//	latent bench RECIPE [--epochs N] [--threads 1,2] [--dataset mnist|fashion] [--json] [--gemm NAME]
//	latent recipes
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"golang.org/x/term"

	"github.com/latent-go/latent"
	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/runner"
)

const usage = `latent: autoencoders in Go

usage:
  latent run RECIPE [flags]             train a recipe (on a built-in dataset or --train FILE)
  latent summary RECIPE|MODEL           print the Keras summaries of a recipe's or a saved model's models
  latent bench RECIPE [flags]           time training epochs against the GEMM's own rate
  latent recipes                        list the built-in recipes
  latent encode MODEL INPUT [flags]     write the codes of the inputs
  latent decode MODEL CODES [flags]     write the decoding of codes
  latent reconstruct MODEL INPUT        write what the model makes of the inputs
  latent pca DATA --dim N [flags]       fit PCA, save it as a model, report its errors
  latent compare MODEL... --data DATA   score models side by side on the same data
  latent anomalies MODEL INPUT [flags]  flag the inputs the model reconstructs badly
  latent serve MODEL [flags]            serve the model's JSON API and the latent-space explorer
  latent export MODEL --out FILE        write the model as ONNX (or its weights with Keras's names)
  latent import MODEL WEIGHTS --out F   load weights trained elsewhere into a model
  latent help                           print this text

RECIPE is a built-in name (see "latent recipes") or a recipe file (JSON).
MODEL is a saved model file (model.safetensors). INPUT, CODES and DATA are a
CSV, TSV or .npy file, an IDX file, a folder of PNG images, or a built-in
dataset (mnist, fashion: the test split; mnist:train the training split).
Run "latent COMMAND -h" for a command's flags.
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
	var stopped *runner.Interrupted
	if errors.As(err, &stopped) {
		code = 130 // as a shell reports a process stopped by SIGINT
	}
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

// command is one of latent's commands: its usage line and what it does.
type command struct {
	usage string
	run   func(args []string, stdout, stderr io.Writer) error
}

// commands are latent's commands by name; each lives in its own file.
var commands map[string]command

func init() {
	commands = map[string]command{
		"run":         {"latent run RECIPE [flags]", cmdRun},
		"summary":     {"latent summary RECIPE|MODEL_FILE", func(a []string, o, _ io.Writer) error { return cmdSummary(a, o) }},
		"bench":       {"latent bench RECIPE [flags]", func(a []string, o, _ io.Writer) error { return cmdBench(a, o) }},
		"recipes":     {"latent recipes", cmdRecipes},
		"encode":      {"latent encode MODEL INPUT [--out FILE] [--projector DIR]", cmdEncode},
		"decode":      {"latent decode MODEL CODES [--out FILE]", cmdDecode},
		"reconstruct": {"latent reconstruct MODEL INPUT [--out FILE]", cmdReconstruct},
		"pca":         {"latent pca DATA --dim N [--out DIR] [--json]", cmdPCA},
		"compare":     {"latent compare MODEL... --data DATA [--out DIR] [--json]", cmdCompare},
		"anomalies":   {"latent anomalies MODEL INPUT [--threshold RULE] [--labels ...] [--out DIR] [--json]", cmdAnomalies},
		"serve":       {"latent serve MODEL [--addr 127.0.0.1:8080] [--data DATA]", cmdServe},
		"export":      {"latent export MODEL [--format onnx|safetensors] [--part autoencoder|encoder|decoder] --out FILE", cmdExport},
		"import":      {"latent import MODEL|RECIPE WEIGHTS.safetensors --out FILE", cmdImport},
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageErr("no command given; try \"latent run ae1\"")
	}
	if c, ok := commands[args[0]]; ok {
		return c.run(args[1:], stdout, stderr)
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageErr("unknown command %q (commands: %s, help)", args[0], strings.Join(commandNames(), ", "))
}

func commandNames() []string {
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func cmdRecipes(_ []string, stdout, _ io.Writer) error {
	for _, n := range recipe.Builtins() {
		r, err := recipe.Load(n)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%-8s %s\n", n, r.Description)
	}
	return nil
}

// parse parses flags that may come before or after the one positional
// argument, as users type them.
func parse(fs *flag.FlagSet, args []string) (string, error) {
	pos, err := parseArgs(fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		return "", usageErr("%s needs exactly one RECIPE (a built-in name or a recipe file), got %d", fs.Name(), len(pos))
	}
	return pos[0], nil
}

// parseArgs parses flags that may come before, between or after the
// positional arguments, and returns those.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageErr("%v", err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return pos, nil
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
	m, meta, err := modelOrRecipe(name)
	if err != nil {
		return err
	}
	runner.Summaries(stdout, m)
	if meta == nil {
		return nil
	}
	return printTraining(stdout, meta)
}

// modelOrRecipe loads a saved model file (.safetensors) with its
// metadata, or builds a recipe's model (no metadata).
func modelOrRecipe(name string) (model.Model, map[string]string, error) {
	if strings.HasSuffix(name, ".safetensors") {
		return latent.Open(name)
	}
	r, err := recipe.Load(name)
	if err != nil {
		return nil, nil, err
	}
	m, err := r.Build()
	return m, nil, err
}

// checkDataset refuses a dataset name latent does not know, unless the
// files come from --data-dir.
func checkDataset(name, dir string) error {
	if _, ok := data.Builtins[name]; !ok && dir == "" {
		return usageErr("--dataset must be mnist or fashion, got %q", name)
	}
	return nil
}

// useGEMM makes the named GEMM the one in use ("": the default).
func useGEMM(name string) error {
	g, ok, err := implementation("--gemm", name, compute.Implementations(), compute.ByName)
	if ok {
		compute.Use(g)
	}
	return err
}

// useElementwise makes the named element-wise implementation the one in
// use ("": the default).
func useElementwise(name string) error {
	e, ok, err := implementation("--elementwise", name, compute.ElementwiseImplementations(), compute.ElementwiseByName)
	if ok {
		compute.UseElementwise(e)
	}
	return err
}

// implementation finds the implementation a flag names among all those
// this build has: ok is false for "" (the default) and for an unknown
// name, which is an error that lists the names.
func implementation[T interface{ Name() string }](flag, name string, all []T, byName func(string) (T, bool)) (impl T, ok bool, err error) {
	if name == "" {
		return impl, false, nil
	}
	if impl, ok = byName(name); ok {
		return impl, true, nil
	}
	names := make([]string, len(all))
	for i, a := range all {
		names[i] = a.Name()
	}
	return impl, false, usageErr("unknown %s %q (this build has: %s)", flag, name, strings.Join(names, ", "))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
