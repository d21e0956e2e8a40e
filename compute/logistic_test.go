package compute_test

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/compute"
)

// logits draws n values of every size a logit takes, and some no logit
// should: ±0, the clamps' edges, ±Inf, NaN, subnormals.
func logits(rng *rand.Rand, n int) []float32 {
	return drawValues(rng, n, 40, 4, 0, float32(math.Copysign(0, -1)), 88.72283, -88.72283, 87.33655, -87.33655, 88.8, -88.8, 100, -100,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e-40, -1e-40, 1e-7, 0.34657, -0.34657)
}

// drawValues draws n values: a tenth from edges, a fifth normal with
// standard deviation wide, the rest with standard deviation narrow.
func drawValues(rng *rand.Rand, n int, wide, narrow float64, edges ...float32) []float32 {
	v := make([]float32, n)
	for i := range v {
		switch rng.IntN(10) {
		case 0:
			v[i] = edges[rng.IntN(len(edges))]
		case 1, 2:
			v[i] = float32(rng.NormFloat64() * wide)
		default:
			v[i] = float32(rng.NormFloat64() * narrow)
		}
	}
	return v
}

// TestSigmoidConforms holds every implementation's Sigmoid to the
// portable one (mapConforms).
func TestSigmoidConforms(t *testing.T) {
	mapConforms(t, "Sigmoid", logits, func(e compute.Elementwise) func(x, y []float32) { return e.Sigmoid }, 21)
}

// mapConforms holds every implementation's map op, value by value, to
// the portable one's, bit for bit, at every length up to 70 (the vector
// part and tails) and on a long slice of values draw draws, writing
// nothing past y's length.
func mapConforms(t *testing.T, name string, draw func(*rand.Rand, int) []float32, op func(compute.Elementwise) func(x, y []float32), seed uint64) {
	ref := op(compute.PortableElementwise{})
	rng := rand.New(rand.NewPCG(seed, seed+1))
	for _, e := range compute.ElementwiseImplementations() {
		for _, n := range append(lengths(70), 10000) {
			x := draw(rng, n)
			want, got := make([]float32, n), make([]float32, n+1)
			got[n] = -1
			ref(x, want)
			op(e)(x, got[:n])
			for i := range want {
				if !sameBits(want[i:i+1], got[i:i+1]) {
					t.Fatalf("%s: %s(%v) = %v (%#x), portable %v (%#x)", e.Name(), name, x[i], got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
				}
			}
			if got[n] != -1 {
				t.Fatalf("%s: %s of %d values wrote past them", e.Name(), name, n)
			}
		}
	}
}

// TestBCELogitsConforms: every implementation gives the portable one's
// sum and gradients, bit for bit, with probabilities that are the logits'
// sigmoids and ones that are not (some 0, 1, subnormal, NaN: the AVX2
// kernel leaves those blocks to Go), and targets in [0, 1] or 0 and 1.
func TestBCELogitsConforms(t *testing.T) {
	ref := compute.PortableElementwise{}
	rng := rand.New(rand.NewPCG(23, 24))
	for _, e := range compute.ElementwiseImplementations() {
		for _, n := range append(lengths(70), 10000) {
			for trial := range 4 {
				z, p, y := logits(rng, n), make([]float32, n), make([]float32, n)
				ref.Sigmoid(z, p)
				for i := range y {
					y[i] = rng.Float32()
					if trial == 1 {
						y[i] = float32(rng.IntN(2))
					}
					if trial == 2 {
						p[i] = rng.Float32()
					}
					if odd := []float32{0, 1, 1e-40, float32(math.NaN()), 2, -0.5}; trial == 3 && rng.IntN(40) == 0 {
						p[i] = odd[rng.IntN(len(odd))]
					}
				}
				want, got := make([]float32, n), make([]float32, n)
				ws := ref.BCELogits(z, p, y, want, 0.25)
				gs := e.BCELogits(z, p, y, got, 0.25)
				if math.Float64bits(ws) != math.Float64bits(gs) && !(ws != ws && gs != gs) {
					t.Fatalf("%s: BCELogits of %d values = %v, portable %v", e.Name(), n, gs, ws)
				}
				if !sameBits(want, got) {
					t.Fatalf("%s: BCELogits of %d values: gradients differ", e.Name(), n)
				}
			}
		}
	}
}

func lengths(upTo int) []int {
	n := make([]int, upTo+1)
	for i := range n {
		n[i] = i
	}
	return n
}

// TestSigmoidAccurate: within 2 ulps of the float64 logistic; 1 at the
// top, and 2.9e-39 below -88.72 (e**88.72 is the largest power of e
// in float32).
func TestSigmoidAccurate(t *testing.T) {
	for x := float32(-100); x < 100; x += 0.00731 {
		got, want := compute.SigmoidValue(x), 1/(1+math.Exp(-float64(x)))
		if math.Abs(float64(got)-want) > 2.4e-7*want+3e-39 {
			t.Fatalf("SigmoidValue(%v) = %v, want %v", x, got, want)
		}
	}
	if compute.SigmoidValue(0) != 0.5 || compute.SigmoidValue(100) != 1 || compute.SigmoidValue(-100) != compute.SigmoidValue(-88.8) || compute.SigmoidValue(-100) > 3e-39 {
		t.Errorf("SigmoidValue(0, 100, -100) = %v, %v, %v", compute.SigmoidValue(0), compute.SigmoidValue(100), compute.SigmoidValue(-100))
	}
}

// TestBCELogitsAccurate: the sum is within a millionth of the float64
// cross-entropy, and each gradient is (p-y)*scale.
func TestBCELogitsAccurate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 4096 + 5
	z, p, y, g := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range z {
		z[i] = float32(rng.NormFloat64() * 8)
		y[i] = rng.Float32()
	}
	z[0], z[1] = 40, -40
	compute.Sigmoid(z, p)
	got := compute.BCELogits(z, p, y, g, 0.5)
	var want float64
	for i := range z {
		zi, yi := float64(z[i]), float64(y[i])
		want += math.Max(zi, 0) - zi*yi + math.Log1p(math.Exp(-math.Abs(zi)))
		if g[i] != (p[i]-y[i])*0.5 {
			t.Fatalf("g[%d] = %v, want %v", i, g[i], (p[i]-y[i])*0.5)
		}
	}
	if math.Abs(got-want) > 1e-6*math.Abs(want) {
		t.Errorf("sum %v, want %v", got, want)
	}
}

