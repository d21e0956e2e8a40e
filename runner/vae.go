package runner

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/figure"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
	"github.com/latent-go/latent/vae"
)

// VAEHistory is the history.json of a VAE run: one entry per epoch.
type VAEHistory struct {
	Recipe         string    `json:"recipe"`
	Dataset        string    `json:"dataset"`
	Epochs         int       `json:"epochs"`
	BatchSize      int       `json:"batch_size"`
	Seed           uint64    `json:"seed"`
	Loss           []float64 `json:"loss"`
	Reconstruction []float64 `json:"reconstruction_loss"`
	KL             []float64 `json:"kl_loss"`
	Seconds        []float64 `json:"seconds"`
}

// runVAE trains a "vae" recipe as keras.io's example does and draws its
// figures: the decoded latent grid and the training codes by label.
func runVAE(r *recipe.Recipe, opt Options) (*Result, error) {
	out := func(name string) string { return filepath.Join(opt.OutDir, name) }
	v, err := r.BuildVAE()
	if err != nil {
		return nil, err
	}
	if err := describe(opt, []string{"encoder", "decoder"}, v.Encoder, v.Decoder); err != nil {
		return nil, err
	}
	ds, err := loadFor(r, opt)
	if err != nil {
		return nil, err
	}
	x := ds.TrainX
	if r.TrainOnTest {
		x = tensor.New(ds.TrainX.Rows()+ds.TestX.Rows(), ds.TrainX.Cols())
		copy(x.Data, ds.TrainX.Data)
		copy(x.Data[len(ds.TrainX.Data):], ds.TestX.Data)
	}
	x = x.View(r.InputShape...)
	opti, err := optim.New(r.Optimizer)
	if err != nil {
		return nil, err
	}
	h := &VAEHistory{Recipe: r.Name, Dataset: ds.Name, Epochs: r.Epochs, BatchSize: r.BatchSize, Seed: r.Seed}
	saver := &historySaver{path: out("history.json"), file: h, record: func(l train.EpochLogs) {
		h.Loss = append(h.Loss, l.Loss)
		for _, m := range l.Extra {
			switch m.Name {
			case "reconstruction_loss":
				h.Reconstruction = append(h.Reconstruction, m.Value)
			case "kl_loss":
				h.KL = append(h.KL, m.Value)
			}
		}
		h.Seconds = append(h.Seconds, l.Seconds)
	}}
	done, ckpt, err := prepareCheckpoints(opt, r, ds.Name, v.Train.Layers(), opti, h)
	if err != nil {
		return nil, err
	}
	h.Epochs = r.Epochs // a resumed run may have been extended
	_, err = v.Fit(x, opti, vae.Config{Epochs: r.Epochs, BatchSize: r.BatchSize, Seed: r.Seed, InitialEpoch: done,
		Callbacks: []train.Callback{&train.Progress{W: opt.Stdout, Terminal: opt.Terminal}, saver, ckpt}})
	if err := firstErr(saver.err, ckpt.err, err); err != nil {
		return nil, err
	}
	if err := v.Save(out("model.safetensors"), map[string]string{"recipe": r.Name, "dataset": ds.Name}); err != nil {
		return nil, err
	}
	// Figures: the grid keras.io's plot_latent_space draws (top row z[1] = max),
	// and the z_mean of the training images by label.
	g := r.Grid
	if g == nil {
		g = &recipe.Grid{N: 30, Min: -1, Max: 1}
	}
	grid, err := DecodeGrid(v.Decoder, g, true)
	if err != nil {
		return nil, err
	}
	if err := figure.Mosaic(out("grid.png"), grid, ds.Height, ds.Width, 1, figure.Gray); err != nil {
		return nil, err
	}
	train60 := ds.TrainX.View(r.InputShape...)
	outs, err := predictAll(v, train60)
	if err != nil {
		return nil, err
	}
	pts := make([][2]float32, outs.Rows())
	for i := range pts {
		pts[i] = [2]float32{outs.Data[2*i], outs.Data[2*i+1]}
	}
	if err := figure.LatentScatter(out("latent.png"), fmt.Sprintf("%s: z_mean of the %s training set", r.Name, ds.Name), pts, ds.TrainY, data.Classes[ds.Name]); err != nil {
		return nil, err
	}
	// Test digits over their decoded z_mean.
	test := ds.TestX.View(r.InputShape...).Slice(0, 10)
	zm, err := predictAll(v, test)
	if err != nil {
		return nil, err
	}
	recon, err := v.Decoder.Predict(zm, 256)
	if err != nil {
		return nil, err
	}
	rows := [][][]float32{nil, nil}
	for i := 0; i < recon.Rows(); i++ {
		rows[0] = append(rows[0], test.Row(i))
		rows[1] = append(rows[1], recon.Row(i))
	}
	if err := figure.ImageRows(out("reconstructions.png"), rows, ds.Height, ds.Width, 3, figure.Gray); err != nil {
		return nil, err
	}
	if r.Lecture != nil && ds.Name == "mnist" { // keras.io published MNIST numbers only
		var b strings.Builder
		fmt.Fprintf(&b, "%-7s %-21s %-10s %-9s %-10s\n", "epoch", "reconstruction_loss", "keras.io", "kl_loss", "keras.io")
		for e := range h.Reconstruction {
			key := fmt.Sprint(e + 1)
			rr, ok1 := r.Lecture.Reconstruction[key]
			kk, ok2 := r.Lecture.KL[key]
			if ok1 || ok2 {
				fmt.Fprintf(&b, "%-7d %-21.4f %-10s %-9.4f %-10s\n", e+1, h.Reconstruction[e], ref(rr, ok1), at(h.KL, e), ref(kk, ok2))
			}
		}
		fmt.Fprint(opt.Stdout, b.String())
	}
	return &Result{}, nil
}

// predictAll returns the z_mean of every image, in batches.
func predictAll(v *vae.VAE, x *tensor.Tensor) (*tensor.Tensor, error) {
	out := tensor.New(x.Rows(), v.Spec.LatentDim)
	for lo := 0; lo < x.Rows(); lo += 256 {
		hi := min(lo+256, x.Rows())
		o, err := v.Encoder.Forward([]*tensor.Tensor{x.Slice(lo, hi)}, false)
		if err != nil {
			return nil, err
		}
		copy(out.Data[lo*v.Spec.LatentDim:], o[0].Data)
	}
	return out, nil
}
