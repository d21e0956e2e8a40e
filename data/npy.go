package data

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/latent-go/latent/tensor"
)

// NPY is a Source over a NumPy .npy file: an array of float32, float64 or
// uint8 values (little-endian, C order) whose first dimension counts the
// samples; each sample keeps the other dimensions as its shape (a 1-d
// array is one value per sample). Opening it checks the header, the file's
// size and every value (no NaN or infinity); Read then reads only the
// samples asked for.
type NPY struct {
	path   string
	f      *os.File
	dtype  string // "<f4", "<f8", "|u1"
	size   int    // bytes per value
	n      int
	shape  []int
	offset int64 // where the data starts
}

var npyDtypes = map[string]int{"<f4": 4, "<f8": 8, "|u1": 1, "<u1": 1}

// maxNPYHeader bounds an .npy header.
const maxNPYHeader = 1 << 20

// OpenNPY opens and checks a .npy file.
func OpenNPY(path string) (*NPY, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	a := &NPY{path: path, f: f}
	if err := a.readHeader(); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := a.checkValues(); err != nil {
		f.Close()
		return nil, err
	}
	return a, nil
}

var (
	npyDescr   = regexp.MustCompile(`'descr'\s*:\s*'([^']*)'`)
	npyFortran = regexp.MustCompile(`'fortran_order'\s*:\s*(True|False)`)
	npyShape   = regexp.MustCompile(`'shape'\s*:\s*\(([^)]*)\)`)
)

func (a *NPY) readHeader() error {
	r := bufio.NewReader(a.f)
	magic := make([]byte, 8)
	if _, err := io.ReadFull(r, magic); err != nil || string(magic[:6]) != "\x93NUMPY" {
		return fmt.Errorf("not a NumPy .npy file (no \\x93NUMPY magic)")
	}
	var hlen int
	switch magic[6] {
	case 1:
		var n uint16
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return fmt.Errorf("the header is truncated")
		}
		hlen, a.offset = int(n), 10
	case 2, 3:
		var n uint32
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return fmt.Errorf("the header is truncated")
		}
		hlen, a.offset = int(n), 12
	default:
		return fmt.Errorf("NumPy format version %d is not supported", magic[6])
	}
	if hlen > maxNPYHeader {
		return fmt.Errorf("the header announces %d bytes, more than %d", hlen, maxNPYHeader)
	}
	head := make([]byte, hlen)
	if _, err := io.ReadFull(r, head); err != nil {
		return fmt.Errorf("the header is truncated")
	}
	a.offset += int64(hlen)
	return a.parseHeader(string(head))
}

func (a *NPY) parseHeader(h string) error {
	d := npyDescr.FindStringSubmatch(h)
	fo := npyFortran.FindStringSubmatch(h)
	sh := npyShape.FindStringSubmatch(h)
	if d == nil || fo == nil || sh == nil {
		return fmt.Errorf("the header %q lacks descr, fortran_order or shape", strings.TrimSpace(h))
	}
	size, ok := npyDtypes[d[1]]
	if !ok {
		return fmt.Errorf("dtype %q is not supported (float32 <f4, float64 <f8 or uint8 |u1)", d[1])
	}
	if fo[1] == "True" {
		return fmt.Errorf("Fortran-ordered arrays are not supported; save with np.ascontiguousarray")
	}
	a.dtype, a.size = d[1], size
	var dims []int
	for _, p := range strings.Split(sh[1], ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return fmt.Errorf("bad shape (%s)", sh[1])
		}
		dims = append(dims, v)
	}
	if len(dims) == 0 || dims[0] == 0 {
		return fmt.Errorf("the array holds no samples (shape (%s))", sh[1])
	}
	a.n, a.shape = dims[0], dims[1:]
	if len(a.shape) == 0 {
		a.shape = []int{1}
	}
	total := a.n
	for _, d := range a.shape {
		if d == 0 || total > math.MaxInt/8/d {
			return fmt.Errorf("shape (%s) is empty or too large", sh[1])
		}
		total *= d
	}
	st, err := a.f.Stat()
	if err != nil {
		return err
	}
	if want := a.offset + int64(total*a.size); st.Size() != want {
		return fmt.Errorf("the header announces shape (%s) of %s, %d bytes, but the file holds %d after the header", sh[1], d[1], total*a.size, st.Size()-a.offset)
	}
	return nil
}

