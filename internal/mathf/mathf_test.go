package mathf

import (
	"math"
	"testing"
)

func relErr(got float32, want float64) float64 {
	if want == 0 {
		return math.Abs(float64(got))
	}
	return math.Abs(float64(got)-want) / math.Abs(want)
}

func TestExpAccuracy(t *testing.T) {
	worst := 0.0
	for x := float32(-87); x < 88.5; x += 0.0137 {
		worst = math.Max(worst, relErr(Exp(x), math.Exp(float64(x))))
	}
	if worst > 3e-7 {
		t.Errorf("worst relative error of Exp %.3g", worst)
	}
	if Exp(100) != float32(math.Inf(1)) || Exp(-100) != 0 || Exp(0) != 1 {
		t.Errorf("Exp limits: %v %v %v", Exp(100), Exp(-100), Exp(0))
	}
}

func TestLogAccuracy(t *testing.T) {
	worst := 0.0
	for x := float32(1e-30); x < 1e30; x *= 1.0137 {
		want := math.Log(float64(x))
		worst = math.Max(worst, math.Abs(float64(Log(x))-want)/math.Max(math.Abs(want), 0.01))
	}
	for x := float32(0.5); x <= 1; x += 1e-4 {
		if d := math.Abs(float64(Log(x)) - math.Log(float64(x))); d > 1.5e-7 {
			t.Fatalf("Log(%v) off by %g", x, d)
		}
	}
	if worst > 4e-7 {
		t.Errorf("worst error of Log %.3g", worst)
	}
	if Log(1) != 0 || !math.IsInf(float64(Log(0)), -1) || !math.IsNaN(float64(Log(-1))) {
		t.Errorf("Log limits: %v %v %v", Log(1), Log(0), Log(-1))
	}
	if d := math.Abs(float64(Log(1e-40)) - math.Log(1e-40)); d > 1e-4 {
		t.Errorf("subnormal Log(1e-40) = %v", Log(1e-40))
	}
}

func TestSigmoid(t *testing.T) {
	for x := float32(-30); x < 30; x += 0.01 {
		want := 1 / (1 + math.Exp(-float64(x)))
		if relErr(Sigmoid(x), want) > 4e-7 {
			t.Fatalf("Sigmoid(%v) = %v, want %v", x, Sigmoid(x), want)
		}
	}
}

func BenchmarkExp(b *testing.B) {
	var s float32
	for i := 0; b.Loop(); i++ {
		s += Exp(float32(i%200)*0.1 - 10)
	}
	_ = s
}

func BenchmarkMathExp(b *testing.B) {
	var s float32
	for i := 0; b.Loop(); i++ {
		s += float32(math.Exp(float64(float32(i%200)*0.1 - 10)))
	}
	_ = s
}

func BenchmarkLog(b *testing.B) {
	var s float32
	for i := 0; b.Loop(); i++ {
		s += Log(float32(i%200)*0.01 + 0.5)
	}
	_ = s
}
