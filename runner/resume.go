package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"

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
	c.Epochs, c.Description, c.Lecture, c.PrintCodes, c.Grid = 0, "", nil, 0, nil
	c.Dataset = dataset
	return json.Marshal(struct {
		Recipe *recipe.Recipe `json:"recipe"`
		Limit  int            `json:"limit,omitempty"`
	}{&c, limit})
}

// resumeRun loads the checkpoint of opt.OutDir into the layers and the
// optimizer, decodes its history into hist and returns the number of
// epochs it had finished, at most epochs. Without opt.Resume it does
// nothing.
func resumeRun(opt Options, epochs int, id json.RawMessage, layers []nn.Layer, o optim.Optimizer, hist any) (int, error) {
	if !opt.Resume {
		return 0, nil
	}
	path := filepath.Join(opt.OutDir, CheckpointFile)
	st, err := checkpoint.Load(path, layers, o)
	if errors.Is(err, checkpoint.ErrNone) {
		return 0, fmt.Errorf("nothing to resume: %s has no %s (run without --resume to start afresh)", opt.OutDir, CheckpointFile)
	}
	if err != nil {
		return 0, err
	}
	if string(st.Run) != string(id) {
		return 0, fmt.Errorf("%s is from a different run (its recipe, dataset or seed differ from this one's); run without --resume to start afresh", path)
	}
	if st.Epoch > epochs {
		return 0, fmt.Errorf("%s has finished %d epochs, more than the %d asked for", path, st.Epoch, epochs)
	}
	if err := json.Unmarshal(st.History, hist); err != nil {
		return 0, fmt.Errorf("%s: bad history: %w", path, err)
	}
	fmt.Fprintf(opt.Stdout, "Resuming after epoch %d from %s\n", st.Epoch, path)
	return st.Epoch, nil
}

// prepareCheckpoints resumes the run when opt.Resume (loading the
// checkpoint into the layers, the optimizer and hist) and returns the
// epochs already done and the callback that saves a checkpoint after
// every epoch.
func prepareCheckpoints(opt Options, r *recipe.Recipe, dataset string, layers []nn.Layer, o optim.Optimizer, hist any) (int, *checkpointer, error) {
	id, err := runIdentity(r, dataset, opt.Limit)
	if err != nil {
		return 0, nil, err
	}
	done, err := resumeRun(opt, r.Epochs, id, layers, o, hist)
	if err != nil {
		return 0, nil, err
	}
	return done, newCheckpointer(opt, id, layers, o, hist), nil
}

// checkpointer saves a checkpoint after every epoch, with hist (kept up to
// date by the history saver before it) as its history.
type checkpointer struct {
	train.BaseCallback
	path   string
	id     json.RawMessage
	layers []nn.Layer
	opt    optim.Optimizer
	hist   any
	err    error
}

func newCheckpointer(opt Options, id json.RawMessage, layers []nn.Layer, o optim.Optimizer, hist any) *checkpointer {
	return &checkpointer{path: filepath.Join(opt.OutDir, CheckpointFile), id: id, layers: layers, opt: o, hist: hist}
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
