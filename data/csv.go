package data

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"github.com/latent-go/latent/tensor"
)

// CSV is a Source over the rows of a CSV file of numbers: one sample per
// line, an optional header (a first line in which no field is a number),
// optionally one label column and columns to ignore (an id, a name),
// left out of the features. Opening it
// reads the whole file once to check every value and to note where each
// line starts; Read then reads only the lines asked for, so a file larger
// than memory streams through.
type CSV struct {
	path     string
	f        *os.File
	starts   []int64 // byte offset of each sample's line
	lines    []int   // its line number, as an editor counts
	cols     int     // features per sample
	labelCol int     // -1: none
	skip     []bool  // by column: the label and the ignored columns
	header   []string
	missing  missingValues
	labels   []int
	classes  []string
	sep      byte
}

// CSVOptions say how to read a CSV file.
type CSVOptions struct {
	// Label names the label column by its header name or by its index
	// (0 is the first column); empty: no labels.
	Label string
	// Ignore names columns to leave out of the features (an id, a
	// name), as Label names its column.
	Ignore []string
	// Missing says what a missing value (an empty field, NA, N/A, NaN,
	// null, ?) becomes: "mean", its column's mean over the file; "zero";
	// or, empty, nothing: it is an error. Fill, when set, gives the value
	// of each feature instead (a model's, fitted on its training data).
	Missing string
	Fill    []float32
}

// utf8BOM is the byte order mark some programs (spreadsheets) write at
// the start of a UTF-8 CSV file; it is not part of the first field.
var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// maxLineBytes bounds one line of a CSV file.
const maxLineBytes = 1 << 24

// OpenCSV opens and checks a CSV file. Every problem is one error that
// names the file, the line (the header counts) and the column.
func OpenCSV(path string, opt CSVOptions) (*CSV, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	c := &CSV{path: path, f: f, labelCol: -1, sep: separatorOf(path)}
	if err := checkMissing(opt); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := c.scan(opt); err != nil {
		f.Close()
		return nil, err
	}
	return c, nil
}

// scan reads the file once: the header, the label column, and every line's
// start and values, checked.
func (c *CSV) scan(opt CSVOptions) error {
	r := bufio.NewReaderSize(c.f, 1<<16)
	var offset int64
	labelNames := map[string]bool{}
	var rawLabels []string
	var fields [][]byte // reused line after line
	width := -1
	for line := 1; ; line++ {
		text, err := readLine(r)
		if errors.Is(err, io.EOF) && text == nil {
			break
		}
		if err != nil {
			return c.errorf(line, 0, "%v", err)
		}
		if line == 1 && bytes.HasPrefix(text, utf8BOM) {
			text, offset = text[len(utf8BOM):], int64(len(utf8BOM))
		}
		start := offset
		offset += int64(len(text))
		if openQuote(text) {
			return c.errorf(line, 0, "a quoted field is not closed on its line (fields over several lines are not read)")
		}
		fields = appendFields(fields[:0], trimEOL(text), c.sep)
		if len(fields) == 1 && len(fields[0]) == 0 {
			continue // a blank line
		}
		if width < 0 {
			width = len(fields)
			header := isHeader(fields)
			if header {
				c.header = fieldStrings(fields)
			}
			if err := c.chooseColumns(opt, width, line); err != nil {
				return err
			}
			if header {
				continue
			}
		}
		if len(fields) != width {
			return c.errorf(line, 0, "%d columns, but the first line has %d", len(fields), width)
		}
		if err := c.scanValues(fields, line); err != nil {
			return err
		}
		if c.labelCol >= 0 {
			l := field(fields[c.labelCol])
			if l == "" {
				return c.errorf(line, c.labelCol+1, "the label is empty")
			}
			rawLabels = append(rawLabels, l)
			labelNames[l] = true
		}
		c.starts = append(c.starts, start)
		c.lines = append(c.lines, line)
	}
	if len(c.starts) == 0 {
		return fmt.Errorf("%s: no rows of numbers", c.path)
	}
	if err := c.missing.settle(c, opt); err != nil {
		return err
	}
	if c.labelCol >= 0 {
		c.labels, c.classes = labelIndices(rawLabels, labelNames)
	}
	if c.cols == 0 {
		return fmt.Errorf("%s: no feature columns besides the label and the ignored ones", c.path)
	}
	return nil
}

