//go:build amd64 && !purego

package compute

import "golang.org/x/sys/cpu"

// kernelAVX2 computes a 6×16 tile with AVX2 and FMA (twelve ymm
// accumulators), reading A(i, p) at a[i*rs+p*ps] and the packed B panel,
// and stores the tile into C, or adds it to C when accumulate is set.
// Each element is summed in order of p with one FMA per term.
//
//go:noescape
func kernelAVX2(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int)

// kernelAVX512 is kernelAVX2's 12×32 counterpart with AVX-512 (24 zmm
// accumulators).
//
//go:noescape
func kernelAVX512(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int)

// kernelAVX512x16 and kernelAVX512x8 are kernelAVX512's narrower
// siblings, 12×16 and 12×8, for products and last column panels that
// narrow: the same rows, so they read the same A panels.
//
//go:noescape
func kernelAVX512x16(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int)

//go:noescape
func kernelAVX512x8(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int)

// kernelAVX512r9, kernelAVX512r9x16 and kernelAVX512r9x8 are the 12-row
// kernels' nine-row siblings, for a last row panel of nine rows read in
// place (a 3×3 convolution's kernel gradient over one input channel).
//
//go:noescape
func kernelAVX512r9(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int)

//go:noescape
func kernelAVX512r9x16(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int)

//go:noescape
func kernelAVX512r9x8(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int)

// kernelAVX512r8 and kernelAVX512r4, with their 16- and 8-column
// versions, are the eight- and four-row siblings, for the last row panel
// of a product whose rows are a power of two from 16 on.
//
//go:noescape
func kernelAVX512r8(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int)

//go:noescape
func kernelAVX512r8x16(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int)

//go:noescape
func kernelAVX512r8x8(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int)

//go:noescape
func kernelAVX512r4(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int)

//go:noescape
func kernelAVX512r4x16(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int)

//go:noescape
func kernelAVX512r4x8(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int)

// kernelAVX512x16m and kernelAVX512r9x16m are kernelAVX512x16 and
// kernelAVX512r9x16 under a column mask: they read B's and write C's
// columns whose bits are set in mask only.
//
//go:noescape
func kernelAVX512x16m(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int, mask uint64)

//go:noescape
func kernelAVX512r9x16m(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int, mask uint64)

var microKernel = best(availableKernels())

// asmKernel wraps an assembly micro-kernel of mr×nr tiles as a kernel.
func asmKernel(name string, mr, nr int, fn func(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int)) kernel {
	return kernel{name: name, mr: mr, nr: nr,
		run: func(kc int, a []float32, rs, ps int, b []float32, bs int, c []float32, ldc int, acc bool) {
			fn(kc, &a[0], rs, ps, &b[0], bs, &c[0], ldc, acc, 1, 0)
		},
		panels: func(count, pstride, _, kc int, a []float32, rs, ps int, b []float32, bs int, c []float32, ldc int, acc bool) {
			fn(kc, &a[0], rs, ps, &b[0], bs, &c[0], ldc, acc, count, pstride)
		}}
}

// asmMaskedKernel wraps a masked assembly micro-kernel of mr×nr tiles as
// a kernel that computes the first cols columns.
func asmMaskedKernel(name string, mr, nr int, fn func(kc int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int, accumulate bool, panels, pstride int, mask uint64)) kernel {
	return kernel{name: name, mr: mr, nr: nr, masked: true,
		panels: func(count, pstride, cols, kc int, a []float32, rs, ps int, b []float32, bs int, c []float32, ldc int, acc bool) {
			fn(kc, &a[0], rs, ps, &b[0], bs, &c[0], ldc, acc, count, pstride, 1<<cols-1)
		}}
}

// maskedKernels lists the masked kernels that serve a last, partial
// column panel for k and its shorter siblings.
func maskedKernels(k kernel) []kernel {
	if k.name != "avx512" {
		return nil
	}
	return []kernel{
		asmMaskedKernel("avx512x16m", 12, 16, kernelAVX512x16m),
		asmMaskedKernel("avx512r9x16m", 9, 16, kernelAVX512r9x16m),
	}
}

// shorterKernels lists the kernels with fewer rows than k and the columns
// of k or of one of its narrower siblings.
func shorterKernels(k kernel) []kernel {
	if k.name != "avx512" {
		return nil
	}
	return []kernel{
		asmKernel("avx512r9", 9, 32, kernelAVX512r9),
		asmKernel("avx512r9x16", 9, 16, kernelAVX512r9x16),
		asmKernel("avx512r9x8", 9, 8, kernelAVX512r9x8),
		asmKernel("avx512r8", 8, 32, kernelAVX512r8),
		asmKernel("avx512r8x16", 8, 16, kernelAVX512r8x16),
		asmKernel("avx512r8x8", 8, 8, kernelAVX512r8x8),
		asmKernel("avx512r4", 4, 32, kernelAVX512r4),
		asmKernel("avx512r4x16", 4, 16, kernelAVX512r4x16),
		asmKernel("avx512r4x8", 4, 8, kernelAVX512r4x8),
	}
}

// narrowerKernels lists, narrowest first, the kernels with k's rows and
// fewer columns.
func narrowerKernels(k kernel) []kernel {
	if k.name != "avx512" {
		return nil
	}
	return []kernel{
		asmKernel("avx512x8", 12, 8, kernelAVX512x8),
		asmKernel("avx512x16", 12, 16, kernelAVX512x16),
	}
}

// availableKernels lists the assembly kernels this processor runs, best first.
func availableKernels() []kernel {
	var ks []kernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, asmKernel("avx512", 12, 32, kernelAVX512))
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, asmKernel("avx2", 6, 16, kernelAVX2))
	}
	return ks
}
