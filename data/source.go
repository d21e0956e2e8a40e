package data

import (
	"fmt"
	"slices"

	"github.com/latent-go/latent/tensor"
)

// Source is a set of samples that training, evaluation and the figures
// read batch by batch. A source may hold its samples in memory or read
// them from disk on demand, so data larger than memory can stream through
// the same interface. Every sample has the same shape.
type Source interface {
	// Len is the number of samples.
	Len() int
	// Shape is the per-sample shape, without the batch dimension.
	Shape() []int
	// Read copies the samples rows (in that order) into dst, one after
	// the other: dst holds len(rows)*tensor.Size(Shape()) values.
	Read(dst []float32, rows []int) error
}

// Labeled is a Source whose samples carry class labels.
type Labeled interface {
	Source
	// Labels holds one class index per sample.
	Labels() []int
	// Classes names the classes, by index.
	Classes() []string
}

// Tensor is a Source held in memory: the rows of a tensor, with optional
// labels.
type Tensor struct {
	x       *tensor.Tensor
	labels  []int
	classes []string
}

// FromTensor makes a source of x's rows. labels (one per row) and classes
// may be nil.
func FromTensor(x *tensor.Tensor, labels []int, classes []string) *Tensor {
	return &Tensor{x: x, labels: labels, classes: classes}
}

// Len implements Source.
func (t *Tensor) Len() int { return t.x.Rows() }

// Shape implements Source.
func (t *Tensor) Shape() []int { return slices.Clone(t.x.Shape[1:]) }

// Read implements Source.
func (t *Tensor) Read(dst []float32, rows []int) error {
	c := t.x.Cols()
	if len(dst) != len(rows)*c {
		return fmt.Errorf("reading %d samples of %d values needs %d values of room, got %d", len(rows), c, len(rows)*c, len(dst))
	}
	for i, r := range rows {
		if r < 0 || r >= t.x.Rows() {
			return fmt.Errorf("sample %d is out of range: the data has %d", r, t.x.Rows())
		}
		copy(dst[i*c:(i+1)*c], t.x.Data[r*c:(r+1)*c])
	}
	return nil
}

// Labels implements Labeled; nil when the samples have none.
func (t *Tensor) Labels() []int { return t.labels }

// Classes implements Labeled.
func (t *Tensor) Classes() []string { return t.classes }

// Values is the tensor behind the source (not a copy).
func (t *Tensor) Values() *tensor.Tensor { return t.x }

// LabelsOf returns a source's labels and class names, or nil when it has
// none.
func LabelsOf(s Source) ([]int, []string) {
	if l, ok := s.(Labeled); ok {
		return l.Labels(), l.Classes()
	}
	return nil, nil
}

// ReadBatch reads samples rows of s into dst, resized to
// [len(rows), shape...].
func ReadBatch(s Source, dst *tensor.Tensor, rows []int) error {
	dst.Resize(len(rows), s.Shape())
	return s.Read(dst.Data, rows)
}

// ReadRange reads samples lo..hi-1 of s into a new tensor.
func ReadRange(s Source, lo, hi int) (*tensor.Tensor, error) {
	if t, ok := s.(*Tensor); ok {
		return t.x.Slice(lo, hi), nil
	}
	var out tensor.Tensor
	if err := ReadBatch(s, &out, Span(lo, hi)); err != nil {
		return nil, err
	}
	return &out, nil
}

// ReadAll reads every sample of s into one tensor (for a source in memory,
// the tensor it holds).
func ReadAll(s Source) (*tensor.Tensor, error) { return ReadRange(s, 0, s.Len()) }

// Span is the row numbers lo, lo+1, ..., hi-1.
func Span(lo, hi int) []int {
	rows := make([]int, hi-lo)
	for i := range rows {
		rows[i] = lo + i
	}
	return rows
}

// Reshape views every sample of s with another shape of the same size:
// (28, 28) images as 784 values, or as (28, 28, 1).
func Reshape(s Source, shape ...int) (Source, error) {
	if tensor.Size(shape) != tensor.Size(s.Shape()) {
		return nil, fmt.Errorf("samples of shape %v have %d values, which do not fit the shape %v", s.Shape(), tensor.Size(s.Shape()), shape)
	}
	if t, ok := s.(*Tensor); ok {
		return &Tensor{x: t.x.View(shape...), labels: t.labels, classes: t.classes}, nil
	}
	return reshaped{s, slices.Clone(shape)}, nil
}

type reshaped struct {
	Source
	shape []int
}

func (r reshaped) Shape() []int { return slices.Clone(r.shape) }

// Head keeps the first n samples of s (all of them when n <= 0 or n is at
// least s.Len()).
func Head(s Source, n int) Source {
	if n <= 0 || n >= s.Len() {
		return s
	}
	if t, ok := s.(*Tensor); ok {
		var labels []int
		if t.labels != nil {
			labels = t.labels[:n]
		}
		return &Tensor{x: t.x.Slice(0, n), labels: labels, classes: t.classes}
	}
	return head{s, n}
}

type head struct {
	Source
	n int
}

func (h head) Len() int { return h.n }

// Concat joins sources of one sample shape into one: a's samples, then b's.
// Labels are kept when every part has them with the same classes.
func Concat(parts ...Source) (Source, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("nothing to join")
	}
	var all []*tensor.Tensor
	var labels []int
	labeled := true
	_, classes := LabelsOf(parts[0])
	for _, p := range parts {
		if !tensor.SameShape(p.Shape(), parts[0].Shape()) {
			return nil, fmt.Errorf("cannot join samples of shape %v and %v", parts[0].Shape(), p.Shape())
		}
		x, err := ReadAll(p)
		if err != nil {
			return nil, err
		}
		all = append(all, x)
		l, c := LabelsOf(p)
		labeled = labeled && l != nil && slices.Equal(c, classes)
		labels = append(labels, l...)
	}
	n := 0
	for _, x := range all {
		n += x.Rows()
	}
	out := tensor.New(append([]int{n}, parts[0].Shape()...)...)
	at := 0
	for _, x := range all {
		at += copy(out.Data[at:], x.Data)
	}
	if !labeled {
		labels, classes = nil, nil
	}
	return FromTensor(out, labels, classes), nil
}
