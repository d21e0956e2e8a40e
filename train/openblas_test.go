//go:build openblas && cgo

package train_test

// With -tags openblas the training tests and benchmarks cover OpenBLAS too.
import _ "github.com/latent-go/latent/compute/openblas"