// labelIndices numbers the labels: integer labels keep their value when
// all are small non-negative integers, other labels are numbered in
// sorted order and named.
func labelIndices(raw []string, names map[string]bool) ([]int, []string) {
	out := make([]int, len(raw))
	allInts, top := true, 0
	for i, l := range raw {
		v, err := strconv.Atoi(l)
		if err != nil || v < 0 || v > 1<<20 {
			allInts = false
			break
		}
		out[i], top = v, max(top, v)
	}
	if allInts {
		classes := make([]string, top+1)
		for i := range classes {
			classes[i] = strconv.Itoa(i)
		}
		return out, classes
	}
	var classes []string
	for n := range names {
		classes = append(classes, n)
	}
	sort.Strings(classes)
	index := map[string]int{}
	for i, n := range classes {
		index[n] = i
	}
	for i, l := range raw {
		out[i] = index[l]
	}
	return out, classes
}

// isHeader says whether a first line is a header: none of its fields is a
// number.
func isHeader(fields [][]byte) bool {
	for _, f := range fields {
		if _, err := strconv.ParseFloat(field(f), 64); err == nil {
			return false
		}
	}
	return true
}

// field is a field's text without surrounding spaces and quotes.
func field(f []byte) string {
	s := strings.TrimSpace(string(f))
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimSpace(strings.ReplaceAll(s[1:len(s)-1], `""`, `"`))
	}
	return s
}

// parseValue reads one number, refusing NaN and infinities.
func parseValue(f []byte) (float32, error) {
	b := fieldBytes(f)
	if len(b) == 0 {
		return 0, fmt.Errorf("the value is empty")
	}
	// ParseFloat reads b's bytes in place, without a copy: it keeps
	// nothing of its argument, and the errors below copy it.
	v, err := strconv.ParseFloat(unsafe.String(&b[0], len(b)), 32)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("%q is not a number", field(f))
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q: NaN and infinite values are not allowed", field(f))
	}
	return float32(v), nil
}

// fieldBytes is a field's bytes without the spaces around it and, for a
// quoted field without doubled quotes, without its quotes; a quoted field
// with doubled quotes as field makes it (it is not a number anyway).
func fieldBytes(f []byte) []byte {
	b := bytes.TrimSpace(f)
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		if bytes.Contains(b[1:len(b)-1], []byte{'"'}) {
			return []byte(field(f))
		}
		b = bytes.TrimSpace(b[1 : len(b)-1])
	}
	return b
}

func (c *CSV) errorf(line, col int, format string, args ...any) error {
	where := fmt.Sprintf("%s: line %d", c.path, line)
	if col > 0 {
		where += fmt.Sprintf(", column %d", col)
	}
	return fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...))
}

// readLine reads one line with its end of line; nil at the end.
func readLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		part, err := r.ReadSlice('\n')
		line = append(line, part...)
		if len(line) > maxLineBytes {
			return nil, fmt.Errorf("the line is longer than %d bytes", maxLineBytes)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && len(line) > 0 && errors.Is(err, io.EOF) {
			return line, nil
		}
		if err != nil {
			return nil, err
		}
		return line, nil
	}
}

// separatorOf is the field separator of a file by its name: a tab for
// .tsv, else a comma.
func separatorOf(path string) byte {
	if strings.HasSuffix(strings.ToLower(path), ".tsv") {
		return '\t'
	}
	return ','
}

func trimEOL(b []byte) []byte { return bytes.TrimRight(b, "\r\n") }

