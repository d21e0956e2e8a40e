package data

import (
	"bytes"
	"fmt"
	"strings"
)

// Missing values of a CSV file: a field that is empty or says NA, N/A,
// NaN, null, None or ? (in any case). Without a fill they are an error;
// with one (CSVOptions.Missing or Fill) each becomes its feature's fill:
// the column's mean over the file's present values, zero, or the values
// given (a model's, fitted on its training data, for the data it is used
// on later).

// missingValues is what a CSV knows of its missing values.
type missingValues struct {
	allowed bool
	count   int       // missing values in the file
	sums    []float64 // by feature: the sum and count of the present values
	counts  []int
	fill    []float32 // by feature, once the file is scanned
}

// checkMissing refuses an unknown rule.
func checkMissing(opt CSVOptions) error {
	switch opt.Missing {
	case "", "mean", "zero":
		return nil
	}
	return fmt.Errorf("unknown rule for missing values %q (known: mean, zero)", opt.Missing)
}

// start readies the sums and counts of rows of features values, which
// only a fill by the mean needs.
func (m *missingValues) start(features int, opt CSVOptions) {
	m.allowed = opt.Missing != "" || opt.Fill != nil
	if opt.Missing == "mean" && opt.Fill == nil {
		m.sums, m.counts = make([]float64, features), make([]int, features)
	}
}

// scanValues checks one row's feature values, counting the missing ones
// and, for a fill by the mean, summing the others by feature.
func (c *CSV) scanValues(fields [][]byte, line int) error {
	k := 0
	for j, f := range fields {
		if c.skip[j] {
			continue
		}
		if isMissing(fieldBytes(f)) {
			if !c.missing.allowed {
				return c.errorf(line, j+1, "%s (--missing mean or --missing zero fills missing values)", missingError(field(f)))
			}
			c.missing.count++
			k++
			continue
		}
		v, err := parseValue(f)
		if err != nil {
			return c.errorf(line, j+1, "%v%s", err, c.ignoreHint(j, len(c.starts) == 0))
		}
		if c.missing.sums != nil {
			c.missing.sums[k] += float64(v)
			c.missing.counts[k]++
		}
		k++
	}
	return nil
}

// missingError says what is wrong with a missing value s when nothing
// fills it.
func missingError(s string) string {
	switch {
	case s == "":
		return "the value is empty"
	case strings.EqualFold(s, "nan"):
		return fmt.Sprintf("%q: NaN and infinite values are not allowed", s)
	}
	return fmt.Sprintf("%q is a missing value", s)
}

// settle sets the fill of each feature once the file is scanned.
func (m *missingValues) settle(c *CSV, opt CSVOptions) error {
	switch {
	case opt.Fill != nil:
		if len(opt.Fill) != c.cols {
			return fmt.Errorf("%s: %d fill values for missing values, but the file has %d features", c.path, len(opt.Fill), c.cols)
		}
		m.fill = opt.Fill
	case opt.Missing == "mean":
		m.fill = make([]float32, c.cols)
		for k, n := range m.counts {
			if n == 0 {
				return fmt.Errorf("%s: column %s has no values to take the mean of (leave it out with --ignore)", c.path, c.columnName(c.featureColumn(k)))
			}
			m.fill[k] = float32(m.sums[k] / float64(n))
		}
	case opt.Missing == "zero":
		m.fill = make([]float32, c.cols)
	}
	m.sums, m.counts = nil, nil
	return nil
}

// value is feature k's value in field f: the number, or the fill of a
// missing value.
func (c *CSV) value(f []byte, k int) (float32, error) {
	if c.missing.fill != nil && k < len(c.missing.fill) && isMissing(fieldBytes(f)) {
		return c.missing.fill[k], nil
	}
	return parseValue(f)
}

// isMissing says whether a field's text marks a missing value.
func isMissing(b []byte) bool {
	if len(b) > 4 {
		return false // a number, mostly: no allocation, no comparisons
	}
	for _, m := range missingMarks {
		if bytes.EqualFold(b, m) {
			return true
		}
	}
	return false
}

// missingMarks are the texts of a missing value besides the empty one.
var missingMarks = [][]byte{[]byte(""), []byte("na"), []byte("n/a"), []byte("nan"), []byte("null"), []byte("none"), []byte("?")}

// Fill is the value each feature's missing values become; nil when the
// file was opened without a fill.
func (c *CSV) Fill() []float32 { return c.missing.fill }

// MissingCount is how many missing values the file holds.
func (c *CSV) MissingCount() int { return c.missing.count }

// FillOf is s's fill of missing values and how many it filled, when s is
// a CSV file opened with a fill (or a view of one); nil and 0 otherwise.
func FillOf(s Source) ([]float32, int) {
	switch t := s.(type) {
	case *CSV:
		return t.Fill(), t.MissingCount()
	case *reshaped:
		return FillOf(t.Source)
	}
	return nil, 0
}
