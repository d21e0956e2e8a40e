package runner

import (
	"fmt"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/transform"
)

// Prepared is a recipe's data as training and the outputs use it: inputs
// (corrupted, for a denoising or inpainting recipe) and clean targets,
// shaped as the model takes them and scaled as the recipe says.
type Prepared struct {
	Dataset string // its name: "mnist", "fashion", or the training file
	// Height and Width are the size of grey images, for the figures; 0
	// when the samples are not grey images.
	Height, Width int
	// Train and TrainTargets are what the model trains on.
	Train, TrainTargets data.Source
	// Val and ValTargets are the validation data; nil without validation
	// (a recipe that trains on the test images too).
	Val, ValTargets data.Source
	// Test and TestTargets are the inputs and clean samples of the
	// figures and the codes: the test split, or the validation data.
	Test, TestTargets data.Source
	// TrainSplit is the training data alone, as the model takes it
	// (clean), for figures of the training codes and the error baseline.
	TrainSplit data.Source
	// Hidden marks, for an inpainting recipe, the test values hidden.
	Hidden []bool
	// Corrupted says whether inputs differ from targets.
	Corrupted bool
	// Scaler is the transform fitted on the training data.
	Scaler data.Scaler
	// Features are the names of the samples' values (a CSV file's
	// header); nil when the data has none.
	Features []string
	// Fill is what each feature's missing values became (a CSV's), for
	// the model to fill the data it is used on alike; nil for none.
	Fill []float32
	// Notes are lines that say how the data was prepared (a split drawn
	// from the training data, classes left out), printed by the run.
	Notes []string
}

// Prepare loads the recipe's data (a built-in dataset cut to opt.Limit
// samples per split when set, or the user's files), leaves out the classes
// the recipe excludes, shapes it as the recipe's model takes it (taking
// the model's input shape from the data when the recipe has none), fits
// and applies the scaler, and corrupts the inputs as the recipe says. The
// run and the benchmarks both use it.
func Prepare(r *recipe.Recipe, opt Options) (*Prepared, error) {
	p, train, test, err := load(r, opt)
	if err != nil {
		return nil, err
	}
	if train, test, err = exclude(r, p, train, test); err != nil {
		return nil, err
	}
	if err := p.shape(r, train, test); err != nil {
		return nil, err
	}
	if p.Scaler, err = data.ParseScale(r.Scale); err != nil {
		return nil, err
	}
	if err := p.Scaler.Fit(p.TrainSplit); err != nil {
		return nil, err
	}
	p.TrainSplit, p.TestTargets = data.Scale(p.TrainSplit, p.Scaler), data.Scale(p.TestTargets, p.Scaler)
	return p, p.corruptAndJoin(r)
}

// load reads the recipe's training and test (or validation) samples.
func load(r *recipe.Recipe, opt Options) (*Prepared, data.Source, data.Source, error) {
	if r.Train != "" {
		return loadFiles(r)
	}
	ds, err := data.Load(r.Dataset, opt.Data)
	if err != nil {
		return nil, nil, nil, err
	}
	p := &Prepared{Dataset: ds.Name}
	p.Height, p.Width = ds.ImageSize()
	return p, data.Head(ds.Train, opt.Limit), data.Head(ds.Test, opt.Limit), nil
}

// fillRule says what the missing values became.
func fillRule(rule string) string {
	if rule == "mean" {
		return "their column's mean over the file"
	}
	return "zero"
}

// inMemoryBytes bounds the user's data that training holds in memory as
// float32, read once, rather than reads from its file every epoch: 1 GiB.
const inMemoryBytes = 1 << 30

// loadFiles opens the user's training data and its validation data, or
// holds out a seeded part of the training data.
func loadFiles(r *recipe.Recipe) (*Prepared, data.Source, data.Source, error) {
	p := &Prepared{Dataset: r.Train}
	opt := data.FileOptions{Label: r.Label, Ignore: r.Ignore, Missing: r.Missing}
	train, err := data.Open(r.Train, opt)
	if err != nil {
		return nil, nil, nil, err
	}
	if s := train.Shape(); len(s) == 3 && s[2] == 1 || len(s) == 2 {
		p.Height, p.Width = s[0], s[1]
	}
	p.Features = data.FeatureNamesOf(train)
	fill, filled := data.FillOf(train)
	if filled > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("missing values: %d of %s's filled with %s", filled, r.Train, fillRule(r.Missing)))
	}
	p.Fill, opt.Fill = fill, fill // the validation file is filled as the training data
	if train, err = data.InMemory(train, inMemoryBytes); err != nil {
		return nil, nil, nil, err
	}
	if r.Val != "" {
		val, err := data.Open(r.Val, opt)
		if err == nil {
			val, err = data.InMemory(val, inMemoryBytes)
		}
		if err != nil {
			return nil, nil, nil, err
		}
		if !tensor.SameShape(val.Shape(), train.Shape()) {
			return nil, nil, nil, fmt.Errorf("%s has samples of shape %v but %s has %v", r.Val, val.Shape(), r.Train, train.Shape())
		}
		return p, train, val, nil
	}
	frac := r.ValSplit
	if frac == 0 {
		frac = 0.1
	}
	fit, val, err := data.Split(train, frac, r.Seed)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", r.Train, err)
	}
	p.Notes = append(p.Notes, fmt.Sprintf("validation: %d of the %d samples of %s (%g), drawn with seed %d; training on the other %d",
		val.Len(), train.Len(), r.Train, frac, r.Seed, fit.Len()))
	return p, fit, val, nil
}

