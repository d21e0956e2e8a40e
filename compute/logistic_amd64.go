//go:build amd64 && !purego

package compute

//go:noescape
func sigmoidAVX512(x, y *float32, n int)

//go:noescape
func bceAVX512(z, p, y, grad *float32, n int, scale float32, lanes *float32)

func (avx512Elementwise) Sigmoid(x, y []float32) {
	mapBy(sigmoidAVX512, 16, PortableElementwise{}.Sigmoid, x, y)
}

// mapBy runs kernel, which maps x to y value by value, on the values up
// to the last multiple of width, and rest (the same map in Go) on the
// others.
func mapBy(kernel func(x, y *float32, n int), width int, rest func(x, y []float32), x, y []float32) {
	y = y[:len(x)]
	n := len(x) / width * width
	if n > 0 {
		kernel(&x[0], &y[0], n)
	}
	rest(x[n:], y[n:])
}

func (avx512Elementwise) BCELogits(z, p, y, g []float32, scale float32) float64 {
	p, y, g = p[:len(z)], y[:len(z)], g[:len(z)]
	n := len(z) &^ 15
	var lanes [16]float32
	if n > 0 {
		bceAVX512(&z[0], &p[0], &y[0], &g[0], n, scale, &lanes[0])
	}
	return bceTail(z, p, y, g, scale, n, &lanes)
}

//go:noescape
func sigmoidAVX2(x, y *float32, n int)

//go:noescape
func bceAVX2(z, p, y, grad *float32, n int, scale float32, lanes *float32) int

func (avx2Elementwise) Sigmoid(x, y []float32) {
	mapBy(sigmoidAVX2, 8, PortableElementwise{}.Sigmoid, x, y)
}

// BCELogits sums blocks of 16 values in assembly; a block with a
// probability the assembly does not handle (q*4/3 not a normal number:
// 0, a subnormal, a NaN) is summed in Go into the same lanes.
func (avx2Elementwise) BCELogits(z, p, y, g []float32, scale float32) float64 {
	p, y, g = p[:len(z)], y[:len(z)], g[:len(z)]
	n := len(z) &^ 15
	var lanes [16]float32
	for i := 0; i < n; i += 16 {
		i += bceAVX2(&z[i], &p[i], &y[i], &g[i], n-i, scale, &lanes[0])
		for j := i; j < min(i+16, n); j++ {
			lanes[j&15] += BCELogitValue(z[j], p[j], y[j])
			g[j] = (p[j] - y[j]) * scale
		}
	}
	return bceTail(z, p, y, g, scale, n, &lanes)
}
