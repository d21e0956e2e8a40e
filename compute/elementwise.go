package compute

import "math"

// The element-wise operations of training that surround the matrix
// products: a layer's bias and ReLU, ReLU's gradient, the column sums of
// a bias gradient, max pooling and the gathers of convolutions, the
// sigmoid, tanh and softplus and their gradients, the cross-entropy from
// logits, the squared error, the Adam step, and 8-bit samples scaled as batches are read.
// Each has a portable Go version (the reference) and, on amd64 with
// AVX-512 or AVX2, an assembly version that computes the same bits:
// every value goes through the same single IEEE operations in the same
// order, 16 or 8 lanes at a time (the sigmoid, tanh and softplus: the
// same constants and operations, see logistic.go). The conformance tests
// hold every implementation to the portable one, bit for bit.

// Elementwise is one implementation of the element-wise operations.
type Elementwise interface {
	Name() string
	// AddBiasReLU adds bias to each row of pre (rows of len(bias) values,
	// in place) and, when relu is set, writes max(pre, 0) into out (0 for
	// -0; a NaN passes when its sign bit is clear, as TensorFlow's Relu).
	// pre and out may be the same slice: it then holds the ReLU.
	AddBiasReLU(pre, out, bias []float32, relu bool)
	// ReLUGrad sets dz[i] = dy[i] where z[i] > 0 and 0 elsewhere
	// (TensorFlow's ReluGrad: 0 at z == 0).
	ReLUGrad(z, dy, dz []float32)
	// AddRows adds rows rows of width values, stride apart in m, into
	// dst[:width], one row after another in order.
	AddRows(dst, m []float32, rows, width, stride int)
	// MaxPool sets, for each window of t (a row: the offsets in x of the
	// window's pixels, the ones inside the image first and then -1s),
	// best's row of width = len(best)/t.Rows() values to the largest of
	// the width values at each offset, channel by channel, and arg's row
	// to the index in x where each was found: the first offset on ties,
	// and a NaN never wins over an earlier value.
	MaxPool(x []float32, t *GatherTable, best []float32, arg []int32)
	// MaxPoolGrad is MaxPool's adjoint: dx[arg[i]] += dy[i] for each i in
	// order, where arg is as MaxPool writes it over t.
	MaxPoolGrad(dx []float32, t *GatherTable, dy []float32, arg []int32)
	// MaxPoolGradSet is MaxPoolGrad for windows that share no pixel, into
	// a dx it does not read: window by window, it sets the values at the
	// window's offsets to 0 and then adds the window's gradients as
	// MaxPoolGrad does. Where the windows cover dx, no clearing is needed.
	MaxPoolGradSet(dx []float32, t *GatherTable, dy []float32, arg []int32)
	// MaxPoolGradGather is MaxPoolGradSet, with the ReLU's derivative
	// taken at the pooling's output, for windows that cover each pixel of
	// the image once, made pixel by pixel rather than window by window:
	// for the pixels q0, q0+1, ... of one image (len(dst)/width of them,
	// width channels each), pixel q lying in window w (PixelWindows),
	// dst[(q-q0)*width+ch] is 0 + dy[w*width+ch] where that window's
	// argmax arg[w*width+ch] is q*width+ch and its output
	// out[w*width+ch] > 0 as ReLUGrad reads it (its bits, as a signed
	// integer), and +0 elsewhere: the bits MaxPoolGradSet
	// writes there from dy masked by ReLUGrad(out, dy). Any run of
	// pixels can be made, in cache, where the product that reads them
	// wants them.
	MaxPoolGradGather(dst []float32, w *PixelWindows, q0, width int, dy, out []float32, arg []int32)
	// GatherSum sets each row r of dst (width values) to 0 plus, in
	// order, the width values of src at each offset of row r of t that is
	// not negative.
	GatherSum(dst, src []float32, t *GatherTable, width int)
	// GatherCopy sets each row r of dst (width values) to the width values
	// of src at row r's one offset in t, or to zeros where it is negative:
	// im2col, as a gather.
	GatherCopy(dst, src []float32, t *GatherTable, width int)
	// AdamStep updates weights w with gradients g and Adam's moments m
	// and v: m += (g-m)*c1; v += (g*g-v)*c2; w -= alpha*m/(sqrt(v)+eps),
	// each operation rounded to float32 on its own.
	AdamStep(w, g, m, v []float32, alpha, c1, c2, eps float32)
	// Sigmoid sets y[i] = 1/(1+e**-x[i]), as SigmoidValue computes it.
	Sigmoid(x, y []float32)
	// Tanh sets y[i] = tanh x[i], as TanhValue computes it.
	Tanh(x, y []float32)
	// Softplus sets y[i] = log(1 + e**x[i]), as SoftplusValue computes it.
	Softplus(x, y []float32)
	// SigmoidGrad sets dz[i] = dy[i]*y[i]*(1-y[i]), the sigmoid's
	// gradient from its output y, each operation rounded on its own, in
	// that order.
	SigmoidGrad(y, dy, dz []float32)
	// TanhGrad sets dz[i] = dy[i]*(1-y[i]*y[i]), tanh's gradient from its
	// output y, the square rounded on its own.
	TanhGrad(y, dy, dz []float32)
	// Multiply sets dst[i] = dst[i]*by[i].
	Multiply(dst, by []float32)
	// BCELogits returns the binary cross-entropy of logits z, their
	// sigmoids p and targets y, Σ BCELogitValue(z[i], p[i], y[i]): the
	// values of the first len(z)&^15 summed in float32 into 16 lanes,
	// value i into lane i%16, the lanes then added in order in float64,
	// then the others. It sets g[i] = (p[i]-y[i])*scale, the gradient
	// with respect to z times scale; g is as long as z.
	BCELogits(z, p, y, g []float32, scale float32) float64
	// SquaredError returns Σ (p[i]-y[i])², each square exact in float64:
	// those of the first len(p)&^15 values summed into 16 lanes, value i
	// into lane i%16, the lanes then added in order, then the others one
	// by one. Unless g is nil it sets g[i] = (p[i]-y[i])*scale.
	SquaredError(p, y, g []float32, scale float32) float64
	// UnitBytes sets dst[i] = float32(src[i]) / 255: 8-bit intensities
	// scaled to [0, 1] as x.astype('float32') / 255 scales them.
	UnitBytes(dst []float32, src []uint8)
}

