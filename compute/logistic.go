package compute

import (
	"math"

	"github.com/latent-go/latent/internal/mathf"
)

// The logistic function of an output layer and the binary cross-entropy
// computed from its logits. The portable versions below take each value
// through the IEEE operations of the vector kernels, one by one: the same
// constants, the same fused multiply-adds (mathf.FMA), and VSCALEFPS,
// VGETEXPPS, VRNDSCALEPS, VMINPS and VMAXPS written out in Go; so every
// implementation, on every machine, gives the same bits.

// The constants of the kernels, as their bits.
var (
	// expHi and expLo bound the argument of e**x: above, it overflows
	// float32; below, it is 0.
	expHi = math.Float32frombits(0x42b17213) // 88.72283
	expLo = math.Float32frombits(0xc2aeac4a) // -87.33655
	log2e = math.Float32frombits(0x3fb8aa3b) // 1/ln 2
	// ln2Hi + ln2Lo is ln 2, ln2Hi with few enough bits that n*ln2Hi is
	// exact.
	ln2Hi = math.Float32frombits(0x3f318000) // 0.693359375
	ln2Lo = math.Float32frombits(0xb95e8083) // -2.1219444e-4
	// expTaylor: e**r's Taylor series to r**7/7!, highest power first.
	expTaylor = [...]float32{
		math.Float32frombits(0x39500d01), // 1/5040
		math.Float32frombits(0x3ab60b61), // 1/720
		math.Float32frombits(0x3c088889), // 1/120
		math.Float32frombits(0x3d2aaaab), // 1/24
		math.Float32frombits(0x3e2aaaab), // 1/6
		0.5, 1, 1,
	}
	fourThirds = math.Float32frombits(0x3faaaaab)
	ln2        = math.Float32frombits(0x3f317218) // 0.6931472
	// atanhSeries: log m = 2 atanh(u) = u * (2 + 2u²/3 + 2u⁴/5 + ...),
	// u = (m-1)/(m+1), to u**11, highest power first.
	atanhSeries = [...]float32{
		math.Float32frombits(0x3e3a2e8c), // 2/11
		math.Float32frombits(0x3e638e39), // 2/9
		math.Float32frombits(0x3e924925), // 2/7
		math.Float32frombits(0x3ecccccd), // 2/5
		math.Float32frombits(0x3f2aaaab), // 2/3
		2,
	}
)

// SigmoidValue is 1/(1+e**-x) as Elementwise's Sigmoid computes it: -x
// clamped to [-87.34, 88.72] (so 2.9e-39 for any x below -88.72, and for
// a NaN, as VMINPS passes its second operand), e**-x as 2**n * e**r with n = round(-x/ln 2) and r by its
// Taylor series to r**7/7! (2 ulps), then one division.
func SigmoidValue(x float32) float32 {
	return 1 / (exp(maxPS(minPS(0-x, expHi), expLo)) + 1)
}

// exp is e**t as the kernels compute it, for t within [-87.34, 88.72]
// (exp_amd64.h): 2**n * e**r, n = round(t/ln 2), r = t - n*ln2Hi -
// n*ln2Lo, e**r by its Taylor series to r**7/7!.
func exp(t float32) float32 {
	n := roundEven(t * log2e)
	r := mathf.FMA(-n, ln2Hi, t)
	r = mathf.FMA(-n, ln2Lo, r)
	p := expTaylor[0]
	for _, c := range expTaylor[1:] {
		p = mathf.FMA(p, r, c)
	}
	return scaleF(p, n)
}

// BCELogitValue is binary cross-entropy from a logit z, its sigmoid p and
// a target y, as Elementwise's BCELogits computes it: max(z, 0) - z*y -
// log q, q = p or 1-p, whichever is at least 1/2 (1-p for z < 0); log q
// = e ln 2 + 2 atanh((m-1)/(m+1)) with q = m * 2**e, m in [3/4, 3/2).
func BCELogitValue(z, p, y float32) float32 {
	v := mathf.FMA(-z, y, maxPS(z, 0))
	q := p
	if z < 0 {
		q = 1 - p
	}
	return v - log(q)
}

