//go:build amd64 && !purego

#include "textflag.h"
#include "block_amd64.h"

// func addBiasReLUAVX512(pre, out, bias *float32, rows, cols int, relu bool, tail uint64)
// For each of rows rows of cols values: pre += bias; if relu, out = the
// signed-integer max of pre's bits and 0. The last cols%16 values of a row
// go under the mask tail.
TEXT ·addBiasReLUAVX512(SB), NOSPLIT, $0-56
	MOVQ pre+0(FP), SI
	MOVQ out+8(FP), DI
	MOVQ bias+16(FP), R8
	MOVQ rows+24(FP), CX
	MOVQ cols+32(FP), DX
	MOVBLZX relu+40(FP), R9
	MOVQ tail+48(FP), AX
	KMOVW AX, K1
	KXNORW K4, K4, K4
	VPXORD Z31, Z31, Z31
	MOVQ DX, BX
	SHLQ $2, BX
biasrow:
	TESTQ CX, CX
	JE biasdone
	MOVQ DX, R11
	SHRQ $4, R11
	MOVQ R8, R12
	MOVQ SI, R13
	MOVQ DI, R14
	NEXT_BLOCK(R11, biasnext, biasblock, biasbody, biasrowend)
	VMOVUPS.Z (R13), K3, Z0
	VMOVUPS.Z (R12), K3, Z1
	VADDPS Z1, Z0, Z0
	VMOVUPS Z0, K3, (R13)
	TESTQ R9, R9
	JE biasstep
	VPMAXSD Z31, Z0, Z0
	VMOVUPS Z0, K3, (R14)
biasstep:
	ADDQ $64, R12
	ADDQ $64, R13
	ADDQ $64, R14
	JMP biasnext
biasrowend:
	ADDQ BX, SI
	ADDQ BX, DI
	DECQ CX
	JMP biasrow
biasdone:
	VZEROUPPER
	RET

// func reluGradAVX512(z, dy, dz *float32, blocks int, tail uint64)
// dz = dy where z's bits, as a signed integer, are positive, else 0; for
// blocks*16 values and then the values of the mask tail.
TEXT ·reluGradAVX512(SB), NOSPLIT, $0-40
	MOVQ z+0(FP), SI
	MOVQ dy+8(FP), R8
	MOVQ dz+16(FP), DI
	MOVQ blocks+24(FP), CX
	MOVQ tail+32(FP), AX
	KMOVW AX, K1
	KXNORW K4, K4, K4
	VPXORD Z31, Z31, Z31
	NEXT_BLOCK(CX, gradnext, gradblock, gradbody, graddone)
	VMOVUPS.Z (SI), K3, Z0
	VPCMPGTD Z31, Z0, K3, K2
	VMOVUPS.Z (R8), K2, Z1
	VMOVUPS Z1, K3, (DI)
	ADDQ $64, SI
	ADDQ $64, R8
	ADDQ $64, DI
	JMP gradnext
graddone:
	VZEROUPPER
	RET

// func addRowsAVX512(dst, m *float32, rows, width, stride int, tail uint64)
// dst[:width] += each of rows rows of m (stride floats apart), in order,
// 16 columns at a time and the last width%16 under the mask tail.
TEXT ·addRowsAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ m+8(FP), SI
	MOVQ rows+16(FP), DX
	MOVQ width+24(FP), R11
	MOVQ stride+32(FP), BX
	MOVQ tail+40(FP), AX
	KMOVW AX, K1
	KXNORW K4, K4, K4
	SHLQ $2, BX
	SHRQ $4, R11
	NEXT_BLOCK(R11, rowsnext, rowsblock, rowsbody, rowsdone)
	VMOVUPS.Z (DI), K3, Z0
	MOVQ SI, R12
	MOVQ DX, CX
rowsloop:
	TESTQ CX, CX
	JE rowsstore
	VADDPS (R12), Z0, K3, Z0
	ADDQ BX, R12
	DECQ CX
	JMP rowsloop
