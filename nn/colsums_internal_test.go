package nn

import (
	"math"
	"runtime"
	"testing"
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
