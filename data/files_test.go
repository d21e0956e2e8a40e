package data_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/tensor"
)

func write(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readAll(t *testing.T, s data.Source) *tensor.Tensor {
	t.Helper()
	x, err := data.ReadAll(s)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestCSVGood(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "d.csv", "a,b,kind,c\n1,2,cat,3\n\n4.5, -5 ,dog,6e-1\r\n7,8,cat,\"9\"")
	s, err := data.Open(p, data.FileOptions{Label: "kind"})
	if err != nil {
		t.Fatal(err)
	}
	x := readAll(t, s)
	want := []float32{1, 2, 3, 4.5, -5, 0.6, 7, 8, 9}
	if s.Len() != 3 || !tensor.SameShape(s.Shape(), []int{3}) || !slices.Equal(x.Data, want) {
		t.Errorf("read %v %v", x.Shape, x.Data)
	}
	labels, classes := data.LabelsOf(s)
	if len(labels) != 3 || labels[1] != 1 || classes[0] != "cat" || classes[1] != "dog" {
		t.Errorf("labels %v %v", labels, classes)
	}
	// Without a header, the label column by index, integer labels kept.
	p = write(t, dir, "n.csv", "0.5,3\n1.5,1\n")
	s, err = data.Open(p, data.FileOptions{Label: "1"})
	if err != nil {
		t.Fatal(err)
	}
	if labels, _ := data.LabelsOf(s); len(labels) != 2 || labels[0] != 3 || s.Shape()[0] != 1 {
		t.Errorf("labels %v, shape %v", labels, s.Shape())
	}
	// Reading rows out of order reads those lines.
	var b tensor.Tensor
	if err := data.ReadBatch(s, &b, []int{1, 0}); err != nil || b.Data[0] != 1.5 || b.Data[1] != 0.5 {
		t.Errorf("rows 1, 0: %v %v", b.Data, err)
	}
}

// TestCSVBad: every kind of bad CSV gives one line naming the file, the
// line (the header counts) and the column.
func TestCSVBad(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct {
		content, label, want string
	}{
		"ragged":     {"x,y\n1,2\n3\n", "", "bad.csv: line 3: 1 columns, but the first line has 2"},
		"not number": {"x,y\n1,2\n3,abc\n", "", `bad.csv: line 3, column 2: "abc" is not a number`},
		"nan":        {"1,2\n3,NaN\n", "", "line 2, column 2: \"NaN\": NaN and infinite values"},
		"inf":        {"1,2\n-Inf,1\n", "", "line 2, column 1: \"-Inf\": NaN and infinite"},
		"empty":      {"", "", "bad.csv: no rows of numbers"},
		"header":     {"x,y\n", "", "bad.csv: no rows of numbers"},
		"empty cell": {"1,2\n3,\n", "", "line 2, column 2: the value is empty"},
		"no label":   {"x,y\n1,2\n", "z", `bad.csv: line 1: no label column "z" (the header has: x, y)`},
		"index out":  {"1,2\n", "5", `no label column "5"`},
		"only label": {"y\n1\n", "y", "no feature columns"},
	} {
		p := write(t, dir, "bad.csv", c.content)
		_, err := data.Open(p, data.FileOptions{Label: c.label})
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}

// npy encodes a .npy file.
func npy(descr, shape string, values []byte) []byte {
	header := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	b.WriteString(header)
	b.Write(values)
	return b.Bytes()
}

func f32s(v ...float32) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, v)
	return b.Bytes()
}

