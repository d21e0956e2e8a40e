package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/internal/atomic"
	"github.com/latent-go/latent/tensor"
)

// teeOutput writes to two outputs.
type teeOutput struct{ a, b infer.Output }

func (t teeOutput) Write(x *tensor.Tensor) error {
	if err := t.a.Write(x); err != nil {
		return err
	}
	return t.b.Write(x)
}

// projectorFiles writes the TensorFlow Embedding Projector's two files:
// tensors.tsv (one code per line, tab-separated) and metadata.tsv (one
// label per line) when the input has labels.
type projectorFiles struct {
	dir     string
	tensors *os.File
	labels  []int
	classes []string
	keys    data.Keyed // nil: none
	rows    int
}

func newProjector(dir string, src data.Source) (*projectorFiles, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// tensors.tsv is written under a temporary name and renamed by close.
	f, err := os.CreateTemp(dir, ".tensors.tsv.*.tmp")
	if err != nil {
		return nil, err
	}
	labels, classes := data.LabelsOf(src)
	keys, _ := data.KeyedOf(src)
	return &projectorFiles{dir: dir, tensors: f, labels: labels, classes: classes, keys: keys}, nil
}

func (p *projectorFiles) Write(x *tensor.Tensor) error {
	var b strings.Builder
	cols := x.Cols()
	for r := 0; r < x.Rows(); r++ {
		for j, v := range x.Data[r*cols : (r+1)*cols] {
			if j > 0 {
				b.WriteByte('\t')
			}
			fmt.Fprintf(&b, "%g", v)
		}
		b.WriteByte('\n')
	}
	p.rows += x.Rows()
	_, err := p.tensors.WriteString(b.String())
	return err
}

// close finishes tensors.tsv and writes metadata.tsv: each row's label
// and keys (a CSV's ignored columns), with a header row when there are
// several columns, as the Embedding Projector reads it.
func (p *projectorFiles) close(err error) error {
	if err == nil {
		err = p.tensors.Chmod(0o644)
	}
	if err == nil {
		err = p.tensors.Sync()
	}
	if cerr := p.tensors.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(p.tensors.Name(), filepath.Join(p.dir, "tensors.tsv"))
	}
	if err != nil {
		os.Remove(p.tensors.Name())
		return err
	}
	if p.labels == nil && p.keys == nil {
		return nil
	}
	var header []string
	if p.labels != nil {
		header = append(header, "label")
	}
	if p.keys != nil {
		header = append(header, p.keys.KeyColumns()...)
	}
	var b strings.Builder
	if len(header) > 1 {
		b.WriteString(strings.Join(header, "\t") + "\n")
	}
	for r := range p.rows {
		row, err := p.metadataRow(r)
		if err != nil {
			return err
		}
		b.WriteString(strings.Join(row, "\t") + "\n")
	}
	return atomic.WriteBytes(filepath.Join(p.dir, "metadata.tsv"), []byte(b.String()), 0o644)
}

// metadataRow is row r's label (by its class name) and keys.
func (p *projectorFiles) metadataRow(r int) ([]string, error) {
	var row []string
	if p.labels != nil {
		l := p.labels[r]
		name := fmt.Sprint(l)
		if l >= 0 && l < len(p.classes) {
			name = p.classes[l]
		}
		row = append(row, name)
	}
	if p.keys != nil {
		keys, err := p.keys.Keys(r)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			row = append(row, strings.NewReplacer("\t", " ", "\n", " ").Replace(k))
		}
	}
	return row, nil
}
