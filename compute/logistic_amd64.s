//go:build amd64 && !purego

#include "textflag.h"
#include "exp_amd64.h"

// func sigmoidAVX512(x, y *float32, n int)
// y = 1/(1+exp(-x)) for n (a multiple of 16) values.
TEXT ·sigmoidAVX512(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	SHRQ $4, CX
	MOVL $0x42b17213, AX
	VPBROADCASTD AX, Z20
	MOVL $0xc2aeac4a, AX
	VPBROADCASTD AX, Z21
	MOVL $0x3f800000, AX
	VPBROADCASTD AX, Z25
	EXP_CONSTANTS_AVX512
	VPXORD Z19, Z19, Z19
sigloop:
	TESTQ CX, CX
	JE sigdone
	VMOVUPS (SI), Z0
	VSUBPS Z0, Z19, Z1
	VMINPS Z20, Z1, Z1
	VMAXPS Z21, Z1, Z1
	EXP_AVX512(Z1, Z2, Z3)
	VADDPS Z25, Z3, Z3
	VDIVPS Z3, Z25, Z4
	VMOVUPS Z4, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JMP sigloop
sigdone:
	VZEROUPPER
	RET

// func bceAVX512(z, p, y, grad *float32, n int, scale float32, lanes *float32)
// lanes[l] += sum over i = l mod 16 of max(z,0) - z*y - log(q), q = p or 1-p;
// g = (p-y)*scale. n is a multiple of 16.
TEXT ·bceAVX512(SB), NOSPLIT, $0-56
	MOVQ z+0(FP), SI
	MOVQ p+8(FP), R8
	MOVQ y+16(FP), R9
	MOVQ grad+24(FP), DI
	MOVQ n+32(FP), CX
	SHRQ $4, CX
	VBROADCASTSS scale+40(FP), Z20
	MOVQ lanes+48(FP), DX
	MOVL $0x3f800000, AX
	VPBROADCASTD AX, Z21
	MOVL $0x3faaaaab, AX
	VPBROADCASTD AX, Z22
	MOVL $0x3f317218, AX
	VPBROADCASTD AX, Z23
	MOVL $0x3e3a2e8c, AX
	VPBROADCASTD AX, Z10
	MOVL $0x3e638e39, AX
	VPBROADCASTD AX, Z11
	MOVL $0x3e924925, AX
	VPBROADCASTD AX, Z12
	MOVL $0x3ecccccd, AX
	VPBROADCASTD AX, Z13
	MOVL $0x3f2aaaab, AX
	VPBROADCASTD AX, Z14
	MOVL $0x40000000, AX
	VPBROADCASTD AX, Z15
	VPXORD Z19, Z19, Z19
	VPXORD Z18, Z18, Z18
bceloop:
	TESTQ CX, CX
	JE bcedone
	VMOVUPS (SI), Z0
	VMOVUPS (R8), Z1
	VMOVUPS (R9), Z2
	VSUBPS Z2, Z1, Z3
	VMULPS Z20, Z3, Z3
	VMOVUPS Z3, (DI)
	VMAXPS Z19, Z0, Z4
	VFNMADD231PS Z2, Z0, Z4
	VCMPPS $1, Z19, Z0, K1
	VSUBPS Z1, Z21, Z5
	VMOVAPS Z5, K1, Z1
	VMULPS Z22, Z1, Z6
	VGETEXPPS Z6, Z6
	VSUBPS Z6, Z19, Z7
	VSCALEFPS Z7, Z1, Z8
	VSUBPS Z21, Z8, Z9
	VADDPS Z21, Z8, Z5
	VDIVPS Z5, Z9, Z9
	VMULPS Z9, Z9, Z5
	VMOVAPS Z10, Z7
	VFMADD213PS Z11, Z5, Z7
	VFMADD213PS Z12, Z5, Z7
	VFMADD213PS Z13, Z5, Z7
	VFMADD213PS Z14, Z5, Z7
	VFMADD213PS Z15, Z5, Z7
	VMULPS Z9, Z7, Z7
	VFMADD231PS Z23, Z6, Z7
	VSUBPS Z7, Z4, Z4
	VADDPS Z4, Z18, Z18
	ADDQ $64, SI
	ADDQ $64, R8
	ADDQ $64, R9
	ADDQ $64, DI
	DECQ CX
	JMP bceloop
bcedone:
	VMOVUPS Z18, (DX)
	VZEROUPPER
	RET

// The AVX2 kernels: the AVX-512 ones 8 lanes at a time, VSCALEFPS made of
// two products by powers of two built in the exponent field, VGETEXPPS
// read off the exponent field, VRNDSCALEPS as VROUNDPS. Their constants:
DATA logc<>+0(SB)/4, $0x42b17213  // expHi
DATA logc<>+4(SB)/4, $0xc2aeac4a  // expLo
DATA logc<>+8(SB)/4, $0x3f800000 // 1
DATA logc<>+12(SB)/4, $0x0000007f // 127, the exponent's bias
DATA logc<>+16(SB)/4, $0x3faaaaab // 4/3
DATA logc<>+20(SB)/4, $0x3f317218 // ln2
DATA logc<>+24(SB)/4, $0x3e3a2e8c // 2/11
DATA logc<>+28(SB)/4, $0x3e638e39 // 2/9
DATA logc<>+32(SB)/4, $0x3e924925 // 2/7
DATA logc<>+36(SB)/4, $0x3ecccccd // 2/5
DATA logc<>+40(SB)/4, $0x3f2aaaab // 2/3
DATA logc<>+44(SB)/4, $0x40000000 // 2
DATA logc<>+48(SB)/4, $0x7fffffff // all but the sign
DATA logc<>+52(SB)/4, $0x007fffff // the largest subnormal
DATA logc<>+56(SB)/4, $0x7f7fffff // the largest finite number
GLOBL logc<>(SB), RODATA|NOPTR, $60

// func sigmoidAVX2(x, y *float32, n int)
// y = 1/(1+exp(-x)) for n (a multiple of 8) values, with the bits of
// sigmoidAVX512.
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	VBROADCASTSS logc<>+0(SB), Y14
	VBROADCASTSS logc<>+4(SB), Y13
	EXP_CONSTANTS_AVX2
	VBROADCASTSS logc<>+8(SB), Y9
	VXORPS Y15, Y15, Y15
sig2loop:
	TESTQ CX, CX
	JE sig2done
	VMOVUPS (SI), Y0
	VSUBPS Y0, Y15, Y1
	VMINPS Y14, Y1, Y1
	VMAXPS Y13, Y1, Y1
	EXP_AVX2(Y1, Y2, Y3, Y4)
	VADDPS Y9, Y3, Y3
	VDIVPS Y3, Y9, Y4
	VMOVUPS Y4, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JMP sig2loop
sig2done:
	VZEROUPPER
	RET

// bceHalf computes 8 values of the cross-entropy at offset off of z, p
// and y into Y4 and their gradients into grad; it ANDs into AX the mask
// of the lanes where q*4/3 is a normal number (the only case it
// handles). Y12 holds scale, Y13 1.0; it uses Y0 to Y9 and Y11.
#define bceHalf(off) \
	VMOVUPS off(SI), Y0 \
	VMOVUPS off(R8), Y1 \
	VMOVUPS off(R9), Y2 \
	VSUBPS Y2, Y1, Y3 \
	VMULPS Y12, Y3, Y3 \
	VMOVUPS Y3, off(DI) \
	VXORPS Y11, Y11, Y11 \
	VMAXPS Y11, Y0, Y4 \
	VFNMADD231PS Y2, Y0, Y4 \
	VCMPPS $1, Y11, Y0, Y5 \
	VSUBPS Y1, Y13, Y6 \
	VBLENDVPS Y5, Y6, Y1, Y1 \
	VBROADCASTSS logc<>+16(SB), Y6 \
	VMULPS Y6, Y1, Y6 \
	VPBROADCASTD logc<>+48(SB), Y7 \
	VPAND Y7, Y6, Y6 \
	VPBROADCASTD logc<>+52(SB), Y7 \
	VPCMPGTD Y7, Y6, Y8 \
	VPBROADCASTD logc<>+56(SB), Y7 \
	VPCMPGTD Y7, Y6, Y9 \
	VPANDN Y8, Y9, Y8 \
	VMOVMSKPS Y8, DX \
	ANDL DX, AX \
	VPSRLD $23, Y6, Y6 \
	VPBROADCASTD logc<>+12(SB), Y7 \
	VPSUBD Y7, Y6, Y6 \
	VPSUBD Y6, Y11, Y8 \
	VPSRAD $1, Y8, Y9 \
	VPSUBD Y9, Y8, Y8 \
	VPADDD Y7, Y9, Y9 \
	VPSLLD $23, Y9, Y9 \
	VPADDD Y7, Y8, Y8 \
	VPSLLD $23, Y8, Y8 \
	VMULPS Y9, Y1, Y1 \
	VMULPS Y8, Y1, Y1 \
	VCVTDQ2PS Y6, Y6 \
	VSUBPS Y13, Y1, Y9 \
	VADDPS Y13, Y1, Y5 \
	VDIVPS Y5, Y9, Y9 \
	VMULPS Y9, Y9, Y5 \
	VBROADCASTSS logc<>+24(SB), Y7 \
	VBROADCASTSS logc<>+28(SB), Y8 \
	VFMADD213PS Y8, Y5, Y7 \
	VBROADCASTSS logc<>+32(SB), Y8 \
	VFMADD213PS Y8, Y5, Y7 \
	VBROADCASTSS logc<>+36(SB), Y8 \
	VFMADD213PS Y8, Y5, Y7 \
	VBROADCASTSS logc<>+40(SB), Y8 \
	VFMADD213PS Y8, Y5, Y7 \
	VBROADCASTSS logc<>+44(SB), Y8 \
	VFMADD213PS Y8, Y5, Y7 \
	VMULPS Y9, Y7, Y7 \
	VBROADCASTSS logc<>+20(SB), Y8 \
	VFMADD231PS Y8, Y6, Y7 \
	VSUBPS Y7, Y4, Y4

// func bceAVX2(z, p, y, grad *float32, n int, scale float32, lanes *float32) int
// bceAVX512 for blocks of 16 values, 8 lanes at a time, adding onto
// lanes[0:16]: it stops before the first block with a value whose q*4/3
// is not a normal number, and returns how many values it summed.
TEXT ·bceAVX2(SB), NOSPLIT, $0-64
	MOVQ z+0(FP), SI
	MOVQ p+8(FP), R8
	MOVQ y+16(FP), R9
	MOVQ grad+24(FP), DI
	MOVQ n+32(FP), CX
	SHRQ $4, CX
	VBROADCASTSS scale+40(FP), Y12
	MOVQ lanes+48(FP), R10
	VBROADCASTSS logc<>+8(SB), Y13
	VMOVUPS (R10), Y15
	VMOVUPS 32(R10), Y14
	XORQ BX, BX
bce2loop:
	TESTQ CX, CX
	JE bce2done
	MOVL $0xff, AX
	bceHalf(0)
	VMOVAPS Y4, Y10
	bceHalf(32)
	CMPL AX, $0xff
	JNE bce2done
	VADDPS Y10, Y15, Y15
	VADDPS Y4, Y14, Y14
	ADDQ $64, SI
	ADDQ $64, R8
	ADDQ $64, R9
	ADDQ $64, DI
	ADDQ $16, BX
	DECQ CX
	JMP bce2loop
bce2done:
	VMOVUPS Y15, (R10)
	VMOVUPS Y14, 32(R10)
	MOVQ BX, ret+56(FP)
	VZEROUPPER
	RET
