package data

import "github.com/latent-go/latent/tensor"

// InMemory is s read whole into memory, with its labels, when its values
// take at most maxBytes as float32 and it is read from a file (a CSV, a
// .npy file, a folder of PNG images): what training reads every epoch is
// then parsed or decoded once. A source in memory already, or a larger
// one, is s itself, streamed from its file.
func InMemory(s Source, maxBytes int64) (Source, error) {
	switch s.(type) {
	case *Tensor, *Bytes:
		return s, nil
	}
	if int64(s.Len())*int64(tensor.Size(s.Shape()))*4 > maxBytes {
		return s, nil
	}
	x, err := ReadAll(s)
	if err != nil {
		return nil, err
	}
	labels, classes := LabelsOf(s)
	return FromTensor(x, labels, classes), nil
}
