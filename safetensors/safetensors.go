// Package safetensors reads and writes the safetensors format: an 8-byte
// little-endian header length, a JSON header naming each tensor's dtype,
// shape and byte range, then the raw little-endian values. Loading a file
// executes nothing. Only float32 ("F32") tensors are supported.
//
// It imports tensor only.
package safetensors

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/latent-go/latent/internal/atomic"
	"github.com/latent-go/latent/tensor"
)

// File is the content of a safetensors file.
type File struct {
	Metadata map[string]string
	Tensors  map[string]*tensor.Tensor
}

type entry struct {
	DType       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// KeyChecksum is the metadata key of the file's SHA-256: of the whole
// file (length, header and values) with the 64 hex digits of this value
// read as zeros. Write sets it; Read checks it when present, so that any
// damaged byte makes the file refused.
const KeyChecksum = "sha256"

// checksumField is how the checksum's key and value begin in a header.
var checksumField = []byte(`"` + KeyChecksum + `":"`)

// checksum is the SHA-256 of file with the checksum's digits zeroed;
// at is where they start.
func checksum(file []byte, at int) string {
	h := sha256.New()
	h.Write(file[:at])
	h.Write(bytes.Repeat([]byte{'0'}, sha256.Size*2))
	h.Write(file[at+sha256.Size*2:])
	return hex.EncodeToString(h.Sum(nil))
}

// maxHeader bounds the JSON header, as the reference implementation does.
const maxHeader = 100 << 20

// Write encodes f to w. Tensors are laid out in name order.
func Write(w io.Writer, f *File) error {
	names := make([]string, 0, len(f.Tensors))
	for n := range f.Tensors {
		if n == "__metadata__" {
			return errors.New("safetensors: a tensor cannot be named __metadata__")
		}
		names = append(names, n)
	}
	sort.Strings(names)
	header := map[string]any{}
	meta := map[string]string{KeyChecksum: strings.Repeat("0", sha256.Size*2)}
	for k, v := range f.Metadata {
		if k != KeyChecksum {
			meta[k] = v
		}
	}
	header["__metadata__"] = meta
	var off int64
	for _, n := range names {
		t := f.Tensors[n]
		size := int64(len(t.Data)) * 4
		header[n] = entry{DType: "F32", Shape: t.Shape, DataOffsets: [2]int64{off, off + size}}
		off += size
	}
	hj, err := json.Marshal(header)
	if err != nil {
		return err
	}
	for len(hj)%8 != 0 {
		hj = append(hj, ' ')
	}
	var file bytes.Buffer
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(hj)))
	file.Write(lenBuf[:])
	file.Write(hj)
	for _, n := range names {
		for _, v := range f.Tensors[n].Data {
			var b [4]byte
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			file.Write(b[:])
		}
	}
	b := file.Bytes()
	at := 8 + bytes.Index(hj, checksumField) + len(checksumField)
	copy(b[at:], checksum(b, at))
	_, err = w.Write(b)
	return err
}

// Read decodes a whole safetensors byte slice, checking every offset and
// the checksum that Write puts in the metadata.
func Read(b []byte) (*File, error) {
	return read(b, true)
}

// ReadUnchecked is Read without the checksum: for files written before
// latent wrote checksums, to write them again with one.
func ReadUnchecked(b []byte) (*File, error) { return read(b, false) }

func read(b []byte, verify bool) (*File, error) {
	if len(b) < 8 {
		return nil, errors.New("safetensors: file is shorter than its 8-byte header length")
	}
	n := binary.LittleEndian.Uint64(b[:8])
	if n > maxHeader || n > uint64(len(b)-8) {
		return nil, fmt.Errorf("safetensors: header length %d does not fit in a %d-byte file", n, len(b))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b[8:8+n], &raw); err != nil {
		return nil, fmt.Errorf("safetensors: bad header: %w", err)
	}
	body := b[8+n:]
	f := &File{Tensors: map[string]*tensor.Tensor{}}
	type span struct {
		lo, hi int64
		name   string
	}
	var spans []span
	for name, msg := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &f.Metadata); err != nil {
				return nil, fmt.Errorf("safetensors: bad metadata: %w", err)
			}
			continue
		}
		var e entry
		if err := json.Unmarshal(msg, &e); err != nil {
			return nil, fmt.Errorf("safetensors: tensor %q: %w", name, err)
		}
		if e.DType != "F32" {
			return nil, fmt.Errorf("safetensors: tensor %q has dtype %s; only F32 is supported", name, e.DType)
		}
		count := int64(1)
		for _, d := range e.Shape {
			if d < 0 || (d > 0 && count > math.MaxInt32/int64(d)) {
				return nil, fmt.Errorf("safetensors: tensor %q has a bad shape %v", name, e.Shape)
			}
			count *= int64(d)
		}
		lo, hi := e.DataOffsets[0], e.DataOffsets[1]
		if lo < 0 || hi < lo || hi > int64(len(body)) || hi-lo != count*4 {
			return nil, fmt.Errorf("safetensors: tensor %q: offsets [%d,%d) do not hold shape %v in %d data bytes", name, lo, hi, e.Shape, len(body))
		}
		t := tensor.New(e.Shape...)
		for i := range t.Data {
			t.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[lo+int64(i)*4:]))
		}
		f.Tensors[name] = t
		spans = append(spans, span{lo, hi, name})
	}
	if want, ok := f.Metadata[KeyChecksum]; verify && !ok {
		return nil, errors.New("safetensors: the file carries no checksum: it is damaged, or older than latent's checksums")
	} else if verify {
		at := bytes.Index(b[8:8+n], checksumField)
		if at < 0 || len(want) != sha256.Size*2 || checksum(b, 8+at+len(checksumField)) != want {
			return nil, errors.New("safetensors: the file does not match its checksum: it is damaged")
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].lo < spans[j].lo })
	for i := 1; i < len(spans); i++ {
		if spans[i].lo < spans[i-1].hi {
			return nil, fmt.Errorf("safetensors: tensors %q and %q overlap", spans[i-1].name, spans[i].name)
		}
	}
	return f, nil
}

// WriteFile writes f to path atomically: to a temporary file first, then
// renamed, so a crash never leaves a half-written model behind.
func WriteFile(path string, f *File) error {
	return atomic.WriteFile(path, 0o644, func(w io.Writer) error { return Write(w, f) })
}

// ReadFile reads a safetensors file.
func ReadFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := Read(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}
