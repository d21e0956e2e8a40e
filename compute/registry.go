package compute

// extra holds implementations that other packages add (OpenBLAS).
var extra []GEMM

// Register adds an implementation to Implementations; packages such as
// compute/openblas call it from init.
func Register(g GEMM) { extra = append(extra, g) }

// Implementations lists every GEMM this build offers, the default first:
// the blocked GEMM with each micro-kernel this processor runs, gonum's,
// and those that build tags add.
func Implementations() []GEMM {
	var gs []GEMM
	for _, b := range BlockedKernels() {
		gs = append(gs, b)
	}
	gs = append(gs, Gonum{})
	return append(gs, extra...)
}

// ByName finds an implementation of Implementations by its Name, or
// "blocked" for the default blocked GEMM.
func ByName(name string) (GEMM, bool) {
	if name == "blocked" {
		return NewBlocked(), true
	}
	for _, g := range Implementations() {
		if g.Name() == name {
			return g, true
		}
	}
	return nil, false
}
