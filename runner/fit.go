package runner

import (
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/train"
)

// fit trains the model on the prepared data with Keras's progress output,
// rewriting history.json and the checkpoint after every epoch, and
// resuming from the checkpoint when asked.
func fit(r *run) error {
	rc := r.recipe
	objective, err := r.model.Family().Objective(rc.Loss)
	if err != nil {
		return err
	}
	opti, err := optim.New(rc.Optimizer)
	if err != nil {
		return err
	}
	h := &train.History{}
	ckpt, err := prepareCheckpoints(r, opti, h)
	if err != nil {
		return err
	}
	saver := &historySaver{path: r.path("history.json"), history: h,
		file: HistoryFile{Recipe: rc.Name, Dataset: r.data.Dataset, Epochs: rc.Epochs, BatchSize: rc.BatchSize, Seed: rc.Seed}}
	t := &train.Trainer{Model: r.model.Network(), Objective: objective, Optimizer: opti}
	_, err = t.Fit(r.data.Train, r.data.TrainTargets, train.Config{
		Epochs: rc.Epochs, BatchSize: rc.BatchSize, Seed: rc.Seed,
		ValX: r.data.Val, ValY: r.data.ValTargets, History: h,
		Callbacks: []train.Callback{&train.Progress{W: r.opt.Stdout, Terminal: r.opt.Terminal}, saver, ckpt},
	})
	if err := firstErr(saver.err, ckpt.err, err); err != nil {
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
