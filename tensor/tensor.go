// Package tensor holds the float32 tensor that every other package of latent
// computes on: a shape and a dense row-major slice of values.
//
// It imports nothing of latent: every other package builds on it.
package tensor

import (
	"fmt"
	"math"
	"strings"
)

// Tensor is a dense row-major float32 array. The first dimension is the batch
// (the row) when a tensor holds samples: a batch of 256 MNIST images is
// Shape [256, 784] or [256, 28, 28, 1].
type Tensor struct {
	Shape []int
	Data  []float32
}

// New returns a zeroed tensor of the given shape.
func New(shape ...int) *Tensor {
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, Size(shape))}
}

// FromSlice wraps data (not copied) in a tensor of the given shape; it panics
// when the sizes disagree, which is a programming error.
func FromSlice(data []float32, shape ...int) *Tensor {
	if Size(shape) != len(data) {
		panic(fmt.Sprintf("tensor: %d values do not fill shape %v", len(data), shape))
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: data}
}

// Size is the number of elements of a shape: the product of its dimensions.
func Size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// Rows is the first dimension (the batch size of a batch).
func (t *Tensor) Rows() int {
	if len(t.Shape) == 0 {
		return 1
	}
	return t.Shape[0]
}

// Cols is the number of values per row: the product of all but the first dimension.
func (t *Tensor) Cols() int {
	if len(t.Shape) == 0 {
		return 1
	}
	return Size(t.Shape[1:])
}

// Row returns row i as a slice sharing the tensor's storage.
func (t *Tensor) Row(i int) []float32 {
	c := t.Cols()
	return t.Data[i*c : (i+1)*c]
}

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
}

// Zero sets every value to 0.
func (t *Tensor) Zero() {
	clear(t.Data)
}

// Resize makes t hold rows samples of the per-sample shape sample, reusing
// its storage when the capacity allows, so training loops do not allocate per
// batch. The values are not preserved.
func (t *Tensor) Resize(rows int, sample []int) {
	n := rows * Size(sample)
	if cap(t.Data) >= n {
		t.Data = t.Data[:n]
	} else {
		t.Data = make([]float32, n)
	}
	t.Shape = append(append(t.Shape[:0], rows), sample...)
}

// Slice returns rows [lo, hi) as a tensor sharing t's storage.
func (t *Tensor) Slice(lo, hi int) *Tensor {
	c := t.Cols()
	shape := append([]int{hi - lo}, t.Shape[1:]...)
	return &Tensor{Shape: shape, Data: t.Data[lo*c : hi*c]}
}

// ShapeString formats a per-sample shape the way Keras prints output shapes,
// with the batch as None: [32] gives "(None, 32)".
func ShapeString(sample []int) string {
	parts := []string{"None"}
	for _, d := range sample {
		parts = append(parts, fmt.Sprint(d))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// SameShape reports whether two shapes are equal.
func SameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// View returns a tensor sharing t's values with per-sample shape sample
// (the same number of values per row): MNIST's [N, 784] viewed as
// [N, 28, 28, 1], say. It panics when the sizes differ.
func (t *Tensor) View(sample ...int) *Tensor {
	if Size(sample) != t.Cols() {
		panic(fmt.Sprintf("tensor: cannot view %d values per row as %v", t.Cols(), sample))
	}
	return &Tensor{Shape: append([]int{t.Rows()}, sample...), Data: t.Data}
}

// CheckFinite returns an error that says where t holds a NaN or an
// infinity, or nil.
func CheckFinite(t *Tensor) error {
	for i, v := range t.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("%v at value %d", v, i)
		}
	}
	return nil
}
