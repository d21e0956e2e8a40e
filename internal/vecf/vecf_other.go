//go:build !amd64 || purego

package vecf

const haveAVX512 = false

func sigmoidAVX512(x, y *float32, n int) { panic("unreachable") }

func bceAVX512(z, p, y, grad *float32, n int, scale float32, lanes *float32) { panic("unreachable") }
