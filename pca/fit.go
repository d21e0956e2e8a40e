package pca

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
)

// MaxFeatures bounds the features a PCA is fitted on: the covariance
// matrix is features² float64 values (512 MiB at the limit).
const MaxFeatures = 8192

// Fit fits a PCA of dim components on the samples of src: the mean, then
// the covariance (two passes over src in batches, so src may stream from
// disk), then its top dim eigenvectors. Each component's sign is chosen so
// that its largest entry is positive. It returns the model and the
// fraction of the variance each component explains, largest first.
func Fit(src data.Source, dim int) (*PCA, []float64, error) {
	shape := src.Shape()
	d := 1
	for _, s := range shape {
		d *= s
	}
	if d > MaxFeatures {
		return nil, nil, fmt.Errorf("a PCA of %d features needs a %dx%d covariance; at most %d features are supported", d, d, d, MaxFeatures)
	}
	if src.Len() < 2 {
		return nil, nil, fmt.Errorf("a PCA needs at least 2 samples, got %d", src.Len())
	}
	p, err := build(model.Architecture{InputShape: shape, LatentDim: dim})
	if err != nil {
		return nil, nil, err
	}
	mean, err := means(src, d)
	if err != nil {
		return nil, nil, err
	}
	cov, err := covariance(src, mean)
	if err != nil {
		return nil, nil, err
	}
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		return nil, nil, fmt.Errorf("the covariance's eigendecomposition did not converge")
	}
	values := eig.Values(nil) // ascending
	var vectors mat.Dense
	eig.VectorsTo(&vectors)
	var total float64
	for _, v := range values {
		total += max(v, 0)
	}
	ratio := make([]float64, dim)
	w := mat.NewDense(d, dim, nil)
	for k := 0; k < dim; k++ {
		col := d - 1 - k // largest first
		if total > 0 {
			ratio[k] = max(values[col], 0) / total
		}
		vec := mat.Col(nil, col, &vectors)
		orient(vec)
		w.SetCol(k, vec)
	}
	p.setWeights(w, mean)
	return p, ratio, nil
}

// orient flips v so that its entry of largest magnitude is positive.
func orient(v []float64) {
	big := 0
	for i := range v {
		if math.Abs(v[i]) > math.Abs(v[big]) {
			big = i
		}
	}
	if v[big] < 0 {
		for i := range v {
			v[i] = -v[i]
		}
	}
}

// means is the mean of every feature.
func means(src data.Source, d int) ([]float64, error) {
	sum := make([]float64, d)
	err := data.EachBatch(src, 4096, func(x []float32, rows int) {
		for i, v := range x {
			sum[i%d] += float64(v)
		}
	})
	for i := range sum {
		sum[i] /= float64(src.Len())
	}
	return sum, err
}

// covariance is the sample covariance of src's features around mean.
func covariance(src data.Source, mean []float64) (*mat.SymDense, error) {
	d := len(mean)
	cov := mat.NewSymDense(d, nil)
	err := data.EachBatch(src, 4096, func(x []float32, rows int) {
		centred := make([]float64, len(x))
		for i, v := range x {
			centred[i] = float64(v) - mean[i%d]
		}
		cov.SymRankK(cov, 1, mat.NewDense(rows, d, centred).T())
	})
	cov.ScaleSym(1/float64(src.Len()-1), cov)
	return cov, err
}

// setWeights writes the components w (features × dim) and the mean into
// the encoder (kernel w, bias -mean·w) and the decoder (kernel wᵀ, bias
// mean).
func (p *PCA) setWeights(w *mat.Dense, mean []float64) {
	d, dim := w.Dims()
	enc, dec := denseOf(p.Enc), denseOf(p.Dec)
	ek, eb := enc.Params()[0].Value.Data, enc.Params()[1].Value.Data
	dk, db := dec.Params()[0].Value.Data, dec.Params()[1].Value.Data
	for k := 0; k < dim; k++ {
		var shift float64
		for i := 0; i < d; i++ {
			c := w.At(i, k)
			ek[i*dim+k] = float32(c)
			dk[k*d+i] = float32(c)
			shift += float64(mean[i] * c)
		}
		eb[k] = float32(-shift)
	}
	for i := 0; i < d; i++ {
		db[i] = float32(mean[i])
	}
}

// denseOf is the Dense layer of a PCA's encoder or decoder.
func denseOf(m *nn.Model) *nn.Dense {
	for _, l := range m.Layers() {
		if d, ok := l.(*nn.Dense); ok {
			return d
		}
	}
	panic("pca: a model without its Dense layer")
}
