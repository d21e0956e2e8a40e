//go:build amd64 && !purego

package compute

// The ops of productsAVX512 and productsAVX2 (activation_grad_amd64.s).
const (
	sigmoidGradOp = iota
	tanhGradOp
	productOp
)

//go:noescape
func productsAVX512(a, b, dst *float32, blocks int, tail uint64, op int)

//go:noescape
func productsAVX2(a, b, dst *float32, blocks int, op int)

func (avx512Elementwise) SigmoidGrad(y, dy, dz []float32) { productsBy512(y, dy, dz, sigmoidGradOp) }
func (avx512Elementwise) TanhGrad(y, dy, dz []float32)    { productsBy512(y, dy, dz, tanhGradOp) }
func (avx512Elementwise) Multiply(dst, by []float32)      { productsBy512(dst, by, dst, productOp) }

// productsBy512 runs op on a, b and dst, as long as a, 16 values at a
// time and the last ones under a mask.
func productsBy512(a, b, dst []float32, op int) {
	if len(a) == 0 {
		return
	}
	b, dst = b[:len(a)], dst[:len(a)]
	productsAVX512(&a[0], &b[0], &dst[0], len(a)/16, tailMask(len(a)), op)
}

func (avx2Elementwise) SigmoidGrad(y, dy, dz []float32) {
	n := productsBy256(y, dy, dz, sigmoidGradOp)
	PortableElementwise{}.SigmoidGrad(y[n:], dy[n:], dz[n:])
}

func (avx2Elementwise) TanhGrad(y, dy, dz []float32) {
	n := productsBy256(y, dy, dz, tanhGradOp)
	PortableElementwise{}.TanhGrad(y[n:], dy[n:], dz[n:])
}

func (avx2Elementwise) Multiply(dst, by []float32) {
	n := productsBy256(dst, by, dst, productOp)
	PortableElementwise{}.Multiply(dst[n:], by[n:])
}

// productsBy256 runs op on the first values of a, b and dst, up to the
// last multiple of 8 of a's length, and returns how many it did.
func productsBy256(a, b, dst []float32, op int) int {
	b, dst = b[:len(a)], dst[:len(a)]
	n := len(a) &^ 7
	if n > 0 {
		productsAVX2(&a[0], &b[0], &dst[0], n/8, op)
	}
	return n
}
