// Package vecf holds the element-wise kernels of training over float32
// slices: the sigmoid, and binary cross-entropy from logits fused with its
// gradient. On amd64 with AVX-512 they run 16 lanes at a time in assembly;
// elsewhere (and for the last few elements) they run the scalar float32
// functions of package mathf. Results depend only on the inputs.
//
// It imports internal/mathf only.
package vecf

import "github.com/latent-go/latent/internal/mathf"

// Sigmoid sets y[i] = 1/(1+exp(-x[i])).
func Sigmoid(x, y []float32) {
	n := 0
	if haveAVX512 && len(x) >= 16 {
		n = len(x) &^ 15
		sigmoidAVX512(&x[0], &y[0], n)
	}
	for i := n; i < len(x); i++ {
		y[i] = mathf.Sigmoid(x[i])
	}
}

// BCELogits computes binary cross-entropy from logits z, their sigmoids p
// and targets y: it returns Σ max(z,0) - z*y + log1p(exp(-|z|)) (as
// -log(p) or -log(1-p), whichever argument is at least 1/2), and, when g
// is not nil, sets g[i] = (p[i]-y[i])*scale, the gradient with respect to z.
func BCELogits(z, p, y, g []float32, scale float32) float64 {
	n := 0
	var sum float64
	if haveAVX512 && len(z) >= 16 && g != nil {
		n = len(z) &^ 15
		var lanes [16]float32
		bceAVX512(&z[0], &p[0], &y[0], &g[0], n, scale, &lanes[0])
		for _, v := range lanes {
			sum += float64(v)
		}
	}
	for i := n; i < len(z); i++ {
		zi, yi, q := z[i], y[i], p[i]
		if zi < 0 {
			q = 1 - q
		}
		sum += float64(max(zi, 0) - zi*yi - mathf.Log(q))
		if g != nil {
			g[i] = (p[i] - yi) * scale
		}
	}
	return sum
}
