// Package recipe describes a training run in a small declarative JSON
// file: the model family and its architecture, the loss, the optimizer and
// the training settings. The lecture's programs (ae1, ae2, ae3, ae3b, ae3c)
// and the others (conv, denoise, vae, inpaint) are built-in recipes in the
// same format, so a user can copy one and try another architecture without
// writing Go. Validating a recipe plans its model (shapes, a weight
// budget) without allocating a weight.
//
// It imports model, optim and the built-in families; runner and the
// command line import it.
package recipe

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/optim"

	_ "github.com/latent-go/latent/ae"  // the autoencoder family
	_ "github.com/latent-go/latent/pca" // the PCA family
	_ "github.com/latent-go/latent/vae" // the VAE family
)

// Recipe is one training run.
type Recipe struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Dataset is "mnist" or "fashion", the built-in datasets; Train
	// replaces it with the user's own data.
	Dataset string `json:"dataset"`
	// Train is the user's training data: a CSV, TSV or .npy file, an IDX
	// file or a folder of PNG images. Val is its validation data; without
	// it, ValSplit (default 0.1) of the training samples are held out,
	// drawn from the seed.
	Train    string  `json:"train,omitempty"`
	Val      string  `json:"val,omitempty"`
	ValSplit float64 `json:"val_split,omitempty"`
	// Label names the label column of a CSV file (header name or index).
	Label string `json:"label,omitempty"`
	// Ignore names columns of a CSV file to leave out of the features
	// (an id, a name), as Label names its column.
	Ignore []string `json:"ignore,omitempty"`
	// Missing fills a CSV file's missing values (empty, NA, NaN, ...):
	// "mean" with each column's mean over the training file, "zero"; by
	// default a missing value is an error.
	Missing string `json:"missing,omitempty"`
	// Scale transforms the inputs: "none" (the default), "max=V",
	// "minmax" or "standard", fitted on the training data and saved in
	// the model file.
	Scale string `json:"scale,omitempty"`
	// EarlyStopping stops training when the validation loss stops
	// improving, as Keras's EarlyStopping callback.
	EarlyStopping *EarlyStopping `json:"early_stopping,omitempty"`
	// Exclude leaves these classes (by name) out of the run's data: a
	// model of the other classes, for anomaly detection.
	Exclude []string `json:"exclude,omitempty"`
	// Kind is the model family: "autoencoder" (the default) or "vae".
	Kind string `json:"kind,omitempty"`
	// TrainOnTest adds the test images to the training set (keras.io's VAE
	// trains on all 70,000 digits) and drops the validation.
	TrainOnTest bool `json:"train_on_test,omitempty"`
	// The architecture: input_shape, encoder, decoder, and a VAE's
	// latent_dim (its encoder heads are added to the encoder's layers).
	model.Architecture
	Loss      string       `json:"loss"`
	Optimizer optim.Config `json:"optimizer"`
	Epochs    int          `json:"epochs"`
	BatchSize int          `json:"batch_size"`
	Seed      uint64       `json:"seed"`
	// PrintCodes is how many test codes to print (the lecture prints 1, or 10 for ae3c).
	PrintCodes int `json:"print_codes,omitempty"`
	// Grid asks for the decoded latent grid (2-d codes only).
	Grid *Grid `json:"grid,omitempty"`
	// LatentPlot is the split whose codes latent.png scatters: "test"
	// (the default, as the lecture) or "train" (as keras.io's VAE).
	LatentPlot string `json:"latent_plot,omitempty"`
	// Lecture holds the lecture's published numbers, for comparison.
	Lecture *Reference `json:"lecture,omitempty"`
	// Noise makes a denoising autoencoder: inputs get Gaussian noise,
	// targets stay clean.
	Noise *Noise `json:"noise,omitempty"`
	// Mask makes an inpainting autoencoder: inputs get a hidden square,
	// targets stay whole.
	Mask *Mask `json:"mask,omitempty"`
}

// Noise is clip(x + factor*N(0,1), 0, 1), drawn from Seed (test images
// from Seed+1).
type Noise struct {
	Factor float64 `json:"factor"`
	Seed   uint64  `json:"seed,omitempty"`
}

// Mask hides a Size×Size square of each image, at a random place drawn
// from Seed (test images from Seed+1), by setting it to 0.
type Mask struct {
	Size int    `json:"size"`
	Seed uint64 `json:"seed,omitempty"`
}

// EarlyStopping is Keras's EarlyStopping: stop when Monitor has not
// improved by more than MinDelta for Patience epochs, and put back the
// best epoch's weights when RestoreBestWeights.
type EarlyStopping struct {
	Monitor            string  `json:"monitor,omitempty"` // "val_loss" (default) or "loss"
	Patience           int     `json:"patience"`
	MinDelta           float64 `json:"min_delta,omitempty"`
	RestoreBestWeights bool    `json:"restore_best_weights,omitempty"`
}