var elementwise = bestElementwise()

// UseElementwise makes e the implementation behind the package's
// element-wise functions for the whole program (tests compare them).
func UseElementwise(e Elementwise) { elementwise = e }

// CurrentElementwise is the element-wise implementation in use.
func CurrentElementwise() Elementwise { return elementwise }

// ElementwiseByName finds an implementation of ElementwiseImplementations
// by its Name ("avx512", "avx2", "go").
func ElementwiseByName(name string) (Elementwise, bool) {
	for _, e := range ElementwiseImplementations() {
		if e.Name() == name {
			return e, true
		}
	}
	return nil, false
}

// ElementwiseImplementations lists every element-wise implementation this
// build offers, the default first; the last is the portable reference.
func ElementwiseImplementations() []Elementwise {
	return append(fastElementwise(), PortableElementwise{})
}

func bestElementwise() Elementwise { return ElementwiseImplementations()[0] }

// VectorGathers reports whether the element-wise implementation in use
// gathers pooling's gradient (MaxPoolGradGather) for rows of width values
// in vector assembly rather than portable Go (AVX-512 for any width, AVX2
// for multiples of 8): a layer that would make values again where it
// reads them (MaxPoolGradGather, twice) rather than read them from one
// pass over memory gains only then.
func VectorGathers(width int) bool {
	v, ok := elementwise.(interface{ vectorGathers(width int) bool })
	return ok && v.vectorGathers(width)
}

// AddBiasReLU calls the implementation in use; see Elementwise.
func AddBiasReLU(pre, out, bias []float32, relu bool) { elementwise.AddBiasReLU(pre, out, bias, relu) }

// ReLUGrad calls the implementation in use; see Elementwise.
func ReLUGrad(z, dy, dz []float32) { elementwise.ReLUGrad(z, dy, dz) }

