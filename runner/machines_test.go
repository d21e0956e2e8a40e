package runner_test

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/runner"
	"github.com/latent-go/latent/train"
)

// sameOnEveryMachine is, for each built-in recipe, the hash of its weights
// and every loss after one epoch on the first 256 MNIST images, as amd64
// with AVX-512 computes them. CI checks them there, with the portable
// kernels (-tags purego) and on arm64 under qemu, whose Go compiler
// fuses multiply-adds.
var sameOnEveryMachine = map[string]string{
	"ae1": "ea973a78d456701e", "ae2": "79c4aaf6b5a7252b", "ae3": "fe8ed64bf0808f26",
	"ae3b": "4ff8aec38233e27b", "ae3c": "35fa4463b794ebb1", "conv": "0ea0f74b5db57e4b",
	"denoise": "070f8aa5121747a0", "inpaint": "80dcea0c64c382f8", "vae": "1a5e3f88607fc645",
}

// TestSameBitsEveryMachine trains each recipe for one epoch on 256 images
// and requires the weights and losses that amd64 with AVX-512 gives, bit
// for bit: training does not depend on the processor, its vector width,
// or whether the compiler fuses a product with a sum. On a processor with
// AVX-512, ae1, conv and vae train again with the kernels a processor
// with AVX2 only runs.
func TestSameBitsEveryMachine(t *testing.T) {
	if testing.Short() {
		t.Skip("trains every recipe")
	}
	for name, want := range sameOnEveryMachine {
		t.Run(name, func(t *testing.T) { checkSameBits(t, name, want) })
	}
	gemm, okG := compute.ByName("blocked-avx2")
	elementwise, okE := compute.ElementwiseByName("avx2")
	if compute.Current().Name() == "blocked-avx2" || !okG || !okE {
		return
	}
	defer compute.Use(compute.Current())
	defer compute.UseElementwise(compute.CurrentElementwise())
	compute.Use(gemm)
	compute.UseElementwise(elementwise)
	for _, name := range []string{"ae1", "conv", "vae"} {
		t.Run(name+"-avx2", func(t *testing.T) { checkSameBits(t, name, sameOnEveryMachine[name]) })
	}
}

// checkSameBits trains the recipe for an epoch on 256 images and compares
// the hash of its weights and losses with want.
func checkSameBits(t *testing.T, name, want string) {
	r, err := recipe.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	r.Epochs = 1
	res, err := runner.Run(r, runner.Options{OutDir: t.TempDir(), Limit: 256, Data: data.Options{NoDownload: true}})
	if err != nil {
		t.Fatal(err)
	}
	if got := trainedHash(res.Model, res.History); got != want {
		t.Errorf("%s (GEMM %s, element-wise %s): weights and losses hash to %s; amd64 with AVX-512 gives %s",
			name, compute.Current().Name(), compute.CurrentElementwise().Name(), got, want)
	}
}

// trainedHash hashes every weight's bits and every loss of the history.
func trainedHash(m model.Model, h *train.History) string {
	sum := sha256.New()
	for _, w := range model.Weights(m) {
		fmt.Fprintln(sum, w.Name)
		binary.Write(sum, binary.LittleEndian, w.Value.Data)
	}
	series := [][]float64{h.Loss, h.ValLoss}
	for _, p := range append(h.Parts, h.ValParts...) {
		series = append(series, p.Values)
	}
	for _, s := range series {
		for _, v := range s {
			binary.Write(sum, binary.LittleEndian, math.Float64bits(v))
		}
	}
	return fmt.Sprintf("%x", sum.Sum(nil))[:16]
}
