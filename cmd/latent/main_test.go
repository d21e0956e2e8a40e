package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/latent-go/latent/safetensors"
)

// binary builds the command once for the tests that run it as a user would.
func binary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "latent")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func TestSummaryAe1(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"summary", "ae1"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"25120", "25872", "Total params: 50992 (199.19 KB)", `Model: "model_1"`, `Model: "model_2"`} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("summary lacks %q", s)
		}
	}
}

// TestBadInputGivesOneLine runs the built command on bad input: each must
// exit non-zero with one line on stderr that says what is wrong, and never
// a panic or a stack trace.
func TestBadInputGivesOneLine(t *testing.T) {
	bin := binary(t)
	corrupt := t.TempDir()
	for _, f := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"} {
		os.WriteFile(filepath.Join(corrupt, f), []byte("this is not an IDX file"), 0o644)
	}
	badRecipe := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(badRecipe, []byte(`{"name": "x", "epochs": 1, "input_shape": [784], "encoder": [{"type": "Dense", "units": 4}], "decoder": [{"type": "Dense", "units": 784, "activation": "sigmoidd"}]}`), 0o644)
	hugeRecipe := filepath.Join(t.TempDir(), "huge.json")
	os.WriteFile(hugeRecipe, []byte(`{"name": "huge", "epochs": 1, "input_shape": [784], "encoder": [{"type": "Dense", "units": 400000}], "decoder": [{"type": "Dense", "units": 784}]}`), 0o644)
	notModel := filepath.Join(t.TempDir(), "m.safetensors")
	os.WriteFile(notModel, []byte("not a model file at all"), 0o644)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "no command"},
		{[]string{"frob"}, 2, "unknown command"},
		{[]string{"run"}, 2, "exactly one RECIPE"},
		{[]string{"run", "ae9"}, 1, "unknown recipe"},
		{[]string{"run", "ae1", "--epochs", "-3"}, 2, "--epochs must be a positive number"},
		{[]string{"run", "ae1", "--epochs", "many"}, 2, "invalid value"},
		{[]string{"run", "ae1", "--batch-size", "0"}, 2, "--batch-size"},
		{[]string{"run", "ae1", "--dataset", "cifar"}, 2, "--dataset must be mnist or fashion"},
		{[]string{"run", "ae1", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"run", "ae1", "--data-dir", "/nonexistent/dir", "--out", t.TempDir()}, 1, "/nonexistent/dir"},
		{[]string{"run", "ae1", "--data-dir", corrupt, "--out", t.TempDir()}, 1, "magic number"},
		{[]string{"run", badRecipe}, 1, "unknown activation"},
		{[]string{"run", "ae1", "--resume", "--out", t.TempDir()}, 1, "nothing to resume"},
		{[]string{"summary", "nope.json"}, 1, "unknown recipe"},
		{[]string{"summary", hugeRecipe}, 1, "more than the 268,435,456 a model may have"},
		{[]string{"run", hugeRecipe, "--out", t.TempDir()}, 1, "314,000,000 weights (1.17 GiB of float32), more than"},
		{[]string{"summary", notModel}, 1, "m.safetensors"},
		{[]string{"summary", filepath.Join(t.TempDir(), "absent.safetensors")}, 1, "absent.safetensors"},
		{[]string{"bench", "ae1", "--epochs", "0"}, 2, "--epochs must be a positive number"},
		{[]string{"bench", "ae1", "--gemm", "cublas"}, 2, "unknown --gemm"},
		{[]string{"bench", "ae1", "--elementwise", "neon"}, 2, "unknown --elementwise"},
	}
	for _, c := range cases {
		cmd := exec.Command(bin, c.args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Stdout = &bytes.Buffer{}
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		msg := stderr.String()
		last := strings.TrimSpace(msg[strings.LastIndex(strings.TrimSpace(msg), "\n")+1:])
		if code != c.code || !strings.Contains(last, c.want) || !strings.HasPrefix(last, "latent: ") {
			t.Errorf("latent %v: exit %d, stderr %q; want exit %d and a line with %q", c.args, code, msg, c.code, c.want)
		}
		if strings.Contains(msg, "panic") || strings.Contains(msg, "goroutine") {
			t.Errorf("latent %v: stack trace: %s", c.args, msg)
		}
		if c.args != nil && strings.Count(strings.TrimSpace(msg), "\n") > 0 {
			t.Errorf("latent %v: more than one line on stderr: %q", c.args, msg)
		}
	}
}

