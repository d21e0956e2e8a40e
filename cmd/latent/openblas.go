//go:build openblas && cgo

package main

// Built with -tags openblas, the command offers OpenBLAS to --gemm.
import _ "github.com/latent-go/latent/compute/openblas"
