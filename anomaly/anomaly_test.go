package anomaly_test

import (
	"math"
	"testing"

	"github.com/latent-go/latent/anomaly"
)

// TestRules checks the three rules on constructed scores: training scores
// 1..1000, and an input whose scores are 1..100.
func TestRules(t *testing.T) {
	train := make([]float64, 1000)
	for i := range train {
		train[i] = float64(i + 1)
	}
	normal := anomaly.NewDistribution(train)
	input := make([]float64, 100)
	for i := range input {
		input[i] = float64(i + 1)
	}
	for rule, want := range map[string]float64{
		"max":                1000,
		"p99":                990.01, // NumPy: percentile(1..1000, 99) = 1 + 0.99*999
		"p50":                500.5,
		"p100":               1000,
		"contamination=0.1":  90.1, // percentile(1..100, 90) = 1 + 0.9*99
		"contamination=0.05": 95.05,
	} {
		r, err := anomaly.ParseRule(rule)
		if err != nil {
			t.Fatal(err)
		}
		th, err := r.Threshold(&normal, input)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(th-want) > 1e-9 {
			t.Errorf("%s: threshold %v, want %v", rule, th, want)
		}
	}
	r, _ := anomaly.ParseRule("contamination=0.1")
	th, _ := r.Threshold(nil, input)
	flagged := 0
	for _, f := range anomaly.Flags(input, th) {
		if f {
			flagged++
		}
	}
	if flagged != 10 {
		t.Errorf("contamination 0.1 of 100 flags %d", flagged)
	}
	if r, _ := anomaly.ParseRule("max"); true {
		if _, err := r.Threshold(nil, input); err == nil {
			t.Error("max without training errors accepted")
		}
	}
	for _, bad := range []string{"p0", "p101", "contamination=0.7", "contamination=x", "median", "pxx"} {
		if _, err := anomaly.ParseRule(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	// The stored distribution survives its JSON.
	back, err := anomaly.ParseDistribution(normal.JSON())
	if err != nil || back.Quantile(0.99) != normal.Quantile(0.99) {
		t.Errorf("round trip: %v", err)
	}
}

// TestROC: scores that rank every anomaly first give AUC 1; the worked
// example of scikit-learn's roc_auc_score documentation gives 0.75; ties
// count half.
func TestROC(t *testing.T) {
	_, _, auc, _ := anomaly.ROC([]float64{0.9, 0.8, 0.1, 0.2}, []bool{true, true, false, false})
	if auc != 1 {
		t.Errorf("perfect ranking: AUC %v", auc)
	}
	_, _, auc, _ = anomaly.ROC([]float64{0.1, 0.4, 0.35, 0.8}, []bool{false, false, true, true})
	if auc != 0.75 {
		t.Errorf("scikit-learn's example: AUC %v, want 0.75", auc)
	}
	fpr, tpr, auc, _ := anomaly.ROC([]float64{1, 1}, []bool{true, false})
	if auc != 0.5 || len(fpr) != 2 || tpr[1] != 1 {
		t.Errorf("a tie: AUC %v, curve %v %v", auc, fpr, tpr)
	}
	if _, _, _, err := anomaly.ROC([]float64{1, 2}, []bool{true, true}); err == nil {
		t.Error("no normal samples accepted")
	}
}
