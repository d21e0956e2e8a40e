package infer

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/tensor"
)

// File is an Output into a file (CSV or .npy, by its extension) or, with
// no path, CSV on standard output. A file is written under a temporary
// name and renamed into place by Close, so a failed command leaves no
// half-written file.
type File struct {
	path, tmp string
	f         *os.File
	w         *bufio.Writer
	npy       bool
	header    []string
	rows      int
	wantRows  int
	keys      data.Keyed // CSV rows start with their keys; nil: none
}

// Create starts an output of n rows of samples of shape, with column
// names prefix0, prefix1, ... in a CSV header. An empty path writes CSV
// to stdout.
func Create(path string, stdout io.Writer, n int, shape []int, prefix string) (*File, error) {
	return CreateWithHeader(path, stdout, n, shape, NumberedColumns(prefix, tensor.Size(shape)), nil)
}

// NumberedColumns are n column names: prefix0, prefix1, ....
func NumberedColumns(prefix string, n int) []string {
	names := make([]string, n)
	for j := range names {
		names[j] = prefix + strconv.Itoa(j)
	}
	return names
}

// CreateWithHeader is Create with the CSV header's column names given,
// one a value of a sample. With keys (the input's key columns: an id, a
// name), each CSV row starts with its input row's keys, and the header
// with their columns; a .npy file, of numbers only, leaves them out.
func CreateWithHeader(path string, stdout io.Writer, n int, shape []int, header []string, keys data.Keyed) (*File, error) {
	if len(header) != tensor.Size(shape) {
		return nil, fmt.Errorf("%d column names for samples of %d values", len(header), tensor.Size(shape))
	}
	o := &File{path: path, wantRows: n, header: header, keys: keys}
	if keys != nil {
		o.header = append(slices.Clone(keys.KeyColumns()), header...)
	}
	if path == "" {
		o.w = bufio.NewWriter(stdout)
		return o, o.writeCSVHeader()
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
	case ".npy":
		o.npy = true
	default:
		return nil, fmt.Errorf("%s: write .csv or .npy (by the extension)", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	o.f, o.tmp, o.w = f, f.Name(), bufio.NewWriter(f)
	if o.npy {
		return o, data.WriteNPYHeader(o.w, append([]int{n}, shape...))
	}
	return o, o.writeCSVHeader()
}

func (o *File) writeCSVHeader() error {
	_, err := o.w.WriteString(data.CSVFields(o.header) + "\n")
	return err
}

// Write implements Output.
func (o *File) Write(x *tensor.Tensor) error {
	o.rows += x.Rows()
	if o.npy {
		b := make([]byte, 4)
		for _, v := range x.Data {
			binary.LittleEndian.PutUint32(b, math.Float32bits(v))
			if _, err := o.w.Write(b); err != nil {
				return err
			}
		}
		return nil
	}
	if o.keys == nil {
		return data.WriteCSVRows(o.w, x)
	}
	return o.writeKeyedRows(x, o.rows-x.Rows())
}

// writeKeyedRows writes the rows of x, the first of which is row first
// of the output, each after its keys.
func (o *File) writeKeyedRows(x *tensor.Tensor, first int) error {
	cols := x.Cols()
	var line []byte
	for r := 0; r < x.Rows(); r++ {
		keys, err := o.keys.Keys(first + r)
		if err != nil {
			return err
		}
		line = append(append(line[:0], data.CSVFields(keys)...), ',')
		line = append(data.AppendCSVValues(line, x.Data[r*cols:(r+1)*cols]), '\n')
		if _, err := o.w.Write(line); err != nil {
			return err
		}
	}
	return nil
}

// Close finishes the output and puts the file in place; after an error
// (err not nil) it removes the temporary file instead.
func (o *File) Close(err error) error {
	if ferr := o.w.Flush(); err == nil {
		err = ferr
	}
	if o.f == nil {
		return err
	}
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	if err == nil && o.rows != o.wantRows {
		err = fmt.Errorf("%s: wrote %d rows of the %d announced", o.path, o.rows, o.wantRows)
	}
	if err != nil {
		os.Remove(o.tmp)
		return err
	}
	if err := os.Chmod(o.tmp, 0o644); err != nil {
		os.Remove(o.tmp)
		return err
	}
	return os.Rename(o.tmp, o.path)
}

// Collector is an Output that keeps every row in memory.
type Collector struct {
	shape []int
	data  []float32
}

// Write implements Output.
func (c *Collector) Write(x *tensor.Tensor) error {
	c.shape = x.Shape[1:]
	c.data = append(c.data, x.Data...)
	return nil
}

// Tensor is every row written so far.
func (c *Collector) Tensor() *tensor.Tensor {
	if c.data == nil {
		return tensor.New(0)
	}
	return tensor.FromSlice(c.data, append([]int{len(c.data) / tensor.Size(c.shape)}, c.shape...)...)
}
