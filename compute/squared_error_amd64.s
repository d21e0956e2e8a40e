//go:build amd64 && !purego

#include "textflag.h"

// func squaredErrorAVX512(p, y, grad *float32, blocks int, scale float32, lanes *[16]float64)
// For blocks blocks of 16 values: d = p - y; grad = d*scale unless grad is nil;
// lanes[k] += d*d (exact in float64) for the block's value k.
TEXT ·squaredErrorAVX512(SB), NOSPLIT, $0-48
	MOVQ p+0(FP), SI
	MOVQ y+8(FP), R8
	MOVQ grad+16(FP), DI
	MOVQ blocks+24(FP), CX
	VBROADCASTSS scale+32(FP), Z20
	MOVQ lanes+40(FP), DX
	VMOVUPD (DX), Z0
	VMOVUPD 64(DX), Z1
sqloop:
	TESTQ CX, CX
	JE sqdone
	VMOVUPS (SI), Z2
	VSUBPS (R8), Z2, Z2
	TESTQ DI, DI
	JE sqsum
	VMULPS Z20, Z2, Z3
	VMOVUPS Z3, (DI)
	ADDQ $64, DI
sqsum:
	VCVTPS2PD Y2, Z4
	VEXTRACTF64X4 $1, Z2, Y5
	VCVTPS2PD Y5, Z5
	VFMADD231PD Z4, Z4, Z0
	VFMADD231PD Z5, Z5, Z1
	ADDQ $64, SI
	ADDQ $64, R8
	DECQ CX
	JMP sqloop
sqdone:
	VMOVUPD Z0, (DX)
	VMOVUPD Z1, 64(DX)
	VZEROUPPER
	RET

// func squaredErrorAVX2(p, y, grad *float32, blocks int, scale float32, lanes *[16]float64)
// squaredErrorAVX512 in 8 lanes of float32 and 4 of float64.
TEXT ·squaredErrorAVX2(SB), NOSPLIT, $0-48
	MOVQ p+0(FP), SI
	MOVQ y+8(FP), R8
	MOVQ grad+16(FP), DI
	MOVQ blocks+24(FP), CX
	VBROADCASTSS scale+32(FP), Y15
	MOVQ lanes+40(FP), DX
	VMOVUPD (DX), Y0
	VMOVUPD 32(DX), Y1
	VMOVUPD 64(DX), Y2
	VMOVUPD 96(DX), Y3
sq2loop:
	TESTQ CX, CX
	JE sq2done
	VMOVUPS (SI), Y4
	VSUBPS (R8), Y4, Y4
	VMOVUPS 32(SI), Y5
	VSUBPS 32(R8), Y5, Y5
	TESTQ DI, DI
	JE sq2sum
	VMULPS Y15, Y4, Y6
	VMOVUPS Y6, (DI)
	VMULPS Y15, Y5, Y7
	VMOVUPS Y7, 32(DI)
	ADDQ $64, DI
sq2sum:
	VCVTPS2PD X4, Y8
	VEXTRACTF128 $1, Y4, X9
	VCVTPS2PD X9, Y9
	VCVTPS2PD X5, Y10
	VEXTRACTF128 $1, Y5, X11
	VCVTPS2PD X11, Y11
	VFMADD231PD Y8, Y8, Y0
	VFMADD231PD Y9, Y9, Y1
	VFMADD231PD Y10, Y10, Y2
	VFMADD231PD Y11, Y11, Y3
	ADDQ $64, SI
	ADDQ $64, R8
	DECQ CX
	JMP sq2loop
sq2done:
	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	VMOVUPD Y2, 64(DX)
	VMOVUPD Y3, 96(DX)
	VZEROUPPER
	RET
