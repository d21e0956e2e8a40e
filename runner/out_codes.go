package runner

import (
	"fmt"
	"strings"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/internal/atomic"
	"github.com/latent-go/latent/model"
)

// printCodes encodes the test set and prints the first codes as the
// lecture's programs print encoded_imgs (print_codes of them), with the
// mean of each and the exact zeros of the first; codes.txt keeps the text.
func printCodes(r *run) error {
	x, err := data.ReadAll(r.data.Test)
	if err != nil {
		return err
	}
	codes, err := model.Encode(r.model, x, 256)
	if err != nil {
		return err
	}
	r.result.Codes = codes
	n := r.recipe.PrintCodes
	if n <= 0 {
		return nil
	}
	var ct strings.Builder
	for i := 0; i < n && i < codes.Rows(); i++ {
		fmt.Fprintf(&ct, "encoded_imgs[%d]:\n%s\n", i, FormatArray(codes.Row(i)))
		fmt.Fprintf(&ct, "np.mean(encoded_imgs[%d]): %.4f\n", i, mean(codes.Row(i)))
	}
	if zeros := countZeros(codes.Row(0)); zeros > 0 {
		fmt.Fprintf(&ct, "exact zeros in encoded_imgs[0]: %d of %d\n", zeros, codes.Cols())
	}
	fmt.Fprint(r.opt.Stdout, ct.String())
	return atomic.WriteBytes(r.path("codes.txt"), []byte(ct.String()), 0o644)
}

func mean(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x)
	}
	return s / float64(len(v))
}

func countZeros(v []float32) int {
	n := 0
	for _, x := range v {
		if x == 0 {
			n++
		}
	}
	return n
}
