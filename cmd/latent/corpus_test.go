package main

import (
	"bytes"
	le "encoding/binary"
	"image"
	"image/png"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// badCase is one bad input: the arguments, and the text its one line of
// error must hold.
type badCase struct {
	name string
	args []string
	want string
}

// TestBadInputCorpus runs latent on bad input of every kind (command
// line, recipes, IDX files, model files, checkpoints, output folders and
// the data formats): each must exit non-zero with one line on stderr that
// says what is wrong, no stack trace, and no file left behind that was
// not there before.
func TestBadInputCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the command some 85 times")
	}
	bin := binary(t)
	work := t.TempDir()
	in := filepath.Join(work, "in")
	os.MkdirAll(in, 0o755)
	file := func(name, content string) string {
		p := filepath.Join(in, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
		return p
	}
	raw := func(name string, content []byte) string {
		p := filepath.Join(in, name)
		os.WriteFile(p, content, 0o644)
		return p
	}
	recipe := func(name, body string) string { return file(name+".json", body) }
	const base = `"epochs": 1, "input_shape": [4], "encoder": [{"type": "Dense", "units": 2}], "decoder": [{"type": "Dense", "units": 4, "activation": "sigmoid"}]`
	good := file("good.csv", "a,b,c,d,kind\n"+strings.Repeat("0.1,0.2,0.3,0.4,x\n0.5,0.6,0.7,0.8,y\n", 50))
	tiny := recipe("tiny", `{"name": "tiny", "batch_size": 10, "loss": "mse", "print_codes": 0, `+base+`}`)
	// A trained model and its checkpoint, in a folder that holds a run.
	trained := filepath.Join(in, "trained")
	if out, err := exec.Command(bin, "run", tiny, "--train", good, "--label", "kind", "--out", trained).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	modelFile := filepath.Join(trained, "model.safetensors")
	modelBytes, _ := os.ReadFile(modelFile)
	flipped := append([]byte(nil), modelBytes...)
	flipped[len(flipped)-3] ^= 0x40
	ckptBytes, _ := os.ReadFile(filepath.Join(trained, "checkpoint.safetensors"))
	badCkpt := filepath.Join(in, "badckpt")
	os.MkdirAll(badCkpt, 0o755)
	os.WriteFile(filepath.Join(badCkpt, "checkpoint.safetensors"), ckptBytes[:len(ckptBytes)/2], 0o644)
	locked := filepath.Join(in, "locked")
	os.MkdirAll(locked, 0o755)
	os.WriteFile(filepath.Join(locked, ".latent.lock"), []byte("1\n"), 0o644) // pid 1 always runs
	idxDir := filepath.Join(in, "idx")
	os.MkdirAll(idxDir, 0o755)
	for _, f := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"} {
		os.WriteFile(filepath.Join(idxDir, f), []byte{0, 0, 8, 3, 0, 0, 0, 9}, 0o644)
	}
	pngDir := filepath.Join(in, "pngs")
	os.MkdirAll(pngDir, 0o755)
	for i, w := range []int{3, 4} {
		var b bytes.Buffer
		png.Encode(&b, image.NewGray(image.Rect(0, 0, w, 3)))
		os.WriteFile(filepath.Join(pngDir, strconv.Itoa(i)+".png"), b.Bytes(), 0o644)
	}
	npyHeader := func(descr, shape string) []byte {
		h := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }"
		b := append([]byte("\x93NUMPY\x01\x00"), byte(len(h)), 0)
		return append(b, h...)
	}
	nanNPY := append(npyHeader("<f4", "1, 1"), make([]byte, 4)...)
	le.LittleEndian.PutUint32(nanNPY[len(nanNPY)-4:], math.Float32bits(float32(math.NaN())))

	cases := []badCase{
		// The command line.
		{"unknown command", []string{"frob"}, "unknown command"},
		{"no recipe", []string{"run"}, "exactly one RECIPE"},
		{"two recipes", []string{"run", "ae1", "ae2"}, "exactly one RECIPE"},
		{"unknown recipe", []string{"run", "ae9"}, "unknown recipe"},
		{"negative epochs", []string{"run", "ae1", "--epochs", "-3"}, "--epochs must be a positive number"},
		{"epochs not a number", []string{"run", "ae1", "--epochs", "many"}, "invalid value"},
		{"batch size 0", []string{"run", "ae1", "--batch-size", "0"}, "--batch-size"},
		{"negative seed", []string{"run", "ae1", "--seed", "-1"}, "--seed must be zero or positive"},
		{"unknown dataset", []string{"run", "ae1", "--dataset", "cifar"}, "--dataset must be mnist or fashion"},
		{"unknown flag", []string{"run", "ae1", "--bogus"}, "flag provided but not defined"},
		{"unknown gemm", []string{"run", "ae1", "--gemm", "cublas"}, "unknown --gemm"},
		{"nothing to resume", []string{"run", "ae1", "--resume", "--out", filepath.Join(work, "none")}, "nothing to resume"},
		{"min-delta alone", []string{"run", "ae1", "--min-delta", "0.1"}, "go with --patience"},
		{"unknown scale", []string{"run", tiny, "--train", good, "--label", "kind", "--scale", "zscore"}, "unknown scale"},
		{"val without train", []string{"run", "ae1", "--val", good}, "val, label, ignore and missing go with train"},
		{"unknown class", []string{"run", tiny, "--train", good, "--label", "kind", "--exclude", "w"}, `no class "w"`},
		{"missing train file", []string{"run", tiny, "--train", filepath.Join(in, "nope.csv")}, "no such file"},
		{"summary of nothing", []string{"summary", "nope.json"}, "unknown recipe"},
		{"bench zero epochs", []string{"bench", "ae1", "--epochs", "0"}, "--epochs must be a positive number"},
		{"encode one argument", []string{"encode", modelFile}, "a MODEL file and an input"},
		{"encode missing model", []string{"encode", filepath.Join(in, "none.safetensors"), good}, "no such file"},
		{"encode wrong width", []string{"encode", modelFile, file("wide.csv", "1,2,3,4,5\n")}, "do not fit the model's input"},
		{"decode wrong code size", []string{"decode", modelFile, file("codes3.csv", "1,2,3\n")}, "do not fit the model's input [2]"},
		{"encode to .txt", []string{"encode", modelFile, good, "--label", "kind", "--out", filepath.Join(work, "codes.txt")}, "write .csv or .npy"},
		{"pca without dim", []string{"pca", good, "--label", "kind"}, "--dim must be a positive number"},
		{"pca without data", []string{"pca", "--dim", "2"}, "pca needs one DATA"},
		{"pca too many components", []string{"pca", good, "--label", "kind", "--dim", "9", "--out", filepath.Join(work, "p9")}, "at most 4 components"},
		{"compare without data", []string{"compare", modelFile}, "--data DATA"},
		{"anomalies bad rule", []string{"anomalies", modelFile, good, "--label", "kind", "--threshold", "median"}, "unknown threshold rule"},
		{"anomalies contamination", []string{"anomalies", modelFile, good, "--label", "kind", "--threshold", "contamination=0.9"}, "at most 0.5"},
		{"anomalies short labels", []string{"anomalies", modelFile, good, "--label", "kind", "--labels", file("truth.txt", "0\n1\n"), "--out", filepath.Join(work, "an1")}, "holds 2 labels for 100 samples"},
		{"anomalies unknown class", []string{"anomalies", modelFile, good, "--label", "kind", "--labels", "class=w", "--out", filepath.Join(work, "an2")}, `no class "w"`},
		{"anomalies labels not 0/1", []string{"anomalies", modelFile, good, "--label", "kind", "--labels", file("truth2.txt", strings.Repeat("2\n", 100)), "--out", filepath.Join(work, "an3")}, "is not 0 or 1"},
		// Recipes.
		{"recipe syntax", []string{"summary", recipe("syntax", `{"name": "x",`+"\n"+` "epochs": 1,,}`)}, "line 2, column"},
		{"recipe type", []string{"summary", recipe("type", `{"name": "x", "epochs": 1, "encoder": [{"type": "Dense", "units": "32"}]}`)}, `encoder[0].units: want a whole number, got "32"`},
		{"recipe unknown field", []string{"summary", recipe("field", `{"name": "x", "epochs": 1, "epoch": 2}`)}, "unknown field epoch"},
		{"recipe duplicate key", []string{"summary", recipe("dup", `{"name": "x", "epochs": 1, "epochs": 2}`)}, `the key "epochs" is given twice`},
		{"recipe batch size 0", []string{"summary", recipe("b0", `{"name": "x", "batch_size": 0, `+base+`}`)}, "batch_size must be positive"},
		{"recipe print_codes", []string{"summary", recipe("pc", `{"name": "x", "print_codes": -1, `+base+`}`)}, "print_codes must be 0 or more"},
		{"recipe escaping name", []string{"run", recipe("evil", `{"name": "../../evil", `+base+`}`)}, "use letters, digits"},
		{"recipe huge layer", []string{"summary", recipe("huge", `{"name": "x", "epochs": 1, "input_shape": [784], "encoder": [{"type": "Dense", "units": 50000000}], "decoder": [{"type": "Dense", "units": 784}]}`)}, "39,250,000,000 weights"},
		{"recipe billions of weights", []string{"run", recipe("billions", `{"name": "x", "epochs": 1, "input_shape": [784], "encoder": [{"type": "Dense", "units": 400000}], "decoder": [{"type": "Dense", "units": 784}]}`)}, "more than the 268,435,456 a model may have"},
		{"recipe unknown layer", []string{"summary", recipe("layer", `{"name": "x", "epochs": 1, "input_shape": [4], "encoder": [{"type": "Conv9"}], "decoder": [{"type": "Dense", "units": 4}]}`)}, "unknown layer type"},
		{"recipe unknown activation", []string{"summary", recipe("act", `{"name": "x", "epochs": 1, "input_shape": [4], "encoder": [{"type": "Dense", "units": 2, "activation": "swishy"}], "decoder": [{"type": "Dense", "units": 4}]}`)}, "unknown activation"},
		{"recipe unknown loss", []string{"summary", recipe("loss", `{"name": "x", "loss": "hinge", `+base+`}`)}, "unknown loss"},
		{"recipe adam", []string{"summary", recipe("adam", `{"name": "x", "optimizer": {"name": "adam", "learning_rate": -1}, `+base+`}`)}, "learning_rate must be a positive number, got -1"},
		{"recipe shapes", []string{"summary", recipe("shape", `{"name": "x", "epochs": 1, "input_shape": [4], "encoder": [{"type": "Dense", "units": 2}], "decoder": [{"type": "Dense", "units": 3}]}`)}, "does not match the input"},
		{"recipe vae loss", []string{"summary", recipe("vae", `{"name": "x", "kind": "vae", "latent_dim": 2, "loss": "mse", `+base+`}`)}, "binary_crossentropy"},
		{"recipe unknown kind", []string{"summary", recipe("kind", `{"name": "x", "kind": "gan", `+base+`}`)}, "unknown model family"},
		{"recipe grid", []string{"summary", recipe("grid", `{"name": "x", "grid": {"n": 0, "min": 0, "max": 1}, `+base+`}`)}, "grid needs"},
		{"recipe mask", []string{"summary", recipe("mask", `{"name": "x", "mask": {"size": 0}, `+base+`}`)}, "mask size must be positive"},
		{"recipe noise", []string{"summary", recipe("noise", `{"name": "x", "noise": {"factor": 20}, `+base+`}`)}, "noise factor"},
		{"recipe early stopping", []string{"summary", recipe("es", `{"name": "x", "early_stopping": {"patience": -1}, `+base+`}`)}, "early_stopping needs"},
		{"recipe val_split", []string{"summary", recipe("vs", `{"name": "x", "val_split": 2, `+base+`}`)}, "val_split must be between 0 and 1"},
		{"recipe batch larger than data", []string{"run", tiny, "--train", good, "--label", "kind", "--batch-size", "500", "--out", filepath.Join(work, "big")}, "larger than the 90 training samples"},
		// IDX files.
		{"idx truncated", []string{"run", "ae1", "--data-dir", idxDir, "--out", filepath.Join(work, "i1")}, "IDX"},
		{"idx empty folder", []string{"run", "ae1", "--data-dir", filepath.Join(work, "nowhere"), "--out", filepath.Join(work, "i2")}, "nowhere"},
		{"idx file as data", []string{"encode", modelFile, raw("x-images-idx3-ubyte", []byte{0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9})}, "do not fit"},
		{"idx garbage", []string{"encode", modelFile, raw("y-idx1-ubyte", []byte("garbage"))}, "magic number"},
		// Model files.
		{"model empty", []string{"encode", raw("empty.safetensors", nil), good}, "shorter than its 8-byte header"},
		{"model garbage", []string{"summary", raw("garbage.safetensors", []byte("garbage garbage garbage"))}, "garbage.safetensors"},
		{"model damaged", []string{"encode", raw("flipped.safetensors", flipped), good, "--label", "kind"}, "does not match its checksum"},
		{"checkpoint as model", []string{"summary", raw("ckpt.safetensors", ckptBytes)}, `no model family reads format "latent-checkpoint"`},
		{"model as recipe", []string{"run", modelFile}, "not a recipe"},
		// Checkpoints and output folders.
		{"checkpoint truncated", []string{"run", tiny, "--train", good, "--label", "kind", "--out", badCkpt, "--resume"}, "checkpoint.safetensors"},
		{"checkpoint of another run", []string{"run", tiny, "--train", good, "--label", "kind", "--seed", "8", "--out", trained, "--resume"}, "from a different run"},
		{"checkpoint of another batch size", []string{"run", tiny, "--train", good, "--label", "kind", "--batch-size", "5", "--out", trained, "--resume"}, "batch_size 5 (the checkpoint's: 10)"},
		{"folder holds a run", []string{"run", tiny, "--train", good, "--label", "kind", "--out", trained}, "holds a run already"},
		{"folder locked", []string{"run", tiny, "--train", good, "--label", "kind", "--out", locked}, "being written by another latent (process 1)"},
		{"out is a file", []string{"run", tiny, "--train", good, "--label", "kind", "--out", good}, "good.csv"},
		// Exports and imports.
		{"export unknown part", []string{"export", modelFile, "--part", "middle", "--out", filepath.Join(work, "x.onnx")}, "unknown part"},
		{"export without out", []string{"export", modelFile}, "--out FILE"},
		{"export unknown format", []string{"export", modelFile, "--format", "h5", "--out", filepath.Join(work, "x.h5")}, "unknown --format"},
		{"import wrong weights", []string{"import", "ae1", modelFile, "--out", filepath.Join(work, "imp.safetensors")}, "have shape [4 2], the model needs [784 32]"},
		// The data formats.
		{"csv ragged", []string{"run", tiny, "--train", file("ragged.csv", "1,2,3,4\n1,2,3\n"), "--out", filepath.Join(work, "d1")}, "ragged.csv: line 2: 3 columns, but the first line has 4"},
		{"csv not a number", []string{"run", tiny, "--train", file("nan1.csv", "1,2,3,4\n1,2,x,4\n"), "--out", filepath.Join(work, "d2")}, `nan1.csv: line 2, column 3: "x" is not a number`},
		{"csv NaN", []string{"run", tiny, "--train", file("nan2.csv", "1,2,3,4\n1,NaN,3,4\n"), "--out", filepath.Join(work, "d3")}, "line 2, column 2"},
		{"csv empty", []string{"run", tiny, "--train", file("empty.csv", ""), "--out", filepath.Join(work, "d4")}, "empty.csv: no rows of numbers"},
		{"csv label missing", []string{"run", tiny, "--train", good, "--label", "type", "--out", filepath.Join(work, "d5")}, `no label column "type"`},
		{"csv ignored column missing", []string{"run", tiny, "--train", good, "--label", "kind", "--ignore", "id", "--out", filepath.Join(work, "d6")}, `no ignored column "id"`},
		{"csv text column", []string{"run", tiny, "--train", file("ids.csv", "id,a,b,c,d\nx1,1,2,3,4\n"), "--out", filepath.Join(work, "d7")}, `"x1" is not a number (a column that is not a feature can be left out with --ignore id)`},
		{"ignore without train", []string{"run", "ae1", "--ignore", "id"}, "val, label, ignore and missing go with train"},
		{"csv missing value", []string{"run", tiny, "--train", file("holes.csv", "1,2,3,4\n1,NA,3,4\n"), "--out", filepath.Join(work, "d8")}, `holes.csv: line 2, column 2: "NA" is a missing value (--missing mean or --missing zero fills missing values)`},
		{"missing rule unknown", []string{"run", tiny, "--train", good, "--label", "kind", "--missing", "median", "--out", filepath.Join(work, "d9")}, `missing must be mean or zero, got "median"`},
		{"missing on npy", []string{"encode", modelFile, raw("miss.npy", append(npyHeader("<f4", "1, 4"), make([]byte, 16)...)), "--missing", "zero"}, "filling missing values is for CSV files"},
		{"ignore on npy", []string{"encode", modelFile, raw("ign.npy", append(npyHeader("<f4", "1, 4"), make([]byte, 16)...)), "--ignore", "0"}, "ignored columns are for CSV files"},
		{"npy dtype", []string{"encode", modelFile, raw("i8.npy", append(npyHeader("<i8", "1, 4"), make([]byte, 32)...))}, `dtype "<i8" is not supported`},
		{"npy truncated", []string{"encode", modelFile, raw("short.npy", append(npyHeader("<f4", "2, 4"), make([]byte, 12)...))}, "after the header"},
		{"npy NaN", []string{"encode", modelFile, raw("nan.npy", nanNPY)}, "sample 0, value 0: NaN"},
		{"png mixed sizes", []string{"encode", modelFile, pngDir}, "all images must have one size"},
		{"png not png", []string{"encode", modelFile, filepath.Dir(file("notpng/a.png", "no"))}, "not a readable PNG image"},
		{"unknown format", []string{"encode", modelFile, file("data.xlsx", "x")}, "unknown data format"},
	}
	if len(cases) < 60 {
		t.Fatalf("the corpus has %d cases, want at least 60", len(cases))
	}
	for _, c := range cases {
		before := tree(t, work)
		cmd := exec.Command(bin, c.args...)
		cmd.Dir = work
		var stderr bytes.Buffer
		cmd.Stderr, cmd.Stdout = &stderr, &bytes.Buffer{}
		err := cmd.Run()
		msg := strings.TrimSpace(stderr.String())
		if err == nil {
			t.Errorf("%s: latent %v succeeded", c.name, c.args)
			continue
		}
		if strings.Count(msg, "\n") > 0 || !strings.HasPrefix(msg, "latent: ") || !strings.Contains(msg, c.want) {
			t.Errorf("%s: stderr %q; want one line with %q", c.name, msg, c.want)
		}
		if strings.Contains(msg, "goroutine") || strings.Contains(msg, "panic") || strings.Contains(msg, "struct {") || strings.Contains(msg, "Go struct") {
			t.Errorf("%s: %q", c.name, msg)
		}
		if after := tree(t, work); after != before {
			t.Errorf("%s: files changed:\n%s", c.name, diffLines(before, after))
		}
	}
}

// tree lists every file and folder under dir with its size.
func tree(t *testing.T, dir string) string {
	var lines []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		info, _ := d.Info()
		size := int64(0)
		if info != nil && !d.IsDir() {
			size = info.Size()
		}
		rel, _ := filepath.Rel(dir, p)
		lines = append(lines, rel+" "+strconv.FormatInt(size, 10))
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func diffLines(a, b string) string {
	in := map[string]bool{}
	for _, l := range strings.Split(a, "\n") {
		in[l] = true
	}
	var out []string
	for _, l := range strings.Split(b, "\n") {
		if !in[l] {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
