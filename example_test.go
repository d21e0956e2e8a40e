package latent_test

import (
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/latent-go/latent"
	"github.com/latent-go/latent/ae"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/train"
)

// Train the lecture's program 3 (a sparse 32-value code) on 2,000 MNIST
// digits, save it, open the file back and encode with it.
func Example() {
	ds, err := data.Load("mnist", data.Options{NoDownload: true})
	if err != nil {
		log.Fatal(err)
	}
	// Samples as the model takes them: 784 values each.
	x, _ := data.Reshape(data.Head(ds.Train, 2000), 784)
	val, _ := data.Reshape(data.Head(ds.Test, 500), 784)

	a, err := ae.Build(model.Architecture{
		InputShape: []int{784},
		Encoder: []nn.LayerSpec{{Type: "Dense", Units: 32, Activation: "relu",
			ActivityRegularizer: &nn.RegularizerSpec{L1: 1e-4}}},
		Decoder: []nn.LayerSpec{{Type: "Dense", Units: 784, Activation: "sigmoid"}},
	}, 7)
	if err != nil {
		log.Fatal(err)
	}
	objective, _ := a.Family().Objective("binary_crossentropy")
	t := &train.Trainer{Model: a.Network(), Objective: objective, Optimizer: optim.NewAdam()}
	h, err := t.Fit(x, x, train.Config{Epochs: 3, BatchSize: 256, Seed: 7, ValX: val})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("val_loss fell every epoch:", h.ValLoss[0] > h.ValLoss[1] && h.ValLoss[1] > h.ValLoss[2])

	dir, _ := os.MkdirTemp("", "latent-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "ae2.safetensors")
	if err := model.Save(a, path, map[string]string{"recipe": "ae2"}); err != nil {
		log.Fatal(err)
	}
	m, meta, err := latent.Open(path) // any family; the file says which
	if err != nil {
		log.Fatal(err)
	}
	images, _ := data.ReadRange(val, 0, 10)
	codes, _ := model.Encode(m, images, 256)
	fmt.Println(m.Family().Name(), meta["recipe"], codes.Shape)
	// Output:
	// val_loss fell every epoch: true
	// autoencoder ae2 [10 32]
}

// Score samples by how badly a model reconstructs them: the per-sample
// loss that anomaly detection ranks. Its mean is the batch loss (which
// Keras averages in float32, hence the tolerance).
func Example_perSample() {
	ds, err := data.Load("mnist", data.Options{NoDownload: true})
	if err != nil {
		log.Fatal(err)
	}
	x, _ := data.Reshape(data.Head(ds.Test, 100), 784)
	a, _ := ae.Build(model.Architecture{
		InputShape: []int{784},
		Encoder:    []nn.LayerSpec{{Type: "Dense", Units: 32, Activation: "relu"}},
		Decoder:    []nn.LayerSpec{{Type: "Dense", Units: 784, Activation: "sigmoid"}},
	}, 7)
	objective, _ := a.Family().Objective("mean_squared_error")
	// A session per caller: the model itself is shared read-only.
	s := a.Network().NewSession()
	scores, err := train.PerSample(s, objective, x, x, 32)
	if err != nil {
		log.Fatal(err)
	}
	batch, _ := train.Evaluate(s, objective, x, x, 100)
	var sum float64
	for _, v := range scores {
		sum += v
	}
	fmt.Println(len(scores), "scores; their mean is the batch loss:", math.Abs(sum/100-batch.Total) < 1e-6*batch.Total)
	// Output:
	// 100 scores; their mean is the batch loss: true
}
