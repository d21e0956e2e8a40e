package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"

	"github.com/latent-go/latent/bench"
	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/recipe"
)

func cmdBench(args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("bench", flag.ContinueOnError)
	epochs := flags.Int("epochs", 5, "epochs to time; the median is reported")
	threads := flags.String("threads", "", "thread counts to time, comma-separated (e.g. 1,2): one run takes them in turn, epoch by epoch; default: GOMAXPROCS")
	asJSON := flags.Bool("json", false, "print the report as JSON")
	gemm := flags.String("gemm", "", "GEMM implementation (default: the fastest this build has; see --list)")
	elementwise := flags.String("elementwise", "", "element-wise implementation: avx512, avx2 or go (default: the fastest this build has; see --list)")
	list := flags.Bool("list", false, "list the GEMM and element-wise implementations and exit")
	dataDir := flags.String("data-dir", "", "read the four IDX files from this folder")
	dataset := flags.String("dataset", "", "dataset: mnist or fashion (default: the recipe's)")
	cpuProfile := flags.String("cpuprofile", "", "write a CPU profile of the timed epochs to this file (read it with go tool pprof)")
	sites := flags.Bool("parallel-sites", false, "print where each thread count's parallel work went (each count then runs alone): the wall time and pieces of the parallel calls, by the functions that made them")
	if len(args) > 0 && (args[0] == "--list" || args[0] == "-list") {
		*list = true
		args = args[1:]
	}
	if *list || (len(args) > 0 && (args[len(args)-1] == "--list" || args[len(args)-1] == "-list")) {
		for _, g := range compute.Implementations() {
			fmt.Fprintln(stdout, g.Name())
		}
		for _, e := range compute.ElementwiseImplementations() {
			fmt.Fprintln(stdout, "element-wise", e.Name())
		}
		return nil
	}
	name, err := parse(flags, args)
	if errors.Is(err, flag.ErrHelp) {
		flags.SetOutput(stdout)
		fmt.Fprintln(stdout, "usage: latent bench RECIPE [flags]")
		flags.PrintDefaults()
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
	if err := useElementwise(*elementwise); err != nil {
		return err
	}
	r, err := benchRecipe(name, *dataset, *dataDir)
	if err != nil {
		return err
	}
	counts, err := threadCounts(*threads)
	if err != nil {
		return err
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	opt := bench.Options{Epochs: *epochs, Data: data.Options{Dir: *dataDir}}
	var reps []*bench.Report
	if *sites {
		reps, err = benchEachAlone(r, opt, counts)
	} else {
		reps, err = bench.Interleave(r, opt, counts)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return printBenchJSON(stdout, reps)
	}
	printBench(stdout, reps, *sites)
	return nil
}

// benchRecipe loads the recipe to time, on the dataset asked for ("": the
// recipe's).
func benchRecipe(name, dataset, dataDir string) (*recipe.Recipe, error) {
	r, err := recipe.Load(name)
	if err != nil {
		return nil, err
	}
	if dataset != "" {
		if err := checkDataset(dataset, dataDir); err != nil {
			return nil, err
		}
		r.Dataset = dataset
	}
	return r, nil
}

// printBench prints the machine, each thread count's report (and its parallel sites
// with --parallel-sites), then each count's speed-up over the first, and,
// for counts taken in turn in one run, layer by layer.
func printBench(w io.Writer, reps []*bench.Report, sites bool) {
	if len(reps) > 0 && reps[0].Machine != "" {
		fmt.Fprintf(w, "machine: %s\n", reps[0].Machine)
	}
	for _, rep := range reps {
		rep.Print(w)
		if sites {
			printSites(w, rep.Threads, rep.ParallelSites)
		}
	}
	if len(reps) < 2 {
		return
	}
	for _, rep := range reps[1:] {
		fmt.Fprintf(w, "%d threads: %.2fx the speed of %d%s\n", rep.Threads, reps[0].MedianSeconds/rep.MedianSeconds, reps[0].Threads, pairSpread(reps[0], rep))
		if !sites {
			bench.PrintPassSpeedups(w, reps[0], rep)
		}
	}
}

// printBenchJSON prints the report as JSON: one object for one thread
// count, a list for several.
func printBenchJSON(w io.Writer, reps []*bench.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if len(reps) == 1 {
		return enc.Encode(reps[0])
	}
	return enc.Encode(reps)
}

// pairSpread describes, for counts taken in turn, how the speed-up moved
// from one round of epochs to the next, and what it was in the rounds in
// which the machine gave the threads their cores when it did not always:
// " (epoch by epoch 0.95 to 1.86; 1.84 in the 3 of 5 rounds given 2
// cores near each other)".
func pairSpread(base, other *bench.Report) string {
	ratios := bench.RoundRatios(base, other)
	if len(ratios) < 2 {
		return ""
	}
	spread := fmt.Sprintf("epoch by epoch %.2f to %.2f", slices.Min(ratios), slices.Max(ratios))
	given := bench.GivenRatios(base, other)
	switch {
	case len(given) == len(ratios):
	case len(given) == 0:
		spread += fmt.Sprintf("; the machine never gave %d cores near each other", other.Threads)
	default:
		spread += fmt.Sprintf("; %.2f in the %d of %d rounds given %d cores near each other", bench.Median(given), len(given), len(ratios), other.Threads)
	}
	return " (" + spread + ")"
}

// benchEachAlone times each thread count in a run of its own, so that
// the parallel sites recorded are that count's (--parallel-sites).
func benchEachAlone(r *recipe.Recipe, opt bench.Options, counts []int) ([]*bench.Report, error) {
	var reps []*bench.Report
	for _, n := range counts {
		compute.RecordSites(true)
		one, err := bench.Interleave(r, opt, []int{n})
		compute.RecordSites(false)
		if err != nil {
			return nil, err
		}
		one[0].ParallelSites = compute.ParallelSites()
		reps = append(reps, one[0])
	}
	return reps, nil
}

// printSites prints the table of --parallel-sites.
func printSites(w io.Writer, threads int, sites []compute.Site) {
	total, shown := 0.0, 0.0
	for _, s := range sites {
		total += s.Seconds
	}
	fmt.Fprintf(w, "parallel calls at %d threads, by site (the whole run: loading, epochs, validation, the GEMM check): %.3f s\n", threads, total)
	if total == 0 {
		return
	}
	fmt.Fprintln(w, "  seconds  share   calls  pieces  site")
	for i, s := range sites {
		if i == maxSites {
			fmt.Fprintf(w, "  (%d more sites, %.1f%% of the time together)\n", len(sites)-i, 100*(1-shown/total))
			break
		}
		shown += s.Seconds
		fmt.Fprintf(w, "  %7.3f  %4.1f%%  %6d  %6d  %s\n", s.Seconds, 100*s.Seconds/total, s.Calls, s.Pieces, s.Where)
	}
}

// maxSites is how many sites --parallel-sites prints.
const maxSites = 25

// threadCounts reads --threads: "1,2,16"; empty is GOMAXPROCS.
func threadCounts(s string) ([]int, error) {
	if s == "" {
		return []int{runtime.GOMAXPROCS(0)}, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 || n > 1024 {
			return nil, usageErr("--threads takes thread counts like 1,2,16, got %q", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// startCPUProfile writes a CPU profile to path until stop is called; it
// refuses to overwrite a file that exists.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("--cpuprofile: %s exists; remove it or name another file", path)
		}
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
