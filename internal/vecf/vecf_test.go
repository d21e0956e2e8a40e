package vecf

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSigmoidMatchesFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, 1000+7)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 20)
	}
	x[0], x[1], x[2] = 100, -100, 0
	y := make([]float32, len(x))
	Sigmoid(x, y)
	for i, v := range x {
		want := 1 / (1 + math.Exp(-float64(v)))
		if math.Abs(float64(y[i])-want) > 4e-7*want+1e-38 {
			t.Fatalf("sigmoid(%v) = %v, want %v", v, y[i], want)
		}
	}
}

func TestBCELogitsMatchesFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 4096 + 5
	z, p, y, g := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range z {
		z[i] = float32(rng.NormFloat64() * 8)
		y[i] = rng.Float32()
	}
	z[0], z[1] = 40, -40
	Sigmoid(z, p)
	got := BCELogits(z, p, y, g, 0.5)
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
	// Without a gradient, the scalar path gives the same sum closely.
	if alone := BCELogits(z, p, y, nil, 0.5); math.Abs(alone-want) > 1e-6*math.Abs(want) {
		t.Errorf("sum without gradient %v, want %v", alone, want)
	}
}

func BenchmarkSigmoid(b *testing.B) {
	x := make([]float32, 1<<14)
	y := make([]float32, len(x))
	for i := range x {
		x[i] = float32(i%200)*0.1 - 10
	}
	b.SetBytes(int64(len(x) * 4))
	for b.Loop() {
		Sigmoid(x, y)
	}
}

func BenchmarkBCELogits(b *testing.B) {
	n := 1 << 14
	z, p, y, g := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range z {
		z[i] = float32(i%200)*0.1 - 10
		y[i] = float32(i%7) / 7
	}
	Sigmoid(z, p)
	b.SetBytes(int64(n * 4))
	for b.Loop() {
		BCELogits(z, p, y, g, 1)
	}
}
