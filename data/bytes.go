package data

import (
	"fmt"
	"slices"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/tensor"
)

// Bytes is a Source of 8-bit samples (the IDX datasets' images) held as
// their bytes and scaled to [0, 1] as they are read: each value is
// float32(b)/255, the bits of Keras's x.astype('float32')/255. Held as
// bytes, MNIST's training images take 47 MB instead of 188, and a
// shuffled batch reads a quarter of the memory that float32 samples
// would (BenchmarkShuffledBatchRead).
type Bytes struct {
	pixels  []uint8
	shape   []int // per sample
	labels  []int
	classes []string
}

// FromBytes makes a source of the samples in pixels, each of the given
// shape, one after another. labels (one per sample) and classes may be
// nil.
func FromBytes(pixels []uint8, shape []int, labels []int, classes []string) (*Bytes, error) {
	size := tensor.Size(shape)
	if size <= 0 || len(pixels)%size != 0 {
		return nil, fmt.Errorf("%d values do not make whole samples of shape %v", len(pixels), shape)
	}
	if labels != nil && len(labels) != len(pixels)/size {
		return nil, fmt.Errorf("%d samples but %d labels", len(pixels)/size, len(labels))
	}
	return &Bytes{pixels: pixels, shape: slices.Clone(shape), labels: labels, classes: classes}, nil
}

// Len implements Source.
func (b *Bytes) Len() int { return len(b.pixels) / tensor.Size(b.shape) }

// Shape implements Source.
func (b *Bytes) Shape() []int { return slices.Clone(b.shape) }

// Read implements Source.
func (b *Bytes) Read(dst []float32, rows []int) error {
	c := tensor.Size(b.shape)
	return gather(dst, rows, b.Len(), c, func(dst []float32, r int) {
		compute.UnitBytes(dst, b.pixels[r*c:(r+1)*c])
	}, func(r int) { compute.Prefetch(b.pixels[r*c : (r+1)*c]) })
}

// Labels implements Labeled; nil when the samples have none.
func (b *Bytes) Labels() []int { return b.labels }

// Classes implements Labeled.
func (b *Bytes) Classes() []string { return b.classes }

// Values returns every sample scaled, in a new tensor of shape [Len,
// Shape...].
func (b *Bytes) Values() *tensor.Tensor {
	x := tensor.New(append([]int{b.Len()}, b.shape...)...)
	compute.ParallelEach(len(b.pixels), 1<<16, 16, func(lo, hi int) {
		compute.UnitBytes(x.Data[lo:hi], b.pixels[lo:hi])
	})
	return x
}

// head is the first n samples, sharing the bytes.
func (b *Bytes) head(n int) *Bytes {
	var labels []int
	if b.labels != nil {
		labels = b.labels[:n]
	}
	return &Bytes{pixels: b.pixels[:n*tensor.Size(b.shape)], shape: b.shape, labels: labels, classes: b.classes}
}

// reshaped is the samples with another shape of the same size, sharing
// the bytes.
func (b *Bytes) reshaped(shape []int) *Bytes {
	return &Bytes{pixels: b.pixels, shape: slices.Clone(shape), labels: b.labels, classes: b.classes}
}
