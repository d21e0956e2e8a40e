package data

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// FileOptions say how to read a user's data file.
type FileOptions struct {
	// Label names a CSV file's label column (its header name or its
	// index); empty: no labels.
	Label string
	// Ignore names a CSV file's columns to leave out of the features (an
	// id, a name), as Label names its column.
	Ignore []string
	// Missing and Fill say what a CSV file's missing values become (see
	// CSVOptions).
	Missing string
	Fill    []float32
}

// Open opens a user's data, by what the path is: a CSV (or TSV) file, a
// NumPy .npy file, an IDX file (gzipped or not), or a folder of PNG
// images. Every sample is checked before Open returns, so that nothing is
// trained or written on bad data. Close the source when done if it is an
// io.Closer.
func Open(path string, opt FileOptions) (Source, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("data %s: %w", path, unwrapPathError(err))
	}
	name := strings.ToLower(filepath.Base(path))
	if opt.Label != "" && !isCSVName(name) {
		return nil, fmt.Errorf("%s: a label column is for CSV files; this data's labels come from %s", path, labelSourceOf(st.IsDir()))
	}
	if len(opt.Ignore) > 0 && !isCSVName(name) {
		return nil, fmt.Errorf("%s: ignored columns are for CSV files", path)
	}
	if opt.Missing != "" && !isCSVName(name) {
		return nil, fmt.Errorf("%s: filling missing values is for CSV files", path)
	}
	switch {
	case st.IsDir():
		return OpenPNGDir(path)
	case isCSVName(name):
		return OpenCSV(path, CSVOptions{Label: opt.Label, Ignore: opt.Ignore, Missing: opt.Missing, Fill: opt.Fill})
	case strings.HasSuffix(name, ".npy"):
		return OpenNPY(path)
	case strings.Contains(name, "idx") || strings.HasSuffix(name, ".idx"):
		return OpenIDXFile(path)
	}
	return nil, fmt.Errorf("%s: unknown data format (use .csv, .tsv, .npy, an IDX file, or a folder of PNG images)", path)
}

func isCSVName(name string) bool {
	return strings.HasSuffix(name, ".csv") || strings.HasSuffix(name, ".tsv")
}

func labelSourceOf(dir bool) string {
	if dir {
		return "the subfolders' names"
	}
	return "a labels file beside it, where there is one"
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// OpenIDXFile reads one IDX file of unsigned bytes as samples in [0, 1]
// (each byte over 255, as the built-in datasets): a 3-d file gives images
// of shape (height, width), a 2-d one rows of values. An images file
// "X-images-idx3-ubyte" takes its labels from "X-labels-idx1-ubyte" beside
// it when that exists.
func OpenIDXFile(path string) (*Bytes, error) {
	idx, err := ReadIDXFile(path)
	if err != nil {
		return nil, err
	}
	if len(idx.Dims) < 2 {
		return nil, fmt.Errorf("%s: an IDX file of samples has 2 or more dimensions (count, values...), this one %v", path, idx.Dims)
	}
	labels, err := siblingLabels(path, idx.Dims[0])
	if err != nil {
		return nil, err
	}
	var classes []string
	if labels != nil {
		top := 0
		for _, l := range labels {
			top = max(top, l)
		}
		for i := 0; i <= top; i++ {
			classes = append(classes, fmt.Sprint(i))
		}
	}
	src, err := bytesOf(idx, labels, classes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return src, nil
}

// siblingLabels reads the labels file that belongs to an images file, or
// returns nil when there is none.
func siblingLabels(path string, n int) ([]int, error) {
	dir, base := filepath.Split(path)
	if !strings.Contains(base, "-images-idx3-ubyte") {
		return nil, nil
	}
	lpath := filepath.Join(dir, strings.Replace(base, "-images-idx3-ubyte", "-labels-idx1-ubyte", 1))
	if _, err := os.Stat(lpath); err != nil {
		return nil, nil
	}
	lbl, err := ReadIDXFile(lpath)
	if err != nil {
		return nil, err
	}
	if len(lbl.Dims) != 1 || lbl.Dims[0] != n {
		return nil, fmt.Errorf("%s has %d images but %s has labels of shape %v; the files do not belong together", path, n, lpath, lbl.Dims)
	}
	labels := make([]int, n)
	for i, b := range lbl.Data {
		labels[i] = int(b)
	}
	return labels, nil
}
