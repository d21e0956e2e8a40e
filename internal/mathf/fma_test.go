package mathf

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// exactFMA is x*y + z rounded once to float32, in arbitrary precision.
func exactFMA(x, y, z float32) float32 {
	for _, v := range []float32{x, y, z} {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return float32(float64(x)*float64(y) + float64(z)) // IEEE's rules for them
		}
	}
	p := new(big.Float).SetPrec(2000).Mul(big.NewFloat(float64(x)).SetPrec(2000), big.NewFloat(float64(y)).SetPrec(2000))
	s := new(big.Float).SetPrec(2000).Add(p, big.NewFloat(float64(z)).SetPrec(2000))
	if s.Sign() == 0 {
		return float32(float64(x)*float64(y) + float64(z)) // the sign of an exact zero
	}
	f, _ := s.Float32()
	return f
}

// TestFMAExact holds FMA to the exact sum rounded once, on values where
// rounding twice (to float64, then to float32) goes wrong, on
// float32's subnormals and on random values.
func TestFMAExact(t *testing.T) {
	check := func(x, y, z float32) {
		t.Helper()
		got, want := FMA(x, y, z), exactFMA(x, y, z)
		row := []float32{z}
		MulAdd(row, x, []float32{y})
		for _, v := range []float32{got, row[0]} {
			if math.Float32bits(v) != math.Float32bits(want) && !(v != v && want != want) {
				t.Fatalf("FMA(%g, %g, %g) = %g (%#x), MulAdd %g, want %g (%#x)", x, y, z, got, math.Float32bits(got), row[0], want, math.Float32bits(want))
			}
		}
	}
	// x*y = 2**-24 - 2**-70, z = 1 + 2**-23: in float64 the sum lands
	// halfway between 1 + 2**-23 and 1 + 2**-22 and rounds up to even;
	// the exact sum lies below it.
	x := float32(math.Ldexp(1+0x1p-23, -12))
	y := float32(math.Ldexp(1-0x1p-23, -12))
	if twice := float32(float64(x)*float64(y) + float64(1+0x1p-23)); twice == exactFMA(x, y, 1+0x1p-23) {
		t.Fatal("the trap does not trap: rounding twice gives the exact result")
	}
	check(x, y, 1+0x1p-23)
	check(-x, y, -1-0x1p-23)
	check(x, -y, 1+0x1p-23)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		// The same trap at random scales and last bits: a product just
		// off 2**e times half an ulp of z.
		z := float32(1+rng.IntN(1<<23)) * 0x1p-23
		e := rng.IntN(40) - 20
		zz := float32(math.Ldexp(float64(z), e))
		a := float32(math.Ldexp(1+float64(rng.IntN(1<<10))*0x1p-23, -12+e))
		b := float32(math.Ldexp(1-float64(rng.IntN(1<<10))*0x1p-23, -12))
		check(a, b, zz)
		check(a, -b, -zz)
		check(a, b, -zz)
		// Random values of every size, and subnormal results.
		r := func() float32 { return float32(math.Ldexp(rng.NormFloat64(), rng.IntN(60)-30)) }
		check(r(), r(), r())
		s := func() float32 { return float32(math.Ldexp(rng.NormFloat64(), -130-rng.IntN(20))) }
		check(s(), float32(rng.NormFloat64()), s())
		check(float32(math.Ldexp(rng.NormFloat64(), -70)), float32(math.Ldexp(rng.NormFloat64(), -70)), s())
	}
	inf := float32(math.Inf(1))
	for _, v := range [][3]float32{{0, 0, 0}, {0, -1, 0}, {-0.0, 1, -0.0}, {1, 1, -1}, {inf, 1, 1}, {inf, 0, 1}, {1, 1, float32(math.NaN())}, {math.MaxFloat32, 2, -math.MaxFloat32}, {math.MaxFloat32, 1.5, 0}} {
		check(v[0], v[1], v[2])
	}
}

// TestConversionRoundsOnItsOwn: an explicit conversion rounds the
// product before the sum on every machine (arm64 would fuse x*x - 1),
// where FMA rounds once.
func TestConversionRoundsOnItsOwn(t *testing.T) {
	x := notConstant(1 + 0x1p-12)
	// x*x = 1 + 2**-11 + 2**-24 rounds to 1 + 2**-11 (even) before the sum.
	if got := float32(x*x) - 1; got != 0x1p-11 {
		t.Errorf("float32(x*x) - 1 = %g, want 2**-11", got)
	}
	if got := FMA(x, x, -1); got != 0x1p-11+0x1p-24 {
		t.Errorf("FMA(x, x, -1) = %g, want 2**-11 + 2**-24", got)
	}
}

// TestFMAOfProducts: FMA(x, y, u*v) rounds u*v first, then fuses x*y
// with it, however the compiler inlines it (a compiler may fuse either
// product of x*y + u*v).
func TestFMAOfProducts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 100000 {
		x, y := notConstant(float32(rng.NormFloat64())), notConstant(float32(rng.NormFloat64()))
		u, v := notConstant(float32(rng.NormFloat64())), notConstant(float32(rng.NormFloat64()))
		got, want := FMA(x, y, u*v), exactFMA(x, y, float32(u*v))
		if math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("FMA(%g, %g, %g*%g) = %g, want %g", x, y, u, v, got, want)
		}
		got, want = FMA(u*v, y, x), exactFMA(float32(u*v), y, x)
		if math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("FMA(%g*%g, %g, %g) = %g, want %g", u, v, y, x, got, want)
		}
	}
}

// notConstant returns v through memory, so that the compiler cannot fold
// expressions of it at build time.
//
//go:noinline
func notConstant(v float32) float32 { return v }

func BenchmarkFMA(b *testing.B) {
	xs := make([]float32, 1024)
	for i := range xs {
		xs[i] = float32(i)*0.001 - 0.5
	}
	acc := make([]float32, 16)
	for b.Loop() {
		for i, x := range xs {
			acc[i&15] = FMA(x, xs[1023-i], acc[i&15])
		}
	}
}
