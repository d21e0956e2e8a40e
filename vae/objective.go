package vae

import (
	"fmt"
	"math"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/loss"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
)

// Objective is keras.io's VAE loss on the network's outputs [z_mean,
// z_log_var, reconstruction] against the inputs: reconstruction = the mean
// over the batch of the binary cross-entropy summed over the pixels (from
// the decoder's logits, as Keras 2.15 computes it after a sigmoid); KL =
// the mean over the batch of -0.5*Σ(1 + log σ² - μ² - σ²). The epoch's
// numbers are the plain means of the batches', as the example's
// keras.metrics.Mean trackers compute them.
type Objective struct{}

// Parts implements train.Objective.
func (Objective) Parts() []string { return []string{"reconstruction_loss", "kl_loss"} }

// Averaging implements train.Objective.
func (Objective) Averaging() train.Averaging { return train.ByBatches }

// CheckTargets implements train.Objective: the targets are the inputs.
func (Objective) CheckTargets(m *nn.Model, shape []int) error {
	outs := m.Outputs()
	if len(outs) != 3 || !tensor.SameShape(shape, outs[2].Shape()) {
		return fmt.Errorf("a VAE reconstructs its inputs: targets of shape %v do not fit", shape)
	}
	return nil
}

// Compute implements train.Objective.
func (Objective) Compute(s *nn.Session, y *tensor.Tensor, grad bool) (train.Value, error) {
	batch := float64(y.Rows())
	rec := s.Output(2)
	g := rec.LogitGrad() // in evaluation, the vector kernel's scratch
	recon := loss.SumBCEFromLogits(rec, y, g.Data, float32(1/batch)) / batch
	mean, logVar := s.Output(0), s.Output(1)
	var gm, glv []float32
	if grad {
		gm, glv = mean.Grad().Data, logVar.Grad().Data
	}
	kl := KL(mean.Value.Data, logVar.Value.Data, y.Rows(), gm, glv)
	if math.IsNaN(recon) || math.IsNaN(kl) {
		return train.Value{}, fmt.Errorf("%w: the reconstruction or KL term became NaN; try a smaller learning rate", train.ErrNotFinite)
	}
	return train.Value{Total: recon + kl + s.Penalty(), Parts: []float64{recon, kl}}, nil
}

// PerSample implements train.Objective: each sample's summed binary
// cross-entropy plus its KL term.
func (Objective) PerSample(s *nn.Session, y *tensor.Tensor, dst []float64) error {
	rec, mean, logVar := s.Output(2), s.Output(0), s.Output(1)
	cols := rec.Value.Cols()
	scratch := make([]float32, cols)
	for r := range dst {
		lo, hi := r*cols, (r+1)*cols
		dst[r] = compute.BCELogits(rec.SigmoidLogits.Data[lo:hi], rec.Value.Data[lo:hi], y.Data[lo:hi], scratch, 1)
		dst[r] += KL(mean.Value.Row(r), logVar.Value.Row(r), 1, nil, nil)
	}
	s.PenaltyPerSample(dst)
	return nil
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
		kl += float64(-0.5 * float64(1+lv-float32(m*m)-e))
		if gMean != nil {
			gMean[i] = m * scale
			gLogVar[i] = -0.5 * (1 - e) * scale
		}
	}
	return kl / float64(batch)
}
