package data_test

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/tensor"
)

// TestSourceBatchesMatchIDX reads shuffled batches of real MNIST through
// the source seam, cut and reshaped as a convolutional recipe takes them,
// and checks every value against the IDX file's own bytes scaled by 1/255,
// and every label against the label file: the batches training sees.
func TestSourceBatchesMatchIDX(t *testing.T) {
	ds, err := data.Load("mnist", data.Options{NoDownload: true})
	if err != nil {
		t.Fatal(err)
	}
	images, err := data.ReadIDXFile(idxPath(t, ds.Dir, "train-images-idx3-ubyte"))
	if err != nil {
		t.Fatal(err)
	}
	labels, err := data.ReadIDXFile(idxPath(t, ds.Dir, "train-labels-idx1-ubyte"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := data.Reshape(data.Head(ds.Train, 5000), 28, 28, 1)
	if err != nil {
		t.Fatal(err)
	}
	if src.Len() != 5000 || !tensor.SameShape(src.Shape(), []int{28, 28, 1}) {
		t.Fatalf("source of %d samples of shape %v", src.Len(), src.Shape())
	}
	got, _ := data.LabelsOf(src)
	rng := rand.New(rand.NewPCG(1, 2))
	var batch tensor.Tensor
	for range 10 {
		rows := rng.Perm(5000)[:128]
		if err := data.ReadBatch(src, &batch, rows); err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			for j := range 784 {
				if want := float32(images.Data[r*784+j]) / 255; batch.Data[i*784+j] != want {
					t.Fatalf("sample %d value %d: %v, the IDX file says %v", r, j, batch.Data[i*784+j], want)
				}
			}
			if got[r] != int(labels.Data[r]) {
				t.Fatalf("sample %d: label %d, the IDX file says %d", r, got[r], labels.Data[r])
			}
		}
	}
}

func idxPath(t *testing.T, dir, base string) string {
	t.Helper()
	for _, name := range []string{base + ".gz", base} {
		if _, err := data.ReadIDXFile(filepath.Join(dir, name)); err == nil {
			return filepath.Join(dir, name)
		}
	}
	t.Fatalf("%s: no %s", dir, base)
	return ""
}

// TestSourceHelpers checks Concat, Head, ReadRange and the errors of
// reading out of range or reshaping to another size.
func TestSourceHelpers(t *testing.T) {
	a := data.FromTensor(tensor.FromSlice([]float32{1, 2, 3, 4}, 2, 2), []int{0, 1}, []string{"x", "y"})
	b := data.FromTensor(tensor.FromSlice([]float32{5, 6}, 1, 2), []int{1}, []string{"x", "y"})
	c, err := data.Concat(a, b)
	if err != nil {
		t.Fatal(err)
	}
	all, err := data.ReadAll(c)
	if err != nil || c.Len() != 3 || all.Data[4] != 5 {
		t.Errorf("concat: %v %v", all, err)
	}
	if l, classes := data.LabelsOf(c); len(l) != 3 || l[2] != 1 || classes[1] != "y" {
		t.Errorf("concat labels %v %v", l, classes)
	}
	if h := data.Head(c, 2); h.Len() != 2 {
		t.Errorf("head has %d", h.Len())
	}
	if r, err := data.ReadRange(c, 1, 3); err != nil || r.Rows() != 2 || r.Data[0] != 3 {
		t.Errorf("range %v %v", r, err)
	}
	var batch tensor.Tensor
	if err := data.ReadBatch(c, &batch, []int{0, 3}); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("row 3 of 3: %v", err)
	}
	if _, err := data.Reshape(c, 3); err == nil {
		t.Error("2 values reshaped to 3")
	}
	if _, err := data.Concat(a, data.FromTensor(tensor.New(1, 3), nil, nil)); err == nil {
		t.Error("samples of 2 and 3 values joined")
	}
}

// TestReadRangeInto: consecutive ranges of a source of bytes land in the
// one buffer given, reused (no new storage once it is large enough), with
// the values ReadRange gives; a source of float32 values gives its rows in
// place and leaves the buffer alone.
func TestReadRangeInto(t *testing.T) {
	pixels := make([]uint8, 10*6)
	for i := range pixels {
		pixels[i] = uint8(i * 3)
	}
	bytes, err := data.FromBytes(pixels, []int{6}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf tensor.Tensor
	first, err := data.ReadRangeInto(bytes, &buf, 0, 4)
	if err != nil {
		t.Fatal(err)
	}
	storage := &first.Data[0]
	for _, r := range [][2]int{{4, 8}, {8, 10}} {
		got, err := data.ReadRangeInto(bytes, &buf, r[0], r[1])
		if err != nil {
			t.Fatal(err)
		}
		want, _ := data.ReadRange(bytes, r[0], r[1])
		if got != &buf || &got.Data[0] != storage || !tensor.SameShape(got.Shape, want.Shape) || !slices.Equal(got.Data, want.Data) {
			t.Fatalf("rows %v: %v in new storage %v, want %v in the buffer", r, got.Data, &got.Data[0] != storage, want.Data)
		}
	}
	floats := data.FromTensor(bytes.Values(), nil, nil)
	var untouched tensor.Tensor
	rows, err := data.ReadRangeInto(floats, &untouched, 2, 5)
	if err != nil {
		t.Fatal(err)
	}
	if untouched.Data != nil || &rows.Data[0] != &floats.Values().Data[2*6] || rows.Rows() != 3 {
		t.Fatal("a source of float32 values did not give its rows in place")
	}
}
