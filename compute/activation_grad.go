package compute

// The gradients of the sigmoid, tanh and softplus layers, taken from
// their outputs (or, for the softplus, from the sigmoid of its input):
// products and differences only, so every implementation gives the
// portable one's bits exactly.

// SigmoidGrad calls the implementation in use; see Elementwise.
func SigmoidGrad(y, dy, dz []float32) { elementwise.SigmoidGrad(y, dy, dz) }

// TanhGrad calls the implementation in use; see Elementwise.
func TanhGrad(y, dy, dz []float32) { elementwise.TanhGrad(y, dy, dz) }

// Multiply calls the implementation in use; see Elementwise.
func Multiply(dst, by []float32) { elementwise.Multiply(dst, by) }

// SigmoidGrad implements Elementwise.
func (PortableElementwise) SigmoidGrad(y, dy, dz []float32) {
	dy, dz = dy[:len(y)], dz[:len(y)]
	for i, v := range y {
		dz[i] = dy[i] * v * (1 - v)
	}
}

// TanhGrad implements Elementwise.
func (PortableElementwise) TanhGrad(y, dy, dz []float32) {
	dy, dz = dy[:len(y)], dz[:len(y)]
	for i, v := range y {
		// The square rounded on its own, so that no compiler fuses it
		// with the difference.
		dz[i] = dy[i] * (1 - float32(v*v))
	}
}

// Multiply implements Elementwise.
func (PortableElementwise) Multiply(dst, by []float32) {
	by = by[:len(dst)]
	for i, v := range by {
		dst[i] *= v
	}
}