// checkValues reads the data once, in chunks, and refuses NaN and
// infinities, naming the sample.
func (a *NPY) checkValues() error {
	if a.size == 1 {
		return nil
	}
	per := tensor.Size(a.shape)
	chunk := max(1, (1<<20)/(per*a.size))
	buf := make([]float32, 0)
	for lo := 0; lo < a.n; lo += chunk {
		hi := min(lo+chunk, a.n)
		buf = append(buf[:0], make([]float32, (hi-lo)*per)...)
		if err := a.read(buf, Span(lo, hi)); err != nil {
			return err
		}
		for i, v := range buf {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("%s: sample %d, value %d: NaN and infinite values are not allowed", a.path, lo+i/per, i%per)
			}
		}
	}
	return nil
}

// Len implements Source.
func (a *NPY) Len() int { return a.n }

// Shape implements Source.
func (a *NPY) Shape() []int { return append([]int(nil), a.shape...) }

// Close closes the file.
func (a *NPY) Close() error { return a.f.Close() }

// Read implements Source.
func (a *NPY) Read(dst []float32, rows []int) error {
	per := tensor.Size(a.shape)
	if len(dst) != len(rows)*per {
		return fmt.Errorf("reading %d samples of %d values needs %d values of room, got %d", len(rows), per, len(rows)*per, len(dst))
	}
	for _, r := range rows {
		if r < 0 || r >= a.n {
			return fmt.Errorf("sample %d is out of range: the data has %d", r, a.n)
		}
	}
	return a.read(dst, rows)
}

func (a *NPY) read(dst []float32, rows []int) error {
	per := tensor.Size(a.shape)
	raw := make([]byte, per*a.size)
	for i, r := range rows {
		if _, err := a.f.ReadAt(raw, a.offset+int64(r)*int64(len(raw))); err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: sample %d: %w", a.path, r, err)
		}
		out := dst[i*per : (i+1)*per]
		switch a.size {
		case 1:
			for j, b := range raw {
				out[j] = float32(b)
			}
		case 4:
			for j := range out {
				out[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
			}
		case 8:
			for j := range out {
				out[j] = float32(math.Float64frombits(binary.LittleEndian.Uint64(raw[8*j:])))
			}
		}
	}
	return nil
}

// WriteNPY writes x as a float32 .npy file (C order, its full shape).
func WriteNPY(w io.Writer, x *tensor.Tensor) error {
	bw := bufio.NewWriter(w)
	if err := WriteNPYHeader(bw, x.Shape); err != nil {
		return err
	}
	b := make([]byte, 4)
	for _, v := range x.Data {
		binary.LittleEndian.PutUint32(b, math.Float32bits(v))
		bw.Write(b)
	}
	return bw.Flush()
}

// WriteNPYHeader writes the header of a float32 .npy array of shape; the
// values follow, little-endian, in C order.
func WriteNPYHeader(w io.Writer, shape []int) error {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	s := strings.Join(dims, ", ")
	if len(dims) == 1 {
		s += ","
	}
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }", s)
	// Pad with spaces to a multiple of 64 bytes, ending in a newline.
	total := 10 + len(header) + 1
	header += strings.Repeat(" ", (64-total%64)%64) + "\n"
	if _, err := io.WriteString(w, "\x93NUMPY\x01\x00"); err != nil {
		return err
	}
	if err := binary.Write(w, binary.LittleEndian, uint16(len(header))); err != nil {
		return err
	}
	_, err := io.WriteString(w, header)
	return err
}
