package compute_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/compute"
)

// softplusInputs draws n values of every size, with the floor's edge
// (-87.34), ±0, ±Inf, NaN and subnormals among them.
func softplusInputs(rng *rand.Rand, n int) []float32 {
	return drawValues(rng, n, 30, 3, 0, float32(math.Copysign(0, -1)), 87.33655, -87.33655, -87.4, 100, -100,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e-40, -1e-40, 17, -17, 1e-8)
}

// TestSoftplusConforms holds every implementation's Softplus to the
// portable one (mapConforms).
func TestSoftplusConforms(t *testing.T) {
	mapConforms(t, "Softplus", softplusInputs, func(e compute.Elementwise) func(x, y []float32) { return e.Softplus }, 51)
}

// TestSoftplusAccurate: within 4 ulps of the float64 softplus from x =
// -87.3 up (below, the sigmoid's floor, 1.2e-38); +Inf at +Inf, NaN for
// a NaN.
func TestSoftplusAccurate(t *testing.T) {
	worst := 0.0
	for x := float32(-87.3); x < 100; x += 0.000713 {
		xf := float64(x)
		want := math.Max(xf, 0) + math.Log1p(math.Exp(-math.Abs(xf)))
		got := compute.SoftplusValue(x)
		ulp := float64(math.Nextafter32(float32(want), float32(math.Inf(1)))) - float64(float32(want))
		if e := math.Abs(float64(got)-want) / ulp; e > worst {
			worst = e
		}
		if math.Abs(float64(got)-want) > 4*ulp {
			t.Fatalf("SoftplusValue(%v) = %v, want %v (%.2f ulps off)", x, got, want, math.Abs(float64(got)-want)/ulp)
		}
	}
	t.Logf("worst error %.2f ulps", worst)
	if v := compute.SoftplusValue(float32(math.Inf(1))); !math.IsInf(float64(v), 1) {
		t.Errorf("SoftplusValue(+Inf) = %v", v)
	}
	if v := compute.SoftplusValue(float32(math.NaN())); v == v {
		t.Errorf("SoftplusValue(NaN) = %v", v)
	}
	if v := compute.SoftplusValue(-100); v != compute.SoftplusValue(-87.4) || v > 1.3e-38 {
		t.Errorf("SoftplusValue(-100) = %v, the floor %v", v, compute.SoftplusValue(-87.4))
	}
}

// TestSoftplusSameBitsEveryMachine: the softplus of fixed values hashes
// to the values it has on amd64 with AVX-512 (mapSameBits).
func TestSoftplusSameBitsEveryMachine(t *testing.T) {
	mapSameBits(t, "softplus", softplusInputs, compute.Softplus, 53, "951f6d6cb25b1049")
}

// BenchmarkSoftplus times each implementation's Softplus (benchmarkMap).
func BenchmarkSoftplus(b *testing.B) {
	benchmarkMap(b, func(e compute.Elementwise) func(x, y []float32) { return e.Softplus })
}
