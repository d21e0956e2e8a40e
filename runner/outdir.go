package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// LockFile keeps two runs out of one folder: it holds the process id of
// the run writing there.
const LockFile = ".latent.lock"

// runFiles are the files whose presence says a folder holds a run.
var runFiles = []string{"history.json", CheckpointFile, "model.safetensors"}

// checkOutDir refuses to start a run in a folder that holds another run,
// unless the run resumes it or is forced to replace it. It only reads.
func checkOutDir(r *run) error {
	if r.opt.Resume || r.opt.Force {
		return nil
	}
	for _, f := range runFiles {
		if _, err := os.Stat(r.path(f)); err == nil {
			return fmt.Errorf("%s holds a run already (%s); resume it with --resume, replace it with --force, or choose another --out", r.opt.OutDir, describeRun(r.opt.OutDir))
		}
	}
	return nil
}

// describeRun says what run a folder holds, from its history.json.
func describeRun(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "history.json"))
	if err != nil {
		return "a model or a checkpoint"
	}
	var h HistoryFile
	if json.Unmarshal(b, &h) != nil {
		return "a damaged history.json"
	}
	return fmt.Sprintf("recipe %s on %s, %d of %d epochs, seed %d", h.Recipe, h.Dataset, len(h.Loss), h.Epochs, h.Seed)
}

// makeOutDir makes the output folder and takes its lock: a folder being
// written by a live process is refused; the lock of a process that died is
// taken over.
func makeOutDir(r *run) error {
	if err := os.MkdirAll(r.opt.OutDir, 0o755); err != nil {
		return err
	}
	lock := r.path(LockFile)
	for range 2 {
		f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%d\n", os.Getpid())
			r.unlock = func() { os.Remove(lock) }
			return f.Close()
		}
		if !errors.Is(err, os.ErrExist) {
			return err
		}
		if pid, alive := lockHolder(lock); alive {
			return fmt.Errorf("%s is being written by another latent (process %d); wait for it, or choose another --out", r.opt.OutDir, pid)
		}
		os.Remove(lock) // a stale lock: its process is gone
	}
	return fmt.Errorf("%s: could not take the lock %s", r.opt.OutDir, LockFile)
}

// lockHolder reads a lock's process id and says whether it still runs.
func lockHolder(path string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, false
	}
	if pid == os.Getpid() {
		return pid, true
	}
	return pid, processRuns(pid)
}
