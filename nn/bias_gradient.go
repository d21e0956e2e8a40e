package nn

import (
	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/tensor"
)

// A convolution's bias gradient is the column sums of dPre, a narrow, tall
// matrix (32 filters by 100,000 pixels), summed by pieces of rows. When
// dPre is made from the layer's output gradient, each piece is made and
// summed by the same thread while it is in that core's cache, rather than
// in a second pass that reads the whole of dPre again from memory. Each
// piece is summed as addColumnSums sums it and the pieces are added in the
// same order, so the bits do not change.

// preGradientWithBias is preGradient that also adds the column sums of
// dPre into biasGrad where it can do both in one pass, and reports
// whether it did; where it did not, the caller adds them.
func preGradientWithBias(c *Call, act Activation, pre, dPre *tensor.Tensor, biasGrad []float32) (*tensor.Tensor, bool) {
	cols := len(biasGrad)
	rows := len(pre.Data) / max(cols, 1)
	if !c.GradOutSet || c.GradPreSet || !byRowPieces(rows, cols) {
		return preGradient(c, act, pre, dPre), false
	}
	dPre.Resize(pre.Rows(), pre.Shape[1:])
	z, y, dy, dz := pre.Data, c.Out.Data, c.GradOut.Data, dPre.Data
	sumRowPieces(biasGrad, rows, cols, func(lo, hi int, part []float32) {
		a, b := lo*cols, hi*cols
		act.Grad(z[a:b], y[a:b], dy[a:b], dz[a:b])
		compute.AddRows(part, dz[a:], hi-lo, cols, cols)
	})
	return dPre, true
}

// biasGradientLeft is the bias gradient's work that preGradientWithBias
// left to its caller: nothing where it summed the columns (done), the
// column sums of dPre otherwise, to run beside the layer's other
// gradients.
func biasGradientLeft(done bool, biasGrad, dPre []float32) func() {
	return func() {
		if !done {
			addColumnSums(biasGrad, dPre, len(dPre)/len(biasGrad), len(biasGrad))
		}
	}
}

// byRowPieces reports whether addColumnSums sums a rows×cols matrix by
// pieces of rows (see sumRowPieces) rather than by columns.
func byRowPieces(rows, cols int) bool { return cols < 64 && rows > columnSumRows }

// sumRowPieces cuts rows into pieces of columnSumRows, has piece write the
// column sums of rows [lo, hi) into part (zeros to start with), in
// parallel, and adds the pieces' sums into sums in order.
func sumRowPieces(sums []float32, rows, cols int, piece func(lo, hi int, part []float32)) {
	pieces := compute.Pieces(rows, columnSumRows)
	partial := make([]float32, pieces*cols)
	compute.ParallelFor(rows, columnSumRows, func(lo, hi int) {
		piece(lo, hi, partial[(lo/columnSumRows)*cols:][:cols])
	})
	compute.AddRows(sums, partial, pieces, cols, cols)
}
