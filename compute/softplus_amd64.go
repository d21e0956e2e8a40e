//go:build amd64 && !purego

package compute

//go:noescape
func softplusAVX512(x, y *float32, n int)

func (avx512Elementwise) Softplus(x, y []float32) {
	mapBy(softplusAVX512, 16, PortableElementwise{}.Softplus, x, y)
}

//go:noescape
func softplusAVX2(x, y *float32, n int)

func (avx2Elementwise) Softplus(x, y []float32) {
	mapBy(softplusAVX2, 8, PortableElementwise{}.Softplus, x, y)
}
