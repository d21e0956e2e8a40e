//go:build amd64 && !purego

#include "textflag.h"
#include "exp_amd64.h"

// func softplusAVX512(x, y *float32, n int)
// y = log(1 + e**x) for n (a multiple of 16) values, as SoftplusValue
// computes it: u = e**max(-87.34, -|x|), q = u + 1, ln q as bceAVX512
// computes it, times u/(q-1) where q is not 1 (u where it is), plus
// max(x, 0).
TEXT ·softplusAVX512(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	SHRQ $4, CX
	VPXORD Z20, Z20, Z20
	MOVL $0xc2aeac4a, AX
	VPBROADCASTD AX, Z21
	MOVL $0x3f800000, AX
	VPBROADCASTD AX, Z25
	MOVL $0x3faaaaab, AX
	VPBROADCASTD AX, Z26
	MOVL $0x3f317218, AX
	VPBROADCASTD AX, Z27
	EXP_CONSTANTS_AVX512
	// the atanh series, 2/11 down to 2
	MOVL $0x3e3a2e8c, AX
	VPBROADCASTD AX, Z28
	MOVL $0x3e638e39, AX
	VPBROADCASTD AX, Z29
	MOVL $0x3e924925, AX
	VPBROADCASTD AX, Z30
	MOVL $0x3ecccccd, AX
	VPBROADCASTD AX, Z31
	MOVL $0x3f2aaaab, AX
	VPBROADCASTD AX, Z18
	MOVL $0x40000000, AX
	VPBROADCASTD AX, Z19
spl:
	TESTQ CX, CX
	JE spdone
	VMOVUPS (SI), Z0
	// u = e**max(-87.34, 0 - |x|)
	MOVL $0x7fffffff, AX
	VPBROADCASTD AX, Z1
	VPANDD Z1, Z0, Z1
	VSUBPS Z1, Z20, Z1
	VMAXPS Z1, Z21, Z1
	EXP_AVX512(Z1, Z2, Z3)
	// q = u + 1; ln q = e ln 2 + w*c(w*w), w = (m-1)/(m+1), q = m * 2**e
	VADDPS Z25, Z3, Z1
	VMULPS Z26, Z1, Z6
	VGETEXPPS Z6, Z6
	VSUBPS Z6, Z20, Z7
	VSCALEFPS Z7, Z1, Z8
	VSUBPS Z25, Z8, Z9
	VADDPS Z25, Z8, Z5
	VDIVPS Z5, Z9, Z9
	VMULPS Z9, Z9, Z5
	VMOVAPS Z28, Z7
	VFMADD213PS Z29, Z5, Z7
	VFMADD213PS Z30, Z5, Z7
	VFMADD213PS Z31, Z5, Z7
	VFMADD213PS Z18, Z5, Z7
	VFMADD213PS Z19, Z5, Z7
	VMULPS Z9, Z7, Z7
	VFMADD231PS Z27, Z6, Z7
	// times u/(q-1), where q is not 1
	VSUBPS Z25, Z1, Z4
	VDIVPS Z4, Z3, Z4
	VMULPS Z4, Z7, Z7
	VCMPPS $4, Z25, Z1, K1
	VMOVAPS Z3, Z4
	VMOVAPS Z7, K1, Z4
	// plus max(x, 0)
	VMAXPS Z20, Z0, Z0
	VADDPS Z4, Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JMP spl
spdone:
	VZEROUPPER
	RET

DATA spc<>+0(SB)/4, $0x7fffffff  // all but the sign
DATA spc<>+4(SB)/4, $0xc2aeac4a  // expLo
DATA spc<>+8(SB)/4, $0x3f800000  // 1
DATA spc<>+12(SB)/4, $0x0000007f // 127, the exponent's bias
DATA spc<>+16(SB)/4, $0x3faaaaab // 4/3
DATA spc<>+20(SB)/4, $0x3f317218 // ln2
DATA spc<>+24(SB)/4, $0x3e3a2e8c // 2/11
DATA spc<>+28(SB)/4, $0x3e638e39 // 2/9
DATA spc<>+32(SB)/4, $0x3e924925 // 2/7
DATA spc<>+36(SB)/4, $0x3ecccccd // 2/5
DATA spc<>+40(SB)/4, $0x3f2aaaab // 2/3
DATA spc<>+44(SB)/4, $0x40000000 // 2
GLOBL spc<>(SB), RODATA|NOPTR, $48

// spTerm(acc, x, off): acc = acc*x + the constant at off (Y4 scratch).
#define spTerm(acc, x, off) \
	VBROADCASTSS spc<>+off(SB), Y4 \
	VFMADD213PS Y4, x, acc

// spPow2(k, hi): k (integers) into the two powers of two whose product
// is 2**k: hi = 2**(k>>1), and k, in place, 2**(k - k>>1); Y9 holds the
// exponent's bias.
#define spPow2(k, hi) \
	VPSRAD $1, k, hi \
	VPSUBD hi, k, k \
	VPADDD Y9, hi, hi \
	VPSLLD $23, hi, hi \
	VPADDD Y9, k, k \
	VPSLLD $23, k, k

// func softplusAVX2(x, y *float32, n int)
// y = log(1 + e**x) for n (a multiple of 8) values, with the bits of
// softplusAVX512: VSCALEFPS as two products by powers of two, VGETEXPPS
// from the exponent's bits (1 + e**x*4/3 is a normal number or a NaN).
TEXT ·softplusAVX2(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	VXORPS Y15, Y15, Y15
	VBROADCASTSS spc<>+4(SB), Y14
	VBROADCASTSS spc<>+8(SB), Y13
	EXP_CONSTANTS_AVX2
	VPBROADCASTD spc<>+12(SB), Y9
sp2loop:
	TESTQ CX, CX
	JE sp2done
	VMOVUPS (SI), Y0
	// u = e**max(-87.34, 0 - |x|), into Y3
	VBROADCASTSS spc<>+0(SB), Y1
	VANDPS Y1, Y0, Y1
	VSUBPS Y1, Y15, Y1
	VMAXPS Y1, Y14, Y1
	EXP_AVX2(Y1, Y2, Y3, Y4)
	// q = u + 1, in Y1; e in Y6, m in Y8
	VADDPS Y13, Y3, Y1
	VBROADCASTSS spc<>+16(SB), Y6
	VMULPS Y6, Y1, Y6
	VBROADCASTSS spc<>+0(SB), Y7
	VPAND Y7, Y6, Y6
	VPSRLD $23, Y6, Y6
	VPSUBD Y9, Y6, Y6
	VPSUBD Y6, Y15, Y7
	spPow2(Y7, Y8)
	VMULPS Y8, Y1, Y8
	VMULPS Y7, Y8, Y8
	VCVTDQ2PS Y6, Y6
	// ln q = e ln 2 + w*c(w*w), w = (m-1)/(m+1), into Y8
	VSUBPS Y13, Y8, Y7
	VADDPS Y13, Y8, Y5
	VDIVPS Y5, Y7, Y7
	VMULPS Y7, Y7, Y5
	VBROADCASTSS spc<>+24(SB), Y8
	spTerm(Y8, Y5, 28)
	spTerm(Y8, Y5, 32)
	spTerm(Y8, Y5, 36)
	spTerm(Y8, Y5, 40)
	spTerm(Y8, Y5, 44)
	VMULPS Y7, Y8, Y8
	VBROADCASTSS spc<>+20(SB), Y4
	VFMADD231PS Y4, Y6, Y8
	// times u/(q-1) where q is not 1, else u
	VSUBPS Y13, Y1, Y4
	VDIVPS Y4, Y3, Y4
	VMULPS Y4, Y8, Y8
	VCMPPS $4, Y13, Y1, Y4
	VBLENDVPS Y4, Y8, Y3, Y8
	// plus max(x, 0)
	VMAXPS Y15, Y0, Y0
	VADDPS Y8, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JMP sp2loop
sp2done:
	VZEROUPPER
	RET
