package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/latent-go/latent/checkpoint"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/train"
)

// CheckpointFile is the checkpoint's name in a run's output folder. It is
// rewritten after every epoch and stays when the run ends, so that a
// finished run can also be taken further with a larger epoch count.
const CheckpointFile = "checkpoint.safetensors"

// runIdentity is what a checkpoint must match to resume a run: the recipe
// as far as it shapes training, the dataset and the image limit. The epoch
// count is left out, so a finished run can also be extended.
func runIdentity(r *recipe.Recipe, dataset string, limit int) (json.RawMessage, error) {
	c := *r
	c.Epochs, c.Description, c.Lecture, c.PrintCodes, c.Grid, c.LatentPlot, c.EarlyStopping = 0, "", nil, 0, nil, "", nil
	c.Dataset = dataset
	return json.Marshal(struct {
		Recipe *recipe.Recipe `json:"recipe"`
		Limit  int            `json:"limit,omitempty"`
	}{&c, limit})
}

// resumeRun loads the checkpoint of opt.OutDir into the layers and the
// optimizer, decodes its history into h and returns the number of epochs
// it had finished, at most epochs. Without opt.Resume it does nothing.
func resumeRun(opt Options, epochs int, id json.RawMessage, layers []nn.Layer, o optim.Optimizer, h *train.History) error {
	if !opt.Resume {
		return nil
	}
	path := filepath.Join(opt.OutDir, CheckpointFile)
	st, err := checkpoint.Load(path, layers, o)
	if errors.Is(err, checkpoint.ErrNone) {
		return fmt.Errorf("nothing to resume: %s has no %s (run without --resume to start afresh)", opt.OutDir, CheckpointFile)
	}
	if err != nil {
		return err
	}
	if !sameJSON(st.Run, id) {
		return fmt.Errorf("%s is from a different run: %s; run without --resume to start afresh", path, runDifference(st.Run, id))
	}
	if st.Epoch > epochs {
		return fmt.Errorf("%s has finished %d epochs, more than the %d asked for", path, st.Epoch, epochs)
	}
	if err := json.Unmarshal(st.History, h); err != nil || h.Epochs() != st.Epoch {
		return fmt.Errorf("%s: its history does not hold the %d epochs it has finished", path, st.Epoch)
	}
	fmt.Fprintf(opt.Stdout, "Resuming after epoch %d from %s\n", st.Epoch, path)
	return nil
}

// runDifference says how two run identities differ, in the recipe's
// field names: "batch_size 5 (the checkpoint's: 10)".
func runDifference(saved, now []byte) string {
	var a, b struct {
		Recipe map[string]any `json:"recipe"`
		Limit  any            `json:"limit"`
	}
	if json.Unmarshal(saved, &a) != nil || json.Unmarshal(now, &b) != nil {
		return "its recipe, data or settings differ"
	}
	var diffs []string
	keys := map[string]bool{}
	for k := range a.Recipe {
		keys[k] = true
	}
	for k := range b.Recipe {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !reflect.DeepEqual(a.Recipe[k], b.Recipe[k]) {
			diffs = append(diffs, fmt.Sprintf("%s %s (the checkpoint's: %s)", k, brief(b.Recipe[k]), brief(a.Recipe[k])))
		}
	}
	if len(diffs) == 0 {
		return "its data limit differs"
	}
	return strings.Join(diffs, ", ")
}

// brief writes a JSON value short.
func brief(v any) string {
	if v == nil {
		return "none"
	}
	b, _ := json.Marshal(v)
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// sameJSON reports whether two JSON texts hold the same values, whatever
// the order of their keys.
func sameJSON(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

// prepareCheckpoints resumes the run when asked (loading the checkpoint
// into the model, the optimizer and h) and returns the callback that
// saves a checkpoint after every epoch.
func prepareCheckpoints(r *run, o optim.Optimizer, h *train.History) (*checkpointer, error) {
	id, err := runIdentity(r.recipe, r.data.Dataset, r.opt.Limit)
	if err != nil {
		return nil, err
	}
	layers := r.model.Network().Layers()
	if err := resumeRun(r.opt, r.recipe.Epochs, id, layers, o, h); err != nil {
		return nil, err
	}
	return &checkpointer{path: r.path(CheckpointFile), id: id, layers: layers, opt: o, hist: h}, nil
}

// checkpointer saves a checkpoint after every epoch, with the history (kept
// up to date by the trainer) as its history.
type checkpointer struct {
	train.BaseCallback
	path   string
	id     json.RawMessage
	layers []nn.Layer
	opt    optim.Optimizer
	hist   *train.History
	err    error
}

func (c *checkpointer) EpochEnd(l train.EpochLogs) bool {
	h, err := json.Marshal(c.hist)
	if err == nil {
		err = checkpoint.Save(c.path, checkpoint.State{Epoch: l.Epoch + 1, Run: c.id, History: h}, c.layers, c.opt)
	}
	if err != nil {
		c.err = fmt.Errorf("saving the checkpoint: %w", err)
		return true
	}
	return false
}
