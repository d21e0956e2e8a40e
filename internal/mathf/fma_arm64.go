//go:build arm64

package mathf

// FMA returns x*y + z rounded once to float32. On arm64 Go compiles x*y
// + z in float32 into one FMADDS instruction, which rounds once (the Go
// specification allows the fusion, and TestFMAExact checks it). z is
// converted, which rounds it: inlined where z is itself a product, x*y +
// u*v could otherwise fuse u*v rather than x*y. x and y must not both be
// constants: the compiler would then fold their product, rounded,
// before the sum.
func FMA(x, y, z float32) float32 { return x*y + float32(z) }

// MulAdd sets dst[j] = FMA(a, b[j], dst[j]).
func MulAdd(dst []float32, a float32, b []float32) {
	b = b[:len(dst)]
	for j := range dst {
		dst[j] = a*b[j] + dst[j]
	}
}
