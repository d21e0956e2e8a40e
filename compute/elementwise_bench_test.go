package compute_test

import (
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/compute"
)

// The element-wise benchmarks run on the sizes of one batch of the
// denoise recipe's widest layer: 128 images of 28×28×32 values (12.8 MB
// per tensor, more than the caches hold). Each reports the bytes it reads
// and writes per second (MB/s); BenchmarkMemoryLimit copies the same
// tensor, the machine's rate for one pass over memory, in the same run.
const benchValues = 128 * 28 * 28 * 32

func benchTensor(n int) []float32 {
	rng := rand.New(rand.NewPCG(1, 1))
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

// BenchmarkMemoryLimit: copy reads and writes each value once.
func BenchmarkMemoryLimit(b *testing.B) {
	src, dst := benchTensor(benchValues), make([]float32, benchValues)
	b.SetBytes(2 * 4 * benchValues)
	for b.Loop() {
		copy(dst, src)
	}
}

func BenchmarkElementwise(b *testing.B) {
	for _, e := range compute.ElementwiseImplementations() {
		pre, out, bias := benchTensor(benchValues), make([]float32, benchValues), benchTensor(32)
		b.Run("AddBiasReLU/"+e.Name(), func(b *testing.B) {
			b.SetBytes(3 * 4 * benchValues) // pre read and written, out written
			for b.Loop() {
				e.AddBiasReLU(pre, out, bias, true)
			}
		})
		dy := benchTensor(benchValues)
		b.Run("ReLUGrad/"+e.Name(), func(b *testing.B) {
			b.SetBytes(3 * 4 * benchValues)
			for b.Loop() {
				e.ReLUGrad(pre, dy, out)
			}
		})
		mom, vel := benchTensor(benchValues), make([]float32, benchValues)
		b.Run("AdamStep/"+e.Name(), func(b *testing.B) {
			b.SetBytes(7 * 4 * benchValues) // w, g, m, v read; w, m, v written
			for b.Loop() {
				e.AdamStep(out, dy, mom, vel, 0.001, 0.1, 0.001, 1e-7)
			}
		})
		pixels := make([]uint8, benchValues)
		for i := range pixels {
			pixels[i] = uint8(i)
		}
		b.Run("UnitBytes/"+e.Name(), func(b *testing.B) {
			b.SetBytes(5 * benchValues) // a byte read, a float32 written
			for b.Loop() {
				e.UnitBytes(out, pixels)
			}
		})
		sums := make([]float32, 32)
		b.Run("AddRows/"+e.Name(), func(b *testing.B) {
			b.SetBytes(4 * benchValues) // a bias gradient: column sums
			for b.Loop() {
				e.AddRows(sums, pre, benchValues/32, 32, 32)
			}
		})
		// MaxPool: 2×2 pooling of each 28×28×32 image.
		windows := poolWindows(28, 28, 32)
		best, arg := make([]float32, benchValues/4), make([]int32, benchValues/4)
		const image, pooled = 28 * 28 * 32, 14 * 14 * 32
		b.Run("MaxPool/"+e.Name(), func(b *testing.B) {
			b.SetBytes(4*benchValues + 2*4*benchValues/4) // read all, write max and index of a quarter
			for b.Loop() {
				for img := 0; img < 128; img++ {
					e.MaxPool(pre[img*image:(img+1)*image], windows, best[img*pooled:(img+1)*pooled], arg[img*pooled:(img+1)*pooled])
				}
			}
		})
		// MaxPoolGrad: the same pooling's gradient, into a cleared input
		// gradient, at the args of the pooling above.
		b.Run("MaxPoolGrad/"+e.Name(), func(b *testing.B) {
			for img := 0; img < 128; img++ {
				e.MaxPool(pre[img*image:(img+1)*image], windows, best[img*pooled:(img+1)*pooled], arg[img*pooled:(img+1)*pooled])
			}
			b.SetBytes(4*benchValues + 2*4*benchValues/4) // write all, read dy and index of a quarter
			for b.Loop() {
				for img := 0; img < 128; img++ {
					dx := out[img*image : (img+1)*image]
					clear(dx)
					e.MaxPoolGrad(dx, windows, dy[img*pooled:(img+1)*pooled], arg[img*pooled:(img+1)*pooled])
				}
			}
		})
		// MaxPoolGradSet: the same, with no clearing: its windows cover
		// each pixel once.
		b.Run("MaxPoolGradSet/"+e.Name(), func(b *testing.B) {
			b.SetBytes(4*benchValues + 2*4*benchValues/4)
			for b.Loop() {
				for img := 0; img < 128; img++ {
					e.MaxPoolGradSet(out[img*image:(img+1)*image], windows, dy[img*pooled:(img+1)*pooled], arg[img*pooled:(img+1)*pooled])
				}
			}
		})
		// MaxPoolGradGather: the same gradient, past the ReLU, made pixel
		// by pixel (a convolution of the model's input reads it so).
		pixelWindow := make([]int32, 28*28)
		for p := range pixelWindow {
			pixelWindow[p] = int32((p/28/2)*14 + p%28/2)
		}
		byPixel := compute.NewPixelWindows(pixelWindow)
		b.Run("MaxPoolGradGather/"+e.Name(), func(b *testing.B) {
			b.SetBytes(4*benchValues + 3*4*benchValues/4) // write all, read dy, output and index of a quarter
			for b.Loop() {
				for img := 0; img < 128; img++ {
					e.MaxPoolGradGather(out[img*image:(img+1)*image], byPixel, 0, 32, dy[img*pooled:(img+1)*pooled], best[img*pooled:(img+1)*pooled], arg[img*pooled:(img+1)*pooled])
				}
			}
		})
		// GatherSum: a 3×3 same-padded window sum over one image of 28×28
		// pixels, 32 and 1 values per row (kn2row's output pass).
		for _, width := range []int{32, 1} {
			idx := make([]int32, 0, 28*28*9)
			for y := 0; y < 28; y++ {
				for x := 0; x < 28; x++ {
					for k := 0; k < 9; k++ {
						iy, ix := y+k/3-1, x+k%3-1
						o := int32(-1)
						if iy >= 0 && iy < 28 && ix >= 0 && ix < 28 {
							o = int32(((iy*28+ix)*9 + k) * width)
						}
						idx = append(idx, o)
					}
				}
			}
			table := compute.NewGatherTable(idx, 9)
			src := benchTensor(28 * 28 * 9 * width)
			dst := make([]float32, 28*28*width)
			b.Run("GatherSum/width"+map[int]string{1: "1", 32: "32"}[width]+"/"+e.Name(), func(b *testing.B) {
				b.SetBytes(int64(4 * (len(src) + len(dst))))
				for b.Loop() {
					e.GatherSum(dst, src, table, width)
				}
			})
		}
	}
}

// poolWindows is the table of 2×2 windows, stride 2, over an h×w image of
// c channels.
func poolWindows(h, w, c int) *compute.GatherTable {
	var idx []int32
	for oy := 0; oy < h/2; oy++ {
		for ox := 0; ox < w/2; ox++ {
			at := int32((2*oy*w + 2*ox) * c)
			idx = append(idx, at, at+int32(c), at+int32(w*c), at+int32((w+1)*c))
		}
	}
	return compute.NewGatherTable(idx, 4)
}
