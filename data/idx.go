package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// IDX is the content of one IDX file of unsigned bytes: its dimensions and
// its values in row-major order.
type IDX struct {
	Dims []int
	Data []byte
}

// maxIDXValues bounds what a header may announce, so that a corrupt file
// cannot make the reader allocate gigabytes.
const maxIDXValues = 1 << 31

// ReadIDX parses an IDX stream of unsigned bytes (type 0x08), gzipped or not.
func ReadIDX(r io.Reader) (*IDX, error) {
	br := bufio.NewReader(r)
	if head, err := br.Peek(2); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("bad gzip data: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	var magic [4]byte
	if _, err := io.ReadFull(br, magic[:]); err != nil {
		return nil, fmt.Errorf("not an IDX file: too short for the 4-byte magic number")
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("not an IDX file: magic number %#08x does not start with two zero bytes", binary.BigEndian.Uint32(magic[:]))
	}
	if magic[2] != 0x08 {
		return nil, fmt.Errorf("IDX value type %#02x is not supported (only unsigned bytes, 0x08)", magic[2])
	}
	nd := int(magic[3])
	if nd == 0 || nd > 4 {
		return nil, fmt.Errorf("IDX file has %d dimensions; expected 1 to 4", nd)
	}
	dims := make([]int, nd)
	total := 1
	for i := range dims {
		var d uint32
		if err := binary.Read(br, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("IDX header is truncated: %d of %d dimension sizes present", i, nd)
		}
		dims[i] = int(d)
		if d == 0 || total > maxIDXValues/int(d) {
			return nil, fmt.Errorf("IDX header announces dimensions %v, which is empty or too large", dims[:i+1])
		}
		total *= int(d)
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(br, int64(total)+1))
	if err != nil {
		return nil, fmt.Errorf("reading IDX data: %w", err)
	}
	if n < int64(total) {
		return nil, fmt.Errorf("IDX data is truncated: the header announces %v = %d values but only %d follow", dims, total, n)
	}
	if n > int64(total) {
		return nil, fmt.Errorf("IDX file has data past the %d values its header announces %v", total, dims)
	}
	return &IDX{Dims: dims, Data: buf.Bytes()}, nil
}

// ReadIDXFile reads an IDX file, gzipped or not; errors name the file.
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	x, err := ReadIDX(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return x, nil
}
