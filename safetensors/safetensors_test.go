package safetensors_test

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/latent-go/latent/safetensors"
	"github.com/latent-go/latent/tensor"
)

func TestRoundTrip(t *testing.T) {
	f := &safetensors.File{
		Metadata: map[string]string{"format": "x"},
		Tensors: map[string]*tensor.Tensor{
			"b": tensor.FromSlice([]float32{1.5, -2, 3.25}, 3),
			"a": tensor.FromSlice([]float32{0, 1, 2, 3, 4, 5}, 2, 3),
		},
	}
	var buf bytes.Buffer
	if err := safetensors.Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if n := binary.LittleEndian.Uint64(b); n%8 != 0 {
		t.Errorf("header length %d is not 8-aligned", n)
	}
	g, err := safetensors.Read(b)
	if err != nil {
		t.Fatal(err)
	}
	if g.Metadata["format"] != "x" || g.Tensors["a"].Shape[1] != 3 || g.Tensors["b"].Data[2] != 3.25 || g.Tensors["a"].Data[5] != 5 {
		t.Errorf("round trip: %+v", g)
	}
}

func TestReadRejects(t *testing.T) {
	header := func(h string) []byte {
		b := make([]byte, 8)
		binary.LittleEndian.PutUint64(b, uint64(len(h)))
		return append(b, h...)
	}
	for name, b := range map[string][]byte{
		"dtype":    append(header(`{"w":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}`), 0, 0),
		"offsets":  append(header(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`), 0, 0, 0, 0),
		"past end": header(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`),
		"negative": header(`{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}`),
		"overlap":  append(header(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`), 0, 0, 0, 0),
		"json":     header(`{"w":`),
	} {
		if _, err := safetensors.Read(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzRead(f *testing.F) {
	var buf bytes.Buffer
	safetensors.Write(&buf, &safetensors.File{Tensors: map[string]*tensor.Tensor{"w": tensor.New(2, 2)}})
	f.Add(buf.Bytes())
	f.Add([]byte{2, 0, 0, 0, 0, 0, 0, 0, '{', '}'})
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := safetensors.Read(b)
		if err != nil {
			return
		}
		for name, tt := range g.Tensors {
			if tensor.Size(tt.Shape) != len(tt.Data) {
				t.Fatalf("%s: shape %v with %d values", name, tt.Shape, len(tt.Data))
			}
		}
	})
}
