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

// TestSquaredErrorConforms holds every implementation's SquaredError to
// the portable one, bit for bit: the sum and the gradients, with and
// without gradients, at every length up to 70 (blocks and tails) and on
// 10,000 values, special ones among them, writing no gradient past the
// length.
func TestSquaredErrorConforms(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	ref := compute.PortableElementwise{}
	for _, e := range compute.ElementwiseImplementations() {
		for _, n := range append(lengths(70), 10000) {
			p, y := randomValues(rng, n), randomValues(rng, n)
			scale := float32(rng.NormFloat64())
			want, got := make([]float32, n), make([]float32, n+1)
			got[n] = -1
			sumWant := ref.SquaredError(p, y, want, scale)
			sumGot := e.SquaredError(p, y, got[:n], scale)
			if math.Float64bits(sumWant) != math.Float64bits(sumGot) && !(sumWant != sumWant && sumGot != sumGot) {
				t.Fatalf("%s: the squared error of %d values is %v, portable %v", e.Name(), n, sumGot, sumWant)
			}
			if !sameBits(want, got[:n]) || got[n] != -1 {
				t.Fatalf("%s: the gradients of %d values: %v, portable %v", e.Name(), n, got, want)
			}
			if s := e.SquaredError(p, y, nil, scale); math.Float64bits(s) != math.Float64bits(sumGot) && s == s {
				t.Fatalf("%s: without gradients the squared error of %d values is %v, with them %v", e.Name(), n, s, sumGot)
			}
		}
	}
}

// TestSquaredErrorValue: the sum is within a few float64 ulps of the
// exact one, and the gradient is (p-y)*scale.
func TestSquaredErrorValue(t *testing.T) {
	rng := rand.New(rand.NewPCG(63, 64))
	p, y := make([]float32, 1000), make([]float32, 1000)
	exact := 0.0
	for i := range p {
		p[i], y[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
		d := float64(p[i] - y[i])
		exact += d * d
	}
	g := make([]float32, len(p))
	got := compute.SquaredError(p, y, g, 0.5)
	if math.Abs(got-exact) > 1e-12*exact {
		t.Errorf("squared error %v, want %v", got, exact)
	}
	if g[7] != (p[7]-y[7])*0.5 {
		t.Errorf("gradient %v, want %v", g[7], (p[7]-y[7])*0.5)
	}
}

// TestSquaredErrorSameBitsEveryMachine: the squared errors of fixed
// values, summed over pieces of several lengths, and their gradients,
// hash to what they are on amd64 with AVX-512.
func TestSquaredErrorSameBitsEveryMachine(t *testing.T) {
	rng := rand.New(rand.NewPCG(65, 66))
	p, y := make([]float32, 100007), make([]float32, 100007)
	for i := range p {
		p[i], y[i] = float32(rng.Float64()), float32(rng.Float64())
	}
	h := sha256.New()
	g := make([]float32, len(p))
	for lo, width := 0, 1; lo < len(p); lo, width = lo+width, width*3+1 {
		hi := min(lo+width, len(p))
		binary.Write(h, binary.LittleEndian, compute.SquaredError(p[lo:hi], y[lo:hi], g[lo:hi], 1/float32(len(p))))
	}
	binary.Write(h, binary.LittleEndian, g)
	if got, want := fmt.Sprintf("%x", h.Sum(nil))[:16], "6b17f2a9c3493d7b"; got != want {
		t.Errorf("%s on this machine: the squared errors hash to %s, on amd64 with AVX-512 to %s", compute.CurrentElementwise().Name(), got, want)
	}
}

// BenchmarkSquaredError times each implementation on an ae1 batch's
// outputs (256 by 784, in the caches) and on the element-wise benchmarks'
// size; MB/s counts p and y read and the gradient written.
func BenchmarkSquaredError(b *testing.B) {
	for _, n := range []int{256 * 784, benchValues} {
		rng := rand.New(rand.NewPCG(1, 2))
		p, y, g := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range p {
			p[i], y[i] = float32(rng.Float64()), float32(rng.Float64())
		}
		for _, e := range compute.ElementwiseImplementations() {
			b.Run(fmt.Sprintf("%d/%s", n, e.Name()), func(b *testing.B) {
				b.SetBytes(int64(3 * 4 * n))
				for b.Loop() {
					e.SquaredError(p, y, g, 1)
				}
			})
		}
	}
}
