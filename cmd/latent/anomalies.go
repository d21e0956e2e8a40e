package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/latent-go/latent/anomaly"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/figure"
	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/internal/atomic"
	"github.com/latent-go/latent/model"
)

// anomaliesReport is what latent anomalies --json prints.
type anomaliesReport struct {
	Rule      string   `json:"rule"`
	Threshold float64  `json:"threshold"`
	N         int      `json:"n"`
	Flagged   int      `json:"flagged"`
	AUC       *float64 `json:"auc,omitempty"`
	// Worst are the worst-reconstructed samples, up to five.
	Worst []worstSample `json:"worst"`
}

func cmdAnomalies(args []string, stdout, stderr io.Writer) error {
	u := newUseFlags("anomalies")
	*u.out = "anomalies"
	u.fs.Lookup("out").Usage = "output folder for scores.csv and the figures"
	u.fs.Lookup("out").DefValue = "anomalies"
	threshold := u.fs.String("threshold", "p99", "rule: max, pNN (a percentile of the training errors, such as p99) or contamination=F")
	labels := u.fs.String("labels", "", "the truth (1 = anomaly): a CSV column, a file of one label per line, or class=NAME[,NAME] for the input's own classes")
	fit := u.fs.String("fit", "", "take the normal errors from this data instead of the model file's training errors")
	asJSON := u.fs.Bool("json", false, "print the report as one JSON object")
	modelPath, input, err := u.parse(args, stdout)
	if err != nil {
		return helpIsNotAnError(err)
	}
	rule, err := anomaly.ParseRule(*threshold)
	if err != nil {
		return usageErr("%v", err)
	}
	column := ""
	if labelsIsColumn(*labels) {
		column = *labels
		if *u.label != "" {
			return usageErr("--labels names the CSV column already; leave out --label")
		}
		*u.label = column
	}
	m, src, err := openModelAndInput(modelPath, input, u, false, stderr)
	if err != nil {
		return err
	}
	truth, err := readTruth(*labels, column, src)
	if err != nil {
		return err
	}
	normal := m.Errors
	if *fit != "" {
		fitSrc, err := infer.OpenInput(*fit, m.Network().Inputs()[0].Shape(), u.inputOptions(m, *fit, stderr, false))
		if err != nil {
			return err
		}
		if normal, err = m.FitNormal(fitSrc, *u.batch); err != nil {
			return err
		}
	}
	det, err := m.Detect(src, rule, normal, truth, *u.batch)
	if err != nil {
		return err
	}
	if err := writeDetection(*u.out, m, src, det, truth); err != nil {
		return err
	}
	worst, err := worstSamples(src, det.Scores, 5)
	if err != nil {
		return err
	}
	rep := anomaliesReport{Rule: rule.String(), Threshold: det.Threshold, N: len(det.Scores), Flagged: det.Flagged, AUC: det.AUC, Worst: worst}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(rep)
	}
	fmt.Fprintf(stdout, "rule %s: threshold %.6g; %d of %d samples flagged\n", rep.Rule, rep.Threshold, rep.Flagged, rep.N)
	fmt.Fprintf(stdout, "the worst: %s\n", formatWorst(worst))
	if det.AUC != nil {
		fmt.Fprintf(stdout, "ROC AUC against the labels: %.4f\n", *det.AUC)
	}
	fmt.Fprintf(stdout, "scores and figures written to %s/\n", *u.out)
	return nil
}

// labelsIsColumn says whether --labels names a CSV column: neither a
// class list nor an existing file.
func labelsIsColumn(s string) bool {
	if s == "" || strings.HasPrefix(s, "class=") {
		return false
	}
	_, err := os.Stat(s)
	return err != nil
}

// readTruth reads which samples are anomalies, or nil without --labels.
func readTruth(spec, column string, src data.Source) ([]bool, error) {
	if spec == "" {
		return nil, nil
	}
	labels, classes := data.LabelsOf(src)
	switch {
	case column != "":
		return ones(labels, classes)
	case strings.HasPrefix(spec, "class="):
		if labels == nil {
			return nil, fmt.Errorf("--labels %s: the input has no classes", spec)
		}
		var want []int
		for _, name := range strings.Split(strings.TrimPrefix(spec, "class="), ",") {
			i := slices.Index(classes, name)
			if i < 0 {
				return nil, fmt.Errorf("--labels %s: no class %q (the classes are: %s)", spec, name, strings.Join(classes, ", "))
			}
			want = append(want, i)
		}
		truth := make([]bool, len(labels))
		for i, l := range labels {
			truth[i] = slices.Contains(want, l)
		}
		return truth, nil
	}
	return readLabelFile(spec, src.Len())
}

