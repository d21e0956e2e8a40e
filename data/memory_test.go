package data_test

import (
	"slices"
	"testing"

	"github.com/latent-go/latent/data"
)

// TestInMemory: a CSV that fits the budget is read once into memory, the
// same values and labels; one over it, and a source in memory already,
// come back as they are.
func TestInMemory(t *testing.T) {
	p := write(t, t.TempDir(), "small.csv", "a,b,k\n1,2,x\n3,4,y\n5,6,x\n")
	src, err := data.Open(p, data.FileOptions{Label: "k"})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := data.ReadAll(src)
	held, err := data.InMemory(src, 24)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := held.(*data.Tensor); !ok {
		t.Fatalf("24 bytes of values are not held in memory with a budget of 24")
	}
	got, _ := data.ReadAll(held)
	labels, classes := data.LabelsOf(held)
	if !slices.Equal(got.Data, want.Data) || !slices.Equal(got.Shape, want.Shape) || !slices.Equal(labels, []int{0, 1, 0}) || !slices.Equal(classes, []string{"x", "y"}) {
		t.Errorf("in memory: %v %v, labels %v %v", got.Shape, got.Data, labels, classes)
	}
	if over, _ := data.InMemory(src, 23); over != src {
		t.Errorf("24 bytes of values were read into memory with a budget of 23")
	}
	if again, _ := data.InMemory(held, 0); again != held {
		t.Errorf("a source in memory was copied")
	}
}
