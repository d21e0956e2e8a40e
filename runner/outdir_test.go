package runner_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/runner"
)

func quickRun(t *testing.T, dir string, opt runner.Options) error {
	t.Helper()
	r, err := recipe.Load("ae1")
	if err != nil {
		t.Fatal(err)
	}
	r.Epochs = 1
	opt.OutDir, opt.Limit, opt.Data = dir, 300, data.Options{NoDownload: true}
	opt.Stdout = &bytes.Buffer{}
	_, err = runner.Run(r, opt)
	return err
}

// TestRunFolderBelongsToOneRun: a second run into a folder that holds a
// run is refused with what is there and the ways on; --force replaces it;
// a live process's lock keeps a run out; a dead process's lock is taken
// over; no lock is left behind.
func TestRunFolderBelongsToOneRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := quickRun(t, dir, runner.Options{}); err != nil {
		t.Fatal(err)
	}
	err := quickRun(t, dir, runner.Options{})
	for _, want := range []string{"holds a run already", "recipe ae1 on mnist, 1 of 1 epochs, seed 7", "--resume", "--force", "--out"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("second run: %v; want %q", err, want)
		}
	}
	if err := quickRun(t, dir, runner.Options{Force: true}); err != nil {
		t.Errorf("--force: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, runner.LockFile)); err == nil {
		t.Error("the lock outlived the run")
	}
	// A lock held by this (live) process.
	other := filepath.Join(t.TempDir(), "other")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, runner.LockFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
	if err := quickRun(t, other, runner.Options{}); err == nil || !strings.Contains(err.Error(), "being written by another latent") {
		t.Errorf("live lock: %v", err)
	}
	// A lock whose process is gone.
	os.WriteFile(filepath.Join(other, runner.LockFile), []byte("2147483646\n"), 0o644)
	if err := quickRun(t, other, runner.Options{}); err != nil {
		t.Errorf("stale lock: %v", err)
	}
}