// TestSummaryOfSavedModel trains a VAE for one epoch on 256 digits and
// prints the summaries of its saved model file: the same text as the
// recipe's, then the lines that say what it was trained on.
func TestSummaryOfSavedModel(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	recipePath := filepath.Join(dir, "small-vae.json")
	os.WriteFile(recipePath, []byte(`{"name": "small-vae", "kind": "vae", "epochs": 1, "batch_size": 64, "seed": 3, "input_shape": [784], "latent_dim": 2,
		"encoder": [{"type": "Dense", "units": 16, "activation": "relu"}],
		"decoder": [{"type": "Dense", "units": 784, "activation": "sigmoid"}]}`), 0o644)
	out := filepath.Join(dir, "out")
	if b, err := exec.Command(bin, "run", recipePath, "--out", out).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	fromRecipe, err := exec.Command(bin, "summary", recipePath).Output()
	if err != nil {
		t.Fatal(err)
	}
	fromFile, err := exec.Command(bin, "summary", filepath.Join(out, "model.safetensors")).Output()
	if err != nil {
		t.Fatal(err)
	}
	// The model file's summaries are the recipe's, then what the file
	// says it was trained on.
	training, found := strings.CutPrefix(string(fromFile), string(fromRecipe))
	if !found || !strings.Contains(string(fromFile), `Model: "encoder"`) || !strings.HasPrefix(training, "recipe:    small-vae\ndata:      mnist\n") {
		t.Errorf("summary of the model file:\n%s\nof the recipe:\n%s", fromFile, fromRecipe)
	}
}

// TestKilledRunResumes kills a training run with SIGKILL once its first
// checkpoint is on disk, resumes it with --resume, and compares the final
// weights with those of a run that was never stopped: bit for bit.
func TestKilledRunResumes(t *testing.T) {
	stopAndResume(t, os.Kill)
}

// TestInterruptedRunResumes stops a run with SIGINT (Ctrl-C) mid-run: it
// exits 130 with one line that says what was kept and how to resume, and
// the resumed run ends with the weights of one never stopped.
func TestInterruptedRunResumes(t *testing.T) {
	stderr := stopAndResume(t, os.Interrupt)
	last := strings.TrimSpace(stderr[strings.LastIndex(strings.TrimSpace(stderr), "\n")+1:])
	if !strings.Contains(last, "interrupted: the ") || !strings.Contains(last, " kept in ") || !strings.Contains(last, "resume with: latent run ae1 --epochs 1000 --no-download --out") || !strings.HasSuffix(last, "--resume") {
		t.Errorf("the last line: %q", last)
	}
}

