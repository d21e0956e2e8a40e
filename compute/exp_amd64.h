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
