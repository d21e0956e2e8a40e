//go:build openblas && cgo

package openblas_test

import (
	"testing"

	"github.com/latent-go/latent/compute/computetest"
	"github.com/latent-go/latent/compute/openblas"
)

func TestOpenBLASConforms(t *testing.T) { computetest.TestSgemm(t, openblas.OpenBLAS{}) }
