package compute

import "testing"

// BenchmarkPackTransposed times packing a transposed B of 32×784, the
// weights of a Dense layer of 784 inputs and 32 units when the input
// gradient multiplies by them (k cut in 4 slices of 196); MB/s counts
// the bytes written. BenchmarkMemoryLimit gives the machine's copy rate.
func BenchmarkPackTransposed(b *testing.B) {
	const n, k, slice = 32, 784, 196
	src := make([]float32, n*k)
	dst := make([]float32, n*k)
	b.SetBytes(4 * n * k)
	for b.Loop() {
		for p0 := 0; p0 < k; p0 += slice {
			packB(dst[p0*n:], true, src, k, 0, n, p0, slice, n)
		}
	}
}
