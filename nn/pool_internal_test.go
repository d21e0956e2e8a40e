package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/tensor"
)

// TestPoolGradientWithoutClearing: a max pool whose windows cover each
// pixel once writes its input's gradient without clearing it first; it
// finds those pools and no other, and writes the bits of the clearing
// pass over an input gradient full of earlier values.
func TestPoolGradientWithoutClearing(t *testing.T) {
	for _, tc := range []struct {
		in        []int
		spec      LayerSpec
		partition bool
	}{
		{[]int{28, 28, 16}, LayerSpec{}, true},
		{[]int{7, 7, 8}, LayerSpec{Padding: "same"}, true},
		{[]int{7, 7, 8}, LayerSpec{}, false}, // the last row and column in no window
		{[]int{9, 9, 3}, LayerSpec{PoolSize: []int{3}, Strides: []int{2}}, false},
		{[]int{6, 9, 5}, LayerSpec{PoolSize: []int{2, 3}}, true},
	} {
		tc.spec.Type, tc.spec.Name = "MaxPooling2D", "p"
		l, err := NewMaxPooling2D(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		out, err := l.Build([][]int{tc.in}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if l.partition != tc.partition {
			t.Fatalf("pool %v over %v: partition %v, want %v", tc.spec, tc.in, l.partition, tc.partition)
		}
		rng := rand.New(rand.NewPCG(11, 12))
		x := randomTensor(rng, append([]int{5}, tc.in...))
		dy := randomTensor(rng, append([]int{5}, out...))
		run := func(partition bool) []float32 {
			l.partition = partition
			dx := randomTensor(rng, append([]int{5}, tc.in...)) // stale values
			c := &Call{In: []*tensor.Tensor{x}, Out: tensor.New(append([]int{5}, out...)...), Training: true,
				GradOut: dy, GradOutSet: true, GradIn: []*tensor.Tensor{dx}}
			l.Forward(c)
			l.Backward(c)
			return dx.Data
		}
		want := run(false)
		if got := run(tc.partition); firstDifference(got, want) >= 0 {
			t.Fatalf("pool %v over %v: the gradient without clearing differs at %d", tc.spec, tc.in, firstDifference(got, want))
		}
	}
}
