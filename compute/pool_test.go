package compute_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/latent-go/latent/compute"
)

// randomWindows makes a table of rows windows over an image of pixels
// pixels of width values: each window 1 to taps distinct pixels, in a
// random order, then -1s.
func randomWindows(rng *rand.Rand, rows, taps, pixels, width int) *compute.GatherTable {
	idx := make([]int32, 0, rows*taps)
	for range rows {
		n := 1 + rng.IntN(taps)
		for _, p := range rng.Perm(pixels)[:n] {
			idx = append(idx, int32(p*width))
		}
		for range taps - n {
			idx = append(idx, -1)
		}
	}
	return compute.NewGatherTable(idx, taps)
}

// TestMaxPoolConforms holds every implementation's MaxPool and
// MaxPoolGrad to the portable ones, bit for bit and index for index, on
// windows of 1 to 70 channels (masked tails), windows that overlap, ties
// and special values.
func TestMaxPoolConforms(t *testing.T) {
	ref := compute.PortableElementwise{}
	for _, e := range compute.ElementwiseImplementations() {
		t.Run(e.Name(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, 8))
			for width := 1; width <= 70; width++ {
				for _, rows := range []int{1, 5, 23} {
					const pixels, taps = 9, 4
					table := randomWindows(rng, rows, taps, pixels, width)
					x := randomValues(rng, pixels*width)
					if rows == 5 {
						copy(x[:width], x[width:2*width]) // ties between two pixels
					}
					bestWant, bestGot := make([]float32, rows*width), make([]float32, rows*width)
					argWant, argGot := make([]int32, rows*width), make([]int32, rows*width)
					ref.MaxPool(x, table, bestWant, argWant)
					e.MaxPool(x, table, bestGot, argGot)
					if !sameBits(bestWant, bestGot) || !slices.Equal(argWant, argGot) {
						t.Fatalf("MaxPool of %d windows × %d channels: got %v at %v, want %v at %v", rows, width, bestGot, argGot, bestWant, argWant)
					}
					dy := randomValues(rng, rows*width)
					dxWant := randomValues(rng, pixels*width)
					dxGot := slices.Clone(dxWant)
					ref.MaxPoolGrad(dxWant, table, dy, argWant)
					e.MaxPoolGrad(dxGot, table, dy, argWant)
					if !sameBits(dxWant, dxGot) {
						t.Fatalf("MaxPoolGrad of %d windows × %d channels at %v: got %v, want %v", rows, width, argWant, dxGot, dxWant)
					}
				}
			}
		})
	}
}

// disjointWindows makes a table of windows that share no pixel, each 1
// to taps pixels in a random order, over an image of pixels pixels of
// width values, and returns it with the pixels no window covers.
func disjointWindows(rng *rand.Rand, taps, pixels, width int) (*compute.GatherTable, []int) {
	perm := rng.Perm(pixels)
	var idx []int32
	for len(perm) > taps {
		n := 1 + rng.IntN(taps)
		for _, p := range perm[:n] {
			idx = append(idx, int32(p*width))
		}
		for range taps - n {
			idx = append(idx, -1)
		}
		perm = perm[n:]
	}
	return compute.NewGatherTable(idx, taps), perm
}

// TestMaxPoolGradSetConforms: MaxPoolGradSet over windows that share no
// pixel writes, in every implementation, the bits MaxPoolGrad writes into
// a cleared input (the portable one included: it is held to the
// definition too), special values, -0 gradients and masked tails
// included, and leaves the pixels no window covers as they were.
func TestMaxPoolGradSetConforms(t *testing.T) {
	ref := compute.PortableElementwise{}
	impls := append(compute.ElementwiseImplementations(), ref)
	rng := rand.New(rand.NewPCG(9, 10))
	for width := 1; width <= 40; width++ {
		const pixels, taps = 23, 4
		table, uncovered := disjointWindows(rng, taps, pixels, width)
		rows := table.Rows()
		x := randomValues(rng, pixels*width)
		best, arg := make([]float32, rows*width), make([]int32, rows*width)
		ref.MaxPool(x, table, best, arg)
		dy := randomValues(rng, rows*width)
		dy[0] = float32(math.Copysign(0, -1))
		want := make([]float32, pixels*width)
		ref.MaxPoolGrad(want, table, dy, arg)
		for _, e := range impls {
			got := randomValues(rng, pixels*width)
			for _, p := range uncovered {
				copy(want[p*width:(p+1)*width], got[p*width:(p+1)*width])
			}
			e.MaxPoolGradSet(got, table, dy, arg)
			if !sameBits(want, got) {
				t.Fatalf("%s: MaxPoolGradSet of %d windows × %d channels: got %v, want %v", e.Name(), rows, width, got, want)
			}
		}
	}
}

