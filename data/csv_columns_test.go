package data_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/tensor"
)

// TestCSVIgnore: columns left out by header name or by index are not
// features; the label is still read; the feature names follow the
// header.
func TestCSVIgnore(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "people.csv", "id,a,name,b,kind\ns1,1,ann,2,x\ns2,3,bob,4,y\n")
	for _, ignore := range [][]string{{"id", "name"}, {"0", "2"}, {"name", "0"}} {
		s, err := data.Open(p, data.FileOptions{Label: "kind", Ignore: ignore})
		if err != nil {
			t.Fatalf("ignore %v: %v", ignore, err)
		}
		var b tensor.Tensor
		if err := data.ReadBatch(s, &b, []int{1, 0}); err != nil || !slices.Equal(b.Data, []float32{3, 4, 1, 2}) {
			t.Errorf("ignore %v: rows 1, 0 read %v (%v), want [3 4 1 2]", ignore, b.Data, err)
		}
		if labels, classes := data.LabelsOf(s); !slices.Equal(labels, []int{0, 1}) || !slices.Equal(classes, []string{"x", "y"}) {
			t.Errorf("ignore %v: labels %v %v", ignore, labels, classes)
		}
		if names := data.FeatureNamesOf(s); !slices.Equal(names, []string{"a", "b"}) {
			t.Errorf("ignore %v: feature names %v, want [a b]", ignore, names)
		}
		keyed, ok := data.KeyedOf(s)
		if !ok || !slices.Equal(keyed.KeyColumns(), []string{"id", "name"}) {
			t.Fatalf("ignore %v: no key columns id and name", ignore)
		}
		if keys, err := keyed.Keys(1); err != nil || !slices.Equal(keys, []string{"s2", "bob"}) {
			t.Errorf("ignore %v: the keys of row 1 are %v (%v), want [s2 bob]", ignore, keys, err)
		}
	}
	if !data.HasColumns(p, []string{"id", "kind"}) || data.HasColumns(p, []string{"id", "age"}) || !data.HasColumns(p, []string{"4"}) {
		t.Errorf("HasColumns does not see the header's columns")
	}
	if s, err := data.Open(write(t, dir, "numbers.csv", "a,b,kind\n1,2,x\n"), data.FileOptions{Label: "kind"}); err != nil {
		t.Error(err)
	} else if _, ok := data.KeyedOf(s); ok {
		t.Errorf("key columns without any ignored")
	}
	noHeader := write(t, dir, "plain.csv", "1,2,3\n")
	if s, err := data.Open(noHeader, data.FileOptions{}); err != nil || data.FeatureNamesOf(s) != nil {
		t.Errorf("a file without a header has feature names %v (%v)", data.FeatureNamesOf(s), err)
	}
	if s, err := data.Open(noHeader, data.FileOptions{Ignore: []string{"1"}}); err != nil {
		t.Error(err)
	} else if keyed, ok := data.KeyedOf(s); !ok || !slices.Equal(keyed.KeyColumns(), []string{"1"}) {
		t.Errorf("without a header the key column is not named by its index")
	}
	if data.HasColumns(noHeader, []string{"3"}) || !data.HasColumns(noHeader, []string{"2"}) {
		t.Errorf("HasColumns by index on 3 columns")
	}
}

// TestCSVIgnoreBad: an unknown column, nothing left, ignored columns of a
// file that is not a CSV, and a text column that is not left out each
// get one line; the hint to leave a column out comes only for the first
// row of numbers (further down, a bad value is more likely a typo).
func TestCSVIgnoreBad(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct {
		content, label string
		ignore         []string
		want           string
	}{
		"unknown":        {"id,a\ns,1\n", "", []string{"age"}, `bad.csv: line 1: no ignored column "age" (the header has: id, a)`},
		"unknown index":  {"1,2\n", "", []string{"2"}, `no ignored column "2": the file has no header and 2 columns`},
		"nothing left":   {"id,a,k\ns,1,x\n", "k", []string{"id", "a"}, "no feature columns besides the label and the ignored ones"},
		"text column":    {"id,a\ns1,1\n", "", nil, `bad.csv: line 2, column 1: "s1" is not a number (a column that is not a feature can be left out with --ignore id)`},
		"typo further":   {"a,b\n1,2\n3,x\n", "", nil, `bad.csv: line 3, column 2: "x" is not a number`},
		"no header hint": {"1,t\n", "", nil, `"t" is not a number (a column that is not a feature can be left out with --ignore 1)`},
	} {
		p := write(t, dir, "bad.csv", c.content)
		_, err := data.Open(p, data.FileOptions{Label: c.label, Ignore: c.ignore})
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
		if name == "typo further" && strings.Contains(err.Error(), "--ignore") {
			t.Errorf("%s: %v: a hint to leave out a column for a value below the first row", name, err)
		}
	}
	npy := write(t, dir, "x.npy", "")
	if _, err := data.Open(npy, data.FileOptions{Ignore: []string{"0"}}); err == nil || !strings.Contains(err.Error(), "ignored columns are for CSV files") {
		t.Errorf("ignored columns of a .npy file: %v", err)
	}
}