rowsstore:
	VMOVUPS Z0, K3, (DI)
	ADDQ $64, DI
	ADDQ $64, SI
	JMP rowsnext
rowsdone:
	VZEROUPPER
	RET

// func maxPoolAVX512(x *float32, idx *int32, rows, taps, width int, best *float32, arg *int32, tail uint64, lanes *int32)
// For each of rows windows (taps offsets each in idx, the first ones not
// negative), 16 channels at a time and then the channels of the mask
// tail: best = the value at the window's first offset, replaced by each
// later offset's value that is greater (ordered: a NaN never wins), up to
// the first negative offset; arg = the index of the value kept.
TEXT ·maxPoolAVX512(SB), NOSPLIT, $0-72
	MOVQ x+0(FP), SI
	MOVQ idx+8(FP), R8
	MOVQ rows+16(FP), CX
	MOVQ taps+24(FP), R9
	MOVQ width+32(FP), DX
	MOVQ best+40(FP), DI
	MOVQ arg+48(FP), R10
	MOVQ tail+56(FP), AX
	MOVQ lanes+64(FP), BX
	KMOVW AX, K1
	KXNORW K4, K4, K4
	VMOVDQU32 (BX), Z30
poolrow:
	TESTQ CX, CX
	JE pooldone
	MOVQ DX, R11
	SHRQ $4, R11
	XORQ R12, R12
	NEXT_BLOCK(R11, poolnext, poolblock, poolbody, poolrowend)
	MOVLQSX (R8), R13
	ADDQ R12, R13
	VMOVUPS.Z (SI)(R13*4), K3, Z0
	VPBROADCASTD R13, Z1
	VPADDD Z30, Z1, Z1
	MOVQ $1, R14
pooltap:
	CMPQ R14, R9
	JGE poolstore
	MOVLQSX (R8)(R14*4), R13
	TESTQ R13, R13
	JS poolstore
	ADDQ R12, R13
	VMOVUPS.Z (SI)(R13*4), K3, Z2
	VCMPPS $0x1e, Z0, Z2, K3, K2
	VMOVAPS Z2, K2, Z0
	VPBROADCASTD R13, Z3
	VPADDD Z30, Z3, Z3
	VMOVDQA32 Z3, K2, Z1
	INCQ R14
	JMP pooltap
poolstore:
	VMOVUPS Z0, K3, (DI)(R12*4)
	VMOVDQU32 Z1, K3, (R10)(R12*4)
	ADDQ $16, R12
	JMP poolnext
poolrowend:
	LEAQ (R8)(R9*4), R8
	LEAQ (DI)(DX*4), DI
	LEAQ (R10)(DX*4), R10
	DECQ CX
	JMP poolrow
pooldone:
	VZEROUPPER
	RET

// func maxPoolGradAVX512(dx *float32, idx *int32, rows, taps, width int, dy *float32, arg *int32, tail uint64, lanes *int32, set bool)
// maxPoolAVX512's adjoint, window by window, 16 channels at a time and
// then those of the mask tail: for each offset k up to the first negative
// one, the lanes whose arg is offs[k]+ch add their dy into dx there (a
// masked load, add and store), so that each dx value gets the one
// addition per window the Go loop dx[arg[i]] += dy[i] gives it. With set
// (windows that share no pixel), dx is not read: the 16 values at
// offs[k]+ch become 0 + dy in those lanes and 0 in the others.
TEXT ·maxPoolGradAVX512(SB), NOSPLIT, $0-73
	MOVQ dx+0(FP), DI
	MOVQ idx+8(FP), R8
	MOVQ rows+16(FP), CX
	MOVQ taps+24(FP), R9
	MOVQ width+32(FP), DX
	MOVQ dy+40(FP), SI
	MOVQ arg+48(FP), R10
	MOVBLZX set+72(FP), AX
	KMOVW AX, K5
	MOVQ tail+56(FP), AX
	MOVQ lanes+64(FP), BX
	KMOVW AX, K1
	KXNORW K4, K4, K4
	VMOVDQU32 (BX), Z30
	VPXORD Z31, Z31, Z31