// ones is the truth of a 0/1 label column.
func ones(labels []int, classes []string) ([]bool, error) {
	truth := make([]bool, len(labels))
	for i, l := range labels {
		switch classes[l] {
		case "0":
		case "1":
			truth[i] = true
		default:
			return nil, fmt.Errorf("the label column holds %q; anomaly labels are 0 or 1", classes[l])
		}
	}
	return truth, nil
}

// readLabelFile reads one 0 or 1 per line.
func readLabelFile(path string, n int) ([]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var truth []bool
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		v, err := strconv.Atoi(s)
		if err != nil || (v != 0 && v != 1) {
			return nil, fmt.Errorf("%s: line %d: %q is not 0 or 1", path, line, s)
		}
		truth = append(truth, v == 1)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(truth) != n {
		return nil, fmt.Errorf("%s holds %d labels for %d samples", path, len(truth), n)
	}
	return truth, nil
}

// writeDetection writes scores.csv, histogram.png, worst.png (grey images
// only) and, with the truth, roc.png.
func writeDetection(dir string, m *infer.Model, src data.Source, det *infer.Detection, truth []bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	scores, err := scoresCSV(src, det, truth)
	if err != nil {
		return err
	}
	if err := atomic.WriteBytes(filepath.Join(dir, "scores.csv"), []byte(scores), 0o644); err != nil {
		return err
	}
	title := fmt.Sprintf("%d samples, %d flagged (%s)", len(det.Scores), det.Flagged, det.Rule)
	if err := figure.Histogram(filepath.Join(dir, "histogram.png"), title, det.Scores, det.Threshold); err != nil {
		return err
	}
	if det.AUC != nil {
		if err := figure.ROC(filepath.Join(dir, "roc.png"), "ROC of the reconstruction error", det.FPR, det.TPR, *det.AUC); err != nil {
			return err
		}
	}
	return drawWorst(filepath.Join(dir, "worst.png"), m, src, det.Scores)
}

// scoresCSV is scores.csv: each sample's index, its keys when the input
// has some (a CSV's ignored columns: an id, a name), its score, whether it
// is flagged and, with the truth, its label.
func scoresCSV(src data.Source, det *infer.Detection, truth []bool) (string, error) {
	keyed, hasKeys := data.KeyedOf(src)
	var b strings.Builder
	b.WriteString("index")
	if hasKeys {
		b.WriteString("," + data.CSVFields(keyed.KeyColumns()))
	}
	b.WriteString(",score,anomaly")
	if truth != nil {
		b.WriteString(",label")
	}
	b.WriteString("\n")
	for i, s := range det.Scores {
		fmt.Fprintf(&b, "%d", i)
		if hasKeys {
			keys, err := keyed.Keys(i)
			if err != nil {
				return "", err
			}
			b.WriteString("," + data.CSVFields(keys))
		}
		fmt.Fprintf(&b, ",%s,%d", strconv.FormatFloat(s, 'g', -1, 64), boolInt(det.Flags[i]))
		if truth != nil {
			fmt.Fprintf(&b, ",%d", boolInt(truth[i]))
		}
		b.WriteString("\n")
	}
	return b.String(), nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// drawWorst draws the ten worst-reconstructed inputs over their
// reconstructions, for grey images.
func drawWorst(path string, m *infer.Model, src data.Source, scores []float64) error {
	h, w, ok := figure.GreyImage(m.Network().Inputs()[0].Shape())
	if !ok {
		return nil
	}
	order := worstOrder(scores, 10)
	x, err := data.ReadAll(data.Rows(m.Scaled(src), order))
	if err != nil {
		return err
	}
	r, err := model.Reconstruct(m, x, 256)
	if err != nil {
		return err
	}
	rows := [][][]float32{nil, nil}
	for i := range order {
		rows[0] = append(rows[0], x.Row(i))
		rows[1] = append(rows[1], r.Row(i))
	}
	return figure.ImageRows(path, rows, h, w, 3, figure.Gray)
}
