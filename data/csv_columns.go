package data

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// chooseColumns finds the label column and the columns to ignore among
// width columns, by header name or by index, and marks them skipped.
func (c *CSV) chooseColumns(opt CSVOptions, width, line int) error {
	c.skip = make([]bool, width)
	if opt.Label != "" {
		j, err := c.columnIndex("label", opt.Label, width, line)
		if err != nil {
			return err
		}
		c.labelCol, c.skip[j] = j, true
	}
	for _, name := range opt.Ignore {
		j, err := c.columnIndex("ignored", name, width, line)
		if err != nil {
			return err
		}
		c.skip[j] = true
	}
	c.cols = 0
	for _, skip := range c.skip {
		if !skip {
			c.cols++
		}
	}
	c.missing.start(c.cols, opt)
	return nil
}

// columnIndex is the index of the column name names: a header name
// first, else an index from 0.
func (c *CSV) columnIndex(role, name string, width, line int) (int, error) {
	for j, h := range c.header {
		if h == name {
			return j, nil
		}
	}
	if i, err := strconv.Atoi(name); err == nil && i >= 0 && i < width {
		return i, nil
	}
	if c.header == nil {
		return 0, fmt.Errorf("%s: no %s column %q: the file has no header and %d columns, so name the column by its index (0 to %d)", c.path, role, name, width, width-1)
	}
	return 0, fmt.Errorf("%s: line %d: no %s column %q (the header has: %s)", c.path, line, role, name, strings.Join(c.header, ", "))
}

// ignoreHint names column j, for an error about a value of the first
// row of numbers: the column may be one to leave out (an id, a name).
func (c *CSV) ignoreHint(j int, firstRow bool) string {
	if !firstRow {
		return ""
	}
	return fmt.Sprintf(" (a column that is not a feature can be left out with --ignore %s)", c.columnName(j))
}

// FeatureNames are the header's names of the feature columns, in order;
// nil when the file has no header.
func (c *CSV) FeatureNames() []string {
	if c.header == nil {
		return nil
	}
	var names []string
	for j, h := range c.header {
		if !c.skip[j] {
			names = append(names, h)
		}
	}
	return names
}

// HasColumns says whether path is a CSV or TSV file with every column of
// cols, named as CSVOptions name them (by header name, or by index).
func HasColumns(path string, cols []string) bool {
	if !isCSVName(strings.ToLower(path)) {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	for line := 1; ; line++ {
		text, err := readLine(r)
		if err != nil || text == nil {
			return false
		}
		if line == 1 {
			text = bytes.TrimPrefix(text, utf8BOM)
		}
		fields := splitFields(trimEOL(text), separatorOf(path))
		if len(fields) == 1 && len(fields[0]) == 0 {
			continue // a blank line
		}
		c := &CSV{path: path}
		if isHeader(fields) {
			c.header = fieldStrings(fields)
		}
		for _, col := range cols {
			if _, err := c.columnIndex("", col, len(fields), 1); err != nil {
				return false
			}
		}
		return true
	}
}

// KeyColumns are the columns left out that are not the label (an id, a
// name), by header name, or by index without a header, in file order:
// what names a row for the user.
func (c *CSV) KeyColumns() []string {
	var keys []string
	for j, skip := range c.skip {
		if skip && j != c.labelCol {
			keys = append(keys, c.columnName(j))
		}
	}
	return keys
}

// Keys returns row r's values of the KeyColumns, as the file has them
// (quotes and spaces trimmed). It reads the row's line again.
func (c *CSV) Keys(r int) ([]string, error) {
	if r < 0 || r >= len(c.starts) {
		return nil, fmt.Errorf("sample %d is out of range: the data has %d", r, len(c.starts))
	}
	buf := make([]byte, c.endOf(r)-c.starts[r])
	if _, err := c.f.ReadAt(buf, c.starts[r]); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: line %d: %w", c.path, c.lines[r], err)
	}
	fields := splitFields(trimEOL(buf), c.sep)
	if len(fields) != len(c.skip) {
		return nil, c.errorf(c.lines[r], 0, "the file changed since it was opened")
	}
	var keys []string
	for j, skip := range c.skip {
		if skip && j != c.labelCol {
			keys = append(keys, field(fields[j]))
		}
	}
	return keys, nil
}

// featureColumn is the column of feature k (the k-th column not left out).
func (c *CSV) featureColumn(k int) int {
	for j, skip := range c.skip {
		if !skip {
			if k == 0 {
				return j
			}
			k--
		}
	}
	return -1
}

// columnName is column j's header name, or its index without a header.
func (c *CSV) columnName(j int) string {
	if c.header != nil {
		return c.header[j]
	}
	return strconv.Itoa(j)
}

// Keyed is a source whose rows carry keys besides their features (a CSV
// file's ignored columns: an id, a name).
type Keyed interface {
	KeyColumns() []string
	Keys(r int) ([]string, error)
}

// KeyedOf is s as a Keyed source, when it is one with key columns.
func KeyedOf(s Source) (Keyed, bool) {
	k, ok := s.(Keyed)
	if !ok || len(k.KeyColumns()) == 0 {
		return nil, false
	}
	return k, true
}

// keyColumnsOf is s's key columns; none when it has none.
func keyColumnsOf(s Source) []string {
	if k, ok := KeyedOf(s); ok {
		return k.KeyColumns()
	}
	return nil
}

// FeatureNamesOf is the names of s's features (a CSV file's header), or
// nil when it has none.
func FeatureNamesOf(s Source) []string {
	if n, ok := s.(interface{ FeatureNames() []string }); ok {
		return n.FeatureNames()
	}
	return nil
}

func fieldStrings(fields [][]byte) []string {
	names := make([]string, len(fields))
	for j, f := range fields {
		names[j] = field(f)
	}
	return names
}

// CSVFields joins fields into one CSV line, quoting those that need it.
func CSVFields(fields []string) string {
	quoted := make([]string, len(fields))
	for i, f := range fields {
		if strings.ContainsAny(f, ",\"\n\r") {
			f = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
		}
		quoted[i] = f
	}
	return strings.Join(quoted, ",")
}
