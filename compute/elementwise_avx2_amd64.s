//go:build amd64 && !purego

#include "textflag.h"

// The AVX2 element-wise kernels: the AVX-512 ones 8 lanes at a time, full
// blocks of 8 only (the Go side does the last few values, with the same
// operations).

// func reluGradAVX2(z, dy, dz *float32, blocks int)
// dz = dy where z's bits, as a signed integer, are positive, else +0.
TEXT ·reluGradAVX2(SB), NOSPLIT, $0-32
	MOVQ z+0(FP), SI
	MOVQ dy+8(FP), R8
	MOVQ dz+16(FP), DI
	MOVQ blocks+24(FP), CX
	VPXOR Y15, Y15, Y15
rg2loop:
	TESTQ CX, CX
	JE rg2done
	VMOVDQU (SI), Y0
	VPCMPGTD Y15, Y0, Y1
	VPAND (R8), Y1, Y1
	VMOVDQU Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, DI
	DECQ CX
	JMP rg2loop
rg2done:
	VZEROUPPER
	RET

// func addBiasReLUAVX2(pre, out, bias *float32, rows, cols, blocks int, relu bool)
// For each of rows rows of cols values: pre += bias and, with relu,
// out = pre where its bits are positive, else +0; the first blocks*8
// values of each row.
TEXT ·addBiasReLUAVX2(SB), NOSPLIT, $0-49
	MOVQ pre+0(FP), SI
	MOVQ out+8(FP), DI
	MOVQ bias+16(FP), DX
	MOVQ rows+24(FP), R10
	MOVQ cols+32(FP), R11
	SHLQ $2, R11
	MOVQ blocks+40(FP), R12
	MOVB relu+48(FP), R13
	VPXOR Y15, Y15, Y15
ab2row:
	TESTQ R10, R10
	JE ab2done
	MOVQ SI, AX
	MOVQ DI, BX
	MOVQ DX, R9
	MOVQ R12, CX
ab2block:
	TESTQ CX, CX
	JE ab2next
	VMOVUPS (AX), Y0
	VADDPS (R9), Y0, Y0
	VMOVUPS Y0, (AX)
	TESTB R13, R13
	JE ab2skip
	VPCMPGTD Y15, Y0, Y1
	VPAND Y0, Y1, Y1
	VMOVUPS Y1, (BX)
ab2skip:
	ADDQ $32, AX
	ADDQ $32, BX
	ADDQ $32, R9
	DECQ CX
	JMP ab2block
ab2next:
	ADDQ R11, SI
	ADDQ R11, DI
	DECQ R10
	JMP ab2row
ab2done:
	VZEROUPPER
	RET

// func addRowsAVX2(dst, m *float32, rows, blocks, stride int)
// dst[j] += m[r*stride+j] for r = 0, 1, ... in order, for the first
// blocks*8 values j.
TEXT ·addRowsAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ m+8(FP), SI
	MOVQ rows+16(FP), R10
	MOVQ blocks+24(FP), CX
	MOVQ stride+32(FP), R11
	SHLQ $2, R11
ar2block:
	TESTQ CX, CX
	JE ar2done
	VMOVUPS (DI), Y0
	MOVQ SI, AX
	MOVQ R10, BX
ar2row:
	TESTQ BX, BX
	JE ar2store
	VADDPS (AX), Y0, Y0
	ADDQ R11, AX
	DECQ BX
	JMP ar2row
ar2store:
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	DECQ CX
	JMP ar2block
ar2done:
	VZEROUPPER
	RET

// func adamAVX2(w, grad, m, v *float32, blocks int, alpha, c1, c2, eps float32)
// Adam's step as adamAVX512 takes it, each operation rounded on its own.
TEXT ·adamAVX2(SB), NOSPLIT, $0-56
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ blocks+32(FP), CX
	VBROADCASTSS alpha+40(FP), Y12
	VBROADCASTSS c1+44(FP), Y13
	VBROADCASTSS c2+48(FP), Y14
	VBROADCASTSS eps+52(FP), Y15
