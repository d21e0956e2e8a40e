package nn_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

// BenchmarkConvLayers times one forward and one backward pass, batch 128,
// of the convolutions in the conv, denoise, inpaint and vae recipes.
func BenchmarkConvLayers(b *testing.B) {
	cases := []struct {
		class string
		in    []int
		c     convCase
	}{
		{"Conv2D", []int{28, 28, 1}, convCase{filters: 16, k: 3, stride: 1, padding: "same"}},
		{"Conv2D", []int{14, 14, 16}, convCase{filters: 8, k: 3, stride: 1, padding: "same"}},
		{"Conv2D", []int{7, 7, 8}, convCase{filters: 8, k: 3, stride: 1, padding: "same"}},
		{"Conv2D", []int{16, 16, 8}, convCase{filters: 16, k: 3, stride: 1, padding: "valid"}},
		{"Conv2D", []int{28, 28, 16}, convCase{filters: 1, k: 3, stride: 1, padding: "same"}},
		{"Conv2D", []int{28, 28, 1}, convCase{filters: 32, k: 3, stride: 1, padding: "same"}},
		{"Conv2D", []int{14, 14, 32}, convCase{filters: 32, k: 3, stride: 1, padding: "same"}},
		{"Conv2D", []int{28, 28, 32}, convCase{filters: 1, k: 3, stride: 1, padding: "same"}},
		{"Conv2D", []int{28, 28, 1}, convCase{filters: 32, k: 3, stride: 2, padding: "same"}},
		{"Conv2DTranspose", []int{7, 7, 64}, convCase{filters: 64, k: 3, stride: 2, padding: "same"}},
		{"Conv2DTranspose", []int{14, 14, 64}, convCase{filters: 32, k: 3, stride: 2, padding: "same"}},
	}
	const batch = 128
	for _, tc := range cases {
		name := fmt.Sprintf("%s/%dx%dx%d-%d-s%d-%s", tc.class, tc.in[0], tc.in[1], tc.in[2], tc.c.filters, tc.c.stride, tc.c.padding)
		b.Run(name, func(b *testing.B) {
			spec := convSpec(tc.class, tc.c)
			spec.Activation = "relu"
			var l nn.Layer
			var err error
			if tc.class == "Conv2D" {
				l, err = nn.NewConv2D(spec)
			} else {
				l, err = nn.NewConv2DTranspose(spec)
			}
			if err != nil {
				b.Fatal(err)
			}
			out, err := l.Build([][]int{tc.in}, rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(3, 4))
			x := tensor.New(append([]int{batch}, tc.in...)...)
			for i := range x.Data {
				x.Data[i] = rng.Float32()
			}
			y := tensor.New(append([]int{batch}, out...)...)
			dy := tensor.New(append([]int{batch}, out...)...)
			for i := range dy.Data {
				dy.Data[i] = rng.Float32() - 0.5
			}
			dx := tensor.New(append([]int{batch}, tc.in...)...)
			if tc.in[2] == 1 {
				dx = nil // a model's first layer: no gradient for the images
			}
			call := &nn.Call{In: []*tensor.Tensor{x}, Out: y, Training: true, GradOut: dy, GradOutSet: true, GradIn: []*tensor.Tensor{dx}}
			b.ResetTimer()
			for range b.N {
				l.Forward(call)
				l.Backward(call)
			}
		})
	}
}
