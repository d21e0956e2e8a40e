package data

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/latent-go/latent/tensor"
)

// Scaler is the transform a model's inputs go through: each value x of
// feature j becomes (x - Shift[j]) * Mul[j]. It is fitted on the training
// data only and saved in the model file, so that every later use of the
// model (encode, reconstruct, anomalies) transforms its inputs the same
// way, and decoded outputs are mapped back to the data's units.
type Scaler struct {
	// Kind is "none", "max" (x / Max), "minmax" (to [0, 1] per feature)
	// or "standard" (zero mean and unit variance per feature).
	Kind  string    `json:"kind"`
	Max   float64   `json:"max,omitempty"`
	Shift []float32 `json:"shift,omitempty"`
	Mul   []float32 `json:"mul,omitempty"`
}

// ParseScale reads a --scale value: none, max=V, minmax or standard.
func ParseScale(s string) (Scaler, error) {
	switch {
	case s == "" || s == "none":
		return Scaler{Kind: "none"}, nil
	case s == "minmax" || s == "standard":
		return Scaler{Kind: s}, nil
	case strings.HasPrefix(s, "max="):
		v, err := strconv.ParseFloat(s[4:], 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return Scaler{}, fmt.Errorf("scale %q: max=V needs a positive number V", s)
		}
		return Scaler{Kind: "max", Max: v}, nil
	}
	return Scaler{}, fmt.Errorf("unknown scale %q (none, max=V, minmax or standard)", s)
}

// Identity says whether the scaler leaves values as they are.
func (s Scaler) Identity() bool { return s.Kind == "" || s.Kind == "none" }

// String reads like the --scale value, with what was fitted.
func (s Scaler) String() string {
	switch s.Kind {
	case "max":
		return fmt.Sprintf("max=%g", s.Max)
	case "", "none":
		return "none"
	}
	return s.Kind + " (fitted on the training data)"
}

// Fit computes the per-feature shift and factor from src (a pass in
// batches, so src may be larger than memory). A constant feature keeps
// the factor 1.
func (s *Scaler) Fit(src Source) error {
	d := tensor.Size(src.Shape())
	switch s.Kind {
	case "", "none":
		s.Kind = "none"
		return nil
	case "max":
		s.Shift, s.Mul = make([]float32, d), make([]float32, d)
		for j := range s.Mul {
			s.Mul[j] = float32(1 / s.Max)
		}
		return nil
	}
	lo, hi := make([]float64, d), make([]float64, d)
	sum, sq := make([]float64, d), make([]float64, d)
	for j := range lo {
		lo[j], hi[j] = math.Inf(1), math.Inf(-1)
	}
	err := EachBatch(src, 1024, func(x []float32, rows int) {
		for r := 0; r < rows; r++ {
			for j, v := range x[r*d : (r+1)*d] {
				f := float64(v)
				lo[j], hi[j] = min(lo[j], f), max(hi[j], f)
				sum[j] += f
				sq[j] += float64(f * f)
			}
		}
	})
	if err != nil {
		return err
	}
	n := float64(src.Len())
	s.Shift, s.Mul = make([]float32, d), make([]float32, d)
	for j := range s.Mul {
		spread := hi[j] - lo[j]
		s.Shift[j] = float32(lo[j])
		if s.Kind == "standard" {
			mean := sum[j] / n
			spread = math.Sqrt(max(sq[j]/n-float64(mean*mean), 0))
			s.Shift[j] = float32(mean)
		}
		s.Mul[j] = 1
		if spread > 0 {
			s.Mul[j] = float32(1 / spread)
		}
	}
	return nil
}

// Apply transforms rows of values in place (len(x) a multiple of the
// feature count).
func (s Scaler) Apply(x []float32) {
	if s.Identity() {
		return
	}
	d := len(s.Mul)
	for i := range x {
		x[i] = (x[i] - s.Shift[i%d]) * s.Mul[i%d]
	}
}

// Invert maps transformed rows back to the data's units, in place.
func (s Scaler) Invert(x []float32) {
	if s.Identity() {
		return
	}
	d := len(s.Mul)
	for i := range x {
		x[i] = x[i]/s.Mul[i%d] + s.Shift[i%d]
	}
}

// Check says whether the scaler fits samples of shape.
func (s Scaler) Check(shape []int) error {
	if !s.Identity() && len(s.Mul) != tensor.Size(shape) {
		return fmt.Errorf("the scaler was fitted on %d features, the data has %d", len(s.Mul), tensor.Size(shape))
	}
	return nil
}

// Scale is src seen through the scaler.
func Scale(src Source, s Scaler) Source {
	if s.Identity() {
		return src
	}
	return &scaled{Source: src, s: s}
}

type scaled struct {
	Source
	s Scaler
}

func (c *scaled) Read(dst []float32, rows []int) error {
	if err := c.Source.Read(dst, rows); err != nil {
		return err
	}
	c.s.Apply(dst)
	return nil
}

// Labels passes the labels of the source through, when it has them.
func (c *scaled) Labels() []int { l, _ := LabelsOf(c.Source); return l }

// Classes passes the class names through.
func (c *scaled) Classes() []string { _, cl := LabelsOf(c.Source); return cl }

// EachBatch calls fn with src's samples in order, up to batch rows at a
// time: their values, one sample after the other, and the row count. The
// slice is reused between calls.
func EachBatch(src Source, batch int, fn func(x []float32, rows int)) error {
	var x tensor.Tensor
	for lo := 0; lo < src.Len(); lo += batch {
		if err := ReadBatch(src, &x, Span(lo, min(lo+batch, src.Len()))); err != nil {
			return err
		}
		fn(x.Data, x.Rows())
	}
	return nil
}