ad2loop:
	TESTQ CX, CX
	JE ad2done
	VMOVUPS (SI), Y0
	VMOVUPS (R8), Y1
	VMOVUPS (R9), Y2
	VMOVUPS (DI), Y3
	VSUBPS Y1, Y0, Y4
	VMULPS Y13, Y4, Y4
	VADDPS Y4, Y1, Y1
	VMULPS Y0, Y0, Y5
	VSUBPS Y2, Y5, Y5
	VMULPS Y14, Y5, Y5
	VADDPS Y5, Y2, Y2
	VMULPS Y1, Y12, Y6
	VSQRTPS Y2, Y7
	VADDPS Y15, Y7, Y7
	VDIVPS Y7, Y6, Y6
	VSUBPS Y6, Y3, Y3
	VMOVUPS Y1, (R8)
	VMOVUPS Y2, (R9)
	VMOVUPS Y3, (DI)
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $32, DI
	DECQ CX
	JMP ad2loop
ad2done:
	VZEROUPPER
	RET

// func unitBytesAVX2(dst *float32, src *uint8, blocks int)
// dst = float32(src) / 255, 8 bytes at a time.
TEXT ·unitBytesAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ blocks+16(FP), CX
	MOVQ $0x437f0000, AX // 255
	VMOVQ AX, X15
	VBROADCASTSS X15, Y15
ub2loop:
	TESTQ CX, CX
	JE ub2done
	VPMOVZXBD (SI), Y0
	VCVTDQ2PS Y0, Y0
	VDIVPS Y15, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $8, SI
	ADDQ $32, DI
	DECQ CX
	JMP ub2loop
ub2done:
	VZEROUPPER
	RET

// func addRows16AVX2(dst, m *float32, rows, blocks, stride int)
// addRowsAVX2 16 values (a cache line) at a time.
TEXT ·addRows16AVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ m+8(FP), SI
	MOVQ rows+16(FP), R10
	MOVQ blocks+24(FP), CX
	MOVQ stride+32(FP), R11
	SHLQ $2, R11
a16block:
	TESTQ CX, CX
	JE a16done
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	MOVQ SI, AX
	MOVQ R10, BX
a16row:
	TESTQ BX, BX
	JE a16store
	VADDPS (AX), Y0, Y0
	VADDPS 32(AX), Y1, Y1
	ADDQ R11, AX
	DECQ BX
	JMP a16row
a16store:
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ $64, DI
	ADDQ $64, SI
	DECQ CX
	JMP a16block
a16done:
	VZEROUPPER
	RET

// func gatherSumAVX2(dst, src *float32, idx *int32, rows, taps, blocks int)
// Row r of dst (blocks*8 values) = 0 + the values of src at each offset
// of row r of idx (taps of them) that is not negative, in order.
TEXT ·gatherSumAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ idx+16(FP), DX
	MOVQ rows+24(FP), R10
	MOVQ taps+32(FP), R11
	MOVQ blocks+40(FP), R12
gs2row:
	TESTQ R10, R10
	JE gs2done
	MOVQ R12, CX
	XORQ R8, R8
gs2block:
	TESTQ CX, CX
	JE gs2next
	VXORPS Y0, Y0, Y0
	MOVQ DX, AX
	MOVQ R11, BX
gs2tap:
	TESTQ BX, BX
	JE gs2store
	MOVLQSX (AX), R9
	TESTQ R9, R9
	JS gs2skip
	LEAQ (SI)(R9*4), R13
	VADDPS (R13)(R8*1), Y0, Y0
gs2skip:
	ADDQ $4, AX
	DECQ BX
	JMP gs2tap
gs2store:
	VMOVUPS Y0, (DI)(R8*1)
	ADDQ $32, R8
	DECQ CX
	JMP gs2block
gs2next:
	LEAQ (DX)(R11*4), DX
	ADDQ R8, DI
	DECQ R10
	JMP gs2row
