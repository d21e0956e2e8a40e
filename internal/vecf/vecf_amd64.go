//go:build amd64 && !purego

package vecf

import "golang.org/x/sys/cpu"

var haveAVX512 = cpu.X86.HasAVX512F

//go:noescape
func sigmoidAVX512(x, y *float32, n int)

//go:noescape
func bceAVX512(z, p, y, grad *float32, n int, scale float32, lanes *float32)
