// e**t as the AVX-512 kernels compute it (SigmoidValue, TanhValue):
// n = round(t/ln 2), r = t - n*ln2Hi - n*ln2Lo, e**r by its Taylor series
// to r**7/7!, times 2**n.

// EXP_CONSTANTS_AVX512 loads the constants EXP_AVX512 reads: 1/ln 2,
// ln2Hi and ln2Lo into Z22 to Z24, the series into Z10 to Z17. It
// clobbers AX.
#define EXP_CONSTANTS_AVX512 \
	MOVL $0x3fb8aa3b, AX \
	VPBROADCASTD AX, Z22 \
	MOVL $0x3f318000, AX \
	VPBROADCASTD AX, Z23 \
	MOVL $0xb95e8083, AX \
	VPBROADCASTD AX, Z24 \
	MOVL $0x39500d01, AX \
	VPBROADCASTD AX, Z10 \
	MOVL $0x3ab60b61, AX \
	VPBROADCASTD AX, Z11 \
	MOVL $0x3c088889, AX \
	VPBROADCASTD AX, Z12 \
	MOVL $0x3d2aaaab, AX \
	VPBROADCASTD AX, Z13 \
	MOVL $0x3e2aaaab, AX \
	VPBROADCASTD AX, Z14 \
	MOVL $0x3f000000, AX \
	VPBROADCASTD AX, Z15 \
	MOVL $0x3f800000, AX \
	VPBROADCASTD AX, Z16 \
	VPBROADCASTD AX, Z17

// EXP_AVX512(T, N, P) sets P = e**T, given T already clamped; T is left
// holding r and N holding n.
#define EXP_AVX512(T, N, P) \
	VMULPS Z22, T, N \
	VRNDSCALEPS $0, N, N \
	VFNMADD231PS Z23, N, T \
	VFNMADD231PS Z24, N, T \
	VMOVAPS Z10, P \
	VFMADD213PS Z11, T, P \
	VFMADD213PS Z12, T, P \
	VFMADD213PS Z13, T, P \
	VFMADD213PS Z14, T, P \
	VFMADD213PS Z15, T, P \
	VFMADD213PS Z16, T, P \
	VFMADD213PS Z17, T, P \
	VSCALEFPS N, P, P

// The same for the AVX2 kernels, which have neither VRNDSCALEPS nor
// VSCALEFPS: VROUNDPS, and 2**n as two products by powers of two built in
// the integer unit (n>>1 and n - n>>1, as scaleF makes them), from a table
// of their own in each file that includes this one.
DATA expc<>+0(SB)/4, $0x3fb8aa3b  // 1/ln 2
DATA expc<>+4(SB)/4, $0x3f318000  // ln2Hi
DATA expc<>+8(SB)/4, $0xb95e8083  // ln2Lo
DATA expc<>+12(SB)/4, $0x39500d01 // 1/5040
DATA expc<>+16(SB)/4, $0x3ab60b61 // 1/720
DATA expc<>+20(SB)/4, $0x3c088889 // 1/120
DATA expc<>+24(SB)/4, $0x3d2aaaab // 1/24
DATA expc<>+28(SB)/4, $0x3e2aaaab // 1/6
DATA expc<>+32(SB)/4, $0x3f000000 // 1/2
DATA expc<>+36(SB)/4, $0x3f800000 // 1
DATA expc<>+40(SB)/4, $0x0000007f // 127, the exponent's bias
GLOBL expc<>(SB), RODATA|NOPTR, $44

// expAVX2Term: P = P*T + the constant at off.
#define expAVX2Term(T, P, S, off) \
	VBROADCASTSS expc<>+off(SB), S \
	VFMADD213PS S, T, P

// EXP_CONSTANTS_AVX2 loads 1/ln 2, ln2Hi and ln2Lo into Y12 to Y10, the
// registers EXP_AVX2 reads them from.
#define EXP_CONSTANTS_AVX2 \
	VBROADCASTSS expc<>+0(SB), Y12 \
	VBROADCASTSS expc<>+4(SB), Y11 \
	VBROADCASTSS expc<>+8(SB), Y10

// EXP_AVX2(T, N, P, S) sets P = e**T, given T already clamped, with the
// bits of EXP_AVX512; N and S are scratch, and T is clobbered.
#define EXP_AVX2(T, N, P, S) \
	VMULPS Y12, T, N \
	VROUNDPS $0, N, N \
	VFNMADD231PS Y11, N, T \
	VFNMADD231PS Y10, N, T \
	VBROADCASTSS expc<>+12(SB), P \
	expAVX2Term(T, P, S, 16) \
	expAVX2Term(T, P, S, 20) \
	expAVX2Term(T, P, S, 24) \
	expAVX2Term(T, P, S, 28) \
	expAVX2Term(T, P, S, 32) \
	expAVX2Term(T, P, S, 36) \
	expAVX2Term(T, P, S, 36) \
	VCVTPS2DQ N, N \
	VPSRAD $1, N, S \
	VPSUBD S, N, N \
	VPBROADCASTD expc<>+40(SB), T \
	VPADDD T, S, S \
	VPSLLD $23, S, S \
	VPADDD T, N, N \
	VPSLLD $23, N, N \
	VMULPS S, P, P \
	VMULPS N, P, P
