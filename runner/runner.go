// Package runner runs a recipe end to end as the lecture's programs do:
// it prints the summaries, draws the diagrams, trains with Keras's
// progress output, saves the model, prints the codes of the first test
// images and draws the figures. The command line, the tests and the
// benchmarks all call it.
package runner

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/latent-go/latent/ae"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/diagram"
	"github.com/latent-go/latent/figure"
	"github.com/latent-go/latent/loss"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
	"github.com/latent-go/latent/transform"
)

// Options are the run's settings beyond the recipe.
type Options struct {
	OutDir   string       // where the files go
	Data     data.Options // where the dataset is found
	Stdout   io.Writer    // Keras's printed output
	Terminal bool         // draw live progress bars
	// Dataset, when set, replaces the recipe's.
	Dataset string
	// Limit, when positive, keeps the first Limit training and test
	// images only (for quick checks).
	Limit int
	// Resume continues the run whose checkpoint is in OutDir (see
	// CheckpointFile) instead of starting afresh; the run ends with the
	// weights an uninterrupted run would have.
	Resume bool
}

// Result is what a run leaves behind besides its files.
type Result struct {
	Autoencoder *ae.Autoencoder
	History     *train.History
	// Codes are the codes of the whole test set.
	Codes *tensor.Tensor
	// Inpainting is the error inside the masks, for inpainting recipes.
	Inpainting *InpaintReport
}

// HistoryFile is the JSON written after every epoch.
type HistoryFile struct {
	Recipe    string    `json:"recipe"`
	Dataset   string    `json:"dataset"`
	Epochs    int       `json:"epochs"`
	BatchSize int       `json:"batch_size"`
	Seed      uint64    `json:"seed"`
	Loss      []float64 `json:"loss"`
	ValLoss   []float64 `json:"val_loss"`
	Seconds   []float64 `json:"seconds"`
}

// Summaries writes the three models' summaries, autoencoder first.
func Summaries(w io.Writer, a *ae.Autoencoder) {
	a.Model.Summary(w)
	a.Encoder.Summary(w)
	a.Decoder.Summary(w)
}

