// Package transform corrupts images for the denoising and inpainting
// autoencoders: Gaussian noise clipped to [0,1], as the Keras blog adds it,
// and random square masks. Both are drawn from their own seed, so the same
// seed corrupts the same images the same way.
//
// It imports tensor only; runner applies it to the data a recipe corrupts.
package transform

import (
	"fmt"
	"math/rand/v2"

	"github.com/latent-go/latent/tensor"
)

// Noise returns clip(x + factor*N(0,1), 0, 1), the blog's
// x + noise_factor*np.random.normal(size=x.shape) clipped; factor 0.5 there.
func Noise(x *tensor.Tensor, factor float64, seed uint64) *tensor.Tensor {
	rng := rand.New(rand.NewPCG(seed, 0x6e6f697365)) // "noise"
	out := x.Clone()
	for i, v := range out.Data {
		out.Data[i] = float32(min(max(float64(v)+float64(factor*rng.NormFloat64()), 0), 1))
	}
	return out
}

// Masks hides one size×size square of each height×width image (C channels
// per pixel), at a random position, by setting it to fill. It returns the
// masked images and, for every value, whether it was hidden.
func Masks(x *tensor.Tensor, height, width, channels, size int, fill float32, seed uint64) (*tensor.Tensor, []bool, error) {
	if size <= 0 || size > height || size > width {
		return nil, nil, fmt.Errorf("mask size %d does not fit %dx%d images", size, height, width)
	}
	if x.Cols() != height*width*channels {
		return nil, nil, fmt.Errorf("images have %d values, not %dx%dx%d", x.Cols(), height, width, channels)
	}
	rng := rand.New(rand.NewPCG(seed, 0x6d61736b)) // "mask"
	out := x.Clone()
	hidden := make([]bool, len(x.Data))
	for n := 0; n < x.Rows(); n++ {
		top, left := rng.IntN(height-size+1), rng.IntN(width-size+1)
		for y := top; y < top+size; y++ {
			for xx := left; xx < left+size; xx++ {
				for c := 0; c < channels; c++ {
					i := n*x.Cols() + (y*width+xx)*channels + c
					out.Data[i] = fill
					hidden[i] = true
				}
			}
		}
	}
	return out, hidden, nil
}