// exclude leaves the recipe's excluded classes out of both parts.
func exclude(r *recipe.Recipe, p *Prepared, train, test data.Source) (data.Source, data.Source, error) {
	if len(r.Exclude) == 0 {
		return train, test, nil
	}
	n, m := train.Len(), test.Len()
	train, err := data.WithoutClasses(train, r.Exclude)
	if err != nil {
		return nil, nil, err
	}
	if test, err = data.WithoutClasses(test, r.Exclude); err != nil {
		return nil, nil, err
	}
	p.Notes = append(p.Notes, fmt.Sprintf("left out: class %v, %d of %d training and %d of %d validation samples",
		r.Exclude, n-train.Len(), n, m-test.Len(), m))
	return train, test, nil
}

// shape views the samples as the model takes them; a recipe without an
// input shape takes the data's.
func (p *Prepared) shape(r *recipe.Recipe, train, test data.Source) error {
	if len(r.InputShape) == 0 {
		r.InputShape = train.Shape()
	}
	t, err := data.Reshape(train, r.InputShape...)
	if err != nil {
		return fmt.Errorf("recipe %s takes inputs of shape %v but %s has samples of shape %v (%d values)", r.Name, r.InputShape, p.Dataset, train.Shape(), tensor.Size(train.Shape()))
	}
	v, err := data.Reshape(test, r.InputShape...)
	if err != nil {
		return err
	}
	p.TrainSplit, p.TestTargets = t, v
	return nil
}

// corruptAndJoin sets the inputs and targets of training and validation:
// corrupted inputs as the recipe says, and for a recipe that trains on the
// test images too, both parts joined without validation.
func (p *Prepared) corruptAndJoin(r *recipe.Recipe) error {
	train, test := p.TrainSplit, p.TestTargets
	p.TrainTargets = train
	var err error
	if p.Train, p.Test, p.Hidden, err = corrupt(r, train, test, p.Height, p.Width); err != nil {
		return err
	}
	p.Corrupted = r.Noise != nil || r.Mask != nil
	if !r.TrainOnTest {
		p.Val, p.ValTargets = p.Test, p.TestTargets
		return nil
	}
	// keras.io's VAE trains on all 70,000 digits, without validation.
	if p.Train, err = data.Concat(p.Train, p.Test); err != nil {
		return err
	}
	p.TrainTargets = p.Train
	if p.Corrupted {
		p.TrainTargets, err = data.Concat(train, test)
	}
	return err
}

// corrupt returns the training and test inputs as the recipe corrupts
// them (Gaussian noise, or a hidden square whose values it marks), or the
// clean samples themselves.
func corrupt(r *recipe.Recipe, train, test data.Source, height, width int) (data.Source, data.Source, []bool, error) {
	if r.Noise == nil && r.Mask == nil {
		return train, test, nil, nil
	}
	trainX, err := data.ReadAll(train)
	if err != nil {
		return nil, nil, nil, err
	}
	testX, err := data.ReadAll(test)
	if err != nil {
		return nil, nil, nil, err
	}
	if r.Noise != nil {
		noisyTrain := transform.Noise(trainX, r.Noise.Factor, r.Noise.Seed)
		noisyTest := transform.Noise(testX, r.Noise.Factor, r.Noise.Seed+1)
		return withLabels(noisyTrain, train), withLabels(noisyTest, test), nil, nil
	}
	if height == 0 {
		return nil, nil, nil, fmt.Errorf("masks hide squares of grey images; these samples are not grey images")
	}
	channels := trainX.Cols() / (height * width)
	maskedTrain, _, err := transform.Masks(trainX, height, width, channels, r.Mask.Size, 0, r.Mask.Seed)
	if err != nil {
		return nil, nil, nil, err
	}
	maskedTest, hidden, err := transform.Masks(testX, height, width, channels, r.Mask.Size, 0, r.Mask.Seed+1)
	if err != nil {
		return nil, nil, nil, err
	}
	return withLabels(maskedTrain, train), withLabels(maskedTest, test), hidden, nil
}

// withLabels makes a source of x with the labels of like.
func withLabels(x *tensor.Tensor, like data.Source) data.Source {
	labels, classes := data.LabelsOf(like)
	return data.FromTensor(x, labels, classes)
}
