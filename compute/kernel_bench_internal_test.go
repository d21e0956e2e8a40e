package compute

import "testing"

// BenchmarkMicroKernel times each micro-kernel on packed panels that stay
// in the first-level cache (k = 256): the most it can do on this machine,
// the limit BenchmarkSgemm's rates compare with; the shorter kernels (9,
// 8 or 4 rows) on their own rows; the masked kernels on 9
// columns (a 3×3 convolution's taps), counting those alone. MB/s reads as
// MFLOP/s.
func BenchmarkMicroKernel(b *testing.B) {
	var ks []kernel
	for _, k := range availableKernels() {
		ks = append(ks, k)
		ks = append(ks, narrowerKernels(k)...)
		ks = append(ks, shorterKernels(k)...)
		ks = append(ks, maskedKernels(k)...)
	}
	ks = append(ks, portableKernel)
	const kc = 256
	for _, k := range ks {
		b.Run(k.name, func(b *testing.B) {
			a := make([]float32, k.mr*kc)
			p := make([]float32, kc*k.nr)
			c := make([]float32, k.mr*k.nr)
			for i := range a {
				a[i] = 1
			}
			cols := k.nr
			if k.masked {
				cols = 9
			}
			b.SetBytes(int64(2 * k.mr * cols * kc))
			for b.Loop() {
				k.call(kc, a, 1, k.mr, p, k.nr, c, k.nr, false, cols)
			}
		})
	}
}
