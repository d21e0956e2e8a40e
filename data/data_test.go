package data_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/latent-go/latent/data"
)

// idx encodes an IDX file of unsigned bytes.
func idx(dims []int, values []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 8, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(values)
	return b.Bytes()
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func TestReadIDX(t *testing.T) {
	raw := idx([]int{2, 2, 3}, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255})
	for name, b := range map[string][]byte{"raw": raw, "gzip": gz(raw)} {
		x, err := data.ReadIDX(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(x.Dims) != 3 || x.Dims[0] != 2 || x.Dims[2] != 3 || x.Data[11] != 255 {
			t.Errorf("%s: got %v %v", name, x.Dims, x.Data)
		}
	}
}

func TestReadIDXErrors(t *testing.T) {
	cases := map[string]struct {
		b    []byte
		want string
	}{
		"empty":         {nil, "too short"},
		"wrong magic":   {[]byte{1, 2, 8, 1, 0, 0, 0, 1, 5}, "magic number"},
		"float type":    {[]byte{0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0}, "not supported"},
		"no dims":       {[]byte{0, 0, 8, 0}, "dimensions"},
		"short header":  {[]byte{0, 0, 8, 3, 0, 0, 0, 2}, "header is truncated"},
		"truncated":     {idx([]int{10, 28, 28}, make([]byte, 100)), "truncated"},
		"trailing data": {idx([]int{2}, []byte{1, 2, 3}), "past the"},
		"zero dim":      {idx([]int{0, 28}, nil), "empty or too large"},
		"huge":          {idx([]int{1 << 20, 1 << 20, 1 << 20}, nil), "too large"},
		"bad gzip":      {[]byte{0x1f, 0x8b, 1, 2, 3}, "gzip"},
	}
	for name, c := range cases {
		_, err := data.ReadIDX(bytes.NewReader(c.b))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", name, err, c.want)
		}
	}
}

