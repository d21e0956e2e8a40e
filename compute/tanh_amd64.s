//go:build amd64 && !purego

#include "textflag.h"
#include "exp_amd64.h"

// func tanhAVX512(x, y *float32, n int)
// y = tanh x for n (a multiple of 16) values, as TanhValue computes it:
// both branches on a = |x|, the Taylor series' kept where a < 0.55, then
// the sign of x.
TEXT ·tanhAVX512(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	SHRQ $4, CX
	MOVL $0x7fffffff, AX
	VPBROADCASTD AX, Z20
	MOVL $0x3f0ccccd, AX
	VPBROADCASTD AX, Z21
	MOVL $0x3f800000, AX
	VPBROADCASTD AX, Z25
	MOVL $0x41a00000, AX
	VPBROADCASTD AX, Z26
	MOVL $0x40000000, AX
	VPBROADCASTD AX, Z27
	EXP_CONSTANTS_AVX512
	// tanh's Taylor series, (tanh a - a)/a³ in a²
	MOVL $0x3a1aac12, AX
	VPBROADCASTD AX, Z28
	MOVL $0xbabed1b2, AX
	VPBROADCASTD AX, Z29
	MOVL $0x3b6b69e8, AX
	VPBROADCASTD AX, Z30
	MOVL $0xbc11371b, AX
	VPBROADCASTD AX, Z31
	MOVL $0x3cb327a4, AX
	VPBROADCASTD AX, Z18
	MOVL $0xbd5d0dd1, AX
	VPBROADCASTD AX, Z19
	MOVL $0x3e088889, AX
	VPBROADCASTD AX, Z8
	MOVL $0xbeaaaaab, AX
	VPBROADCASTD AX, Z9
tanhloop:
	TESTQ CX, CX
	JE tanhdone
	VMOVUPS (SI), Z0
	VPANDD Z20, Z0, Z1
	// a < 0.55: a + (a*s)*p(s), s = a*a
	VMULPS Z1, Z1, Z2
	VMOVAPS Z28, Z3
	VFMADD213PS Z29, Z2, Z3
	VFMADD213PS Z30, Z2, Z3
	VFMADD213PS Z31, Z2, Z3
	VFMADD213PS Z18, Z2, Z3
	VFMADD213PS Z19, Z2, Z3
	VFMADD213PS Z8, Z2, Z3
	VFMADD213PS Z9, Z2, Z3
	VMULPS Z2, Z1, Z4
	VFMADD213PS Z1, Z3, Z4
	// from 0.55: 1 - 2/(e**t + 1), t = min(20, 2a)
	VADDPS Z1, Z1, Z5
	VMINPS Z5, Z26, Z5
	EXP_AVX512(Z5, Z6, Z7)
	VADDPS Z25, Z7, Z7
	VDIVPS Z7, Z27, Z7
	VSUBPS Z7, Z25, Z7
	VCMPPS $1, Z21, Z1, K1
	VMOVAPS Z4, K1, Z7
	// the sign of x
	VPANDND Z0, Z20, Z6
	VPORD Z6, Z7, Z7
	VMOVUPS Z7, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JMP tanhloop
tanhdone:
	VZEROUPPER
	RET

DATA tanhc<>+0(SB)/4, $0x7fffffff  // all but the sign
DATA tanhc<>+4(SB)/4, $0x3f0ccccd  // 0.55
DATA tanhc<>+8(SB)/4, $0x41a00000  // 20
DATA tanhc<>+12(SB)/4, $0x3f800000 // 1
DATA tanhc<>+16(SB)/4, $0x3a1aac12 // tanh's series, highest power first
DATA tanhc<>+20(SB)/4, $0xbabed1b2
DATA tanhc<>+24(SB)/4, $0x3b6b69e8
DATA tanhc<>+28(SB)/4, $0xbc11371b
DATA tanhc<>+32(SB)/4, $0x3cb327a4
DATA tanhc<>+36(SB)/4, $0xbd5d0dd1
DATA tanhc<>+40(SB)/4, $0x3e088889
DATA tanhc<>+44(SB)/4, $0xbeaaaaab
DATA tanhc<>+48(SB)/4, $0x40000000 // 2
GLOBL tanhc<>(SB), RODATA|NOPTR, $52

// tanhTerm: Y3 = Y3*Y2 + the constant at off.
#define tanhTerm(off) \
	VBROADCASTSS tanhc<>+off(SB), Y4 \
	VFMADD213PS Y4, Y2, Y3

// func tanhAVX2(x, y *float32, n int)
// y = tanh x for n (a multiple of 8) values, with the bits of tanhAVX512;
// VSCALEFPS as two products by powers of two, as sigmoidAVX2 makes them.
TEXT ·tanhAVX2(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	VBROADCASTSS tanhc<>+0(SB), Y15
	VBROADCASTSS tanhc<>+4(SB), Y14
	VBROADCASTSS tanhc<>+8(SB), Y13
	EXP_CONSTANTS_AVX2
	VBROADCASTSS tanhc<>+12(SB), Y9
tanh2loop:
	TESTQ CX, CX
	JE tanh2done
	VMOVUPS (SI), Y0
	VANDPS Y15, Y0, Y1
	// a < 0.55: a + (a*s)*p(s), s = a*a
	VMULPS Y1, Y1, Y2
	VBROADCASTSS tanhc<>+16(SB), Y3
	tanhTerm(20)
	tanhTerm(24)
	tanhTerm(28)
	tanhTerm(32)
	tanhTerm(36)
	tanhTerm(40)
	tanhTerm(44)
	VMULPS Y2, Y1, Y4
	VFMADD213PS Y1, Y3, Y4
	// from 0.55: 1 - 2/(e**t + 1), t = min(20, 2a)
	VADDPS Y1, Y1, Y5
	VMINPS Y5, Y13, Y5
	EXP_AVX2(Y5, Y6, Y7, Y3)
	VADDPS Y9, Y7, Y7
	VBROADCASTSS tanhc<>+48(SB), Y3
	VDIVPS Y7, Y3, Y7
	VSUBPS Y7, Y9, Y7
	VCMPPS $1, Y14, Y1, Y2
	VBLENDVPS Y2, Y4, Y7, Y7
	// the sign of x
	VANDNPS Y0, Y15, Y3
	VORPS Y3, Y7, Y7
	VMOVUPS Y7, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JMP tanh2loop
tanh2done:
	VZEROUPPER
	RET
