package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOwnDataColumns: a CSV with an id and a name column trains with
// --ignore, as the same numbers without those columns train (the same
// losses); the model records the columns, so reconstruct leaves them out
// unasked, says so, and names its output's columns as the input does,
// decode names them as the training data did; codes, decodings,
// reconstructions, the projector's metadata and anomalies' scores.csv
// carry each row's id and name.
func TestOwnDataColumns(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	bin, dir, normal, recipePath := ownDataSetup(t)
	people := rewriteRows(t, normal, "people.csv", func(i int, fields []string) []string {
		id, name := "id", "name"
		if i > 0 {
			id, name = "s"+string(rune('a'+i%26)), "n"+string(rune('a'+i%7))
		}
		return append(append([]string{id}, fields...), name)
	})
	plain := latentOK(t, bin, dir, "run", recipePath, "--train", normal, "--label", "kind", "--out", "plain")
	ignored := latentOK(t, bin, dir, "run", recipePath, "--train", people, "--label", "kind", "--ignore", "id, name", "--out", "ignored")
	lastEpoch := regexp.MustCompile(`loss: \S+ - val_loss: \S+\n`)
	if a, b := lastEpoch.FindAllString(plain, -1), lastEpoch.FindAllString(ignored, -1); len(a) != 3 || strings.Join(a, "") != strings.Join(b, "") {
		t.Errorf("the losses with the columns ignored differ from those without them:\n%s\n%s", plain, ignored)
	}
	m := filepath.Join(dir, "ignored", "model.safetensors")
	if summary := latentOK(t, bin, dir, "summary", m); !strings.Contains(summary, "label:     kind\nignored:   id, name\nfeatures:  a, b, c, d, e, f\n") {
		t.Errorf("the summary does not say which columns the model was trained on:\n%s", summary)
	}
	note := latentOK(t, bin, dir, "reconstruct", m, people, "--out", "unasked.csv")
	if !strings.Contains(note, "people.csv: leaving out the columns the model was trained without: kind (the label), id, name") {
		t.Errorf("reconstruct does not say which columns it leaves out: %q", note)
	}
	latentOK(t, bin, dir, "reconstruct", m, people, "--label", "kind", "--ignore", "id,name", "--out", "asked.csv")
	unasked, _ := os.ReadFile(filepath.Join(dir, "unasked.csv"))
	asked, _ := os.ReadFile(filepath.Join(dir, "asked.csv"))
	if string(unasked) != string(asked) || !strings.HasPrefix(string(asked), "id,name,a,b,c,d,e,f\nsb,nb,") || strings.Count(string(asked), "\n") != 601 {
		t.Errorf("reconstruct with the model's columns and with the flags' differ, or the header is not the input's: %q", string(asked[:min(40, len(asked))]))
	}
	latentOK(t, bin, dir, "encode", m, people, "--out", "codes.csv", "--projector", "proj")
	if meta, _ := os.ReadFile(filepath.Join(dir, "proj", "metadata.tsv")); !strings.HasPrefix(string(meta), "label\tid\tname\nx\tsb\tnb\n") || strings.Count(string(meta), "\n") != 601 {
		t.Errorf("the projector's metadata is not the labels, ids and names under a header: %q", string(meta[:min(40, len(meta))]))
	}
	if codes, _ := os.ReadFile(filepath.Join(dir, "codes.csv")); !strings.HasPrefix(string(codes), "id,name,z0,z1\nsb,nb,") {
		t.Errorf("the codes do not start with their rows' ids and names: %q", string(codes[:min(40, len(codes))]))
	}
	latentOK(t, bin, dir, "decode", m, "codes.csv", "--out", "decoded.csv")
	if decoded, _ := os.ReadFile(filepath.Join(dir, "decoded.csv")); string(decoded) != string(asked) {
		t.Errorf("decode(encode) is not reconstruct, header included: %q", string(decoded[:min(40, len(decoded))]))
	}
	latentOK(t, bin, dir, "anomalies", m, people, "--out", "an")
	scores, _ := os.ReadFile(filepath.Join(dir, "an", "scores.csv"))
	lines := strings.Split(string(scores), "\n")
	if len(lines) != 602 || lines[0] != "index,id,name,score,anomaly" || !strings.HasPrefix(lines[2], "1,sc,nc,") {
		t.Errorf("scores.csv: %q ...", lines[:min(3, len(lines))])
	}
}

// TestOwnDataMissing: a CSV with holes trains with --missing mean and says
// how many values it filled; the model records the fill, so reconstruct
// fills the same file's holes alike unasked, and says so.
func TestOwnDataMissing(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	bin, dir, normal, recipePath := ownDataSetup(t)
	n := 0
	path := rewriteRows(t, normal, "holes.csv", func(i int, fields []string) []string {
		for j := range fields[:6] {
			if i > 0 && (i*6+j)%17 == 0 {
				fields[j] = []string{"", "NA", "?"}[n%3]
				n++
			}
		}
		return fields
	})
	out := latentOK(t, bin, dir, "run", recipePath, "--train", path, "--label", "kind", "--missing", "mean")
	if !strings.Contains(out, fmt.Sprintf("missing values: %d of %s's filled with their column's mean over the file", n, path)) {
		t.Errorf("the run does not say it filled %d values:\n%s", n, out)
	}
	m := filepath.Join(dir, "tab", "model.safetensors")
	if summary := latentOK(t, bin, dir, "summary", m); !strings.Contains(summary, "missing:   filled with ") {
		t.Errorf("the summary does not give the fill:\n%s", summary)
	}
	note := latentOK(t, bin, dir, "reconstruct", m, path, "--out", "recon.csv")
	if !strings.Contains(note, fmt.Sprintf("holes.csv: %d missing values filled as the model's training data's were", n)) {
		t.Errorf("reconstruct does not say it filled the holes: %q", note)
	}
	if recon, _ := os.ReadFile(filepath.Join(dir, "recon.csv")); strings.Count(string(recon), "\n") != 601 {
		t.Errorf("reconstruct wrote %d lines, want 601", strings.Count(string(recon), "\n"))
	}
}

// ownDataSetup builds the command and writes, in a temporary folder, the
// blobs CSV and a small recipe for it (6 -> 2 -> 6, 3 epochs).
func ownDataSetup(t *testing.T) (bin, dir, normal, recipePath string) {
	t.Helper()
	bin, dir = binary(t), t.TempDir()
	normal, _ = blobs(t, dir)
	recipePath = filepath.Join(dir, "tab.json")
	os.WriteFile(recipePath, []byte(`{"name": "tab", "loss": "mean_squared_error", "epochs": 3, "batch_size": 32, "seed": 7,
		"encoder": [{"type": "Dense", "units": 2}], "decoder": [{"type": "Dense", "units": 6}]}`), 0o644)
	return bin, dir, normal, recipePath
}

// rewriteRows writes a copy of the CSV at path, each line's fields
// through edit (line 0 is the header), as name beside it.
func rewriteRows(t *testing.T, path, name string, edit func(i int, fields []string) []string) string {
	t.Helper()
	rows, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i, line := range strings.Split(strings.TrimSpace(string(rows)), "\n") {
		b.WriteString(strings.Join(edit(i, strings.Split(line, ",")), ",") + "\n")
	}
	out := filepath.Join(filepath.Dir(path), name)
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}
