package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/latent-go/latent/compute"
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
	return gather(dst, rows, t.x.Rows(), c, func(dst []float32, r int) {
		copy(dst, t.x.Data[r*c:(r+1)*c])
	}, func(r int) { compute.Prefetch(t.x.Data[r*c : (r+1)*c]) })
}

// gather checks rows against a source of n samples of c values and has
// read write each of them into its place in dst. A shuffled batch is a
// gather of rows from all over the data: memory bound, so the threads
// share it (BenchmarkShuffledBatchRead). Each thread asks for its rows
// rowsAhead rows before it reads them (prefetch), so that their misses
// overlap rather than stall each row's copy in turn.
func gather(dst []float32, rows []int, n, c int, read func(dst []float32, r int), prefetch func(r int)) error {
	if len(dst) != len(rows)*c {
		return fmt.Errorf("reading %d samples of %d values needs %d values of room, got %d", len(rows), c, len(rows)*c, len(dst))
	}
	for _, r := range rows {
		if r < 0 || r >= n {
			return fmt.Errorf("sample %d is out of range: the data has %d", r, n)
		}
	}
	compute.ParallelEach(len(rows), max(1, (1<<14)/max(c, 1)), 1, func(lo, hi int) {
		for _, r := range rows[lo:min(hi, lo+rowsAhead)] {
			prefetch(r)
		}
		for i, r := range rows[lo:hi] {
			if j := lo + i + rowsAhead; j < hi {
				prefetch(rows[j])
			}
			read(dst[(lo+i)*c:(lo+i+1)*c], r)
		}
	})
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
	return ReadRangeInto(s, new(tensor.Tensor), lo, hi)
}

// ReadRangeInto is ReadRange that reads into buf (resized), so that a
// pass over a dataset in batches (validation, scores) reuses one buffer
// rather than leave the collector a batch a step; a source held in memory
// as float32 values returns its rows in place, buf untouched.
func ReadRangeInto(s Source, buf *tensor.Tensor, lo, hi int) (*tensor.Tensor, error) {
	if t, ok := s.(*Tensor); ok {
		return t.x.Slice(lo, hi), nil
	}
	if err := ReadBatch(s, buf, Span(lo, hi)); err != nil {
		return nil, err
	}
	return buf, nil
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
	switch t := s.(type) {
	case *Tensor:
		return &Tensor{x: t.x.View(shape...), labels: t.labels, classes: t.classes}, nil
	case *Bytes:
		return t.reshaped(shape), nil
	}
	return &reshaped{s, slices.Clone(shape)}, nil
}

type reshaped struct {
	Source
	shape []int
}

func (r *reshaped) Shape() []int { return slices.Clone(r.shape) }

func (r *reshaped) Labels() []int { l, _ := LabelsOf(r.Source); return l }

// FeatureNames are the names of the source's features, if it has them.
func (r *reshaped) FeatureNames() []string { return FeatureNamesOf(r.Source) }

// KeyColumns are the source's key columns, if it has them.
func (r *reshaped) KeyColumns() []string { return keyColumnsOf(r.Source) }

// Keys are row i's keys, if the source has them.
func (r *reshaped) Keys(i int) ([]string, error) {
	if k, ok := KeyedOf(r.Source); ok {
		return k.Keys(i)
	}
	return nil, nil
}

func (r *reshaped) Classes() []string { _, c := LabelsOf(r.Source); return c }

// Head keeps the first n samples of s (all of them when n <= 0 or n is at
// least s.Len()).
func Head(s Source, n int) Source {
	if n <= 0 || n >= s.Len() {
		return s
	}
	switch t := s.(type) {
	case *Tensor:
		var labels []int
		if t.labels != nil {
			labels = t.labels[:n]
		}
		return &Tensor{x: t.x.Slice(0, n), labels: labels, classes: t.classes}
	case *Bytes:
		return t.head(n)
	}
	return Rows(s, Span(0, n))
}

// Concat joins sources of one sample shape into one: a's samples, then b's.
// Labels are kept when every part has them with the same classes. Parts
// that all hold bytes are joined as bytes.
func Concat(parts ...Source) (Source, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("nothing to join")
	}
	var labels []int
	labeled := true
	_, classes := LabelsOf(parts[0])
	for _, p := range parts {
		if !tensor.SameShape(p.Shape(), parts[0].Shape()) {
			return nil, fmt.Errorf("cannot join samples of shape %v and %v", parts[0].Shape(), p.Shape())
		}
		l, c := LabelsOf(p)
		labeled = labeled && l != nil && slices.Equal(c, classes)
		labels = append(labels, l...)
	}
	if !labeled {
		labels, classes = nil, nil
	}
	if pixels, ok := joinBytes(parts); ok {
		return FromBytes(pixels, parts[0].Shape(), labels, classes)
	}
	out, err := joinValues(parts)
	if err != nil {
		return nil, err
	}
	return FromTensor(out, labels, classes), nil
}

