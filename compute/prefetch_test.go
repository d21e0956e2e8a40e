package compute_test

import (
	"slices"
	"testing"

	"github.com/latent-go/latent/compute"
)

// TestPrefetchChangesNothing: asking for the lines of slices of any
// length and alignment (empty, one value, across a line's end, a slice's
// last values) faults on nothing and leaves every value as it was.
func TestPrefetchChangesNothing(t *testing.T) {
	bytes := make([]byte, 1000)
	floats := make([]float32, 1000)
	for i := range bytes {
		bytes[i], floats[i] = byte(i*7), float32(i)/3
	}
	wantBytes, wantFloats := slices.Clone(bytes), slices.Clone(floats)
	for _, r := range [][2]int{{0, 0}, {0, 1}, {3, 70}, {63, 65}, {1, 1000}, {999, 1000}, {500, 500}} {
		compute.Prefetch(bytes[r[0]:r[1]])
		compute.Prefetch(floats[r[0]:r[1]])
	}
	compute.Prefetch([]byte(nil))
	if !slices.Equal(bytes, wantBytes) || !slices.Equal(floats, wantFloats) {
		t.Fatal("Prefetch changed the values it was asked for")
	}
}