// splitFields splits a line at sep, but not inside double quotes: a
// quoted field (RFC 4180) may hold the separator, and "" for a quote.
func splitFields(b []byte, sep byte) [][]byte { return appendFields(nil, b, sep) }

// appendFields appends a line's fields (as splitFields cuts them) to
// fields: a reader that reuses one slice line after line allocates none.
func appendFields(fields [][]byte, b []byte, sep byte) [][]byte {
	if bytes.IndexByte(b, '"') < 0 {
		for {
			i := bytes.IndexByte(b, sep)
			if i < 0 {
				return append(fields, b)
			}
			fields, b = append(fields, b[:i]), b[i+1:]
		}
	}
	quoted, start := false, 0
	for i, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case c == sep && !quoted:
			fields = append(fields, b[start:i])
			start = i + 1
		}
	}
	return append(fields, b[start:])
}

// openQuote says whether a line leaves a double quote open: a quoted
// field that goes on over the next lines, which this reader does not take.
func openQuote(b []byte) bool { return bytes.Count(b, []byte{'"'})%2 == 1 }

// Len implements Source.
func (c *CSV) Len() int { return len(c.starts) }

// Shape implements Source: the number of feature columns.
func (c *CSV) Shape() []int { return []int{c.cols} }

// Labels implements Labeled; nil without a label column.
func (c *CSV) Labels() []int { return c.labels }

// Classes implements Labeled.
func (c *CSV) Classes() []string { return c.classes }

// Close closes the file.
func (c *CSV) Close() error { return c.f.Close() }

// Read implements Source: it reads and parses the lines of the rows.
func (c *CSV) Read(dst []float32, rows []int) error {
	if len(dst) != len(rows)*c.cols {
		return fmt.Errorf("reading %d samples of %d values needs %d values of room, got %d", len(rows), c.cols, len(rows)*c.cols, len(dst))
	}
	var buf []byte
	var fields [][]byte // reused row after row
	for i, r := range rows {
		if r < 0 || r >= len(c.starts) {
			return fmt.Errorf("sample %d is out of range: the data has %d", r, len(c.starts))
		}
		end := c.endOf(r)
		buf = append(buf[:0], make([]byte, end-c.starts[r])...)
		if _, err := c.f.ReadAt(buf, c.starts[r]); err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: line %d: %w", c.path, c.lines[r], err)
		}
		out := dst[i*c.cols : (i+1)*c.cols]
		k := 0
		fields = appendFields(fields[:0], trimEOL(buf), c.sep)
		for j, f := range fields {
			if j >= len(c.skip) || c.skip[j] {
				continue
			}
			v, err := c.value(f, k)
			if err != nil || k >= c.cols {
				return c.errorf(c.lines[r], j+1, "the file changed since it was opened")
			}
			out[k] = v
			k++
		}
	}
	return nil
}

// endOf is where the line of sample r ends: the next sample's start, or
// the end of the file.
func (c *CSV) endOf(r int) int64 {
	if r+1 < len(c.starts) {
		return c.starts[r+1]
	}
	st, err := c.f.Stat()
	if err != nil {
		return c.starts[r]
	}
	return st.Size()
}

// WriteCSVRows writes the rows of x as CSV lines of numbers, each in
// the shortest form that reads back to the same float32.
func WriteCSVRows(w io.Writer, x *tensor.Tensor) error {
	cols := x.Cols()
	var line []byte
	for r := 0; r < x.Rows(); r++ {
		line = AppendCSVValues(line[:0], x.Data[r*cols:(r+1)*cols])
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return nil
}

// AppendCSVValues appends values to line, comma-separated, each in the
// shortest form that reads back to the same float32.
func AppendCSVValues(line []byte, values []float32) []byte {
	for j, v := range values {
		if j > 0 {
			line = append(line, ',')
		}
		line = strconv.AppendFloat(line, float64(v), 'g', -1, 32)
	}
	return line
}