// joinValues reads every part's samples into one tensor, one part after
// the other.
func joinValues(parts []Source) (*tensor.Tensor, error) {
	n := 0
	for _, p := range parts {
		n += p.Len()
	}
	out := tensor.New(append([]int{n}, parts[0].Shape()...)...)
	at := 0
	for _, p := range parts {
		x, err := ReadAll(p)
		if err != nil {
			return nil, err
		}
		at += copy(out.Data[at:], x.Data)
	}
	return out, nil
}

// joinBytes joins the bytes of parts that all hold bytes, and reports
// whether they do.
func joinBytes(parts []Source) ([]uint8, bool) {
	var pixels []uint8
	for _, p := range parts {
		b, ok := p.(*Bytes)
		if !ok {
			return nil, false
		}
		pixels = append(pixels, b.pixels...)
	}
	return pixels, true
}

// Rows is the samples rows of s (in that order) as a source of their own,
// with their labels.
func Rows(s Source, rows []int) Source { return &subset{s, rows} }

type subset struct {
	Source
	rows []int
}

func (s *subset) Len() int { return len(s.rows) }

func (s *subset) Read(dst []float32, rows []int) error {
	inner := make([]int, len(rows))
	for i, r := range rows {
		if r < 0 || r >= len(s.rows) {
			return fmt.Errorf("sample %d is out of range: the data has %d", r, len(s.rows))
		}
		inner[i] = s.rows[r]
	}
	return s.Source.Read(dst, inner)
}

// FeatureNames are the names of the source's features, if it has them.
func (s *subset) FeatureNames() []string { return FeatureNamesOf(s.Source) }

// KeyColumns are the source's key columns, if it has them.
func (s *subset) KeyColumns() []string { return keyColumnsOf(s.Source) }

// Keys are the keys of the source's row that is row r here.
func (s *subset) Keys(r int) ([]string, error) {
	k, ok := KeyedOf(s.Source)
	if !ok {
		return nil, nil
	}
	if r < 0 || r >= len(s.rows) {
		return nil, fmt.Errorf("sample %d is out of range: the data has %d", r, len(s.rows))
	}
	return k.Keys(s.rows[r])
}

func (s *subset) Labels() []int {
	l, _ := LabelsOf(s.Source)
	if l == nil {
		return nil
	}
	out := make([]int, len(s.rows))
	for i, r := range s.rows {
		out[i] = l[r]
	}
	return out
}

func (s *subset) Classes() []string { _, c := LabelsOf(s.Source); return c }

// Split cuts s into a training part and a validation part holding the
// fraction valFraction of the samples, drawn from seed: the same seed
// always splits the same way.
func Split(s Source, valFraction float64, seed uint64) (train, val Source, err error) {
	n := s.Len()
	nVal := int(math.Round(valFraction * float64(n)))
	if !(valFraction > 0 && valFraction < 1) || nVal < 1 || nVal >= n {
		return nil, nil, fmt.Errorf("cannot hold out %g of %d samples for validation", valFraction, n)
	}
	perm := rand.New(rand.NewPCG(seed, 0x73706c6974)).Perm(n) // "split"
	valRows, trainRows := perm[:nVal], perm[nVal:]
	slices.Sort(valRows)
	slices.Sort(trainRows)
	return Rows(s, trainRows), Rows(s, valRows), nil
}

// WithoutClasses keeps the samples of s whose label is not among classes
// (by name): a dataset with one class held out, for anomaly detection.
func WithoutClasses(s Source, classes []string) (Source, error) {
	labels, names := LabelsOf(s)
	if labels == nil {
		return nil, fmt.Errorf("the data has no labels, so no class can be left out")
	}
	drop := map[int]bool{}
	for _, c := range classes {
		i := slices.Index(names, c)
		if i < 0 {
			return nil, fmt.Errorf("no class %q (the classes are: %s)", c, strings.Join(names, ", "))
		}
		drop[i] = true
	}
	var keep []int
	for i, l := range labels {
		if !drop[l] {
			keep = append(keep, i)
		}
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("leaving out %v leaves no samples", classes)
	}
	return Rows(s, keep), nil
}

// rowsAhead is how many rows ahead gather asks for the rows it will read:
// a batch of 256 MNIST images gathered from all over the training set, the
// caches stirred between batches, took 47 µs rather than 72 on 2 threads
// here, alike with 4, 8 or 16 rows ahead.
const rowsAhead = 8