func TestNPYGood(t *testing.T) {
	dir := t.TempDir()
	var f64 bytes.Buffer
	binary.Write(&f64, binary.LittleEndian, []float64{1, 2, 3, 4, 5, 6})
	for name, c := range map[string]struct {
		content []byte
		shape   []int
		want    []float32
	}{
		"f4 2-d": {npy("<f4", "2, 3", f32s(1, 2, 3, 4, 5, 6)), []int{3}, []float32{1, 2, 3, 4, 5, 6}},
		"f8 3-d": {npy("<f8", "2, 3, 1", f64.Bytes()), []int{3, 1}, []float32{1, 2, 3, 4, 5, 6}},
		"u1":     {npy("|u1", "3, 2", []byte{0, 255, 1, 2, 3, 4}), []int{2}, []float32{0, 255, 1, 2, 3, 4}},
		"1-d":    {npy("<f4", "2,", f32s(7, 8)), []int{1}, []float32{7, 8}},
	} {
		p := filepath.Join(dir, "a.npy")
		os.WriteFile(p, c.content, 0o644)
		s, err := data.Open(p, data.FileOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if x := readAll(t, s); !tensor.SameShape(s.Shape(), c.shape) || !slices.Equal(x.Data, c.want) {
			t.Errorf("%s: shape %v values %v", name, s.Shape(), x.Data)
		}
	}
	// What WriteNPY writes reads back.
	x := tensor.FromSlice([]float32{1.5, -2, 3, 4}, 2, 2)
	var b bytes.Buffer
	if err := data.WriteNPY(&b, x); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "w.npy")
	os.WriteFile(p, b.Bytes(), 0o644)
	s, err := data.Open(p, data.FileOptions{})
	if err != nil || !slices.Equal(readAll(t, s).Data, x.Data) {
		t.Errorf("round trip: %v", err)
	}
}

func TestNPYBad(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct {
		content []byte
		want    string
	}{
		"not npy":   {[]byte("hello world, not numpy"), "not a NumPy .npy file"},
		"dtype":     {npy("<i8", "1, 1", make([]byte, 8)), `dtype "<i8" is not supported`},
		"truncated": {npy("<f4", "2, 3", f32s(1, 2, 3)), "the file holds 12 after the header"},
		"nan":       {npy("<f4", "2, 2", f32s(1, 2, float32(math.NaN()), 4)), "a.npy: sample 1, value 0: NaN"},
		"inf":       {npy("<f4", "2, 1", f32s(1, float32(math.Inf(1)))), "sample 1, value 0: NaN and infinite"},
		"empty":     {npy("<f4", "0, 3", nil), "holds no samples"},
		"fortran":   {[]byte(strings.Replace(string(npy("<f4", "1, 1", f32s(1))), "False", "True", 1)), "Fortran-ordered"},
		"huge":      {npy("<f4", "99999999999, 99999999999", nil), "too large"},
	} {
		p := filepath.Join(dir, "a.npy")
		os.WriteFile(p, c.content, 0o644)
		_, err := data.Open(p, data.FileOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "a.npy") {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}

func writePNG(t testing.TB, path string, img image.Image) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

func gray(w, h int, v uint8) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = v
	}
	return img
}

