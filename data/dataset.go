package data

import (
	"fmt"
	"path/filepath"

	"github.com/latent-go/latent/tensor"
)

// Dataset is an image dataset split into training and test sets. Images are
// flattened to [N, Height*Width] and scaled to [0,1] as x.astype('float32')/255.
type Dataset struct {
	Name          string
	Height, Width int
	TrainX, TestX *tensor.Tensor
	TrainY, TestY []uint8
	// Dir is where the files were read from.
	Dir string
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
	if ds.TrainX, ds.TrainY, ds.Height, ds.Width, err = loadSplit(dir, "train"); err != nil {
		return nil, err
	}
	var h, w int
	if ds.TestX, ds.TestY, h, w, err = loadSplit(dir, "t10k"); err != nil {
		return nil, err
	}
	if h != ds.Height || w != ds.Width {
		return nil, fmt.Errorf("%s: training images are %dx%d but test images are %dx%d", dir, ds.Height, ds.Width, h, w)
	}
	return ds, nil
}

func loadSplit(dir, split string) (*tensor.Tensor, []uint8, int, int, error) {
	imgPath, err := findFile(dir, split+"-images-idx3-ubyte")
	if err != nil {
		return nil, nil, 0, 0, err
	}
	lblPath, err := findFile(dir, split+"-labels-idx1-ubyte")
	if err != nil {
		return nil, nil, 0, 0, err
	}
	img, err := ReadIDXFile(imgPath)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	lbl, err := ReadIDXFile(lblPath)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	x, h, w, err := Images(img)
	if err != nil {
		return nil, nil, 0, 0, fmt.Errorf("%s: %w", imgPath, err)
	}
	if len(lbl.Dims) != 1 {
		return nil, nil, 0, 0, fmt.Errorf("%s: labels must have 1 dimension, got %v", lblPath, lbl.Dims)
	}
	if lbl.Dims[0] != x.Rows() {
		return nil, nil, 0, 0, fmt.Errorf("%s has %d images but %s has %d labels; the files do not belong together", imgPath, x.Rows(), lblPath, lbl.Dims[0])
	}
	return x, lbl.Data, h, w, nil
}

// Images turns a 3-dimensional IDX of images into a [N, H*W] tensor scaled
// to [0, 1].
func Images(img *IDX) (*tensor.Tensor, int, int, error) {
	if len(img.Dims) != 3 {
		return nil, 0, 0, fmt.Errorf("images must have 3 dimensions (count, rows, columns), got %v", img.Dims)
	}
	n, h, w := img.Dims[0], img.Dims[1], img.Dims[2]
	x := tensor.New(n, h*w)
	for i, b := range img.Data {
		x.Data[i] = float32(b) / 255
	}
	return x, h, w, nil
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
