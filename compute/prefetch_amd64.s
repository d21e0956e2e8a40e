//go:build amd64 && !purego

#include "textflag.h"

// func prefetchLines(p unsafe.Pointer, n int)
// Asks for the cache lines of the n bytes from p (PREFETCHT0, into every
// level): a hint, which reads nothing the caller sees and faults on
// nothing.
TEXT ·prefetchLines(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	ADDQ SI, CX
	ANDQ $~63, SI
next:
	CMPQ SI, CX
	JAE done
	PREFETCHT0 (SI)
	ADDQ $64, SI
	JMP next
done:
	RET
