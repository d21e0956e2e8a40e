package compute

import (
	"math"

	"github.com/latent-go/latent/internal/mathf"
)

// The hyperbolic tangent of a tanh layer, computed as the vector kernels
// compute it (see logistic.go): the same constants and IEEE operations in
// every implementation, so that every machine gives the same bits, where
// Go's math.Tanh took 40 ns a value, 120 times the sigmoid's.

var (
	// tanhSmall: below it, the odd Taylor series; from it, e**2|x|.
	tanhSmall = math.Float32frombits(0x3f0ccccd) // 0.55
	// tanhClamp bounds 2|x|: tanh is 1 in float32 from |x| = 9.02 on,
	// and so is 1 - 2/(e**20 + 1).
	tanhClamp = math.Float32frombits(0x41a00000) // 20
	// tanhTaylor: (tanh x - x)/x³ as a series in x², to x**14 (x**17 in
	// tanh: 6e-9 of tanh x at x = 0.55), highest power first.
	tanhTaylor = [...]float32{
		math.Float32frombits(0x3a1aac12), // 6404582/10854718875
		math.Float32frombits(0xbabed1b2), // -929569/638512875
		math.Float32frombits(0x3b6b69e8), // 21844/6081075
		math.Float32frombits(0xbc11371b), // -1382/155925
		math.Float32frombits(0x3cb327a4), // 62/2835
		math.Float32frombits(0xbd5d0dd1), // -17/315
		math.Float32frombits(0x3e088889), // 2/15
		math.Float32frombits(0xbeaaaaab), // -1/3
	}
)

// TanhValue is tanh x as Elementwise's Tanh computes it, on a = |x| and
// with the sign of x put back at the end: for a < 0.55, a + a³·p(a²) with
// p tanh's Taylor series to a**17; from 0.55 on, 1 - 2/(e**t + 1), t = 2a
// clamped to 20, e**t as SigmoidValue computes it; NaN for a NaN. Within
// 2 ulps of tanh.
func TanhValue(x float32) float32 {
	a := math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
	var v float32
	if a < tanhSmall {
		s := a * a
		p := tanhTaylor[0]
		for _, c := range tanhTaylor[1:] {
			p = mathf.FMA(p, s, c)
		}
		v = mathf.FMA(a*s, p, a)
	} else {
		v = 1 - 2/(exp(minPS(tanhClamp, a+a))+1)
	}
	return math.Float32frombits(math.Float32bits(v) | math.Float32bits(x)&(1<<31))
}

// Tanh implements Elementwise.
func (PortableElementwise) Tanh(x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = TanhValue(v)
	}
}
