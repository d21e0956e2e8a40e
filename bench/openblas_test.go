//go:build openblas && cgo

package bench_test

import _ "github.com/latent-go/latent/compute/openblas"
