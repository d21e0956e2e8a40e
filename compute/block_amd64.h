// The AVX-512 element-wise routines run one loop body under a mask, K3:
// all 16 lanes (K4) for the full blocks, the tail mask (K1, from AX) for
// the last, partial one, so that the arithmetic is written once. A
// counter of full blocks that reaches 0 selects the tail; -1 ends the
// loop.

// NEXT_BLOCK starts a loop body at label next: while full blocks are
// left (count > 0) it sets K3 to all lanes; then, if there is a tail, to
// the tail, once; then it jumps to done. It counts the blocks down; the
// body ends with JMP next.
#define NEXT_BLOCK(count, next, block, body, done) \
next: \
	CMPQ count, $0; \
	JG block; \
	JL done; \
	TESTQ AX, AX; \
	JE done; \
	KMOVW K1, K3; \
	JMP body; \
block: \
	KMOVW K4, K3; \
body: \
	DECQ count
