// Package mathf holds float32 versions of exp, log and the sigmoid that
// are several times faster than rounding math's float64 functions, with a
// relative error of a few float32 ulps. They are pure functions, so
// training stays bit-identical from run to run and across thread counts.
//
// It imports nothing of latent.
package mathf

import "math"

const (
	ln2Hi  = 0.693359375 // ln 2 split in two so that n*ln2Hi is exact
	ln2Lo  = -2.12194440e-4
	log2e  = 1.44269504088896341
	expMax = 88.7228
	expMin = -87.3365
)

// Exp returns e**x in float32 (to within 2 ulps); it saturates to +Inf
// above 88.72 and to 0 below -87.34.
func Exp(x float32) float32 {
	if x > expMax {
		return float32(math.Inf(1))
	}
	if x < expMin {
		return 0
	}
	if x != x {
		return x
	}
	// x = n*ln2 + r with |r| <= ln2/2, e**x = 2**n * e**r.
	t := x * log2e
	var k int32
	if t >= 0 {
		k = int32(t + 0.5)
	} else {
		k = int32(t - 0.5)
	}
	n := float32(k)
	r := x - n*ln2Hi - n*ln2Lo
	// e**r by its Taylor series to r**7/7!: the truncation error is under
	// 2e-8 relative for |r| <= 0.347.
	p := 1 + r*(1+r*(0.5+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040)))))))
	return math.Float32frombits(math.Float32bits(p) + uint32(k)<<23)
}

// Sigmoid returns 1/(1+e**-x) in float32, without overflow.
func Sigmoid(x float32) float32 {
	if x >= 0 {
		return 1 / (1 + Exp(-x))
	}
	e := Exp(x)
	return e / (1 + e)
}

// Log returns the natural logarithm of x > 0 in float32 (to within 2 ulps
// for normal numbers); Log(0) is -Inf and negative x gives NaN.
func Log(x float32) float32 {
	switch {
	case x != x || x < 0:
		return float32(math.NaN())
	case x == 0:
		return float32(math.Inf(-1))
	case x > math.MaxFloat32:
		return x
	}
	bits := math.Float32bits(x)
	e := int32(bits>>23) - 127
	if bits>>23 == 0 { // subnormal: scale up by 2**23
		x *= 1 << 23
		bits = math.Float32bits(x)
		e = int32(bits>>23) - 127 - 23
	}
	// x = m * 2**e with m in [sqrt(1/2), sqrt(2)).
	m := math.Float32frombits(bits&0x007fffff | 0x3f800000)
	if m > math.Sqrt2 {
		m /= 2
		e++
	}
	// log m = 2 atanh(u), u = (m-1)/(m+1), |u| <= 0.1716.
	u := (m - 1) / (m + 1)
	u2 := u * u
	s := u * (2 + u2*(2.0/3+u2*(2.0/5+u2*(2.0/7+u2*(2.0/9)))))
	return s + float32(e)*ln2Hi + float32(e)*ln2Lo
}