gs2done:
	VZEROUPPER
	RET

// func gatherCopyAVX2(dst, src *float32, idx *int32, rows, blocks int)
// Row r of dst (blocks*8 values) = the values of src at idx[r], or zeros
// where it is negative: im2col.
TEXT ·gatherCopyAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ idx+16(FP), DX
	MOVQ rows+24(FP), R10
	MOVQ blocks+32(FP), R12
	VXORPS Y1, Y1, Y1
gc2row:
	TESTQ R10, R10
	JE gc2done
	MOVLQSX (DX), R9
	MOVQ R12, CX
	TESTQ R9, R9
	JS gc2zero
	LEAQ (SI)(R9*4), AX
gc2copy:
	VMOVUPS (AX), Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, AX
	ADDQ $32, DI
	DECQ CX
	JNE gc2copy
	JMP gc2next
gc2zero:
	VMOVUPS Y1, (DI)
	ADDQ $32, DI
	DECQ CX
	JNE gc2zero
gc2next:
	ADDQ $4, DX
	DECQ R10
	JMP gc2row
gc2done:
	VZEROUPPER
	RET

// func gatherSum1AVX2(dst, src *float32, byTap *int32, blocks, taps, rows int)
// gatherSumAVX2 for rows of one value, 8 rows at a time: byTap holds the
// offsets tap by tap (rows of them each); a negative offset adds +0,
// which leaves a sum that starts at +0 as skipping it would.
TEXT ·gatherSum1AVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ byTap+16(FP), DX
	MOVQ blocks+24(FP), CX
	MOVQ taps+32(FP), R11
	MOVQ rows+40(FP), R12
	SHLQ $2, R12
	VPCMPEQD Y14, Y14, Y14
g1block:
	TESTQ CX, CX
	JE g1done
	VXORPS Y0, Y0, Y0
	MOVQ DX, AX
	MOVQ R11, BX
g1tap:
	TESTQ BX, BX
	JE g1store
	VMOVDQU (AX), Y1
	VPCMPGTD Y14, Y1, Y2
	VXORPS Y3, Y3, Y3
	VGATHERDPS Y2, (SI)(Y1*4), Y3
	VADDPS Y3, Y0, Y0
	ADDQ R12, AX
	DECQ BX
	JMP g1tap
g1store:
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, DX
	DECQ CX
	JMP g1block
g1done:
	VZEROUPPER
	RET

// func maxPoolAVX2(x *float32, idx *int32, rows, taps, width int, best *float32, arg *int32, lanes *int32)
// maxPoolAVX512 for widths that are a multiple of 8: for each row of idx
// (taps offsets, the window's pixels first, then -1s) and each channel,
// best = the largest value, arg = where it is (the first on ties; a NaN
// never wins over an earlier value).
TEXT ·maxPoolAVX2(SB), NOSPLIT, $0-64
	MOVQ x+0(FP), SI
	MOVQ idx+8(FP), R8
	MOVQ rows+16(FP), CX
	MOVQ taps+24(FP), R9
	MOVQ width+32(FP), DX
	MOVQ best+40(FP), DI
	MOVQ arg+48(FP), R10
	MOVQ lanes+56(FP), BX
	VMOVDQU (BX), Y15
mp2row:
	TESTQ CX, CX
	JE mp2done
	XORQ R12, R12
mp2block:
	CMPQ R12, DX
	JGE mp2rowend
	MOVLQSX (R8), R13
	ADDQ R12, R13
	VMOVUPS (SI)(R13*4), Y0
	VMOVQ R13, X1
	VPBROADCASTD X1, Y1
	VPADDD Y15, Y1, Y1
	MOVQ $1, R14