// stopAndResume starts a long run, stops it with sig once its first
// checkpoint is on disk, reads how many epochs it kept (k), resumes it to
// k+2 epochs and compares its weights with a run of k+2 epochs that never
// stopped. Whatever the machine's speed, the stop lands mid-run. It
// returns what the stopped run wrote on stderr.
func stopAndResume(t *testing.T, sig os.Signal) string {
	t.Helper()
	if testing.Short() {
		t.Skip("trains ae1 twice on MNIST")
	}
	bin := binary(t)
	whole, stopped := t.TempDir(), t.TempDir()
	cmd := exec.Command(bin, "run", "ae1", "--epochs", "1000", "--no-download", "--out", stopped)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(stopped, "checkpoint.safetensors")
	for {
		if _, err := os.Stat(ckpt); err == nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(sig)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); sig == os.Interrupt && (!ok || ee.ExitCode() != 130) {
		t.Errorf("exit %v after SIGINT, want status 130; stderr:\n%s", err, stderr.String())
	}
	// The epochs kept: the checkpoint's (written before history.json).
	ck, err := safetensors.ReadFile(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	var st struct{ Epoch int }
	if err := json.Unmarshal([]byte(ck.Metadata["state"]), &st); err != nil || st.Epoch == 0 {
		t.Fatalf("checkpoint state after the stop: %v", err)
	}
	epochs := fmt.Sprint(st.Epoch + 2)
	args := []string{"run", "ae1", "--epochs", epochs, "--no-download"}
	if out, err := exec.Command(bin, append(args, "--out", whole)...).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err := exec.Command(bin, append(args, "--out", stopped, "--resume")...).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Resuming after epoch") {
		t.Errorf("resumed output:\n%s", out)
	}
	a, err := safetensors.ReadFile(filepath.Join(whole, "model.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := safetensors.ReadFile(filepath.Join(stopped, "model.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	for name, ta := range a.Tensors {
		for i, v := range ta.Data {
			if c.Tensors[name].Data[i] != v {
				t.Fatalf("%s[%d]: %v uninterrupted, %v after the stop", name, i, v, c.Tensors[name].Data[i])
			}
		}
	}
	return stderr.String()
}

// TestBenchThreadsInTurn: --threads 1,2 takes the counts in turn, epoch
// by epoch, says how far the speed-up moved from one round to the next,
// and gives each layer's.
func TestBenchThreadsInTurn(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"bench", "ae1", "--epochs", "2", "--threads", "1,2"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	one, two, ok := strings.Cut(text, ", 2 threads\n")
	if !ok || !strings.Contains(one, "  epoch 1: ") || !strings.Contains(one, "  epoch 3: ") || strings.Contains(one, "  epoch 2: ") ||
		!strings.Contains(two, "  epoch 2: ") || !strings.Contains(two, "  epoch 4: ") || !strings.Contains(two, "x the speed of 1 (epoch by epoch ") ||
		!strings.Contains(two, "  each layer's speed-up, forward + backward: dense ") || !strings.Contains(two, ", dense_1 ") {
		t.Fatalf("output:\n%s", text)
	}
}

// TestBenchParallelSites: --parallel-sites prints, after the run, the
// parallel calls by site, the Dense layers' among them, with shares that
// add up to the whole.
func TestBenchParallelSites(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"bench", "ae1", "--epochs", "1", "--threads", "2", "--parallel-sites"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	_, table, ok := strings.Cut(text, "parallel calls at 2 threads, by site")
	if !ok || !strings.Contains(table, "nn.(*Dense).Forward") {
		t.Fatalf("no table of sites with the Dense layers in:\n%s", text)
	}
	share := 0.0
	for _, line := range strings.Split(table, "\n")[2:] {
		var seconds, pct float64
		if n, _ := fmt.Sscanf(line, "%f %f%%", &seconds, &pct); n == 2 {
			share += pct
		} else if _, rest, ok := strings.Cut(line, "sites, "); ok {
			fmt.Sscanf(rest, "%f%%", &pct)
			share += pct
		}
	}
	if share < 99 || share > 101 {
		t.Fatalf("the sites' shares add up to %.1f%%:\n%s", share, table)
	}
}

// TestBenchParallelSitesJSON: with --json the sites go into the report,
// which stays one JSON document.
func TestBenchParallelSitesJSON(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"bench", "ae1", "--epochs", "1", "--threads", "2", "--parallel-sites", "--json"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Sites []struct {
			Site    string  `json:"site"`
			Calls   int     `json:"calls"`
			Seconds float64 `json:"seconds"`
		} `json:"parallel_sites"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out.String())
	}
	if len(rep.Sites) == 0 || rep.Sites[0].Calls == 0 || rep.Sites[0].Seconds <= 0 {
		t.Fatalf("no sites in the report: %+v", rep.Sites)
	}
}
