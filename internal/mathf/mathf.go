// Package mathf holds the float32 arithmetic that Go does not spell out:
// a fused multiply-add rounded once, as the FMA instructions of amd64
// and arm64 compute it, on every machine. The portable kernels of package
// compute use it to give the bits of the assembly ones.
//
// Go lets a compiler fuse x*y + z into one instruction where the
// processor has one (arm64 always, amd64 when built for GOAMD64=v3), so
// the same expression rounds once on one machine and twice on another;
// an explicit conversion, float32(x*y), forbids it. Code whose bits must
// not depend on the machine writes either FMA(x, y, z) or
// float32(x*y) + z, never x*y + z.
//
// It imports nothing of latent.
package mathf
