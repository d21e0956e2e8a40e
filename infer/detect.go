package infer

import (
	"fmt"

	"github.com/latent-go/latent/anomaly"
	"github.com/latent-go/latent/data"
)

// Detection is what a detector finds in some data: each sample's score
// and flag, the rule and its threshold, and, when the truth is known, the
// ROC curve and its area.
type Detection struct {
	Rule      anomaly.Rule
	Threshold float64
	Scores    []float64
	Flags     []bool
	Flagged   int
	// FPR, TPR and AUC are set when the truth was given.
	FPR, TPR []float64
	AUC      *float64
}

// Detect scores src with the model and flags the samples above the
// rule's threshold. normal is the distribution of normal data's scores
// (the model file's training errors, or FitNormal's); anomalous, when not
// nil, says which samples truly are anomalies.
func (m *Model) Detect(src data.Source, rule anomaly.Rule, normal *anomaly.Distribution, anomalous []bool, batch int) (*Detection, error) {
	if anomalous != nil && len(anomalous) != src.Len() {
		return nil, fmt.Errorf("%d labels for %d samples", len(anomalous), src.Len())
	}
	scores, err := m.Scores(src, batch)
	if err != nil {
		return nil, err
	}
	th, err := rule.Threshold(normal, scores)
	if err != nil {
		return nil, err
	}
	d := &Detection{Rule: rule, Threshold: th, Scores: scores, Flags: anomaly.Flags(scores, th)}
	for _, f := range d.Flags {
		if f {
			d.Flagged++
		}
	}
	if anomalous != nil {
		fpr, tpr, auc, err := anomaly.ROC(scores, anomalous)
		if err != nil {
			return nil, err
		}
		d.FPR, d.TPR, d.AUC = fpr, tpr, &auc
	}
	return d, nil
}

// FitNormal is the distribution of the model's scores on normal data, for
// thresholds taken from other data than the training set.
func (m *Model) FitNormal(src data.Source, batch int) (*anomaly.Distribution, error) {
	scores, err := m.Scores(src, batch)
	if err != nil {
		return nil, err
	}
	d := anomaly.NewDistribution(scores)
	return &d, nil
}
