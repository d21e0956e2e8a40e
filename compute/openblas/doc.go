// Package openblas puts OpenBLAS behind latent's compute seam when built
// with the openblas tag; without it the package is empty.
//
// It imports compute (and cgo's OpenBLAS) only.
package openblas
