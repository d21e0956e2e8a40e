package infer_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/tensor"
)

// TestFileOutputsReadBack: rows written in batches to a .csv and a .npy
// file read back as the same values, with the CSV's header, and nothing
// else is left in the folder (the temporary file was renamed).
func TestFileOutputsReadBack(t *testing.T) {
	x := tensor.FromSlice([]float32{0.5, -1.25, 3, 1e-3, 7, 0.1}, 3, 2)
	for _, name := range []string{"codes.csv", "codes.npy"} {
		dir := t.TempDir()
		path := filepath.Join(dir, name)
		o, err := infer.Create(path, nil, 3, []int{2}, "z")
		if err != nil {
			t.Fatal(err)
		}
		writeInTwo(t, o, x)
		src, err := data.Open(path, data.FileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := data.ReadAll(src)
		if err != nil {
			t.Fatal(err)
		}
		same(t, name, got.View(2), x)
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Fatalf("%s: the folder holds %d entries", name, len(entries))
		}
		if name == "codes.csv" {
			b, _ := os.ReadFile(path)
			if !strings.HasPrefix(string(b), "z0,z1\n") {
				t.Fatalf("CSV starts %q", string(b)[:min(len(b), 20)])
			}
		}
	}
}

// TestFileOutputLeavesNothingOnFailure: an output closed after an error,
// or short of the rows it announced, leaves no file, neither in place nor
// under its temporary name.
func TestFileOutputLeavesNothingOnFailure(t *testing.T) {
	x := tensor.FromSlice([]float32{1, 2, 3, 4}, 2, 2)
	for _, c := range []struct {
		name    string
		rows    int
		failure error
		want    string
	}{
		{"failed", 2, errors.New("the input ended early"), "the input ended early"},
		{"short", 3, nil, "wrote 2 rows of the 3 announced"},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, "out.npy")
		o, err := infer.Create(path, nil, c.rows, []int{2}, "x")
		if err != nil {
			t.Fatal(err)
		}
		if err := o.Write(x); err != nil {
			t.Fatal(err)
		}
		err = o.Close(c.failure)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("%s: Close gave %v, want %q", c.name, err, c.want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Fatalf("%s: %d entries left, the first %s", c.name, len(entries), entries[0].Name())
		}
	}
}

// TestStdoutOutputAndBadExtension: no path writes CSV to the writer given;
// a path that is neither .csv nor .npy is refused before anything is
// written.
func TestStdoutOutputAndBadExtension(t *testing.T) {
	var buf bytes.Buffer
	o, err := infer.Create("", &buf, 1, []int{3}, "y")
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Write(tensor.FromSlice([]float32{1, 0.5, -2}, 1, 3)); err != nil {
		t.Fatal(err)
	}
	if err := o.Close(nil); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); !strings.HasPrefix(got, "y0,y1,y2\n1,0.5,-2") {
		t.Fatalf("stdout got %q", got)
	}
	dir := t.TempDir()
	if _, err := infer.Create(filepath.Join(dir, "out.txt"), nil, 1, []int{3}, "y"); err == nil || !strings.Contains(err.Error(), "write .csv or .npy") {
		t.Fatalf("a .txt output: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a refused output left %d entries", len(entries))
	}
}

// writeInTwo writes x's three rows to o in two batches and closes it.
func writeInTwo(t *testing.T, o *infer.File, x *tensor.Tensor) {
	t.Helper()
	for _, rows := range [][2]int{{0, 2}, {2, 3}} {
		if err := o.Write(x.Slice(rows[0], rows[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := o.Close(nil); err != nil {
		t.Fatal(err)
	}
}

// TestKeyedOutput: with the input's keys, each CSV row written in batches
// starts with its row's keys (quoted where they need it) and the header
// with their columns, and the file reads back with them ignored; a .npy
// file holds the numbers alone.
func TestKeyedOutput(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "in.csv")
	os.WriteFile(input, []byte("id,v\na,1\n\"b\"\"c\",2\nd,3\n"), 0o644)
	src, err := data.Open(input, data.FileOptions{Ignore: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	keys, ok := data.KeyedOf(src)
	if !ok {
		t.Fatal("no keys")
	}
	x := tensor.FromSlice([]float32{0.5, -1.25, 3, 1e-3, 7, 0.1}, 3, 2)
	for _, name := range []string{"out.csv", "out.npy"} {
		path := filepath.Join(dir, name)
		o, err := infer.CreateWithHeader(path, nil, 3, []int{2}, []string{"p", "q"}, keys)
		if err != nil {
			t.Fatal(err)
		}
		writeInTwo(t, o, x)
		if name == "out.csv" {
			got, _ := os.ReadFile(path)
			if want := "id,p,q\na,0.5,-1.25\n\"b\"\"c\",3,0.001\nd,7,0.1\n"; string(got) != want {
				t.Errorf("keyed CSV:\n%s\nwant\n%s", got, want)
			}
			continue
		}
		back, err := data.Open(path, data.FileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if all, err := data.ReadAll(back); err != nil || !slices.Equal(all.Data, x.Data) {
			t.Errorf("the .npy file holds %v (%v), want %v", all, err, x.Data)
		}
	}
}
