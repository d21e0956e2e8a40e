package pca_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/pca"
	"github.com/latent-go/latent/tensor"
)

// TestByHand fits four points whose covariance is diag(8/3, 2/3) (worked
// out by hand: mean 0, Σx² = 8 and Σy² = 2 over n-1 = 3): the first
// component is the x axis and explains 0.8 of the variance; a point is
// encoded as its x and reconstructed on the axis.
func TestByHand(t *testing.T) {
	x := tensor.FromSlice([]float32{2, 0, 0, 1, -2, 0, 0, -1}, 4, 2)
	p, ratio, err := pca.Fit(data.FromTensor(x, nil, nil), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(ratio) != 1 || math.Abs(ratio[0]-0.8) > 1e-12 {
		t.Errorf("explained variance ratio %v, want [0.8]", ratio)
	}
	z, _ := model.Encode(p, tensor.FromSlice([]float32{2, 0, 1, 5}, 2, 2), 2)
	if z.Data[0] != 2 || z.Data[1] != 1 {
		t.Errorf("codes %v, want [2 1]", z.Data)
	}
	r, _ := model.Reconstruct(p, tensor.FromSlice([]float32{0, 1, 3, 7}, 2, 2), 2)
	if r.Data[0] != 0 || r.Data[1] != 0 || r.Data[2] != 3 || r.Data[3] != 0 {
		t.Errorf("reconstructions %v, want [0 0 3 0]", r.Data)
	}
	// Both components: an exact reconstruction; the ratios sum to 1.
	p2, ratio2, _ := pca.Fit(data.FromTensor(x, nil, nil), 2)
	r2, _ := model.Reconstruct(p2, x, 4)
	for i := range x.Data {
		if math.Abs(float64(r2.Data[i]-x.Data[i])) > 1e-6 {
			t.Errorf("full reconstruction %v", r2.Data)
		}
	}
	if math.Abs(ratio2[0]+ratio2[1]-1) > 1e-12 || math.Abs(ratio2[1]-0.2) > 1e-12 {
		t.Errorf("ratios %v", ratio2)
	}
}

// TestMatchesGonum compares the variances and components with gonum's
// stat.PC (an SVD of the centred data) on a random correlated matrix.
func TestMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, d, k = 200, 6, 3
	x := tensor.New(n, d)
	raw := make([]float64, n*d)
	for i := 0; i < n; i++ {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		for j := 0; j < d; j++ {
			v := float32(a*float64(j+1) + b*float64(d-j) + 0.3*rng.NormFloat64() + 5)
			x.Data[i*d+j] = v
			raw[i*d+j] = float64(v)
		}
	}
	p, ratio, err := pca.Fit(data.FromTensor(x, nil, nil), k)
	if err != nil {
		t.Fatal(err)
	}
	var pc stat.PC
	if !pc.PrincipalComponents(mat.NewDense(n, d, raw), nil) {
		t.Fatal("stat.PC failed")
	}
	vars := pc.VarsTo(nil)
	var total float64
	for _, v := range vars {
		total += v
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	// The encoder's kernel holds the components as columns.
	kernel := p.Encoder().Weights()[0].Value.Data
	for c := 0; c < k; c++ {
		if math.Abs(ratio[c]-vars[c]/total) > 1e-9 {
			t.Errorf("component %d explains %v, gonum says %v", c, ratio[c], vars[c]/total)
		}
		var dot float64
		for j := 0; j < d; j++ {
			dot += float64(kernel[j*k+c]) * vecs.At(j, c)
		}
		if math.Abs(math.Abs(dot)-1) > 1e-5 {
			t.Errorf("component %d differs from gonum's: |dot| = %v", c, math.Abs(dot))
		}
	}
}

func TestPlanRefuses(t *testing.T) {
	f, _ := model.Lookup("pca")
	for _, a := range []model.Architecture{
		{InputShape: []int{4}, LatentDim: 0},
		{InputShape: []int{4}, LatentDim: 5},
	} {
		if _, err := f.Plan(a); err == nil {
			t.Errorf("%+v planned", a)
		}
	}
	if _, _, err := pca.Fit(data.FromTensor(tensor.New(1, 3), nil, nil), 1); err == nil {
		t.Error("one sample fitted")
	}
}
