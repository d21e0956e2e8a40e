// Package openblas puts OpenBLAS behind latent's compute seam when built
// with the openblas tag; without it the package is empty.
package openblas