// TestCSVByteOrderMark: the byte order mark a spreadsheet writes before a
// UTF-8 CSV is not part of the first column's name, nor of the first
// value of a file without a header.
func TestCSVByteOrderMark(t *testing.T) {
	dir := t.TempDir()
	bom := "\xef\xbb\xbf"
	withHeader := write(t, dir, "header.csv", bom+"id,a\nx,1\ny,2\n")
	s, err := data.Open(withHeader, data.FileOptions{Ignore: []string{"id"}})
	if err != nil || !data.HasColumns(withHeader, []string{"id"}) {
		t.Fatalf("the first column's name is not %q: %v", "id", err)
	}
	if names := data.FeatureNamesOf(s); !slices.Equal(names, []string{"a"}) {
		t.Errorf("feature names %q", names)
	}
	plain := write(t, dir, "plain.csv", bom+"1,2\n3,4\n")
	s, err = data.Open(plain, data.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b tensor.Tensor
	if err := data.ReadBatch(s, &b, []int{0, 1}); err != nil || !slices.Equal(b.Data, []float32{1, 2, 3, 4}) {
		t.Errorf("read %v (%v), want [1 2 3 4]", b.Data, err)
	}
}

// TestCSVQuotedFields: a quoted field may hold the separator and doubled
// quotes (RFC 4180), as a name column often does; a quote left open on
// its line is one error.
func TestCSVQuotedFields(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "names.csv", "\"name\",\"a\",b\n\"Smith, John\",1,\"2.5\"\n\"say \"\"hi\"\"\",3,4\n")
	s, err := data.Open(p, data.FileOptions{Ignore: []string{"name"}})
	if err != nil {
		t.Fatal(err)
	}
	var b tensor.Tensor
	if err := data.ReadBatch(s, &b, []int{0, 1}); err != nil || !slices.Equal(b.Data, []float32{1, 2.5, 3, 4}) {
		t.Errorf("read %v (%v), want [1 2.5 3 4]", b.Data, err)
	}
	keyed, _ := data.KeyedOf(s)
	for r, want := range []string{"Smith, John", `say "hi"`} {
		if keys, err := keyed.Keys(r); err != nil || len(keys) != 1 || keys[0] != want {
			t.Errorf("row %d's name: %q (%v), want %q", r, keys, err, want)
		}
	}
	open := write(t, dir, "open.csv", "name,a\n\"Smith,\n John\",1\n")
	if _, err := data.Open(open, data.FileOptions{Ignore: []string{"name"}}); err == nil || !strings.Contains(err.Error(), "open.csv: line 2: a quoted field is not closed on its line") {
		t.Errorf("an open quote: %v", err)
	}
}

// TestCSVMissing: missing values (empty, NA, N/A, NaN, null, None, ?) are
// an error that says how to fill them, or become their column's mean over
// the file's present values, zero, or the values given; the file says how
// many it filled.
func TestCSVMissing(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "holes.csv", "a,b,c\n1,,10\nNA,4,?\n3,n/a,30\nnull,None,NaN\n")
	for _, c := range []struct {
		opt  data.FileOptions
		want []float32
	}{
		{data.FileOptions{Missing: "mean"}, []float32{1, 4, 10, 2, 4, 20, 3, 4, 30, 2, 4, 20}},
		{data.FileOptions{Missing: "zero"}, []float32{1, 0, 10, 0, 4, 0, 3, 0, 30, 0, 0, 0}},
		{data.FileOptions{Fill: []float32{7, 8, 9}}, []float32{1, 8, 10, 7, 4, 9, 3, 8, 30, 7, 8, 9}},
	} {
		src, err := data.Open(p, c.opt)
		if err != nil {
			t.Fatalf("%+v: %v", c.opt, err)
		}
		x, err := data.ReadAll(src)
		if err != nil || !slices.Equal(x.Data, c.want) {
			t.Errorf("%+v: read %v (%v), want %v", c.opt, x.Data, err, c.want)
		}
		if fill, n := data.FillOf(src); n != 7 || len(fill) != 3 {
			t.Errorf("%+v: fill %v of %d values, want 7 filled", c.opt, fill, n)
		}
	}
	for name, c := range map[string]struct {
		content string
		opt     data.FileOptions
		want    string
	}{
		"empty":         {"a,b\n1,\n", data.FileOptions{}, "holes.csv: line 2, column 2: the value is empty (--missing mean or --missing zero fills missing values)"},
		"NA":            {"a,b\n1,2\nNA,3\n", data.FileOptions{}, `line 3, column 1: "NA" is a missing value (--missing mean`},
		"NaN":           {"a,b\n1,NaN\n", data.FileOptions{}, `"NaN": NaN and infinite values are not allowed (--missing mean`},
		"rule":          {"a,b\n1,2\n", data.FileOptions{Missing: "median"}, `holes.csv: unknown rule for missing values "median" (known: mean, zero)`},
		"nothing":       {"a,b\n1,NA\n2,?\n", data.FileOptions{Missing: "mean"}, "holes.csv: column b has no values to take the mean of (leave it out with --ignore)"},
		"fill too long": {"a,b\n1,2\n", data.FileOptions{Fill: []float32{1, 2, 3}}, "holes.csv: 3 fill values for missing values, but the file has 2 features"},
	} {
		_, err := data.Open(write(t, dir, "holes.csv", c.content), c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