poolgradrow:
	TESTQ CX, CX
	JE poolgraddone
	MOVQ DX, R11
	SHRQ $4, R11
	XORQ R12, R12
	NEXT_BLOCK(R11, poolgradnext, poolgradblock, poolgradbody, poolgradrowend)
	VMOVUPS.Z (SI)(R12*4), K3, Z0
	VMOVDQU32.Z (R10)(R12*4), K3, Z1
	XORQ R14, R14
poolgradtap:
	CMPQ R14, R9
	JGE poolgradstep
	MOVLQSX (R8)(R14*4), R13
	TESTQ R13, R13
	JS poolgradstep
	ADDQ R12, R13
	VPBROADCASTD R13, Z2
	VPADDD Z30, Z2, Z2
	VPCMPEQD Z2, Z1, K3, K2
	KORTESTW K5, K5
	JNE poolgradset
	VMOVUPS.Z (DI)(R13*4), K2, Z3
	VADDPS Z0, Z3, K2, Z3
	VMOVUPS Z3, K2, (DI)(R13*4)
	INCQ R14
	JMP poolgradtap
poolgradset:
	VADDPS.Z Z0, Z31, K2, Z3
	VMOVUPS Z3, K3, (DI)(R13*4)
	INCQ R14
	JMP poolgradtap
poolgradstep:
	ADDQ $16, R12
	JMP poolgradnext
poolgradrowend:
	LEAQ (R8)(R9*4), R8
	LEAQ (SI)(DX*4), SI
	LEAQ (R10)(DX*4), R10
	DECQ CX
	JMP poolgradrow
poolgraddone:
	VZEROUPPER
	RET