// Run trains the recipe and writes everything into opt.OutDir.
func Run(r *recipe.Recipe, opt Options) (*Result, error) {
	if opt.Stdout == nil {
		opt.Stdout = io.Discard
	}
	if opt.Dataset != "" {
		r.Dataset = opt.Dataset
	}
	if err := os.MkdirAll(opt.OutDir, 0o755); err != nil {
		return nil, err
	}
	if r.Kind == "vae" {
		return runVAE(r, opt)
	}
	res := &Result{}
	out := func(name string) string {
		return filepath.Join(opt.OutDir, name)
	}
	a, err := r.Build()
	if err != nil {
		return nil, err
	}
	res.Autoencoder = a
	if err := describe(opt, []string{"autoencoder", "encoder", "decoder"}, a.Model, a.Encoder, a.Decoder); err != nil {
		return nil, err
	}
	ds, err := loadFor(r, opt)
	if err != nil {
		return nil, err
	}
	in := a.Spec.InputShape
	// Images as the model takes them: flat (784) or as (28, 28, 1).
	trainY, testY := ds.TrainX.View(in...), ds.TestX.View(in...)
	trainX, testX := trainY, testY
	var hidden []bool // inpainting: which test values were hidden
	switch {
	case r.Noise != nil:
		trainX = transform.Noise(trainY, r.Noise.Factor, r.Noise.Seed)
		testX = transform.Noise(testY, r.Noise.Factor, r.Noise.Seed+1)
	case r.Mask != nil:
		channels := ds.TrainX.Cols() / (ds.Height * ds.Width)
		if trainX, _, err = transform.Masks(trainY, ds.Height, ds.Width, channels, r.Mask.Size, 0, r.Mask.Seed); err != nil {
			return nil, err
		}
		if testX, hidden, err = transform.Masks(testY, ds.Height, ds.Width, channels, r.Mask.Size, 0, r.Mask.Seed+1); err != nil {
			return nil, err
		}
	}
	lossFn, err := loss.ByName(r.Loss)
	if err != nil {
		return nil, err
	}
	opti, err := optim.New(r.Optimizer)
	if err != nil {
		return nil, err
	}
	hf := &HistoryFile{Recipe: r.Name, Dataset: ds.Name, Epochs: r.Epochs, BatchSize: r.BatchSize, Seed: r.Seed}
	historyPath := out("history.json")
	saver := &historySaver{path: historyPath, file: hf, record: func(l train.EpochLogs) {
		hf.Loss = append(hf.Loss, l.Loss)
		hf.ValLoss = append(hf.ValLoss, l.ValLoss)
		hf.Seconds = append(hf.Seconds, l.Seconds)
	}}
	done, ckpt, err := prepareCheckpoints(opt, r, ds.Name, a.Model.Layers(), opti, hf)
	if err != nil {
		return nil, err
	}
	hf.Epochs = r.Epochs // a resumed run may have been extended
	t := &train.Trainer{Model: a.Model, Loss: lossFn, Optimizer: opti}
	_, err = t.Fit(trainX, trainY, train.Config{
		Epochs: r.Epochs, BatchSize: r.BatchSize, Seed: r.Seed,
		ValX: testX, ValY: testY, InitialEpoch: done,
		Callbacks: []train.Callback{&train.Progress{W: opt.Stdout, Terminal: opt.Terminal}, saver, ckpt},
	})
	if err := firstErr(saver.err, ckpt.err, err); err != nil {
		return nil, err
	}
	// The whole run's history, the resumed epochs included.
	h := &train.History{Loss: hf.Loss, ValLoss: hf.ValLoss, Seconds: hf.Seconds}
	res.History = h
	if err := a.Save(out("model.safetensors"), map[string]string{"recipe": r.Name, "dataset": ds.Name}); err != nil {
		return nil, err
	}

	codes, err := a.Encoder.Predict(testX, 256)
	if err != nil {
		return nil, err
	}
	res.Codes = codes
	var ct strings.Builder
	for i := 0; i < r.PrintCodes && i < codes.Rows(); i++ {
		fmt.Fprintf(&ct, "encoded_imgs[%d]:\n%s\n", i, FormatArray(codes.Row(i)))
		fmt.Fprintf(&ct, "np.mean(encoded_imgs[%d]): %.4f\n", i, mean(codes.Row(i)))
	}
	if zeros := countZeros(codes.Row(0)); zeros > 0 && r.PrintCodes > 0 {
		fmt.Fprintf(&ct, "exact zeros in encoded_imgs[0]: %d of %d\n", zeros, codes.Cols())
	}
	fmt.Fprint(opt.Stdout, ct.String())
	if err := os.WriteFile(out("codes.txt"), []byte(ct.String()), 0o644); err != nil {
		return nil, err
	}

	recon, err := a.Decoder.Predict(codes.Slice(0, min(10, codes.Rows())), 256)
	if err != nil {
		return nil, err
	}
	// The figure: inputs over reconstructions, with the clean originals
	// beneath when the inputs were corrupted (noisy, denoised, clean).
	rows := [][][]float32{nil, nil}
	for i := 0; i < recon.Rows(); i++ {
		rows[0] = append(rows[0], testX.Row(i))
		rows[1] = append(rows[1], recon.Row(i))
	}
	if r.Noise != nil || r.Mask != nil {
		rows = append(rows, nil)
		for i := 0; i < recon.Rows(); i++ {
			rows[2] = append(rows[2], testY.Row(i))
		}
	}
	if err := figure.ImageRows(out("reconstructions.png"), rows, ds.Height, ds.Width, 3, figure.Gray); err != nil {
		return nil, err
	}
	if hidden != nil {
		rep, err := InpaintingError(a, testX, testY, trainY, hidden)
		if err != nil {
			return nil, err
		}
		res.Inpainting = rep
		text := rep.String()
		fmt.Fprint(opt.Stdout, text)
		if err := os.WriteFile(out("inpainting.txt"), []byte(text), 0o644); err != nil {
			return nil, err
		}
	}
	if err := figure.LossCurves(out("loss.png"), fmt.Sprintf("%s on %s", r.Name, ds.Name), h.Loss, h.ValLoss); err != nil {
		return nil, err
	}
	if codes.Cols() == 2 {
		g := r.Grid
		if g == nil {
			g = &recipe.Grid{N: 15, Min: 0, Max: 4}
		}
		grid, err := DecodeGrid(a.Decoder, g, false)
		if err != nil {
			return nil, err
		}
		if err := figure.Mosaic(out("grid.png"), grid, ds.Height, ds.Width, 2, figure.Greys); err != nil {
			return nil, err
		}
		pts := make([][2]float32, codes.Rows())
		for i := range pts {
			pts[i] = [2]float32{codes.Data[2*i], codes.Data[2*i+1]}
		}
		if err := figure.LatentScatter(out("latent.png"), fmt.Sprintf("%s codes of the %s test set", r.Name, ds.Name), pts, ds.TestY, data.Classes[ds.Name]); err != nil {
			return nil, err
		}
	}
	if r.Lecture != nil && ds.Name == "mnist" {
		fmt.Fprint(opt.Stdout, Compare(r, h))
	}
	return res, nil
}

