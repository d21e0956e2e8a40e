//go:build amd64 && !purego

package compute

//go:noescape
func squaredErrorAVX512(p, y, grad *float32, blocks int, scale float32, lanes *[16]float64)

//go:noescape
func squaredErrorAVX2(p, y, grad *float32, blocks int, scale float32, lanes *[16]float64)

func (avx512Elementwise) SquaredError(p, y, g []float32, scale float32) float64 {
	return squaredErrorBy(squaredErrorAVX512, p, y, g, scale)
}

func (avx2Elementwise) SquaredError(p, y, g []float32, scale float32) float64 {
	return squaredErrorBy(squaredErrorAVX2, p, y, g, scale)
}

// squaredErrorBy runs kernel on the blocks of 16 values, then the tail in
// Go; a nil g goes to the kernel as a nil pointer (no gradients).
func squaredErrorBy(kernel func(p, y, g *float32, blocks int, scale float32, lanes *[16]float64), p, y, g []float32, scale float32) float64 {
	y = y[:len(p)]
	if g != nil {
		g = g[:len(p)]
	}
	var lanes [16]float64
	n := len(p) &^ 15
	if n > 0 {
		var g0 *float32
		if g != nil {
			g0 = &g[0]
		}
		kernel(&p[0], &y[0], g0, n/16, scale, &lanes)
	}
	return squaredErrorTail(p, y, g, scale, n, &lanes)
}
