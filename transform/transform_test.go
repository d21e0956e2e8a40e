package transform

import (
	"math"
	"testing"

	"github.com/latent-go/latent/tensor"
)

func TestNoiseIsClippedSeededAndScaled(t *testing.T) {
	x := tensor.New(200, 100)
	for i := range x.Data {
		x.Data[i] = 0.5
	}
	a := Noise(x, 0.5, 1)
	b := Noise(x, 0.5, 1)
	c := Noise(x, 0.5, 2)
	var sum, sq float64
	same := 0
	for i, v := range a.Data {
		if v < 0 || v > 1 {
			t.Fatalf("value %v outside [0,1]", v)
		}
		if v != b.Data[i] {
			t.Fatal("same seed, different noise")
		}
		if v == c.Data[i] {
			same++
		}
		d := float64(v) - 0.5
		sum += d
		sq += d * d
	}
	n := float64(len(a.Data))
	// Around 0.5 the clipping cuts at one standard deviation of the noise:
	// 0.5*clip(Z, -1, 1) has standard deviation
	// 0.5*sqrt(P(|Z|<1) - 2φ(1) + P(|Z|>1)) = 0.5*sqrt(0.5161) = 0.3592.
	if std := math.Sqrt(sq / n); math.Abs(sum/n) > 0.01 || math.Abs(std-0.3592) > 0.005 {
		t.Errorf("noise mean %v std %v", sum/n, std)
	}
	if same > len(a.Data)/10 {
		t.Error("seeds 1 and 2 give the same noise")
	}
	if x.Data[0] != 0.5 {
		t.Error("input modified")
	}
}

func TestMasks(t *testing.T) {
	x := tensor.New(50, 28*28)
	for i := range x.Data {
		x.Data[i] = 1
	}
	m, hidden, err := Masks(x, 28, 28, 1, 10, 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < 50; n++ {
		count := 0
		for i := n * 784; i < (n+1)*784; i++ {
			if hidden[i] {
				count++
				if m.Data[i] != 0 {
					t.Fatal("hidden value not filled")
				}
			} else if m.Data[i] != 1 {
				t.Fatal("visible value changed")
			}
		}
		if count != 100 {
			t.Fatalf("image %d: %d values hidden, want 100", n, count)
		}
	}
	if _, _, err := Masks(x, 28, 28, 1, 29, 0, 1); err == nil {
		t.Error("a 29x29 mask accepted on 28x28")
	}
}
