package infer

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
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
}

// Create starts an output of n rows of samples of shape, with column
// names prefix0, prefix1, ... in a CSV header. An empty path writes CSV
// to stdout.
func Create(path string, stdout io.Writer, n int, shape []int, prefix string) (*File, error) {
	header := make([]string, tensor.Size(shape))
	for j := range header {
		header[j] = prefix + strconv.Itoa(j)
	}
	return CreateWithHeader(path, stdout, n, shape, header)
}

// CreateWithHeader is Create with the CSV header's column names given,
// one a value of a sample.
func CreateWithHeader(path string, stdout io.Writer, n int, shape []int, header []string) (*File, error) {
	if len(header) != tensor.Size(shape) {
		return nil, fmt.Errorf("%d column names for samples of %d values", len(header), tensor.Size(shape))
	}
	o := &File{path: path, wantRows: n, header: header}
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
	_, err := o.w.WriteString(strings.Join(o.header, ",") + "\n")
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
	return data.WriteCSVRows(o.w, x)
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