func TestPNGDir(t *testing.T) {
	dir := t.TempDir()
	writePNG(t, filepath.Join(dir, "b", "1.png"), gray(3, 2, 255))
	writePNG(t, filepath.Join(dir, "a", "1.png"), gray(3, 2, 0))
	writePNG(t, filepath.Join(dir, "a", "2.png"), gray(3, 2, 51))
	s, err := data.Open(dir, data.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	x := readAll(t, s)
	labels, classes := data.LabelsOf(s)
	if !tensor.SameShape(s.Shape(), []int{2, 3, 1}) || s.Len() != 3 || x.Data[6] != 0.2 || x.Data[12] != 1 {
		t.Errorf("shape %v values %v", s.Shape(), x.Data)
	}
	if len(labels) != 3 || labels[2] != 1 || classes[0] != "a" || classes[1] != "b" {
		t.Errorf("labels %v %v", labels, classes)
	}
	// One colour image makes the folder colour.
	c := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	for i := range c.Pix {
		c.Pix[i] = 255
	}
	c.Set(0, 0, color.NRGBA{R: 255, A: 255})
	writePNG(t, filepath.Join(dir, "b", "2.png"), c)
	s, err = data.Open(dir, data.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	x = readAll(t, s)
	if !tensor.SameShape(s.Shape(), []int{2, 3, 3}) || x.Data[54] != 1 || x.Data[55] != 0 {
		t.Errorf("colour: shape %v, first pixel %v", s.Shape(), x.Data[54:57])
	}
}

func TestPNGDirBad(t *testing.T) {
	for name, c := range map[string]struct {
		setup func(dir string)
		want  string
	}{
		"mixed sizes": {func(dir string) {
			writePNG(t, filepath.Join(dir, "a.png"), gray(3, 2, 0))
			writePNG(t, filepath.Join(dir, "b.png"), gray(4, 2, 0))
		}, "b.png: the image is 4x2 but"},
		"not png": {func(dir string) { os.WriteFile(filepath.Join(dir, "a.png"), []byte("nope"), 0o644) }, "a.png: not a readable PNG image"},
		"empty":   {func(dir string) {}, "no PNG images"},
		"mixed layout": {func(dir string) {
			writePNG(t, filepath.Join(dir, "a.png"), gray(3, 2, 0))
			writePNG(t, filepath.Join(dir, "cls", "b.png"), gray(3, 2, 0))
		}, "holds both images and subfolders"},
	} {
		dir := t.TempDir()
		c.setup(dir)
		_, err := data.Open(dir, data.FileOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}

func TestIDXFileWithLabels(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x-images-idx3-ubyte"), idx([]int{2, 1, 2}, []byte{0, 255, 51, 0}), 0o644)
	os.WriteFile(filepath.Join(dir, "x-labels-idx1-ubyte"), idx([]int{2}, []byte{3, 1}), 0o644)
	s, err := data.Open(filepath.Join(dir, "x-images-idx3-ubyte"), data.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	x := readAll(t, s)
	labels, _ := data.LabelsOf(s)
	if !tensor.SameShape(s.Shape(), []int{1, 2}) || x.Data[1] != 1 || x.Data[2] != 0.2 || labels[0] != 3 {
		t.Errorf("shape %v values %v labels %v", s.Shape(), x.Data, labels)
	}
	if _, err := data.Open(filepath.Join(dir, "x-images-idx3-ubyte"), data.FileOptions{Label: "y"}); err == nil {
		t.Error("a label column for an IDX file accepted")
	}
	if _, err := data.Open(filepath.Join(dir, "data.bin"), data.FileOptions{}); err == nil {
		t.Error("missing file opened")
	}
}

func TestScalers(t *testing.T) {
	x := data.FromTensor(tensor.FromSlice([]float32{0, 10, 2, 10, 4, 10}, 3, 2), nil, nil)
	for spec, want := range map[string][]float32{
		"none":     {0, 10, 2, 10, 4, 10},
		"max=2":    {0, 5, 1, 5, 2, 5},
		"minmax":   {0, 0, 0.5, 0, 1, 0},
		"standard": {-1.2247449, 0, 0, 0, 1.2247449, 0},
	} {
		s, err := data.ParseScale(spec)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Fit(x); err != nil {
			t.Fatal(err)
		}
		got := readAll(t, data.Scale(x, s))
		for i := range want {
			if math.Abs(float64(got.Data[i]-want[i])) > 1e-6 {
				t.Errorf("%s: %v, want %v", spec, got.Data, want)
				break
			}
		}
		back := got.Clone()
		s.Invert(back.Data)
		for i, v := range x.Values().Data {
			if math.Abs(float64(back.Data[i]-v)) > 1e-5 {
				t.Errorf("%s: inverse %v", spec, back.Data)
				break
			}
		}
	}
	for _, bad := range []string{"max=0", "max=x", "zscore"} {
		if _, err := data.ParseScale(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestSplitAndWithoutClasses(t *testing.T) {
	x := data.FromTensor(tensor.New(100, 1), make([]int, 100), []string{"a", "b"})
	for i := range 100 {
		x.Values().Data[i] = float32(i)
		x.Labels()[i] = i % 2
	}
	tr, va, err := data.Split(x, 0.1, 3)
	if err != nil || tr.Len() != 90 || va.Len() != 10 {
		t.Fatalf("split %v", err)
	}
	tr2, _, _ := data.Split(x, 0.1, 3)
	a, b := readAll(t, tr), readAll(t, tr2)
	if !slices.Equal(a.Data, b.Data) {
		t.Error("the same seed split differently")
	}
	seen := map[float32]bool{}
	for _, v := range append(a.Data, readAll(t, va).Data...) {
		seen[v] = true
	}
	if len(seen) != 100 {
		t.Errorf("the parts hold %d distinct samples", len(seen))
	}
	odd, err := data.WithoutClasses(x, []string{"a"})
	if err != nil || odd.Len() != 50 {
		t.Fatalf("without a: %v", err)
	}
	if l, _ := data.LabelsOf(odd); l[0] != 1 || readAll(t, odd).Data[0] != 1 {
		t.Errorf("labels %v", l)
	}
	if _, err := data.WithoutClasses(x, []string{"c"}); err == nil || !strings.Contains(err.Error(), "a, b") {
		t.Errorf("unknown class: %v", err)
	}
}

// FuzzCSV: a CSV that opens (its missing values filled with means, or
// not) reads back whole, with finite values, the keys of every row and as
// many feature names as features.
func FuzzCSV(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n3,4\n"), "", "", false)
	f.Add([]byte("1,x\n2,y\n"), "1", "", false)
	f.Add([]byte("\xef\xbb\xbfid,\"name\",a,k\ns1,\"Smith, J\",1,x\ns2,\"a \"\"b\"\"\",2,y\n"), "k", "id,name", false)
	f.Add([]byte("a,b\n1,NA\n,4\n?,nan\n"), "", "", true)
	f.Fuzz(func(t *testing.T, content []byte, label, ignore string, fillMissing bool) {
		p := filepath.Join(t.TempDir(), "f.csv")
		os.WriteFile(p, content, 0o644)
		var ignored []string
		if ignore != "" {
			ignored = strings.Split(ignore, ",")
		}
		opt := data.FileOptions{Label: label, Ignore: ignored}
		if fillMissing {
			opt.Missing = "mean"
		}
		s, err := data.Open(p, opt)
		if err != nil {
			return
		}
		x, err := data.ReadAll(s)
		if err != nil {
			t.Fatalf("opened but unreadable: %v", err)
		}
		for _, v := range x.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("read %v", v)
			}
		}
		if names := data.FeatureNamesOf(s); names != nil && len(names) != s.Shape()[0] {
			t.Fatalf("%d feature names for %d features", len(names), s.Shape()[0])
		}
		if keyed, ok := data.KeyedOf(s); ok {
			for r := range s.Len() {
				if keys, err := keyed.Keys(r); err != nil || len(keys) != len(keyed.KeyColumns()) {
					t.Fatalf("row %d's keys: %v (%v)", r, keys, err)
				}
			}
		}
	})
}

func FuzzNPY(f *testing.F) {
	f.Add(npy("<f4", "2, 1", f32s(1, 2)))
	f.Add(npy("|u1", "1, 2", []byte{1, 2}))
	f.Fuzz(func(t *testing.T, content []byte) {
		p := filepath.Join(t.TempDir(), "f.npy")
		os.WriteFile(p, content, 0o644)
		s, err := data.Open(p, data.FileOptions{})
		if err != nil {
			return
		}
		if _, err := data.ReadAll(s); err != nil {
			t.Fatalf("opened but unreadable: %v", err)
		}
	})
}

func FuzzPNG(f *testing.F) {
	var b bytes.Buffer
	png.Encode(&b, gray(2, 2, 7))
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, content []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a.png"), content, 0o644)
		s, err := data.Open(dir, data.FileOptions{})
		if err != nil {
			return
		}
		if _, err := data.ReadAll(s); err != nil {
			t.Fatalf("opened but unreadable: %v", err)
		}
	})
}
