package runner

import (
	"errors"
	"fmt"

	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/train"
)

// prepareTraining makes the objective and the optimizer and, for a
// resumed run, loads the checkpoint into them, the model and the history.
func prepareTraining(r *run) error {
	var err error
	if r.objective, err = r.model.Family().Objective(r.recipe.Loss); err != nil {
		return err
	}
	if r.optimizer, err = optim.New(r.recipe.Optimizer); err != nil {
		return err
	}
	r.history = &train.History{}
	r.ckpt, err = prepareCheckpoints(r, r.optimizer, r.history)
	return err
}

// fit trains the model on the prepared data with Keras's progress output,
// rewriting history.json and the checkpoint after every epoch.
func fit(r *run) error {
	rc, h := r.recipe, r.history
	saver := &historySaver{path: r.path("history.json"), history: h,
		file: HistoryFile{Recipe: rc.Name, Dataset: r.data.Dataset, Epochs: rc.Epochs, BatchSize: rc.BatchSize, Seed: rc.Seed}}
	t := &train.Trainer{Model: r.model.Network(), Objective: r.objective, Optimizer: r.optimizer}
	callbacks := []train.Callback{&train.Progress{W: r.opt.Stdout, Terminal: r.opt.Terminal}, r.ckpt, saver}
	es := earlyStopping(r)
	if es != nil {
		callbacks = append(callbacks, es)
	}
	_, err := t.Fit(r.data.Train, r.data.TrainTargets, train.Config{
		Epochs: rc.Epochs, BatchSize: rc.BatchSize, Seed: rc.Seed,
		ValX: r.data.Val, ValY: r.data.ValTargets, History: h, Context: r.opt.Context,
		// The checkpoint before history.json: a run stopped between the two
		// never has a history ahead of its checkpoint.
		Callbacks: callbacks,
	})
	if errors.Is(err, train.ErrInterrupted) {
		if r.opt.Terminal {
			fmt.Fprintln(r.opt.Stdout)
		}
		return &Interrupted{Epochs: h.Epochs(), Checkpoint: r.path(CheckpointFile)}
	}
	if errors.Is(err, train.ErrNotFinite) && h.Epochs() > 0 {
		return fmt.Errorf("%w; the %d finished epochs are kept in %s", err, h.Epochs(), r.path(CheckpointFile))
	}
	if errors.Is(err, train.ErrStopped) && es != nil && es.Stopped && r.ckpt.err == nil && saver.err == nil {
		err = nil // stopped early: a finished run
	}
	if err := firstErr(r.ckpt.err, saver.err, err); err != nil {
		return err
	}
	r.result.History = h
	return nil
}

// firstErr returns the first error that is not nil: a callback's own
// failure explains the ErrStopped that training returns after it.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// earlyStopping is the recipe's early stopping callback, aware of the
// epochs a resumed run has done; nil without early stopping.
func earlyStopping(r *run) *train.EarlyStopping {
	c := r.recipe.EarlyStopping
	if c == nil {
		return nil
	}
	es := &train.EarlyStopping{Monitor: c.Monitor, Patience: c.Patience, MinDelta: c.MinDelta,
		RestoreBestWeights: c.RestoreBestWeights, Model: r.model.Network(), Log: r.opt.Stdout}
	es.Replay(r.history)
	return es
}
