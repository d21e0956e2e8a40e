//go:build amd64 && !purego

#include "textflag.h"
#include "block_amd64.h"

// The activations' gradients, one routine per instruction set; op selects
// the arithmetic (the values of the op constants in
// activation_grad_amd64.go):
//   0, the sigmoid's: dst = (b*a)*(1-a), a the output, b its gradient;
//   1, tanh's: dst = b*(1-a*a);
//   2, a product: dst = a*b.
// Each product keeps Go's operand order (the first operand's NaN wins).

// func productsAVX512(a, b, dst *float32, blocks int, tail uint64, op int)
// For blocks*16 values and then the values of the mask tail.
TEXT ·productsAVX512(SB), NOSPLIT, $0-48
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), R8
	MOVQ dst+16(FP), DI
	MOVQ blocks+24(FP), CX
	MOVQ tail+32(FP), AX
	MOVQ op+40(FP), DX
	KMOVW AX, K1
	KXNORW K4, K4, K4
	MOVL $0x3f800000, BX
	VPBROADCASTD BX, Z31
	NEXT_BLOCK(CX, next, block, body, done)
	VMOVUPS.Z (SI), K3, Z0
	VMOVUPS.Z (R8), K3, Z1
	CMPQ DX, $1
	JEQ tanhgrad
	JGT product
	VSUBPS Z0, Z31, Z2
	VMULPS Z0, Z1, Z1
	VMULPS Z2, Z1, Z0
	JMP store
tanhgrad:
	VMULPS Z0, Z0, Z2
	VSUBPS Z2, Z31, Z2
	VMULPS Z2, Z1, Z0
	JMP store
product:
	VMULPS Z1, Z0, Z0
store:
	VMOVUPS Z0, K3, (DI)
	ADDQ $64, SI
	ADDQ $64, R8
	ADDQ $64, DI
	JMP next
done:
	VZEROUPPER
	RET

// func productsAVX2(a, b, dst *float32, blocks int, op int)
// For blocks*8 values.
TEXT ·productsAVX2(SB), NOSPLIT, $0-40
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), R8
	MOVQ dst+16(FP), DI
	MOVQ blocks+24(FP), CX
	MOVQ op+32(FP), DX
	MOVL $0x3f800000, AX
	MOVD AX, X15
	VPBROADCASTD X15, Y15
loop2:
	TESTQ CX, CX
	JE done2
	VMOVUPS (SI), Y0
	VMOVUPS (R8), Y1
	CMPQ DX, $1
	JEQ tanhgrad2
	JGT product2
	VSUBPS Y0, Y15, Y2
	VMULPS Y0, Y1, Y1
	VMULPS Y2, Y1, Y0
	JMP store2
tanhgrad2:
	VMULPS Y0, Y0, Y2
	VSUBPS Y2, Y15, Y2
	VMULPS Y2, Y1, Y0
	JMP store2
product2:
	VMULPS Y1, Y0, Y0
store2:
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, DI
	DECQ CX
	JMP loop2
done2:
	VZEROUPPER
	RET
