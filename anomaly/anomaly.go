// Package anomaly flags the inputs a model reconstructs badly, as PyOD's
// detectors do: raw scores (each sample's reconstruction error under the
// model's own loss) are kept apart from the threshold rule that turns them
// into flags. A training run stores the distribution of its training
// data's scores in the model file, so that a rule needs no training data
// later.
//
// It imports nothing of latent: the scores come from train.PerSample.
package anomaly

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Distribution is the distribution of scores of normal data: the number
// of samples and the quantiles at 0, 0.1%, 0.2%, ..., 100% (1001 values,
// the last being the largest score).
type Distribution struct {
	N         int       `json:"n"`
	Quantiles []float64 `json:"quantiles"`
}

// quantileSteps is the number of steps between stored quantiles.
const quantileSteps = 1000

// NewDistribution summarizes scores.
func NewDistribution(scores []float64) Distribution {
	s := slices.Clone(scores)
	slices.Sort(s)
	d := Distribution{N: len(s), Quantiles: make([]float64, quantileSteps+1)}
	for i := range d.Quantiles {
		d.Quantiles[i] = percentile(s, float64(i)/quantileSteps)
	}
	return d
}

// Quantile is the score below which the fraction q of the samples lie,
// interpolated between the stored quantiles.
func (d Distribution) Quantile(q float64) float64 {
	pos := float64(q * quantileSteps)
	lo := int(math.Floor(pos))
	if lo >= quantileSteps {
		return d.Quantiles[quantileSteps]
	}
	f := pos - float64(lo)
	return float64(d.Quantiles[lo]*(1-f)) + float64(d.Quantiles[lo+1]*f)
}

// JSON is the distribution as stored in a model file.
func (d Distribution) JSON() string {
	b, _ := json.Marshal(d)
	return string(b)
}

// ParseDistribution reads a stored distribution.
func ParseDistribution(s string) (Distribution, error) {
	var d Distribution
	if err := json.Unmarshal([]byte(s), &d); err != nil || len(d.Quantiles) != quantileSteps+1 || d.N <= 0 {
		return Distribution{}, fmt.Errorf("the stored distribution of training errors is damaged")
	}
	return d, nil
}

// percentile is NumPy's percentile (linear interpolation) of sorted
// values at the fraction q.
func percentile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	pos := float64(q * float64(len(sorted)-1))
	lo := int(math.Floor(pos))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(lo)
	return sorted[lo] + float64((sorted[lo+1]-sorted[lo])*f)
}

// Rule turns scores into flags: a score above the threshold is an
// anomaly.
type Rule struct {
	// Kind is "max" (the largest training score), "percentile" (of the
	// training scores) or "contamination" (the fraction of the input
	// expected to be anomalous, PyOD's convention).
	Kind  string
	Value float64 // the percentile (0-100) or the contamination (0-0.5]
}

// ParseRule reads a --threshold value: max, pNN (p99, p99.5) or
// contamination=F.
func ParseRule(s string) (Rule, error) {
	switch {
	case s == "max":
		return Rule{Kind: "max"}, nil
	case strings.HasPrefix(s, "p"):
		v, err := strconv.ParseFloat(s[1:], 64)
		if err != nil || !(v > 0 && v <= 100) {
			return Rule{}, fmt.Errorf("threshold %q: pNN needs a percentile above 0 and at most 100, such as p99", s)
		}
		return Rule{Kind: "percentile", Value: v}, nil
	case strings.HasPrefix(s, "contamination="):
		v, err := strconv.ParseFloat(strings.TrimPrefix(s, "contamination="), 64)
		if err != nil || !(v > 0 && v <= 0.5) {
			return Rule{}, fmt.Errorf("threshold %q: the contamination is a fraction above 0 and at most 0.5, such as contamination=0.1", s)
		}
		return Rule{Kind: "contamination", Value: v}, nil
	}
	return Rule{}, fmt.Errorf("unknown threshold rule %q (max, pNN such as p99, or contamination=F)", s)
}

// String reads like the --threshold value.
func (r Rule) String() string {
	switch r.Kind {
	case "percentile":
		return "p" + strconv.FormatFloat(r.Value, 'g', -1, 64)
	case "contamination":
		return "contamination=" + strconv.FormatFloat(r.Value, 'g', -1, 64)
	}
	return r.Kind
}

// Threshold is the rule's threshold: from the normal data's distribution
// for max and pNN, from the scores themselves for a contamination (as
// PyOD: the 100·(1-F) percentile of the scores).
func (r Rule) Threshold(normal *Distribution, scores []float64) (float64, error) {
	switch r.Kind {
	case "contamination":
		if len(scores) == 0 {
			return 0, fmt.Errorf("no scores")
		}
		s := slices.Clone(scores)
		slices.Sort(s)
		return percentile(s, 1-r.Value), nil
	case "max", "percentile":
		if normal == nil {
			return 0, fmt.Errorf("the rule %s needs the training errors: this model file holds none, so pass --fit with normal data or use contamination=F", r)
		}
		if r.Kind == "max" {
			return normal.Quantiles[quantileSteps], nil
		}
		return normal.Quantile(r.Value / 100), nil
	}
	return 0, fmt.Errorf("unknown rule %q", r.Kind)
}

// Flags marks the scores above threshold.
func Flags(scores []float64, threshold float64) []bool {
	out := make([]bool, len(scores))
	for i, s := range scores {
		out[i] = s > threshold
	}
	return out
}

// ROC is the receiver operating characteristic of scores against labels
// (true: an anomaly): the false and true positive rates at every distinct
// threshold, from the highest score down, and the area under the curve
// (ties counted half, as scikit-learn's roc_auc_score).
func ROC(scores []float64, anomalous []bool) (fpr, tpr []float64, auc float64, err error) {
	var pos, neg float64
	for _, a := range anomalous {
		if a {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return nil, nil, 0, fmt.Errorf("the labels need both anomalies and normal samples (%g and %g)", pos, neg)
	}
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return -cmpFloat(scores[a], scores[b]) })
	fpr, tpr = []float64{0}, []float64{0}
	var tp, fp float64
	for i := 0; i < len(order); {
		j := i
		for j < len(order) && scores[order[j]] == scores[order[i]] {
			if anomalous[order[j]] {
				tp++
			} else {
				fp++
			}
			j++
		}
		fpr, tpr = append(fpr, fp/neg), append(tpr, tp/pos)
		i = j
	}
	for k := 1; k < len(fpr); k++ {
		auc += float64((fpr[k] - fpr[k-1]) * (tpr[k] + tpr[k-1]) / 2)
	}
	return fpr, tpr, auc, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