// DecodeGrid decodes a grid of 2-d codes through decoder: row i holds
// y = linspace(min, max, n)[i] and column j holds x = linspace(...)[j],
// the code being (x, y), exactly as the lecture's loops build z_sample;
// with yUp the rows run from max down to min instead, as keras.io's
// plot_latent_space draws them.
func DecodeGrid(decoder *nn.Model, g *recipe.Grid, yUp bool) ([][][]float32, error) {
	if shape := decoder.Inputs()[0].Shape(); len(shape) != 1 || shape[0] != 2 {
		return nil, fmt.Errorf("the latent grid needs a 2-d code, this one is %v", shape)
	}
	lin := func(i int) float32 {
		if g.N == 1 {
			return float32(g.Min)
		}
		return float32(g.Min + (g.Max-g.Min)*float64(i)/float64(g.N-1))
	}
	z := tensor.New(g.N*g.N, 2)
	for i := 0; i < g.N; i++ {
		row := i
		if yUp {
			row = g.N - 1 - i
		}
		for j := 0; j < g.N; j++ {
			z.Data[2*(i*g.N+j)] = lin(j)
			z.Data[2*(i*g.N+j)+1] = lin(row)
		}
	}
	imgs, err := decoder.Predict(z, 256)
	if err != nil {
		return nil, err
	}
	grid := make([][][]float32, g.N)
	for i := range grid {
		for j := 0; j < g.N; j++ {
			grid[i] = append(grid[i], imgs.Row(i*g.N+j))
		}
	}
	return grid, nil
}

// Compare lists the run's losses beside the lecture's at the epochs the
// lecture printed.
func Compare(r *recipe.Recipe, h *train.History) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-7s %-10s %-10s %-10s %-10s\n", "epoch", "loss", "lecture", "val_loss", "lecture")
	for e := 1; e <= len(h.Loss); e++ {
		key := fmt.Sprint(e)
		l, okL := r.Lecture.Loss[key]
		v, okV := r.Lecture.ValLoss[key]
		if !okL && !okV {
			continue
		}
		fmt.Fprintf(&b, "%-7d %-10.4f %-10s %-10.4f %-10s\n", e, h.Loss[e-1], ref(l, okL), at(h.ValLoss, e-1), ref(v, okV))
	}
	return b.String()
}

func ref(v float64, ok bool) string {
	if !ok {
		return "-"
	}
	return fmt.Sprintf("%.4f", v)
}

func at(s []float64, i int) float64 {
	if i < len(s) {
		return s[i]
	}
	return math.NaN()
}

func mean(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x)
	}
	return s / float64(len(v))
}

func countZeros(v []float32) int {
	n := 0
	for _, x := range v {
		if x == 0 {
			n++
		}
	}
	return n
}

// historySaver rewrites history.json after every epoch, so a run that
// dies keeps the epochs it finished: record appends an epoch to file,
// which is then written whole.
type historySaver struct {
	train.BaseCallback
	path   string
	file   any
	record func(train.EpochLogs)
	err    error
}

func (s *historySaver) EpochEnd(l train.EpochLogs) bool {
	s.record(l)
	b, err := json.MarshalIndent(s.file, "", "  ")
	if err == nil {
		err = writeAtomic(s.path, append(b, '\n'))
	}
	if err != nil {
		s.err = err
		return true
	}
	return false
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

func writeAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// loadLimited loads the dataset, cut to opt.Limit images when set.
func loadLimited(name string, opt Options) (*data.Dataset, error) {
	ds, err := data.Load(name, opt.Data)
	if err != nil || opt.Limit <= 0 {
		return ds, err
	}
	if opt.Limit < ds.TrainX.Rows() {
		ds.TrainX, ds.TrainY = ds.TrainX.Slice(0, opt.Limit), ds.TrainY[:opt.Limit]
	}
	if opt.Limit < ds.TestX.Rows() {
		ds.TestX, ds.TestY = ds.TestX.Slice(0, opt.Limit), ds.TestY[:opt.Limit]
	}
	return ds, nil
}

// describe prints the models' summaries, writes them to summary.txt and
// draws each model's diagram as NAME.png.
func describe(opt Options, names []string, models ...*nn.Model) error {
	var sb strings.Builder
	for _, m := range models {
		m.Summary(&sb)
	}
	fmt.Fprint(opt.Stdout, sb.String())
	if err := os.WriteFile(filepath.Join(opt.OutDir, "summary.txt"), []byte(sb.String()), 0o644); err != nil {
		return err
	}
	for i, m := range models {
		if err := diagram.WritePNG(filepath.Join(opt.OutDir, names[i]+".png"), m); err != nil {
			return err
		}
	}
	return nil
}

// loadFor loads the recipe's dataset and checks that its images fit the
// recipe's input shape.
func loadFor(r *recipe.Recipe, opt Options) (*data.Dataset, error) {
	ds, err := loadLimited(r.Dataset, opt)
	if err != nil {
		return nil, err
	}
	if tensor.Size(r.InputShape) != ds.TrainX.Cols() {
		return nil, fmt.Errorf("recipe %s takes inputs of shape %v but %s images have %d values", r.Name, r.InputShape, ds.Name, ds.TrainX.Cols())
	}
	return ds, nil
}
