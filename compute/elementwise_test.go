package compute_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/latent-go/latent/compute"
)

// specialValues are mixed into the random inputs: the element-wise
// kernels must agree with the portable ones on them too.
var specialValues = []float32{0, float32(math.Copysign(0, -1)), 1e-42, -1e-42, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), -float32(math.NaN())}

func randomValues(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		if rng.IntN(8) == 0 {
			v[i] = specialValues[rng.IntN(len(specialValues))]
			continue
		}
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

// sameBits: the same bits, or both NaN (which NaN an addition of two NaNs
// passes on depends on the order of its operands, which the Go compiler
// may swap).
func sameBits(a, b []float32) bool {
	return slices.EqualFunc(a, b, func(x, y float32) bool {
		return math.Float32bits(x) == math.Float32bits(y) || x != x && y != y
	})
}

// TestElementwiseConforms holds every element-wise implementation to the
// portable one, bit for bit, on rows of every width from 1 to 70 (masked
// tails, the narrow-row path) and on special values.
func TestElementwiseConforms(t *testing.T) {
	ref := compute.PortableElementwise{}
	for _, e := range compute.ElementwiseImplementations() {
		t.Run(e.Name(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			for cols := 1; cols <= 70; cols++ {
				for _, rows := range []int{1, 3, 17} {
					for _, relu := range []bool{false, true} {
						pre, bias := randomValues(rng, rows*cols), randomValues(rng, cols)
						wantPre, gotPre := slices.Clone(pre), slices.Clone(pre)
						wantOut, gotOut := make([]float32, len(pre)), make([]float32, len(pre))
						ref.AddBiasReLU(wantPre, wantOut, bias, relu)
						e.AddBiasReLU(gotPre, gotOut, bias, relu)
						if !sameBits(wantPre, gotPre) || !sameBits(wantOut, gotOut) {
							t.Fatalf("AddBiasReLU %d×%d relu=%v: got %v %v, want %v %v", rows, cols, relu, gotPre, gotOut, wantPre, wantOut)
						}
						if relu {
							// In place, pre and out one slice: out wins.
							inPlace := slices.Clone(pre)
							e.AddBiasReLU(inPlace, inPlace, bias, true)
							if !sameBits(inPlace, wantOut) {
								t.Fatalf("AddBiasReLU %d×%d in place: got %v, want %v", rows, cols, inPlace, wantOut)
							}
						}
					}
					z, dy := randomValues(rng, rows*cols), randomValues(rng, rows*cols)
					want, got := make([]float32, len(z)), make([]float32, len(z))
					ref.ReLUGrad(z, dy, want)
					e.ReLUGrad(z, dy, got)
					if !sameBits(want, got) {
						t.Fatalf("ReLUGrad of %d values: got %v, want %v", len(z), got, want)
					}
					stride := cols + rng.IntN(3)
					m := randomValues(rng, (rows-1)*stride+cols)
					sumsWant := randomValues(rng, cols)
					sumsGot := slices.Clone(sumsWant)
					ref.AddRows(sumsWant, m, rows, cols, stride)
					e.AddRows(sumsGot, m, rows, cols, stride)
					if !sameBits(sumsWant, sumsGot) {
						t.Fatalf("AddRows %d×%d stride %d: got %v, want %v", rows, cols, stride, sumsGot, sumsWant)
					}
				}
			}
		})
	}
}

// TestReLUGradFromOutput: the ReLU's derivative taken from its output
// is the one taken from its input, bit for bit, special values included,
// so a ReLU layer keeps only its output (and pooling that folds the ReLU
// masks with its own output).
func TestReLUGradFromOutput(t *testing.T) {
	ref := compute.PortableElementwise{}
	rng := rand.New(rand.NewPCG(7, 8))
	z, dy := randomValues(rng, 4096), randomValues(rng, 4096)
	bias := make([]float32, 16)
	pre, out := slices.Clone(z), make([]float32, len(z))
	ref.AddBiasReLU(pre, out, bias, true)
	fromZ, fromOut := make([]float32, len(z)), make([]float32, len(z))
	ref.ReLUGrad(z, dy, fromZ)
	ref.ReLUGrad(out, dy, fromOut)
	if !sameBits(fromZ, fromOut) {
		t.Fatalf("the ReLU's gradient from its output differs from the one from its input")
	}
}

// TestReLUValues pins the portable reference itself: max(z, 0), -0 to +0,
// and TensorFlow's zero gradient at z == 0.
func TestReLUValues(t *testing.T) {
	pre := []float32{-2, 0, 3, float32(math.Copysign(0, -1))}
	out := make([]float32, 4)
	compute.PortableElementwise{}.AddBiasReLU(pre, out, []float32{1, 0}, true)
	if want := []float32{-1, 0, 4, 0}; !sameBits(pre, want) {
		t.Errorf("pre after the bias: %v, want %v", pre, want)
	}
	if want := []float32{0, 0, 4, 0}; !sameBits(out, want) {
		t.Errorf("relu: %v, want %v", out, want)
	}
	dz := make([]float32, 3)
	compute.PortableElementwise{}.ReLUGrad([]float32{-1, 0, 2}, []float32{5, 6, 7}, dz)
	if want := []float32{0, 0, 7}; !sameBits(dz, want) {
		t.Errorf("relu gradient: %v, want %v", dz, want)
	}
}

// TestGatherSumConforms: every implementation sums the same rows in the
// same order as the portable one, for rows of 1 value (gathered 16 rows
// at a time) and wider, with skipped offsets and partial blocks.
func TestGatherSumConforms(t *testing.T) {
	ref := compute.PortableElementwise{}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, e := range compute.ElementwiseImplementations() {
		for _, width := range []int{1, 2, 8, 16, 17, 40} {
			for _, rows := range []int{1, 15, 16, 33} {
				for _, taps := range []int{1, 4, 9} {
					src := randomValues(rng, 50*width)
					idx := make([]int32, rows*taps)
					for i := range idx {
						idx[i] = int32(rng.IntN(50) * width)
						if rng.IntN(4) == 0 {
							idx[i] = -1
						}
					}
					table := compute.NewGatherTable(idx, taps)
					want, got := randomValues(rng, rows*width), randomValues(rng, rows*width)
					ref.GatherSum(want, src, table, width)
					e.GatherSum(got, src, table, width)
					if !sameBits(want, got) {
						t.Fatalf("%s: GatherSum of %d rows × %d taps × %d values: got %v, want %v", e.Name(), rows, taps, width, got, want)
					}
				}
			}
		}
	}
}

// TestGatherCopyConforms: every implementation copies the same rows, -0
// and NaNs included, and zeros where an offset is negative.
func TestGatherCopyConforms(t *testing.T) {
	ref := compute.PortableElementwise{}
	rng := rand.New(rand.NewPCG(9, 10))
	for _, e := range compute.ElementwiseImplementations() {
		for _, width := range []int{1, 3, 8, 16, 17, 40} {
			for _, rows := range []int{1, 15, 16, 33, 100} {
				src := randomValues(rng, 50*width)
				idx := make([]int32, rows)
				for i := range idx {
					idx[i] = int32(rng.IntN(50) * width)
					if rng.IntN(4) == 0 {
						idx[i] = -1
					}
				}
				table := compute.NewGatherTable(idx, 1)
				want, got := randomValues(rng, rows*width), randomValues(rng, rows*width)
				ref.GatherCopy(want, src, table, width)
				e.GatherCopy(got, src, table, width)
				for i := range want {
					if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
						t.Fatalf("%s: GatherCopy of %d rows × %d values: value %d is %v, want %v", e.Name(), rows, width, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestAdamStepConforms: every implementation steps the weights and the
// moments to the same bits as the portable one.
func TestAdamStepConforms(t *testing.T) {
	ref := compute.PortableElementwise{}
	rng := rand.New(rand.NewPCG(13, 14))
	for _, e := range compute.ElementwiseImplementations() {
		for _, n := range []int{1, 15, 16, 17, 100, 1000} {
			w, g, m, v := randomValues(rng, n), randomValues(rng, n), randomValues(rng, n), randomValues(rng, n)
			for i := range v {
				v[i] = v[i] * v[i] // a second moment is not negative
			}
			ws, ms, vs := slices.Clone(w), slices.Clone(m), slices.Clone(v)
			ref.AdamStep(w, g, m, v, 0.001, 0.1, 0.001, 1e-7)
			e.AdamStep(ws, g, ms, vs, 0.001, 0.1, 0.001, 1e-7)
			if !sameBits(w, ws) || !sameBits(m, ms) || !sameBits(v, vs) {
				t.Fatalf("%s: AdamStep of %d values differs: w %v / %v", e.Name(), n, ws, w)
			}
		}
	}
}

// TestUnitBytesConforms: every implementation scales every byte value, at
// every place in a block and in tails of every length, to the bits of
// float32(b)/255, and writes nothing past the bytes it is given.
func TestUnitBytesConforms(t *testing.T) {
	for _, e := range compute.ElementwiseImplementations() {
		for n := 0; n <= 300; n++ {
			src := make([]uint8, n)
			for i := range src {
				src[i] = uint8(i*37 + n)
			}
			dst := make([]float32, n+1)
			dst[n] = -1
			e.UnitBytes(dst[:n], src)
			for i, b := range src {
				if want := float32(b) / 255; math.Float32bits(dst[i]) != math.Float32bits(want) {
					t.Fatalf("%s: UnitBytes of %d bytes: byte %d (%d) gave %v, want %v", e.Name(), n, i, b, dst[i], want)
				}
			}
			if dst[n] != -1 {
				t.Fatalf("%s: UnitBytes of %d bytes wrote past them", e.Name(), n)
			}
		}
	}
}
