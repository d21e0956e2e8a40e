package gradcheck_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/latent-go/latent/internal/gradcheck"
	"github.com/latent-go/latent/nn"
)

// recorder is a test that keeps the errors reported to it.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf(format, args...))
}

// doubledKernel is a Dense layer whose kernel gradient comes out twice
// what it is.
type doubledKernel struct{ *nn.Dense }

func (d doubledKernel) Backward(c *nn.Call) {
	d.Dense.Backward(c)
	g := d.Params()[0].Grad.Data
	for i := range g {
		g[i] *= 2
	}
}

// TestLayerFindsWrongGradients: the check passes a Dense layer and fails
// one whose kernel gradient is doubled, naming the kernel.
func TestLayerFindsWrongGradients(t *testing.T) {
	for _, wrong := range []bool{false, true} {
		d, err := nn.NewDense(nn.LayerSpec{Type: "Dense", Name: "d", Units: 4, Activation: "tanh"})
		if err != nil {
			t.Fatal(err)
		}
		var l nn.Layer = d
		if wrong {
			l = doubledKernel{d}
		}
		r := &recorder{TB: t}
		gradcheck.Layer(r, l, []int{5})
		if wrong && (len(r.errors) == 0 || !strings.Contains(r.errors[0], "d/kernel")) {
			t.Fatalf("a doubled kernel gradient: errors %q", r.errors)
		}
		if !wrong && len(r.errors) > 0 {
			t.Fatalf("a right Dense layer: errors %q", r.errors)
		}
	}
}
