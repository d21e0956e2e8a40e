package compute

import "testing"

// TestSliceGroup: the slices computed at once are a whole number of rounds
// of the workers where the memory budget allows more than one round, one
// round where a round fits four budgets, never more than the slices, and
// at least one; the budget grows with the workers beyond 4.
func TestSliceGroup(t *testing.T) {
	for _, tc := range []struct{ slices, size, workers, want int }{
		{392, 73728, 1, 14},  // one worker: the budget alone
		{392, 73728, 2, 14},  // 14 is 7 rounds of 2
		{392, 73728, 16, 48}, // 16 workers' budget: 56, 3 rounds of 16
		{392, 131072, 16, 32},
		{392, 131072, 2, 8},
		{392, 1 << 20, 16, 16}, // one round of 16: four budgets
		{392, 1 << 22, 16, 1},  // a round would hold 16 budgets
		{392, 144, 16, 392},    // every slice fits the budget
		{5, 73728, 16, 5},
		{2000, 1024, 3, 1023}, // 1024 rounded down to rounds of 3
		{100, 18432, 2, 56},   // the VAE's second transposed convolution
		{100, 18432, 16, 100}, // ... in one round on 16 threads
	} {
		if got := sliceGroup(tc.slices, tc.size, tc.workers); got != tc.want {
			t.Errorf("%d slices of %d values, %d workers: %d at once, want %d", tc.slices, tc.size, tc.workers, got, tc.want)
		}
	}
}
