// Command samebits compares two run folders bit for bit: every list of
// numbers in history.json but the seconds, and every tensor of
// model.safetensors. It prints one line per difference and exits 1 when
// there is any; results/same-numbers.sh runs it on the runs of two commits.
//
//	go run ./internal/cmd/samebits DIR_A DIR_B
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"

	"github.com/latent-go/latent/safetensors"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: samebits DIR_A DIR_B")
		os.Exit(2)
	}
	diffs, err := compare(os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "samebits:", err)
		os.Exit(2)
	}
	for _, d := range diffs {
		fmt.Println(d)
	}
	if len(diffs) > 0 {
		os.Exit(1)
	}
}

func compare(a, b string) ([]string, error) {
	ha, err := histories(a)
	if err != nil {
		return nil, err
	}
	hb, err := histories(b)
	if err != nil {
		return nil, err
	}
	var diffs []string
	lists, values := 0, 0
	for _, name := range sortedKeys(ha, hb) {
		if name == "seconds" {
			continue
		}
		lists++
		values += len(ha[name])
		if d := sameFloats("history "+name, ha[name], hb[name]); d != "" {
			diffs = append(diffs, d)
		}
	}
	// Unchecked: files of commits older than the checksums carry none.
	ta, err := readUnchecked(filepath.Join(a, "model.safetensors"))
	if err != nil {
		return nil, err
	}
	tb, err := readUnchecked(filepath.Join(b, "model.safetensors"))
	if err != nil {
		return nil, err
	}
	weights := 0
	for _, name := range sortedKeys(ta.Tensors, tb.Tensors) {
		x, y := ta.Tensors[name], tb.Tensors[name]
		if x == nil || y == nil || len(x.Data) != len(y.Data) {
			diffs = append(diffs, fmt.Sprintf("weights %s: in one file only, or of other sizes", name))
			continue
		}
		weights += len(x.Data)
		for i := range x.Data {
			if math.Float32bits(x.Data[i]) != math.Float32bits(y.Data[i]) {
				diffs = append(diffs, fmt.Sprintf("weights %s[%d]: %v vs %v", name, i, x.Data[i], y.Data[i]))
				break
			}
		}
	}
	if len(diffs) == 0 {
		fmt.Printf("same bits: %d history lists (%d values) and %d tensors (%d weights)\n", lists, values, len(ta.Tensors), weights)
	}
	return diffs, nil
}

func histories(dir string) (map[string][]float64, error) {
	b, err := os.ReadFile(filepath.Join(dir, "history.json"))
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	out := map[string][]float64{}
	for k, v := range raw {
		var xs []float64
		if json.Unmarshal(v, &xs) == nil {
			out[k] = xs
		}
	}
	return out, nil
}

func sameFloats(what string, a, b []float64) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%s: %d values vs %d", what, len(a), len(b))
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return fmt.Sprintf("%s[%d]: %v vs %v", what, i, a[i], b[i])
		}
	}
	return ""
}

func sortedKeys[V any](a, b map[string]V) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range []map[string]V{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

func readUnchecked(path string) (*safetensors.File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return safetensors.ReadUnchecked(b)
}
