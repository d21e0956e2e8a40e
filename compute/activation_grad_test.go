package compute_test

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/latent-go/latent/compute"
)

// gradOps are the activations' gradient ops, each as a function of a
// (the output, or dst for Multiply), b (the output's gradient, or by) and
// dst.
var gradOps = []struct {
	name string
	op   func(e compute.Elementwise) func(a, b, dst []float32)
}{
	{"SigmoidGrad", func(e compute.Elementwise) func(a, b, dst []float32) { return e.SigmoidGrad }},
	{"TanhGrad", func(e compute.Elementwise) func(a, b, dst []float32) { return e.TanhGrad }},
	{"Multiply", func(e compute.Elementwise) func(a, b, dst []float32) {
		return func(a, b, dst []float32) { copy(dst, a); e.Multiply(dst, b) }
	}},
}

// TestActivationGradsConform holds every implementation's SigmoidGrad,
// TanhGrad and Multiply to the portable ones, bit for bit, at every
// length up to 70 (vectors and tails) and on 10,000 values, special ones
// among them, writing nothing past the length.
func TestActivationGradsConform(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	for _, g := range gradOps {
		ref := g.op(compute.PortableElementwise{})
		for _, e := range compute.ElementwiseImplementations() {
			for _, n := range append(lengths(70), 10000) {
				a, b := randomValues(rng, n), randomValues(rng, n)
				want, got := make([]float32, n), make([]float32, n+1)
				got[n] = -1
				ref(a, b, want)
				g.op(e)(a, b, got[:n])
				if !sameBits(want, got[:n]) {
					t.Fatalf("%s: %s of %d values: got %v, want %v", e.Name(), g.name, n, got[:n], want)
				}
				if got[n] != -1 {
					t.Fatalf("%s: %s of %d values wrote past them", e.Name(), g.name, n)
				}
			}
		}
	}
}

// TestActivationGradValues pins the portable reference: the sigmoid's
// gradient is dy·y·(1−y), tanh's dy·(1−y²), Multiply a product in place.
func TestActivationGradValues(t *testing.T) {
	e := compute.PortableElementwise{}
	y, dy := []float32{0.5, 0.25, 1, -0.5}, []float32{2, 4, 3, 2}
	dz := make([]float32, 4)
	e.SigmoidGrad(y, dy, dz)
	if want := []float32{0.5, 0.75, 0, -1.5}; !slices.Equal(dz, want) {
		t.Errorf("sigmoid gradient: %v, want %v", dz, want)
	}
	e.TanhGrad(y, dy, dz)
	if want := []float32{1.5, 3.75, 0, 1.5}; !slices.Equal(dz, want) {
		t.Errorf("tanh gradient: %v, want %v", dz, want)
	}
	e.Multiply(dz, y)
	if want := []float32{0.75, 0.9375, 0, -0.75}; !slices.Equal(dz, want) {
		t.Errorf("product: %v, want %v", dz, want)
	}
}

// TestActivationGradsSameBitsEveryMachine: the gradients of fixed values
// hash to what they are on amd64 with AVX-512 (on arm64, whose compiler
// fuses multiply-adds, too).
func TestActivationGradsSameBitsEveryMachine(t *testing.T) {
	rng := rand.New(rand.NewPCG(53, 54))
	y, dy := make([]float32, 100007), make([]float32, 100007)
	for i := range y {
		y[i], dy[i] = float32(rng.Float64()*2-1), float32(rng.NormFloat64())
	}
	h := sha256.New()
	dz := make([]float32, len(y))
	compute.SigmoidGrad(y, dy, dz)
	binary.Write(h, binary.LittleEndian, dz)
	compute.TanhGrad(y, dy, dz)
	binary.Write(h, binary.LittleEndian, dz)
	compute.Multiply(dz, y)
	binary.Write(h, binary.LittleEndian, dz)
	if got, want := fmt.Sprintf("%x", h.Sum(nil))[:16], "1d93e0fd3a25c008"; got != want {
		t.Errorf("%s on this machine: the gradients hash to %s, on amd64 with AVX-512 to %s", compute.CurrentElementwise().Name(), got, want)
	}
}

// BenchmarkActivationGrads times each op of each implementation on a
// batch of 256 by a 128-unit layer, whose values stay in the caches, and
// on the element-wise benchmarks' size (BenchmarkMemoryLimit is the
// machine's rate for one pass over it); MB/s counts the two slices read
// and the one written.
func BenchmarkActivationGrads(b *testing.B) {
	for _, n := range []int{256 * 128, benchValues} {
		rng := rand.New(rand.NewPCG(1, 2))
		y, dy, dst, ones := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range y {
			y[i], dy[i], ones[i] = float32(rng.Float64()), float32(rng.NormFloat64()), 1
		}
		for _, g := range gradOps {
			for _, e := range compute.ElementwiseImplementations() {
				op := g.op(e)
				if g.name == "Multiply" {
					// dst times ones: dst keeps the normal values it holds.
					copy(dst, dy)
					op = func(_, _, dst []float32) { e.Multiply(dst, ones) }
				}
				b.Run(fmt.Sprintf("%s/%d/%s", g.name, n, e.Name()), func(b *testing.B) {
					b.SetBytes(int64(3 * 4 * n))
					for b.Loop() {
						op(y, dy, dst)
					}
				})
			}
		}
	}
}