// TestMaxPoolRejectsTables: a table whose window starts outside the image
// or whose outputs do not fit is a bug, stopped before any value is read.
func TestMaxPoolRejectsTables(t *testing.T) {
	x := make([]float32, 8)
	for _, tc := range []struct {
		name      string
		idx       []int32
		taps, out int
	}{
		{"window starting with -1", []int32{-1, 0, 2, 4}, 2, 2},
		{"offset after a -1", []int32{0, -1, 2, 4, 6, -1}, 3, 2},
		{"output not whole windows", []int32{0, 2, 4, 6}, 2, 3},
		{"offset past the input", []int32{0, 2, 4, 7}, 2, 4},
	} {
		for _, e := range compute.ElementwiseImplementations() {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: %s: no panic", e.Name(), tc.name)
					}
				}()
				e.MaxPool(x, compute.NewGatherTable(tc.idx, tc.taps), make([]float32, tc.out), make([]int32, tc.out))
			}()
		}
	}
}

// TestMaxPoolGradGatherConforms: for 2×2 windows that tile a 6×4 image,
// every implementation's MaxPoolGradGather, over the whole image and over
// runs of pixels that cut windows, gives the bits of MaxPoolGradSet of the
// gradient masked by ReLUGrad at the pooling's output, on 1 to 70
// channels, ties, -0 and special values.
func TestMaxPoolGradGatherConforms(t *testing.T) {
	const h, w = 6, 4
	var idx []int32
	window := make([]int32, h*w)
	for oy := range h / 2 {
		for ox := range w / 2 {
			for _, p := range []int{2*oy*w + 2*ox, 2*oy*w + 2*ox + 1, (2*oy+1)*w + 2*ox, (2*oy+1)*w + 2*ox + 1} {
				idx = append(idx, int32(p))
				window[p] = int32(oy*(w/2) + ox)
			}
		}
	}
	ref := compute.PortableElementwise{}
	for _, e := range compute.ElementwiseImplementations() {
		rng := rand.New(rand.NewPCG(17, 18))
		for width := 1; width <= 70; width++ {
			offsets := slices.Clone(idx)
			for i := range offsets {
				offsets[i] *= int32(width)
			}
			table := compute.NewGatherTable(offsets, 4)
			x := randomValues(rng, h*w*width)
			copy(x[:width], x[width:2*width]) // ties
			windows := h * w / 4
			best, arg := make([]float32, windows*width), make([]int32, windows*width)
			ref.MaxPool(x, table, best, arg)
			dy := randomValues(rng, windows*width)
			dy[0] = float32(math.Copysign(0, -1))
			masked := make([]float32, len(dy))
			ref.ReLUGrad(best, dy, masked)
			want := randomValues(rng, h*w*width)
			ref.MaxPoolGradSet(want, table, masked, arg)
			for _, run := range [][2]int{{0, h * w}, {0, 3}, {3, 11}, {11, h * w}, {5, 6}} {
				got := randomValues(rng, (run[1]-run[0])*width)
				e.MaxPoolGradGather(got, compute.NewPixelWindows(window), run[0], width, dy, best, arg)
				if !sameBits(got, want[run[0]*width:run[1]*width]) {
					t.Fatalf("%s: MaxPoolGradGather of pixels %v × %d channels: got %v, want %v", e.Name(), run, width, got, want[run[0]*width:run[1]*width])
				}
			}
		}
	}
}

// TestMaxPoolGradGatherRefusesMisfits: a gradient too short for the
// table's windows, a run past the image and a table with a negative
// window panic before any value is read.
func TestMaxPoolGradGatherRefusesMisfits(t *testing.T) {
	w := compute.NewPixelWindows([]int32{0, 0, 1, 1})
	for _, e := range compute.ElementwiseImplementations() {
		for name, call := range map[string]func(){
			"short gradient": func() {
				e.MaxPoolGradGather(make([]float32, 4), w, 0, 1, make([]float32, 1), make([]float32, 1), make([]int32, 1))
			},
			"past the image": func() {
				e.MaxPoolGradGather(make([]float32, 2), w, 3, 1, make([]float32, 2), make([]float32, 2), make([]int32, 2))
			},
		} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: %s did not panic", e.Name(), name)
					}
				}()
				call()
			}()
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("a negative window did not panic")
		}
	}()
	compute.NewPixelWindows([]int32{0, -1})
}
