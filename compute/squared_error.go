package compute

// The squared error of mean_squared_error and its gradient, summed as
// every implementation sums it, so that the loss has the same bits on
// every machine: each product d*d of a float32 difference is exact in
// float64, and the sums go into 16 float64 lanes (value i into lane i%16)
// that are then added in order, the values after the last multiple of 16
// after them, one by one.

// SquaredError calls the implementation in use; see Elementwise.
func SquaredError(p, y, g []float32, scale float32) float64 {
	return elementwise.SquaredError(p, y, g, scale)
}

// SquaredError implements Elementwise.
func (PortableElementwise) SquaredError(p, y, g []float32, scale float32) float64 {
	y = y[:len(p)]
	if g != nil {
		g = g[:len(p)]
	}
	n := len(p) &^ 15
	var lanes [16]float64
	for i := 0; i < n; i += 16 {
		pb, yb := p[i:i+16:i+16], y[i:i+16:i+16]
		for k := range lanes {
			d := pb[k] - yb[k]
			lanes[k] += float64(float64(d) * float64(d)) // rounded on its own (exact), as everywhere
		}
		if g != nil {
			gb := g[i : i+16 : i+16]
			for k := range gb {
				gb[k] = (pb[k] - yb[k]) * scale
			}
		}
	}
	return squaredErrorTail(p, y, g, scale, n, &lanes)
}

// squaredErrorTail adds the lanes in order, then the values from n on,
// writing their gradients when g is not nil: the part every
// implementation shares.
func squaredErrorTail(p, y, g []float32, scale float32, n int, lanes *[16]float64) float64 {
	var sum float64
	for _, v := range lanes {
		sum += v
	}
	for i := n; i < len(p); i++ {
		d := p[i] - y[i]
		sum += float64(float64(d) * float64(d))
		if g != nil {
			g[i] = d * scale
		}
	}
	return sum
}
