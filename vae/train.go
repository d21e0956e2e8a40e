package vae

import (
	"fmt"
	"math"
	"time"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/internal/vecf"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
)

// Losses are the terms of one batch, or their means over an epoch.
type Losses struct {
	Total          float64 `json:"loss"`
	Reconstruction float64 `json:"reconstruction_loss"`
	KL             float64 `json:"kl_loss"`
}

// Step computes the losses of one batch x: reconstruction = the mean over
// the batch of the binary cross-entropy summed over the pixels (from the
// decoder's logits, as Keras 2.15 computes it after a sigmoid); KL = the
// mean over the batch of -0.5*Σ(1 + log σ² - μ² - σ²). With an optimizer
// it also backpropagates their sum and updates the weights.
func (v *VAE) Step(x *tensor.Tensor, opt optim.Optimizer) (Losses, error) {
	outs, err := v.Train.Forward([]*tensor.Tensor{x}, opt != nil)
	if err != nil {
		return Losses{}, err
	}
	batch := float64(x.Rows())
	scale := float32(1 / batch)
	rc := v.Train.OutputCall(2)
	logits := v.Train.OutputLayer(2).(nn.LogitLayer).Logits(rc)
	rc.GradPre.Resize(logits.Rows(), logits.Shape[1:])
	const grain = 1 << 14
	n := len(logits.Data)
	parts := make([]float64, compute.Pieces(n, grain))
	compute.ParallelFor(n, grain, func(lo, hi int) {
		parts[lo/grain] = vecf.BCELogits(logits.Data[lo:hi], rc.Out.Data[lo:hi], x.Data[lo:hi], rc.GradPre.Data[lo:hi], scale)
	})
	var recon float64
	for _, p := range parts {
		recon += p
	}
	recon /= batch
	mean, logVar := outs[0], outs[1]
	mc, lc := v.Train.OutputCall(0), v.Train.OutputCall(1)
	if opt != nil {
		rc.GradPreSet = true
		mc.GradOut.Resize(mean.Rows(), mean.Shape[1:])
		lc.GradOut.Resize(logVar.Rows(), logVar.Shape[1:])
		mc.GradOutSet, lc.GradOutSet = true, true
	}
	var gm, glv []float32
	if opt != nil {
		gm, glv = mc.GradOut.Data, lc.GradOut.Data
	}
	kl := KL(mean.Data, logVar.Data, x.Rows(), gm, glv)
	if math.IsNaN(recon) || math.IsNaN(kl) {
		return Losses{}, fmt.Errorf("the loss became NaN; try a smaller learning rate")
	}
	if opt != nil {
		v.Train.Backward()
		opt.Step(v.Train.Params())
	}
	return Losses{Total: recon + kl, Reconstruction: recon, KL: kl}, nil
}

// Config holds Fit's settings.
type Config struct {
	Epochs    int
	BatchSize int
	Seed      uint64 // shuffling
	Callbacks []train.Callback
	// InitialEpoch is the number of epochs already done (to resume).
	InitialEpoch int
}

// Fit trains on x (the targets are x itself), shuffling every epoch, and
// returns each epoch's losses: the unweighted means of the batch losses,
// as the example's keras.metrics.Mean trackers compute them.
func (v *VAE) Fit(x *tensor.Tensor, opt optim.Optimizer, cfg Config) ([]Losses, error) {
	if cfg.Epochs <= 0 || cfg.BatchSize <= 0 {
		return nil, fmt.Errorf("epochs and batch size must be positive, got %d and %d", cfg.Epochs, cfg.BatchSize)
	}
	if !tensor.SameShape(x.Shape[1:], v.Spec.InputShape) {
		return nil, fmt.Errorf("inputs have shape %v per sample, the VAE takes %v", x.Shape[1:], v.Spec.InputShape)
	}
	n := x.Rows()
	steps := (n + cfg.BatchSize - 1) / cfg.BatchSize
	for _, cb := range cfg.Callbacks {
		cb.TrainBegin(train.Info{Epochs: cfg.Epochs, Steps: steps, Samples: n})
	}
	var history []Losses
	var xb tensor.Tensor
	for epoch := cfg.InitialEpoch; epoch < cfg.Epochs; epoch++ {
		for _, cb := range cfg.Callbacks {
			cb.EpochBegin(epoch)
		}
		start := time.Now()
		order := train.EpochOrder(n, cfg.Seed, epoch, true)
		var sum Losses
		for step := 0; step < steps; step++ {
			train.Gather(&xb, x, order[step*cfg.BatchSize:min((step+1)*cfg.BatchSize, n)])
			l, err := v.Step(&xb, opt)
			if err != nil {
				return history, fmt.Errorf("epoch %d: %w", epoch+1, err)
			}
			sum.Total += l.Total
			sum.Reconstruction += l.Reconstruction
			sum.KL += l.KL
			for _, cb := range cfg.Callbacks {
				cb.BatchEnd(step, sum.Total/float64(step+1))
			}
		}
		k := float64(steps)
		mean := Losses{Total: sum.Total / k, Reconstruction: sum.Reconstruction / k, KL: sum.KL / k}
		history = append(history, mean)
		logs := train.EpochLogs{Epoch: epoch, Loss: mean.Total, Seconds: time.Since(start).Seconds(),
			Extra: []train.Metric{{Name: "reconstruction_loss", Value: mean.Reconstruction}, {Name: "kl_loss", Value: mean.KL}}}
		stop := false
		for _, cb := range cfg.Callbacks {
			if cb.EpochEnd(logs) {
				stop = true
			}
		}
		if stop {
			return history, train.ErrStopped
		}
	}
	return history, nil
}

// KL returns the KL term of a batch of batch samples, the mean over the
// batch of -0.5*Σ(1 + logVar - mean² - exp(logVar)), and, when gMean and
// gLogVar are not nil, writes its gradients there: mean/batch and
// -0.5*(1 - exp(logVar))/batch.
func KL(mean, logVar []float32, batch int, gMean, gLogVar []float32) float64 {
	scale := 1 / float32(batch)
	var kl float64
	for i, m := range mean {
		lv := logVar[i]
		e := float32(math.Exp(float64(lv)))
		kl += -0.5 * float64(1+lv-m*m-e)
		if gMean != nil {
			gMean[i] = m * scale
			gLogVar[i] = -0.5 * (1 - e) * scale
		}
	}
	return kl / float64(batch)
}
