//go:build amd64 && !purego

package compute

import "unsafe"

//go:noescape
func prefetchLines(p unsafe.Pointer, n int)

// Prefetch asks the processor to bring b's cache lines toward the core,
// without waiting for them: a gather that is about to read rows scattered
// through a dataset larger than the caches (a shuffled batch) calls it a
// few rows ahead, so that their misses overlap instead of each stalling
// the copy in turn. It changes no value; in portable Go it does nothing.
func Prefetch[T byte | float32](b []T) {
	if len(b) > 0 {
		prefetchLines(unsafe.Pointer(&b[0]), len(b)*int(unsafe.Sizeof(b[0])))
	}
}
