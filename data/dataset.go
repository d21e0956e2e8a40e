// Package data reads the samples that models train on and are used with.
// A Source is the seam: a length, a per-sample shape, optional labels and
// a way to read rows into a batch buffer. The IDX datasets (MNIST,
// Fashion-MNIST, or the user's own IDX files) are its first
// implementation, held as bytes and scaled as batches are read, found
// offline where they ship or downloaded once into a cache with a SHA-256
// check; other formats are one file each beside it.
//
// It imports tensor and compute (whose parallel loop gathers a batch and
// whose kernel scales bytes) only: nothing here knows about models or training.
package data

import (
	"fmt"
	"path/filepath"

	"github.com/latent-go/latent/tensor"
)

// Dataset is a named pair of sources: the training samples and the test
// samples. The IDX datasets are images of shape (height, width) held as
// their bytes and scaled to [0,1] as x.astype('float32')/255 when read,
// with their class labels.
type Dataset struct {
	Name        string
	Train, Test *Bytes
	// Dir is where the files were read from.
	Dir string
}

// ImageSize is the height and width of the dataset's images.
func (d *Dataset) ImageSize() (height, width int) {
	s := d.Train.Shape()
	return s[0], s[1]
}

// Classes are the label names of the known datasets, indexed by label.
var Classes = map[string][]string{
	"mnist":   {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
	"fashion": {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"},
}

// LoadDir reads the four IDX files of a dataset in dir (each gzipped or
// not): train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte.
func LoadDir(name, dir string) (*Dataset, error) {
	ds := &Dataset{Name: name, Dir: dir}
	var err error
	if ds.Train, err = loadSplit(dir, "train", Classes[name]); err != nil {
		return nil, err
	}
	if ds.Test, err = loadSplit(dir, "t10k", Classes[name]); err != nil {
		return nil, err
	}
	if a, b := ds.Train.Shape(), ds.Test.Shape(); !tensor.SameShape(a, b) {
		return nil, fmt.Errorf("%s: training images are %dx%d but test images are %dx%d", dir, a[0], a[1], b[0], b[1])
	}
	return ds, nil
}

func loadSplit(dir, split string, classes []string) (*Bytes, error) {
	imgPath, err := findFile(dir, split+"-images-idx3-ubyte")
	if err != nil {
		return nil, err
	}
	lblPath, err := findFile(dir, split+"-labels-idx1-ubyte")
	if err != nil {
		return nil, err
	}
	img, err := ReadIDXFile(imgPath)
	if err != nil {
		return nil, err
	}
	lbl, err := ReadIDXFile(lblPath)
	if err != nil {
		return nil, err
	}
	if len(img.Dims) != 3 {
		return nil, fmt.Errorf("%s: images must have 3 dimensions (count, rows, columns), got %v", imgPath, img.Dims)
	}
	if len(lbl.Dims) != 1 {
		return nil, fmt.Errorf("%s: labels must have 1 dimension, got %v", lblPath, lbl.Dims)
	}
	if lbl.Dims[0] != img.Dims[0] {
		return nil, fmt.Errorf("%s has %d images but %s has %d labels; the files do not belong together", imgPath, img.Dims[0], lblPath, lbl.Dims[0])
	}
	labels := make([]int, len(lbl.Data))
	for i, b := range lbl.Data {
		labels[i] = int(b)
	}
	return bytesOf(img, labels, classes)
}

// bytesOf is the samples of an IDX of unsigned bytes (count, then each
// sample's dimensions) as a source that scales them to [0, 1] on reading.
func bytesOf(idx *IDX, labels []int, classes []string) (*Bytes, error) {
	return FromBytes(idx.Data, idx.Dims[1:], labels, classes)
}

// findFile finds base or base.gz in dir.
func findFile(dir, base string) (string, error) {
	for _, name := range []string{base + ".gz", base} {
		p := filepath.Join(dir, name)
		if fileExists(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: no %s or %s.gz", dir, base, base)
}