// func gatherSumAVX512(dst, src *float32, idx *int32, rows, taps, width int, tail uint64)
// Row by row, 16 values at a time and the last width%16 under the mask
// tail: dst row = 0 + the src rows at each non-negative offset, in order.
TEXT ·gatherSumAVX512(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ idx+16(FP), R8
	MOVQ rows+24(FP), R9
	MOVQ taps+32(FP), R10
	MOVQ width+40(FP), R11
	MOVQ tail+48(FP), AX
	KMOVW AX, K1
	KXNORW K4, K4, K4
	MOVQ R10, R15
	SHLQ $2, R15
	MOVQ R11, BX
	SHLQ $2, BX
gatherrow:
	TESTQ R9, R9
	JE gatherdone
	MOVQ R11, R12
	SHRQ $4, R12
	XORQ R13, R13
gatherchunk:
	CMPQ R12, $0
	JG gatherblock
	JL gathernext
	TESTQ AX, AX
	JE gathernext
	KMOVW K1, K3
	JMP gatherbody
gatherblock:
	KMOVW K4, K3
gatherbody:
	DECQ R12
	VPXORD Z0, Z0, Z0
	XORQ CX, CX
gathertap:
	CMPQ CX, R10
	JGE gatherstore
	MOVLQSX (R8)(CX*4), DX
	INCQ CX
	TESTQ DX, DX
	JS gathertap
	LEAQ (SI)(DX*4), R14
	VADDPS (R14)(R13*1), Z0, K3, Z0
	JMP gathertap
gatherstore:
	VMOVUPS Z0, K3, (DI)(R13*1)
	ADDQ $64, R13
	JMP gatherchunk
gathernext:
	ADDQ R15, R8
	ADDQ BX, DI
	DECQ R9
	JMP gatherrow
gatherdone:
	VZEROUPPER
	RET

// func gatherSum1AVX512(dst, src *float32, byTap *int32, blocks, taps, rows int, tail uint64)
// gatherSumAVX512 for rows of one value: 16 rows at a time, for blocks
// blocks and then the rows of the mask tail; the offsets are read tap by
// tap from the table laid out tap-major (byTap[tap*rows+row]), 16 at a
// time, and the values they name gathered; a negative offset adds nothing.
TEXT ·gatherSum1AVX512(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ byTap+16(FP), R8
	MOVQ blocks+24(FP), R9
	MOVQ taps+32(FP), R10
	MOVQ rows+40(FP), R11
	MOVQ tail+48(FP), AX
	KMOVW AX, K1
	KXNORW K4, K4, K4
	SHLQ $2, R11
	MOVL $-1, DX
	VPBROADCASTD DX, Z28
	NEXT_BLOCK(R9, gather1next, gather1block, gather1body, gather1done)
	VPXORD Z0, Z0, Z0
	MOVQ R8, R12
	XORQ CX, CX
gather1tap:
	CMPQ CX, R10
	JGE gather1store
	VMOVDQU32.Z (R12), K3, Z1
	VPCMPGTD Z28, Z1, K3, K5
	VPXORD Z2, Z2, Z2
	VGATHERDPS (SI)(Z1*4), K5, Z2
	VADDPS Z2, Z0, Z0
	ADDQ R11, R12
	INCQ CX
	JMP gather1tap
gather1store:
	VMOVUPS Z0, K3, (DI)
	ADDQ $64, DI
	ADDQ $64, R8
	JMP gather1next
gather1done:
	VZEROUPPER
	RET

// func gatherCopyAVX512(dst, src *float32, idx *int32, rows, width int, tail uint64)
// Row by row: dst row = the width values of src at the row's offset, or
// zeros where the offset is negative; 16 values at a time and the last
// width%16 under the mask tail.
TEXT ·gatherCopyAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ idx+16(FP), R8
	MOVQ rows+24(FP), R9
	MOVQ width+32(FP), R11
	MOVQ tail+40(FP), AX
	KMOVW AX, K1
	KXNORW K4, K4, K4
	KXORW K7, K7, K7
	MOVQ R11, BX
	SHLQ $2, BX
copyrow:
	TESTQ R9, R9
	JE copydone
	MOVLQSX (R8), DX
	MOVQ R11, R12
	SHRQ $4, R12
	XORQ R13, R13
	MOVQ SI, R14
	KMOVW K7, K5
	TESTQ DX, DX
	JS copynext
	LEAQ (SI)(DX*4), R14
	KMOVW K4, K5
	NEXT_BLOCK(R12, copynext, copyblock, copybody, copyrowend)
	KANDW K3, K5, K2
	VMOVUPS.Z (R14)(R13*1), K2, Z0
	VMOVUPS Z0, K3, (DI)(R13*1)
	ADDQ $64, R13
	JMP copynext
copyrowend:
	ADDQ $4, R8
	ADDQ BX, DI
	DECQ R9
	JMP copyrow
copydone:
	VZEROUPPER
	RET

// func gatherCopy1AVX512(dst, src *float32, idx *int32, blocks int, tail uint64)
// gatherCopyAVX512 for rows of one value: 16 rows at a time, for blocks
// blocks and then the rows of the mask tail.
TEXT ·gatherCopy1AVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ idx+16(FP), R8
	MOVQ blocks+24(FP), R9
	MOVQ tail+32(FP), AX
	KMOVW AX, K1
	KXNORW K4, K4, K4
	MOVL $-1, DX
	VPBROADCASTD DX, Z28
	NEXT_BLOCK(R9, copy1next, copy1block, copy1body, copy1done)
	VMOVDQU32.Z (R8), K3, Z1
	VPCMPGTD Z28, Z1, K3, K5
	VPXORD Z2, Z2, Z2
	VGATHERDPS (SI)(Z1*4), K5, Z2
	VMOVUPS Z2, K3, (DI)
	ADDQ $64, DI
	ADDQ $64, R8
	JMP copy1next
copy1done:
	VZEROUPPER
	RET

// func adamAVX512(w, grad, m, v *float32, blocks int, tail uint64, alpha, c1, c2, eps float32)
// Adam's step, 16 values at a time and then those of the mask tail (one
// loop body under a mask: all lanes for the blocks, tail for the last),
// with the operations of the Go version, each rounded on its own (no
// FMA): m += (g-m)*c1; v += (g*g-v)*c2; w -= alpha*m/(sqrt(v)+eps).
TEXT ·adamAVX512(SB), NOSPLIT, $0-64
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ blocks+32(FP), CX
	MOVQ tail+40(FP), AX
	KMOVW AX, K1
	KXNORW K4, K4, K4
	VBROADCASTSS alpha+48(FP), Z20
	VBROADCASTSS c1+52(FP), Z21
	VBROADCASTSS c2+56(FP), Z22
	VBROADCASTSS eps+60(FP), Z23
	NEXT_BLOCK(CX, adamnext, adamblock, adambody, adamdone)
	VMOVUPS.Z (SI), K3, Z0
	VMOVUPS.Z (R8), K3, Z1
	VMOVUPS.Z (R9), K3, Z2
	VMOVUPS.Z (DI), K3, Z3
	VSUBPS Z1, Z0, Z4
	VMULPS Z21, Z4, Z4
	VADDPS Z4, Z1, Z1
	VMULPS Z0, Z0, Z5
	VSUBPS Z2, Z5, Z5
	VMULPS Z22, Z5, Z5
	VADDPS Z5, Z2, Z2
	VMULPS Z1, Z20, Z6
	VSQRTPS Z2, Z7
	VADDPS Z23, Z7, Z7
	VDIVPS Z7, Z6, Z6
	VSUBPS Z6, Z3, Z3
	VMOVUPS Z1, K3, (R8)
	VMOVUPS Z2, K3, (R9)
	VMOVUPS Z3, K3, (DI)
	ADDQ $64, SI
	ADDQ $64, R8
	ADDQ $64, R9
	ADDQ $64, DI
	JMP adamnext
adamdone:
	VZEROUPPER
	RET

// func unitBytesAVX512(dst *float32, src *uint8, blocks int, tail uint64)
// dst = float32(src) / 255, 16 bytes at a time and then those of the mask
// tail: each byte widened to an integer, converted (exactly) and divided,
// one correctly rounded division as in Go.
TEXT ·unitBytesAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ blocks+16(FP), R9
	MOVQ tail+24(FP), AX
	KMOVW AX, K1
	KXNORW K4, K4, K4
	MOVL $0x437f0000, DX // 255 as a float32
	VPBROADCASTD DX, Z30
	NEXT_BLOCK(R9, unitnext, unitblock, unitbody, unitdone)
	VPMOVZXBD.Z (SI), K3, Z0
	VCVTDQ2PS Z0, Z0
	VDIVPS Z30, Z0, Z0
	VMOVUPS Z0, K3, (DI)
	ADDQ $16, SI
	ADDQ $64, DI
	JMP unitnext
unitdone:
	VZEROUPPER
	RET

// func maxPoolGradGatherAVX512(dst *float32, window *int32, pixels, width int, dy, out *float32, arg *int32, first int, tail uint64, lanes *int32)
// For each of pixels pixels (the first at x offset first, the next width
// further), its window's width values from window[pixel]*width: dst =
// 0 + dy where arg == the pixel's offset plus the channel and out > 0,
// +0 elsewhere (out > 0 read as ReLUGrad reads it); the last width%16
// channels of a pixel go under the mask tail.
TEXT ·maxPoolGradGatherAVX512(SB), NOSPLIT, $0-80
	MOVQ dst+0(FP), DI
	MOVQ window+8(FP), R8
	MOVQ pixels+16(FP), R9
	MOVQ width+24(FP), R11
	MOVQ dy+32(FP), SI
	MOVQ out+40(FP), R10
	MOVQ arg+48(FP), DX
	MOVQ first+56(FP), BX
	MOVQ tail+64(FP), AX
	MOVQ lanes+72(FP), CX
	KMOVW AX, K1
	KXNORW K4, K4, K4
	VMOVDQU32 (CX), Z29            // 0, 1, ..., 15
	VPXORD Z30, Z30, Z30           // +0
gatherpixel:
	TESTQ R9, R9
	JE gatherdone
	MOVLQSX (R8), R12
	IMULQ R11, R12
	SHLQ $2, R12                   // the window's byte offset
	MOVQ R11, R13
	SHRQ $4, R13                   // full blocks of 16 channels
	XORQ R14, R14                  // byte offset within the pixel
	MOVQ BX, R15                   // the channel's x offset
	NEXT_BLOCK(R13, gathernext, gatherblock, gatherbody, gatherpixelend)
	LEAQ (R12)(R14*1), CX
	VPBROADCASTD R15, Z0
	VPADDD Z29, Z0, Z0             // this block's x offsets
	VMOVDQU32.Z (DX)(CX*1), K3, Z1 // the argmaxes
	VPCMPEQD Z0, Z1, K3, K5
	VMOVUPS.Z (R10)(CX*1), K3, Z2  // the pooled outputs
	VPCMPGTD Z30, Z2, K5, K5       // > 0 as ReLUGrad reads it: its bits as an integer
	VMOVUPS.Z (SI)(CX*1), K5, Z3
	VADDPS Z3, Z30, Z3             // 0 + dy: -0 becomes +0
	VMOVUPS Z3, K3, (DI)(R14*1)
	ADDQ $64, R14
	ADDQ $16, R15
	JMP gathernext
gatherpixelend:
	MOVQ R11, R12
	SHLQ $2, R12
	ADDQ R12, DI
	ADDQ R11, BX
	ADDQ $4, R8
	DECQ R9
	JMP gatherpixel
gatherdone:
	VZEROUPPER
	RET

// func maxPoolGradGather16AVX512(dst *float32, window *int32, pixels, blocks int, dy, out *float32, arg *int32, first int, lanes *int32)
// maxPoolGradGatherAVX512 for a width of blocks whole vectors (16, 32,
// ... channels): no masks, the x offsets stepped by 16 from vector to
// vector.
TEXT ·maxPoolGradGather16AVX512(SB), NOSPLIT, $0-72
	MOVQ dst+0(FP), DI
	MOVQ window+8(FP), R8
	MOVQ pixels+16(FP), R9
	MOVQ blocks+24(FP), R11
	MOVQ dy+32(FP), SI
	MOVQ out+40(FP), R10
	MOVQ arg+48(FP), DX
	MOVQ first+56(FP), BX
	MOVQ lanes+64(FP), CX
	VPBROADCASTD BX, Z0
	VPADDD (CX), Z0, Z0            // the first vector's x offsets
	MOVL $16, BX
	VPBROADCASTD BX, Z31           // the step from vector to vector
	VPXORD Z30, Z30, Z30           // +0
	MOVQ R11, R13
	SHLQ $6, R13                   // a pixel's bytes
g16pixel:
	TESTQ R9, R9
	JE g16done
	MOVLQSX (R8), R12
	IMULQ R13, R12                 // the window's byte offset
	MOVQ R11, R14
g16block:
	VMOVDQU32 (DX)(R12*1), Z1      // the argmaxes
	VPCMPEQD Z0, Z1, K5
	VMOVUPS (R10)(R12*1), Z2       // the pooled outputs
	VPCMPGTD Z30, Z2, K5, K5       // > 0 as ReLUGrad reads it
	VMOVUPS.Z (SI)(R12*1), K5, Z3
	VADDPS Z3, Z30, Z3             // 0 + dy: -0 becomes +0
	VMOVUPS Z3, (DI)
	VPADDD Z31, Z0, Z0
	ADDQ $64, DI
	ADDQ $64, R12
	DECQ R14
	JNE g16block
	ADDQ $4, R8
	DECQ R9
	JMP g16pixel
g16done:
	VZEROUPPER
	RET
