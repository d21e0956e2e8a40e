//go:build amd64 && !purego

package compute

//go:noescape
func tanhAVX512(x, y *float32, n int)

//go:noescape
func tanhAVX2(x, y *float32, n int)

func (avx512Elementwise) Tanh(x, y []float32) {
	mapBy(tanhAVX512, 16, PortableElementwise{}.Tanh, x, y)
}

func (avx2Elementwise) Tanh(x, y []float32) { mapBy(tanhAVX2, 8, PortableElementwise{}.Tanh, x, y) }
