package serve

import (
	"fmt"
	"math"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/figure"
	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/pca"
	"github.com/latent-go/latent/tensor"
)

// points are the samples the explorer scatters, with what the page needs
// to walk the latent space: their codes seen on a plane (the codes
// themselves when they are 2-d, their first two principal components
// otherwise) and the map from the plane back to a code.
type points struct {
	src  data.Source // the samples, in the data's units
	view pointsView
}

// pointsView is GET /v1/points.
type pointsView struct {
	Plane   [][2]float32 `json:"plane"`
	Labels  []int        `json:"labels"`
	Classes []string     `json:"classes"`
	// KeyColumns and Keys name each point in the user's terms: a CSV's
	// ignored columns (an id, a name) and their values; absent without.
	KeyColumns []string   `json:"key_columns,omitempty"`
	Keys       [][]string `json:"keys,omitempty"`
	Errors     []float64  `json:"errors"`
	// A code of the plane's point (u, v) is Origin + u·Axes[0] + v·Axes[1].
	Origin []float32    `json:"origin"`
	Axes   [2][]float32 `json:"axes"`
	// Projection is "identity" for 2-d codes, "pca" otherwise.
	Projection string `json:"projection"`
	// Low and High bound each code dimension over the points (the
	// sliders' ranges).
	Low  []float32 `json:"low"`
	High []float32 `json:"high"`
	// Image is the grey image size of a sample, or nil for other data.
	Image *imageSize `json:"image"`
}

type imageSize struct {
	Height int `json:"height"`
	Width  int `json:"width"`
}

func newPoints(m *infer.Model, src data.Source, max int) (*points, error) {
	src = data.Head(src, max)
	var codes infer.Collector
	if err := m.Encode(src, 256, &codes, nil); err != nil {
		return nil, err
	}
	z := codes.Tensor()
	errs, err := m.Scores(src, 256)
	if err != nil {
		return nil, err
	}
	p := &points{src: src}
	v := &p.view
	v.Labels, v.Classes = data.LabelsOf(src)
	if err := v.readKeys(src); err != nil {
		return nil, err
	}
	v.Errors = errs
	if err := v.project(z.Data, z.Cols()); err != nil {
		return nil, err
	}
	if h, w, ok := figure.GreyImage(m.Network().Inputs()[0].Shape()); ok {
		v.Image = &imageSize{h, w}
	}
	return p, nil
}

// readKeys reads the points' keys, when the data has key columns.
func (v *pointsView) readKeys(src data.Source) error {
	keyed, ok := data.KeyedOf(src)
	if !ok {
		return nil
	}
	v.KeyColumns, v.Keys = keyed.KeyColumns(), make([][]string, src.Len())
	for i := range v.Keys {
		keys, err := keyed.Keys(i)
		if err != nil {
			return err
		}
		v.Keys[i] = keys
	}
	return nil
}

// project puts the codes on the plane.
func (v *pointsView) project(z []float32, d int) error {
	n := len(z) / d
	v.Low, v.High = make([]float32, d), make([]float32, d)
	for j := 0; j < d; j++ {
		v.Low[j], v.High[j] = float32(math.Inf(1)), float32(math.Inf(-1))
	}
	for i, x := range z {
		v.Low[i%d], v.High[i%d] = min(v.Low[i%d], x), max(v.High[i%d], x)
	}
	v.Origin = make([]float32, d)
	if d == 2 {
		v.Projection, v.Axes = "identity", [2][]float32{{1, 0}, {0, 1}}
	} else {
		if n < 3 {
			return fmt.Errorf("the explorer needs at least 3 points to lay out %d-d codes", d)
		}
		p, _, err := pca.Fit(data.FromTensor(tensorOf(z, n, d), nil, nil), 2)
		if err != nil {
			return err
		}
		v.Projection = "pca"
		k := p.Decoder().Weights() // kernel [2, d], bias [d]
		v.Axes = [2][]float32{k[0].Value.Data[:d], k[0].Value.Data[d:]}
		copy(v.Origin, k[1].Value.Data)
		plane, err := model.Encode(p, tensorOf(z, n, d), 256)
		if err != nil {
			return err
		}
		z, d = plane.Data, 2
	}
	v.Plane = make([][2]float32, n)
	for i := range v.Plane {
		v.Plane[i] = [2]float32{z[i*d], z[i*d+1]}
	}
	return nil
}

func tensorOf(z []float32, n, d int) *tensor.Tensor { return tensor.FromSlice(z, n, d) }