// Grid is the lecture's figure F2: N×N codes spread evenly over
// [Min, Max]², each decoded to an image.
type Grid struct {
	N   int     `json:"n"`
	Min float64 `json:"min"`
	Max float64 `json:"max"`
	// YUp draws the rows from Max down to Min, as keras.io's
	// plot_latent_space does; the lecture's loops run from Min.
	YUp bool `json:"y_up,omitempty"`
	// Scale is the pixels per value (default 2).
	Scale int `json:"scale,omitempty"`
	// Colormap is "greys" (the lecture's: 0 is white; the default) or
	// "gray" (0 is black).
	Colormap string `json:"colormap,omitempty"`
}

// DefaultGrid is the lecture's figure F2, drawn for any 2-d code when a
// recipe asks for no other.
var DefaultGrid = Grid{N: 15, Min: 0, Max: 4}

// Reference is what the lecture printed: losses by epoch (1-based, as JSON
// object keys) and the mean of test image 0's code.
type Reference struct {
	// Source names where the numbers come from in the comparison table
	// (default "lecture").
	Source   string             `json:"source,omitempty"`
	Loss     map[string]float64 `json:"loss,omitempty"`
	ValLoss  map[string]float64 `json:"val_loss,omitempty"`
	CodeMean float64            `json:"code_mean,omitempty"`
	// A VAE's terms, from keras.io's published log.
	Reconstruction map[string]float64 `json:"reconstruction_loss,omitempty"`
	KL             map[string]float64 `json:"kl_loss,omitempty"`
}

//go:embed builtin/*.json
var builtinFS embed.FS

// Builtins lists the built-in recipe names.
func Builtins() []string {
	entries, _ := fs.ReadDir(builtinFS, "builtin")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(names)
	return names
}

// Load returns the built-in recipe of that name, or reads the recipe file
// at that path.
func Load(nameOrPath string) (*Recipe, error) {
	if b, err := builtinFS.ReadFile("builtin/" + nameOrPath + ".json"); err == nil {
		return Parse(b)
	}
	b, err := os.ReadFile(nameOrPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("unknown recipe %q: not a built-in (%s) and no such file", nameOrPath, strings.Join(Builtins(), ", "))
	}
	if err != nil {
		return nil, err
	}
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("%s: not a recipe: a recipe is a JSON object (see latent recipes)", nameOrPath)
	}
	r, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", nameOrPath, err)
	}
	return r, nil
}

