package nn

import (
	"math"
	"runtime"
	"testing"

	"github.com/latent-go/latent/tensor"
)

// TestAddColumnSums checks both ways of summing columns (by column for
// wide matrices, by row pieces for narrow tall ones) against float64 sums,
// and that the thread count does not change a bit.
func TestAddColumnSums(t *testing.T) {
	for _, shape := range [][2]int{{5000, 3}, {3 * columnSumRows, 32}, {300, 70}, {10, 2}} {
		rows, cols := shape[0], shape[1]
		m := make([]float32, rows*cols)
		for i := range m {
			m[i] = float32(math.Sin(float64(i)))
		}
		sums := func(procs int) []float32 {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			s := make([]float32, cols)
			s[0] = 1 // added into, not overwritten
			addColumnSums(s, m, rows, cols)
			return s
		}
		one := sums(1)
		for j := 0; j < cols; j++ {
			want := 0.0
			if j == 0 {
				want = 1
			}
			for r := 0; r < rows; r++ {
				want += float64(m[r*cols+j])
			}
			if math.Abs(float64(one[j])-want) > 1e-4*float64(rows) {
				t.Errorf("%dx%d column %d: %v, want %v", rows, cols, j, one[j], want)
			}
		}
		for j, v := range sums(8) {
			if v != one[j] {
				t.Errorf("%dx%d column %d: %v with 8 threads, %v with 1", rows, cols, j, v, one[j])
			}
		}
	}
}

// TestPreGradientWithBias holds the pass that makes dPre and sums its
// columns at once to the two passes it replaces, bit for bit, for a
// convolution's narrow, tall dPre and every activation; and checks that it
// leaves the bias to its caller where addColumnSums sums by columns.
func TestPreGradientWithBias(t *testing.T) {
	for _, shape := range [][2]int{{3*columnSumRows + 5, 16}, {2*columnSumRows + 1, 1}, {256, 32}} {
		rows, cols := shape[0], shape[1]
		for name, act := range activations {
			value := func(i int) float32 { return float32(math.Sin(float64(i)*0.37)) * 2 }
			pre, out, dOut := tensor.New(rows, cols), tensor.New(rows, cols), tensor.New(rows, cols)
			for i := range pre.Data {
				pre.Data[i], dOut.Data[i] = value(i), value(3*i+1)
			}
			act.Apply(pre.Data, out.Data)
			call := &Call{Out: out, GradOut: dOut, GradOutSet: true}
			var twoPasses, onePass tensor.Tensor
			want := []float32{0.5}
			want = append(want, make([]float32, cols-1)...)
			got := append([]float32(nil), want...)
			preGradient(call, act, pre, &twoPasses)
			addColumnSums(want, twoPasses.Data, rows, cols)
			_, done := preGradientWithBias(call, act, pre, &onePass, got)
			if done != byRowPieces(rows, cols) {
				t.Fatalf("%s %dx%d: bias summed %v", name, rows, cols, done)
			}
			if !done {
				continue
			}
			for i, v := range twoPasses.Data {
				if math.Float32bits(v) != math.Float32bits(onePass.Data[i]) {
					t.Fatalf("%s %dx%d: dPre[%d] = %v, want %v", name, rows, cols, i, onePass.Data[i], v)
				}
			}
			for j, v := range want {
				if math.Float32bits(v) != math.Float32bits(got[j]) {
					t.Fatalf("%s %dx%d: bias gradient [%d] = %v, want %v", name, rows, cols, j, got[j], v)
				}
			}
		}
	}
}