// TestLogisticSameBitsEveryMachine: the sigmoid and the cross-entropy of
// fixed logits hash to the values they have on amd64 with AVX-512, with
// whichever implementation this machine runs (the portable one under
// -tags purego and on arm64). The sums of rounding errors that would
// tell two machines apart would show here first.
func TestLogisticSameBitsEveryMachine(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	n := 100000 + 7
	z, p, y, g := logits(rng, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range y {
		y[i] = rng.Float32()
		if math.IsNaN(float64(z[i])) || math.IsInf(float64(z[i]), 0) {
			z[i] = 0 // they make the sum a NaN, whose bits are not one value
		}
	}
	compute.Sigmoid(z, p)
	sum := compute.BCELogits(z, p, y, g, 1e-3)
	if math.IsNaN(sum) {
		t.Fatal("the sum is NaN")
	}
	h := sha256.New()
	binary.Write(h, binary.LittleEndian, p)
	binary.Write(h, binary.LittleEndian, g)
	binary.Write(h, binary.LittleEndian, math.Float64bits(sum))
	const want = "6548dec180782a46"
	if got := fmt.Sprintf("%x", h.Sum(nil))[:16]; got != want {
		t.Errorf("%s on this machine: the sigmoids, gradients and sum hash to %s, on amd64 with AVX-512 to %s", compute.ElementwiseImplementations()[0].Name(), got, want)
	}
}

// realLogits are n logits of a trained output layer's sizes, none of
// the special values (a subnormal costs the processor a hundred cycles).
func realLogits(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64() * 6)
	}
	return v
}

// BenchmarkLogistic times Sigmoid and BCELogits of each implementation on
// the element-wise benchmarks' size (BenchmarkMemoryLimit is the
// machine's rate for one pass over it).
func BenchmarkLogistic(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	z, p, y, g := realLogits(rng, benchValues), make([]float32, benchValues), make([]float32, benchValues), make([]float32, benchValues)
	for i := range y {
		y[i] = rng.Float32()
	}
	for _, e := range compute.ElementwiseImplementations() {
		b.Run("Sigmoid/"+e.Name(), func(b *testing.B) {
			b.SetBytes(2 * 4 * benchValues) // x read, y written
			for b.Loop() {
				e.Sigmoid(z, p)
			}
		})
		b.Run("BCELogits/"+e.Name(), func(b *testing.B) {
			b.SetBytes(4 * 4 * benchValues) // z, p and y read, g written
			for b.Loop() {
				e.BCELogits(z, p, y, g, 1)
			}
		})
	}
}