// Parse decodes and checks a recipe. Unknown fields are errors, so a typo
// never passes silently.
func Parse(b []byte) (*Recipe, error) {
	var r Recipe
	if err := decodeStrict(b, &r); err != nil {
		return nil, err
	}
	var given map[string]json.RawMessage
	if json.Unmarshal(b, &given) == nil && string(given["batch_size"]) == "0" {
		return nil, fmt.Errorf("recipe %s: batch_size must be positive, got 0 (leave it out for Keras's 32)", r.Name)
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

// Validate checks the settings and fills Keras's defaults: batch size 32,
// Adam, seed 0.
func (r *Recipe) Validate() error {
	if r.Name == "" {
		return fmt.Errorf("recipe has no name")
	}
	if !validName(r.Name) {
		return fmt.Errorf("recipe name %q: use letters, digits, '-', '_' and '.' only (it names the output folder)", r.Name)
	}
	r.setDefaults()
	for _, check := range []func() error{r.checkTraining, r.checkInputs, r.checkFigures, r.checkData, r.checkModel} {
		if err := check(); err != nil {
			return fmt.Errorf("recipe %s: %w", r.Name, err)
		}
	}
	return nil
}

// setDefaults fills in what a recipe may leave out: MNIST, batches of 32
// (Keras's fit), binary cross-entropy, an autoencoder.
func (r *Recipe) setDefaults() {
	if r.Dataset == "" {
		r.Dataset = "mnist"
	}
	if r.BatchSize == 0 {
		r.BatchSize = 32
	}
	if r.Loss == "" {
		r.Loss = "binary_crossentropy"
	}
	if r.Kind == "" {
		r.Kind = "autoencoder"
	}
}

// checkTraining checks the settings of training: epochs, batch size,
// optimizer.
func (r *Recipe) checkTraining() error {
	if r.Epochs <= 0 {
		return fmt.Errorf("epochs must be positive, got %d", r.Epochs)
	}
	if r.BatchSize < 0 {
		return fmt.Errorf("batch_size must be positive, got %d", r.BatchSize)
	}
	_, err := optim.New(r.Optimizer)
	return err
}

// checkInputs checks what is done to the inputs before the model sees
// them: noise or a mask, not both.
func (r *Recipe) checkInputs() error {
	if r.Noise != nil && !(r.Noise.Factor > 0 && r.Noise.Factor < 10) {
		return fmt.Errorf("noise factor must be in (0, 10), got %v", r.Noise.Factor)
	}
	if r.Noise != nil && r.Mask != nil {
		return fmt.Errorf("choose noise or mask, not both")
	}
	if r.Mask != nil && r.Mask.Size <= 0 {
		return fmt.Errorf("mask size must be positive, got %d", r.Mask.Size)
	}
	return nil
}

// checkFigures checks the settings of the figures a run draws and prints:
// the codes printed, the grid of decodings, the latent plot.
func (r *Recipe) checkFigures() error {
	if r.PrintCodes < 0 {
		return fmt.Errorf("print_codes must be 0 or more, got %d", r.PrintCodes)
	}
	if r.Grid != nil && (r.Grid.N <= 0 || r.Grid.N > 100 || !(r.Grid.Max > r.Grid.Min) || r.Grid.Scale < 0 || r.Grid.Scale > 8) {
		return fmt.Errorf("grid needs 1 <= n <= 100, max > min and a scale of at most 8")
	}
	if r.Grid != nil && r.Grid.Colormap != "" && r.Grid.Colormap != "gray" && r.Grid.Colormap != "greys" {
		return fmt.Errorf("grid colormap must be \"gray\" or \"greys\", got %q", r.Grid.Colormap)
	}
	if r.LatentPlot != "" && r.LatentPlot != "test" && r.LatentPlot != "train" {
		return fmt.Errorf("latent_plot must be \"test\" or \"train\", got %q", r.LatentPlot)
	}
	return nil
}

// checkModel checks the model's family, its loss and, once the input's
// shape is known, its layers.
func (r *Recipe) checkModel() error {
	fam, err := model.Lookup(r.Kind)
	if err != nil {
		return err
	}
	if _, err := fam.Objective(r.Loss); err != nil {
		return err
	}
	if len(r.InputShape) == 0 {
		return nil // planned once the data gives the input shape
	}
	_, err = fam.Plan(r.Architecture)
	return err
}

// checkData checks the fields that say where the data comes from, and
// early stopping.
func (r *Recipe) checkData() error {
	if es := r.EarlyStopping; es != nil {
		if es.Patience < 0 || es.MinDelta < 0 || math.IsNaN(es.MinDelta) {
			return fmt.Errorf("early_stopping needs patience and min_delta of 0 or more")
		}
		if es.Monitor != "" && es.Monitor != "val_loss" && es.Monitor != "loss" {
			return fmt.Errorf("early_stopping can monitor val_loss or loss, not %q", es.Monitor)
		}
		if es.Monitor != "loss" && r.TrainOnTest {
			return fmt.Errorf("early_stopping on val_loss needs validation data; this recipe trains on the test images too (monitor loss instead)")
		}
	}
	if _, err := data.ParseScale(r.Scale); err != nil {
		return err
	}
	if r.ValSplit != 0 && !(r.ValSplit > 0 && r.ValSplit < 1) {
		return fmt.Errorf("val_split must be between 0 and 1, got %v", r.ValSplit)
	}
	if r.Train == "" && (r.Val != "" || r.Label != "" || len(r.Ignore) > 0 || r.Missing != "") {
		return fmt.Errorf("val, label, ignore and missing go with train, the user's own data")
	}
	if r.Missing != "" && r.Missing != "mean" && r.Missing != "zero" {
		return fmt.Errorf("missing must be mean or zero, got %q", r.Missing)
	}
	if r.Train != "" && r.TrainOnTest {
		return fmt.Errorf("train_on_test is for the built-in datasets")
	}
	return nil
}

// Family is the recipe's model family.
func (r *Recipe) Family() (model.Family, error) { return model.Lookup(r.Kind) }

// Build makes the recipe's model, its weights drawn from the seed.
func (r *Recipe) Build() (model.Model, error) {
	fam, err := r.Family()
	if err != nil {
		return nil, err
	}
	if len(r.InputShape) == 0 {
		return nil, fmt.Errorf("recipe %s has no input_shape: it is taken from the data when the recipe runs", r.Name)
	}
	return fam.Build(r.Architecture, r.Seed)
}

// validName says whether a recipe name can name a folder safely: no path
// separators, no leading dot.
func validName(name string) bool {
	if name == "" || name[0] == '.' || len(name) > 100 {
		return false
	}
	for _, c := range name {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}