mp2tap:
	CMPQ R14, R9
	JGE mp2store
	MOVLQSX (R8)(R14*4), R13
	TESTQ R13, R13
	JS mp2store
	ADDQ R12, R13
	VMOVUPS (SI)(R13*4), Y2
	VCMPPS $0x1e, Y0, Y2, Y4
	VBLENDVPS Y4, Y2, Y0, Y0
	VMOVQ R13, X3
	VPBROADCASTD X3, Y3
	VPADDD Y15, Y3, Y3
	VBLENDVPS Y4, Y3, Y1, Y1
	INCQ R14
	JMP mp2tap
mp2store:
	VMOVUPS Y0, (DI)(R12*4)
	VMOVDQU Y1, (R10)(R12*4)
	ADDQ $8, R12
	JMP mp2block
mp2rowend:
	LEAQ (R8)(R9*4), R8
	LEAQ (DI)(DX*4), DI
	LEAQ (R10)(DX*4), R10
	DECQ CX
	JMP mp2row
mp2done:
	VZEROUPPER
	RET

// func maxPoolGradGather8AVX2(dst *float32, window *int32, pixels, blocks int, dy, out *float32, arg *int32, first int, lanes *int32)
// maxPoolGradGather16AVX512 for widths that are a multiple of 8 (blocks
// of 8 channels a pixel): dst = 0 + dy where the pixel's window's argmax
// is this value's place and the window's output is positive, +0 elsewhere.
TEXT ·maxPoolGradGather8AVX2(SB), NOSPLIT, $0-72
	MOVQ dst+0(FP), DI
	MOVQ window+8(FP), R8
	MOVQ pixels+16(FP), R9
	MOVQ blocks+24(FP), R11
	MOVQ dy+32(FP), SI
	MOVQ out+40(FP), R10
	MOVQ arg+48(FP), DX
	MOVQ first+56(FP), BX
	MOVQ lanes+64(FP), CX
	VMOVQ BX, X0
	VPBROADCASTD X0, Y0
	VPADDD (CX), Y0, Y0            // the first vector's x offsets
	MOVQ $8, BX
	VMOVQ BX, X15
	VPBROADCASTD X15, Y15          // the step from vector to vector
	VPXOR Y14, Y14, Y14            // +0
	MOVQ R11, R13
	SHLQ $5, R13                   // a pixel's bytes
g8pixel:
	TESTQ R9, R9
	JE g8done
	MOVLQSX (R8), R12
	IMULQ R13, R12                 // the window's byte offset
	MOVQ R11, R14
g8block:
	VMOVDQU (DX)(R12*1), Y1        // the argmaxes
	VPCMPEQD Y0, Y1, Y1
	VMOVDQU (R10)(R12*1), Y2       // the pooled outputs
	VPCMPGTD Y14, Y2, Y2           // > 0 as ReLUGrad reads it
	VPAND Y2, Y1, Y1
	VPAND (SI)(R12*1), Y1, Y3
	VADDPS Y3, Y14, Y3             // 0 + dy: -0 becomes +0
	VMOVUPS Y3, (DI)
	VPADDD Y15, Y0, Y0
	ADDQ $32, DI
	ADDQ $32, R12
	DECQ R14
	JNE g8block
	ADDQ $4, R8
	DECQ R9
	JMP g8pixel
g8done:
	VZEROUPPER
	RET

// func gatherCopy1AVX2(dst, src *float32, idx *int32, blocks int)
// gatherCopyAVX2 for rows of one value, 8 rows at a time: dst[r] =
// src[idx[r]], or +0 where idx[r] is negative.
TEXT ·gatherCopy1AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ idx+16(FP), DX
	MOVQ blocks+24(FP), CX
	VPCMPEQD Y14, Y14, Y14
gc1loop:
	TESTQ CX, CX
	JE gc1done
	VMOVDQU (DX), Y1
	VPCMPGTD Y14, Y1, Y2
	VXORPS Y3, Y3, Y3
	VGATHERDPS Y2, (SI)(Y1*4), Y3
	VMOVUPS Y3, (DI)
	ADDQ $32, DI
	ADDQ $32, DX
	DECQ CX
	JMP gc1loop
gc1done:
	VZEROUPPER
	RET
