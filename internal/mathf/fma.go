//go:build !arm64

package mathf

import "math"

// FMA returns x*y + z rounded once to float32, as VFMADD231SS computes
// it (arm64 has its own FMA, fma_arm64.go). The product of two float32s
// is exact in float64, and their sum rounded to float64 rounds to the
// right float32 unless it lands halfway between two float32s or below
// float32's normal range; then it is taken again with round-to-odd.
func FMA(x, y, z float32) float32 {
	if r := float64(x)*float64(y) + float64(z); roundsOnce(r) {
		return float32(r)
	}
	return fmaRare(x, y, z)
}

// MulAdd sets dst[j] = FMA(a, b[j], dst[j]), the update of a row of a
// matrix product's tile, in one call.
func MulAdd(dst []float32, a float32, b []float32) {
	b = b[:len(dst)]
	// Converted once, here: converted in the loop, into the register that
	// held the last result, a waits for it (CVTSS2SD writes half the
	// register), and the loop runs one value at a time.
	a64 := float64(a)
	for j, d := range dst {
		if r := a64*float64(b[j]) + float64(d); roundsOnce(r) {
			dst[j] = float32(r)
		} else {
			dst[j] = fmaRare(a, b[j], d)
		}
	}
}

// roundsOnce reports whether r, an exact sum rounded to float64, rounds
// to float32 as the exact sum would: r does not lie halfway between two
// float32s, and is 0 or at least float32's smallest normal number.
func roundsOnce(r float64) bool {
	b := math.Float64bits(r)
	return b&halfMask != half && (b&expMask >= minNormal || r == 0)
}

// fmaRare is FMA where rounding to float64 first may round wrongly; kept
// out of line, so that FMA inlines.
//
//go:noinline
func fmaRare(x, y, z float32) float32 {
	return float32(roundToOdd(float64(x)*float64(y), float64(z)))
}

const (
	// halfMask covers the 29 bits of a float64's fraction below a
	// float32's last; half is their pattern halfway between two float32s.
	halfMask = 1<<29 - 1
	half     = 1 << 28
	// expMask is a float64's exponent field; minNormal, its value at
	// float32's smallest normal number, 2**-126.
	expMask   = 0x7ff << 52
	minNormal = (1023 - 126) << 52
)

// roundToOdd rounds the exact sum p + c of two float64s to float64 with
// round-to-odd: r = p + c rounded to nearest when that is exact, else
// whichever of the two float64s around the exact sum has an odd last
// bit. Rounded to float32 afterwards, such a value gives the exact sum
// rounded once to float32, where rounding to nearest twice may not:
// float64 carries more than the two extra bits that takes.
func roundToOdd(p, c float64) float64 {
	r := p + c
	if math.IsInf(r, 0) || r != r {
		return r
	}
	// Knuth's TwoSum: the error of r, exactly.
	bb := r - p
	err := (p - (r - bb)) + (c - bb)
	bits := math.Float64bits(r)
	if err == 0 || bits&1 == 1 {
		return r
	}
	if (err > 0) == (r > 0) {
		bits++ // the exact sum lies further from zero
	} else {
		bits--
	}
	return math.Float64frombits(bits)
}