// writeSet writes a tiny dataset in the MNIST layout and returns the
// SHA-256 of each file's content.
func writeSet(t *testing.T, dir string, nTrain, nLabels int) map[string]string {
	t.Helper()
	files := map[string][]byte{
		"train-images-idx3-ubyte": idx([]int{nTrain, 2, 2}, bytes.Repeat([]byte{255, 0, 51, 102}, nTrain)),
		"train-labels-idx1-ubyte": idx([]int{nLabels}, make([]byte, nLabels)),
		"t10k-images-idx3-ubyte":  idx([]int{1, 2, 2}, []byte{0, 0, 0, 255}),
		"t10k-labels-idx1-ubyte":  idx([]int{1}, []byte{7}),
	}
	sums := map[string]string{}
	for name, b := range files {
		s := sha256.Sum256(b)
		sums[name] = hex.EncodeToString(s[:])
		if dir != "" {
			if err := os.WriteFile(filepath.Join(dir, name+".gz"), gz(b), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return sums
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	writeSet(t, dir, 3, 3)
	ds, err := data.Load("mine", data.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Train.Values().Rows() != 3 || ds.Train.Values().Cols() != 4 || ds.Test.Labels()[0] != 7 || ds.Train.Values().Data[0] != 1 || ds.Train.Values().Data[2] != 0.2 {
		t.Errorf("loaded %v %v %v", ds.Train.Values().Shape, ds.Train.Values().Data[:4], ds.Test.Labels())
	}
}

func TestLoadDirImagesAndLabelsDisagree(t *testing.T) {
	dir := t.TempDir()
	writeSet(t, dir, 3, 4)
	_, err := data.Load("mine", data.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "3 images but") || !strings.Contains(err.Error(), "4 labels") {
		t.Errorf("error %v", err)
	}
	if _, err := data.Load("mine", data.Options{Dir: filepath.Join(dir, "nope")}); err == nil {
		t.Error("missing folder accepted")
	}
}

// TestDownloadFromLoopback serves a dataset over HTTP on loopback: the
// first address fails, the second serves; files land in the cache,
// verified, and a second Load reads the cache without the network.
func TestDownloadFromLoopback(t *testing.T) {
	srcDir := t.TempDir()
	sums := writeSet(t, srcDir, 2, 2)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.ServeFile(w, r, filepath.Join(srcDir, filepath.Base(r.URL.Path)))
	}))
	defer srv.Close()
	data.Builtins["loopback"] = &data.Builtin{
		Name: "loopback", SHA256: sums,
		URLs:    []string{srv.URL + "/missing/", srv.URL + "/files/"},
		Offline: func() []string { return nil },
		Hint:    "test hint",
	}
	defer delete(data.Builtins, "loopback")
	cache := t.TempDir()
	var log bytes.Buffer
	ds, err := data.Load("loopback", data.Options{CacheDir: cache, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Train.Values().Rows() != 2 || ds.Dir != filepath.Join(cache, "loopback") {
		t.Errorf("loaded %v from %s", ds.Train.Values().Shape, ds.Dir)
	}
	if !strings.Contains(log.String(), "downloading "+srv.URL) {
		t.Errorf("log %q", log.String())
	}
	before := hits.Load()
	if _, err := data.Load("loopback", data.Options{CacheDir: cache, NoDownload: true}); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != before {
		t.Error("second load went to the network")
	}
}

func TestDownloadRejectsWrongChecksum(t *testing.T) {
	srcDir := t.TempDir()
	sums := writeSet(t, srcDir, 2, 2)
	sums["train-images-idx3-ubyte"] = strings.Repeat("0", 64)
	srv := httptest.NewServer(http.FileServer(http.Dir(srcDir)))
	defer srv.Close()
	data.Builtins["corrupt"] = &data.Builtin{Name: "corrupt", SHA256: sums, URLs: []string{srv.URL + "/"}, Offline: func() []string { return nil }, Hint: "get the files by hand"}
	defer delete(data.Builtins, "corrupt")
	cache := t.TempDir()
	_, err := data.Load("corrupt", data.Options{CacheDir: cache})
	if err == nil || !strings.Contains(err.Error(), "checksum mismatch") || !strings.Contains(err.Error(), "get the files by hand") {
		t.Fatalf("error %v", err)
	}
	if _, err := os.Stat(filepath.Join(cache, "corrupt", "train-images-idx3-ubyte.gz")); err == nil {
		t.Error("a file that failed its checksum was kept")
	}
}

func TestNoDownloadSaysHowToFix(t *testing.T) {
	data.Builtins["absent"] = &data.Builtin{Name: "absent", SHA256: map[string]string{"x": ""}, Offline: func() []string { return []string{"/nonexistent"} }, Hint: "apt-get install it"}
	defer delete(data.Builtins, "absent")
	_, err := data.Load("absent", data.Options{CacheDir: t.TempDir(), NoDownload: true})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent") || !strings.Contains(err.Error(), "apt-get install it") {
		t.Errorf("error %v", err)
	}
	if _, err := data.Load("cifar", data.Options{}); err == nil || !strings.Contains(err.Error(), "unknown dataset") {
		t.Errorf("error %v", err)
	}
}

// TestRealMNIST reads the MNIST files that ship in the GoMNIST module.
func TestRealMNIST(t *testing.T) {
	ds, err := data.Load("mnist", data.Options{NoDownload: true})
	if err != nil {
		t.Fatal(err)
	}
	train, test := ds.Train.Values(), ds.Test.Values()
	if train.Rows() != 60000 || test.Rows() != 10000 || train.Cols() != 784 || ds.Train.Shape()[0] != 28 {
		t.Fatalf("shapes %v %v", train.Shape, test.Shape)
	}
	if ds.Test.Labels()[0] != 7 || ds.Train.Labels()[0] != 5 {
		t.Errorf("labels: first test %d (want 7), first train %d (want 5)", ds.Test.Labels()[0], ds.Train.Labels()[0])
	}
	var maxV float32
	for _, v := range train.Data {
		maxV = max(maxV, v)
	}
	if maxV != 1 {
		t.Errorf("max pixel %v, want 1", maxV)
	}
}

// TestRealFashionMNIST reads Debian's Fashion-MNIST when it is installed
// (.ci/run installs it).
func TestRealFashionMNIST(t *testing.T) {
	if _, err := os.Stat("/usr/share/datasets/fashion-mnist"); err != nil {
		t.Skip("dataset-fashion-mnist is not installed")
	}
	ds, err := data.Load("fashion", data.Options{NoDownload: true})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Train.Len() != 60000 || ds.Test.Labels()[0] != 9 {
		t.Errorf("rows %d, first test label %d (want 9, ankle boot)", ds.Train.Len(), ds.Test.Labels()[0])
	}
}

func FuzzReadIDX(f *testing.F) {
	f.Add(idx([]int{2, 2}, []byte{1, 2, 3, 4}))
	f.Add(gz(idx([]int{1}, []byte{9})))
	f.Add([]byte{0, 0, 8, 3, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := data.ReadIDX(bytes.NewReader(b))
		if err != nil {
			return
		}
		n := 1
		for _, d := range x.Dims {
			n *= d
		}
		if n != len(x.Data) {
			t.Fatalf("dims %v but %d values", x.Dims, len(x.Data))
		}
	})
}
