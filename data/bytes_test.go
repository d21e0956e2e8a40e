package data_test

import (
	"math"
	"slices"
	"testing"

	"github.com/latent-go/latent/data"
)

// fourSamples is 4 samples of 2×3 bytes, labelled 0, 1, 0, 1.
func fourSamples(t *testing.T) *data.Bytes {
	t.Helper()
	pixels := make([]uint8, 4*6)
	for i := range pixels {
		pixels[i] = uint8(i*11 + 3)
	}
	b, err := data.FromBytes(pixels, []int{2, 3}, []int{0, 1, 0, 1}, []string{"even", "odd"})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// scaled is what reading byte v gives: float32(v)/255, bit for bit.
func scaled(v int) float32 { return float32(uint8(v)) / 255 }

// TestBytesReadsScaledSamples: a batch of a byte source is its samples in
// the order asked, each byte over 255 to the bit, with their labels; bad
// rows and a wrong buffer are errors, and so are bytes that do not make
// whole samples or labels that do not match them.
func TestBytesReadsScaledSamples(t *testing.T) {
	b := fourSamples(t)
	if b.Len() != 4 || !slices.Equal(b.Shape(), []int{2, 3}) {
		t.Fatalf("len %d shape %v, want 4 and [2 3]", b.Len(), b.Shape())
	}
	dst := make([]float32, 3*6)
	if err := b.Read(dst, []int{3, 0, 3}); err != nil {
		t.Fatal(err)
	}
	for i, v := range dst {
		sample := []int{3, 0, 3}[i/6]
		if want := scaled((sample*6+i%6)*11 + 3); math.Float32bits(v) != math.Float32bits(want) {
			t.Fatalf("value %d of the batch is %v, want %v", i, v, want)
		}
	}
	if err := b.Read(dst[:6], []int{4}); err == nil {
		t.Error("reading sample 4 of 4 gave no error")
	}
	if err := b.Read(dst[:5], []int{0}); err == nil {
		t.Error("reading into too small a buffer gave no error")
	}
	if _, err := data.FromBytes(make([]uint8, 7), []int{2, 3}, nil, nil); err == nil {
		t.Error("7 bytes made samples of 6")
	}
	if _, err := data.FromBytes(make([]uint8, 12), []int{2, 3}, []int{0}, nil); err == nil {
		t.Error("2 samples took 1 label")
	}
	x := b.Values()
	if !slices.Equal(x.Shape, []int{4, 2, 3}) || math.Float32bits(x.Data[23]) != math.Float32bits(scaled(23*11+3)) {
		t.Errorf("Values: shape %v, last value %v", x.Shape, x.Data[23])
	}
}

// TestBytesStayBytes: the first samples, another shape and a join of byte
// sources are byte sources with the same values and labels; a join with
// float samples reads the bytes into floats.
func TestBytesStayBytes(t *testing.T) {
	b := fourSamples(t)
	flat, err := data.Reshape(b, 6)
	if err != nil {
		t.Fatal(err)
	}
	head, err := data.Reshape(data.Head(b, 3), 6)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := head.(*data.Bytes); !ok || head.Len() != 3 {
		t.Fatalf("Head and Reshape of bytes gave %T of %d samples", head, head.Len())
	}
	joined, err := data.Concat(flat, head)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := joined.(*data.Bytes); !ok || joined.Len() != 7 {
		t.Fatalf("joining bytes gave %T of %d samples, want bytes of 7", joined, joined.Len())
	}
	floats, err := data.Concat(b, data.FromTensor(b.Values(), []int{0, 1, 0, 1}, []string{"even", "odd"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := floats.(*data.Tensor); !ok {
		t.Fatalf("joining bytes and floats gave %T", floats)
	}
	for _, s := range []data.Source{joined, floats} {
		x, err := data.ReadAll(s)
		if err != nil {
			t.Fatal(err)
		}
		labels, _ := data.LabelsOf(s)
		for i, v := range x.Data {
			if want := scaled((i%24)*11 + 3); v != want {
				t.Fatalf("%T: value %d is %v, want %v", s, i, v, want)
			}
		}
		if !slices.Equal(labels[:7], []int{0, 1, 0, 1, 0, 1, 0}) {
			t.Errorf("%T: labels %v", s, labels)
		}
	}
}
