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
// shaped as the model takes them.
type Prepared struct {
	Dataset string // its name: "mnist", "fashion"
	// Height and Width are the images' size, for the figures.
	Height, Width int
	// Train and TrainTargets are what the model trains on.
	Train, TrainTargets data.Source
	// Val and ValTargets are the validation data; nil without validation
	// (a recipe that trains on the test images too).
	Val, ValTargets data.Source
	// Test and TestTargets are the test split's inputs and clean samples,
	// for the figures and the codes.
	Test, TestTargets data.Source
	// TrainSplit is the training split alone, as the model takes it
	// (clean), for figures of the training codes.
	TrainSplit data.Source
	// Hidden marks, for an inpainting recipe, the test values hidden.
	Hidden []bool
	// Corrupted says whether inputs differ from targets.
	Corrupted bool
}

// Prepare loads the recipe's dataset (cut to opt.Limit samples per split
// when set), shapes it as the recipe's model takes it and corrupts the
// inputs as the recipe says. The run and the benchmarks both use it.
func Prepare(r *recipe.Recipe, opt Options) (*Prepared, error) {
	ds, err := data.Load(r.Dataset, opt.Data)
	if err != nil {
		return nil, err
	}
	p := &Prepared{Dataset: ds.Name}
	p.Height, p.Width = ds.ImageSize()
	train, err := data.Reshape(data.Head(ds.Train, opt.Limit), r.InputShape...)
	if err != nil {
		return nil, fmt.Errorf("recipe %s takes inputs of shape %v but %s images have %d values", r.Name, r.InputShape, ds.Name, p.Height*p.Width)
	}
	test, err := data.Reshape(data.Head(ds.Test, opt.Limit), r.InputShape...)
	if err != nil {
		return nil, err
	}
	p.TrainSplit, p.TestTargets, p.TrainTargets = train, test, train
	if p.Train, p.Test, p.Hidden, err = corrupt(r, train, test, p.Height, p.Width); err != nil {
		return nil, err
	}
	p.Corrupted = p.Train != train
	if !r.TrainOnTest {
		p.Val, p.ValTargets = p.Test, p.TestTargets
		return p, nil
	}
	// keras.io's VAE trains on all 70,000 digits, without validation.
	if p.Train, err = data.Concat(p.Train, p.Test); err != nil {
		return nil, err
	}
	p.TrainTargets = p.Train
	if p.Corrupted {
		if p.TrainTargets, err = data.Concat(train, test); err != nil {
			return nil, err
		}
	}
	return p, nil
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