// AdamStep calls the implementation in use; see Elementwise.
func AdamStep(w, g, m, v []float32, alpha, c1, c2, eps float32) {
	elementwise.AdamStep(w, g, m, v, alpha, c1, c2, eps)
}

// Sigmoid calls the implementation in use; see Elementwise.
func Sigmoid(x, y []float32) { elementwise.Sigmoid(x, y) }

// Tanh calls the implementation in use; see Elementwise.
func Tanh(x, y []float32) { elementwise.Tanh(x, y) }

// Softplus calls the implementation in use; see Elementwise.
func Softplus(x, y []float32) { elementwise.Softplus(x, y) }

// BCELogits calls the implementation in use; see Elementwise.
func BCELogits(z, p, y, g []float32, scale float32) float64 {
	return elementwise.BCELogits(z, p, y, g, scale)
}

// UnitBytes calls the implementation in use; see Elementwise.
func UnitBytes(dst []float32, src []uint8) { elementwise.UnitBytes(dst, src) }

// AddRows calls the implementation in use; see Elementwise.
func AddRows(dst, m []float32, rows, width, stride int) {
	elementwise.AddRows(dst, m, rows, width, stride)
}

// PortableElementwise is the Go reference of the element-wise operations.
type PortableElementwise struct{}

// Name implements Elementwise.
func (PortableElementwise) Name() string { return "go" }

// AddBiasReLU implements Elementwise.
func (PortableElementwise) AddBiasReLU(pre, out, bias []float32, relu bool) {
	cols := len(bias)
	for r := 0; r+cols <= len(pre); r += cols {
		row := pre[r : r+cols]
		for j := range row {
			row[j] += bias[j]
		}
		if relu {
			dst := out[r : r+cols]
			for j, v := range row {
				dst[j] = reluValue(v)
			}
		}
	}
}

// ReLUGrad implements Elementwise.
func (PortableElementwise) ReLUGrad(z, dy, dz []float32) {
	dy, dz = dy[:len(z)], dz[:len(z)]
	for i, v := range z {
		dz[i] = math.Float32frombits(math.Float32bits(dy[i]) & positiveMask(v))
	}
}

// AddRows implements Elementwise.
func (PortableElementwise) AddRows(dst, m []float32, rows, width, stride int) {
	dst = dst[:width]
	for r := 0; r < rows; r++ {
		row := m[r*stride : r*stride+width]
		for j, v := range row {
			dst[j] += v
		}
	}
}

// greaterMask is all ones when a > b and zero otherwise (NaNs compare false).
func greaterMask(a, b float32) uint32 {
	var gt uint32
	if a > b {
		gt = 1
	}
	return -gt
}

// AdamStep implements Elementwise.
func (PortableElementwise) AdamStep(w, g, m, v []float32, alpha, c1, c2, eps float32) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for i := range w {
		gi := g[i]
		m[i] += float32((gi - m[i]) * c1)
		v[i] += float32((float32(gi*gi) - v[i]) * c2)
		w[i] -= float32(alpha*m[i]) / (float32(math.Sqrt(float64(v[i]))) + eps)
	}
}

// UnitBytes implements Elementwise.
func (PortableElementwise) UnitBytes(dst []float32, src []uint8) {
	dst = dst[:len(src)]
	for i, b := range src {
		dst[i] = float32(b) / 255
	}
}

// ReLU sets y[i] = max(z[i], 0) as AddBiasReLU does, without a bias.
func ReLU(z, y []float32) {
	y = y[:len(z)]
	for i, v := range z {
		y[i] = reluValue(v)
	}
}

// reluValue is max(v, 0) on the bits: v when v > 0 or v is a NaN with the
// sign bit clear, +0 otherwise.
func reluValue(v float32) float32 { return math.Float32frombits(math.Float32bits(v) & positiveMask(v)) }

// positiveMask is all ones when v's bits, read as a signed integer, are
// positive, zero otherwise: computed without a branch, since the sign of
// a pre-activation is unpredictable.
func positiveMask(v float32) uint32 {
	b := int32(math.Float32bits(v))
	return uint32((-b & ^b) >> 31)
}
