//go:build !amd64 || purego

package compute

// Prefetch asks the processor to bring b's cache lines toward the core;
// in portable Go it does nothing (see the amd64 version).
func Prefetch[T byte | float32](b []T) {}
