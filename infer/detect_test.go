package infer_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/latent-go/latent/anomaly"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/tensor"
)

// withOutliers is src's 300 samples with 10 of them (every 30th) moved
// far off, and which those are.
func withOutliers(t *testing.T, src data.Source) (data.Source, []bool) {
	t.Helper()
	x, err := data.ReadAll(src)
	if err != nil {
		t.Fatal(err)
	}
	x = x.Clone()
	truth := make([]bool, x.Rows())
	for i := 0; i < x.Rows(); i += 30 {
		truth[i] = true
		for j := range x.Row(i) {
			x.Row(i)[j] += 40
		}
	}
	return data.FromTensor(x, nil, nil), truth
}

// TestDetectFlagsTheOutliers: with a contamination of 10 in 300, the
// detector flags exactly the 10 samples moved far off (they reconstruct
// worst), and the ROC curve it computes from the truth has an area of 1;
// a threshold from the normal samples' errors (FitNormal, max) flags them
// too, and none of the normal samples.
func TestDetectFlagsTheOutliers(t *testing.T) {
	path, src := saved(t, "none")
	m, err := infer.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mixed, truth := withOutliers(t, src)
	rule, _ := anomaly.ParseRule("contamination=0.0333")
	d, err := m.Detect(mixed, rule, nil, truth, 64)
	if err != nil {
		t.Fatal(err)
	}
	if d.AUC == nil || *d.AUC != 1 || len(d.FPR) == 0 || len(d.FPR) != len(d.TPR) {
		t.Fatalf("ROC: area %v, %d and %d points", d.AUC, len(d.FPR), len(d.TPR))
	}
	flaggedAsTruth(t, "contamination", d, truth)
	normal, err := m.FitNormal(src, 64)
	if err != nil {
		t.Fatal(err)
	}
	rule, _ = anomaly.ParseRule("max")
	d, err = m.Detect(mixed, rule, normal, nil, 64)
	if err != nil {
		t.Fatal(err)
	}
	if d.AUC != nil {
		t.Fatalf("an ROC area without the truth: %v", *d.AUC)
	}
	flaggedAsTruth(t, "max of the normal errors", d, truth)
}

// flaggedAsTruth fails unless d flags exactly the true anomalies.
func flaggedAsTruth(t *testing.T, what string, d *infer.Detection, truth []bool) {
	t.Helper()
	want := 0
	for i, f := range d.Flags {
		if f != truth[i] {
			t.Fatalf("%s: sample %d flagged %v (score %v, threshold %v)", what, i, f, d.Scores[i], d.Threshold)
		}
		if truth[i] {
			want++
		}
	}
	if d.Flagged != want {
		t.Fatalf("%s: %d flagged, want %d", what, d.Flagged, want)
	}
}

// TestDetectRefusesWhatItCannotUse: labels that do not match the samples
// one for one, and a rule that needs the training errors of a model file
// that holds none, are errors that say so.
func TestDetectRefusesWhatItCannotUse(t *testing.T) {
	path, src := saved(t, "none")
	m, err := infer.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	rule, _ := anomaly.ParseRule("contamination=0.1")
	if _, err := m.Detect(src, rule, nil, make([]bool, 7), 64); err == nil || !strings.Contains(err.Error(), "7 labels for 300 samples") {
		t.Fatalf("7 labels: %v", err)
	}
	rule, _ = anomaly.ParseRule("p99")
	if _, err := m.Detect(src, rule, m.Errors, nil, 64); err == nil || !strings.Contains(err.Error(), "training errors") {
		t.Fatalf("p99 without training errors: %v", err)
	}
}

// TestReconstructionErrors: the mean squared error is the mean of the
// per-sample scores of a model trained with it; the cross-entropy is
// given for data in [0, 1] only.
func TestReconstructionErrors(t *testing.T) {
	path, src := saved(t, "none")
	m, err := infer.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := infer.ReconstructionErrors(m.Model, src, 64)
	if err != nil {
		t.Fatal(err)
	}
	scores, err := m.Scores(src, 64)
	if err != nil {
		t.Fatal(err)
	}
	var mean float64
	for _, s := range scores {
		mean += s / float64(len(scores))
	}
	if math.Abs(e.MSE-mean) > 1e-5*mean || e.BCE != nil {
		t.Fatalf("MSE %v against the scores' mean %v; BCE %v on data outside [0, 1]", e.MSE, mean, e.BCE)
	}
	unit := tensor.New(20, 6)
	for i := range unit.Data {
		unit.Data[i] = float32(i%7) / 6
	}
	e, err = infer.ReconstructionErrors(m.Model, data.FromTensor(unit, nil, nil), 8)
	if err != nil {
		t.Fatal(err)
	}
	if e.BCE == nil || !(*e.BCE > 0) || !(e.MSE > 0) {
		t.Fatalf("on data in [0, 1]: %+v", e)
	}
}

// TestOpenInput: a CSV file of the model's width opens in its shape; one
// of another width, and a built-in dataset's unknown split, are refused
// with errors that say why.
func TestOpenInput(t *testing.T) {
	dir := t.TempDir()
	fits, misfits := filepath.Join(dir, "six.csv"), filepath.Join(dir, "five.csv")
	os.WriteFile(fits, []byte("a,b,c,d,e,f\n1,2,3,4,5,6\n0,0,0,0,0,1\n"), 0o644)
	os.WriteFile(misfits, []byte("a,b,c,d,e\n1,2,3,4,5\n"), 0o644)
	src, err := infer.OpenInput(fits, []int{6}, infer.InputOptions{})
	if err != nil || src.Len() != 2 {
		t.Fatalf("a CSV of 6 columns: %v", err)
	}
	if _, err := infer.OpenInput(misfits, []int{6}, infer.InputOptions{}); err == nil || !strings.Contains(err.Error(), "do not fit the model's input") {
		t.Fatalf("a CSV of 5 columns for 6 inputs: %v", err)
	}
	opt := infer.InputOptions{Data: data.Options{NoDownload: true}}
	if _, err := infer.OpenInput("mnist:validation", []int{784}, opt); err == nil || !strings.Contains(err.Error(), "the splits are mnist:train and mnist:test") {
		t.Fatalf("mnist:validation: %v", err)
	}
}
