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

// tanhInputs draws n values of every size, with the branches' edge
// (0.55) and the clamp's (10), ±0, ±Inf, NaN and subnormals among them.
func tanhInputs(rng *rand.Rand, n int) []float32 {
	return drawValues(rng, n, 10, 0.7, 0, float32(math.Copysign(0, -1)), 0.55, -0.55, math.Nextafter32(0.55, 0), -math.Nextafter32(0.55, 0),
		10, -10, 9.02, -9.02, 100, -100, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e-40, -1e-40, 1e-20)
}

// TestTanhConforms holds every implementation's Tanh to the portable one
// (mapConforms).
func TestTanhConforms(t *testing.T) {
	mapConforms(t, "Tanh", tanhInputs, func(e compute.Elementwise) func(x, y []float32) { return e.Tanh }, 41)
}

// TestTanhAccurate: within 2 ulps of math.Tanh over [-12, 12], on both
// sides of the branches' edge; odd; ±0, ±1, ±Inf and NaN where they
// belong.
func TestTanhAccurate(t *testing.T) {
	worst := 0.0
	check := func(x float32) {
		got, want := compute.TanhValue(x), math.Tanh(float64(x))
		ulp := float64(math.Nextafter32(float32(math.Abs(want)), float32(math.Inf(1)))) - math.Abs(float64(float32(want)))
		if e := math.Abs(float64(got)-want) / ulp; e > worst {
			worst = e
		}
		if math.Abs(float64(got)-want) > 2*ulp {
			t.Fatalf("TanhValue(%v) = %v, want %v (%.2f ulps off)", x, got, want, math.Abs(float64(got)-want)/ulp)
		}
		if compute.TanhValue(-x) != -got {
			t.Fatalf("TanhValue(-%v) = %v, not -%v", x, compute.TanhValue(-x), got)
		}
	}
	for x := float32(1e-30); x < 12; x = x*1.0001 + 1e-9 {
		check(x)
	}
	for x := math.Nextafter32(0.55, 0); x < 0.5501; x = math.Nextafter32(x, 1) {
		check(x)
	}
	t.Logf("worst error %.2f ulps", worst)
	negZero := float32(math.Copysign(0, -1))
	if v := compute.TanhValue(negZero); v != 0 || !math.Signbit(float64(v)) {
		t.Errorf("TanhValue(-0) = %v", v)
	}
	if compute.TanhValue(9.05) != 1 || compute.TanhValue(float32(math.Inf(-1))) != -1 || compute.TanhValue(1e-40) != 1e-40 {
		t.Errorf("TanhValue(9.05, -Inf, 1e-40) = %v, %v, %v", compute.TanhValue(9.05), compute.TanhValue(float32(math.Inf(-1))), compute.TanhValue(1e-40))
	}
	if v := compute.TanhValue(float32(math.NaN())); v == v {
		t.Errorf("TanhValue(NaN) = %v", v)
	}
}

// TestTanhSameBitsEveryMachine: the tangents of fixed values hash to the
// values they have on amd64 with AVX-512 (mapSameBits).
func TestTanhSameBitsEveryMachine(t *testing.T) {
	mapSameBits(t, "tanh", tanhInputs, compute.Tanh, 43, "b4ea1c4ce790d4aa")
}

// mapSameBits: op of 100,007 values draw draws (NaNs made 0: a NaN's
// bits are not one value) hashes to want, the hash on amd64 with
// AVX-512, with whichever implementation this machine runs.
func mapSameBits(t *testing.T, name string, draw func(*rand.Rand, int) []float32, op func(x, y []float32), seed uint64, want string) {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	x := draw(rng, 100000+7)
	for i, v := range x {
		if v != v {
			x[i] = 0
		}
	}
	y := make([]float32, len(x))
	op(x, y)
	h := sha256.New()
	binary.Write(h, binary.LittleEndian, y)
	if got := fmt.Sprintf("%x", h.Sum(nil))[:16]; got != want {
		t.Errorf("%s on this machine: the %s values hash to %s, on amd64 with AVX-512 to %s", compute.ElementwiseImplementations()[0].Name(), name, got, want)
	}
}

// BenchmarkTanh times each implementation's Tanh on the element-wise
// benchmarks' size (BenchmarkMemoryLimit is the machine's rate for one
// pass over it).
func BenchmarkTanh(b *testing.B) {
	benchmarkMap(b, func(e compute.Elementwise) func(x, y []float32) { return e.Tanh })
}

// benchmarkMap times op of each implementation on normal values, MB/s
// counting x read and y written.
func benchmarkMap(b *testing.B, op func(compute.Elementwise) func(x, y []float32)) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := make([]float32, benchValues), make([]float32, benchValues)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for _, e := range compute.ElementwiseImplementations() {
		b.Run(e.Name(), func(b *testing.B) {
			b.SetBytes(2 * 4 * benchValues)
			for b.Loop() {
				op(e)(x, y)
			}
		})
	}
}