// log is ln q as the kernels compute it, for q a normal number: e ln 2 +
// 2 atanh((m-1)/(m+1)), q = m * 2**e, m in [3/4, 3/2), the series to
// u**11.
func log(q float32) float32 {
	e := getExp(q * fourThirds)
	m := scaleF(q, 0-e)
	u := (m - 1) / (m + 1)
	s := u * u
	c := atanhSeries[0]
	for _, k := range atanhSeries[1:] {
		c = mathf.FMA(c, s, k)
	}
	return mathf.FMA(e, ln2, u*c)
}

// Sigmoid implements Elementwise.
func (PortableElementwise) Sigmoid(x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = SigmoidValue(v)
	}
}

// BCELogits implements Elementwise.
func (PortableElementwise) BCELogits(z, p, y, g []float32, scale float32) float64 {
	n := len(z) &^ 15
	var lanes [16]float32
	p, y, g = p[:len(z)], y[:len(z)], g[:len(z)]
	for i := 0; i < n; i++ {
		lanes[i&15] += BCELogitValue(z[i], p[i], y[i])
		g[i] = (p[i] - y[i]) * scale
	}
	return bceTail(z, p, y, g, scale, n, &lanes)
}

// bceTail is the part of BCELogits every implementation shares, once the
// first n values (a multiple of 16) are summed into lanes, value i into
// lane i%16, and their gradients written: it adds the lanes in order, then
// the values from n on, and writes their gradients.
func bceTail(z, p, y, g []float32, scale float32, n int, lanes *[16]float32) float64 {
	var sum float64
	for _, v := range lanes {
		sum += float64(v)
	}
	for i := n; i < len(z); i++ {
		sum += float64(BCELogitValue(z[i], p[i], y[i]))
		g[i] = (p[i] - y[i]) * scale
	}
	return sum
}

// minPS is VMINPS: a when a < b, else b (b for a NaN in either).
func minPS(a, b float32) float32 {
	if a < b {
		return a
	}
	return b
}

// maxPS is VMAXPS: a when a > b, else b.
func maxPS(a, b float32) float32 {
	if a > b {
		return a
	}
	return b
}

// roundEven is VRNDSCALEPS with immediate 0: v rounded to an integer,
// halves to even.
func roundEven(v float32) float32 { return float32(math.RoundToEven(float64(v))) }

// scaleF is VSCALEFPS: x * 2**floor(n), rounded once. For x in [0.5, 2)
// and an integer n in [-200, 254], the kernels' case, that is two
// products by powers of two, the first exact.
func scaleF(x, n float32) float32 {
	if x >= 0.5 && x < 2 && n >= -200 && n <= 254 && n == float32(int32(n)) {
		k := int32(n)
		return x * pow2(k>>1) * pow2(k-k>>1)
	}
	switch {
	case x != x || n != n:
		return x + n
	case math.IsInf(float64(n), 1) && x == 0, math.IsInf(float64(n), -1) && math.IsInf(float64(x), 0):
		return float32(math.NaN())
	}
	k := max(-600, min(600, math.Floor(float64(n))))
	return float32(math.Ldexp(float64(x), int(k)))
}

// pow2 is 2**k for k in [-126, 127].
func pow2(k int32) float32 { return math.Float32frombits(uint32(k+127) << 23) }

// getExp is VGETEXPPS: floor(log2 |x|) (subnormals included), -Inf for
// 0, +Inf for infinities.
func getExp(x float32) float32 {
	if b := math.Float32bits(x) &^ (1 << 31); b >= 1<<23 && b < 0xff<<23 {
		return float32(int32(b>>23) - 127) // a normal number
	}
	switch {
	case x != x:
		return x
	case x == 0:
		return float32(math.Inf(-1))
	case math.IsInf(float64(x), 0):
		return float32(math.Inf(1))
	}
	_, e := math.Frexp(float64(x))
	return float32(e - 1)
}
