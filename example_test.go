package latent_test

import (
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/latent-go/latent"
	"github.com/latent-go/latent/ae"
	"github.com/latent-go/latent/anomaly"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/pca"
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

// Fit PCA on 2,000 MNIST digits and reconstruct through it: PCA is a
// model family like the others, so the same calls encode and decode.
func Example_pca() {
	ds, err := data.Load("mnist", data.Options{NoDownload: true})
	if err != nil {
		log.Fatal(err)
	}
	x, _ := data.Reshape(data.Head(ds.Train, 2000), 784)
	p, ratio, err := pca.Fit(x, 32)
	if err != nil {
		log.Fatal(err)
	}
	test, _ := data.Reshape(data.Head(ds.Test, 500), 784)
	errs, _ := infer.ReconstructionErrors(p, test, 256)
	fmt.Println(len(ratio), "components; the first explains the most:", ratio[0] > ratio[1])
	fmt.Println("reconstruction MSE under 0.03:", errs.MSE < 0.03)
	// Output:
	// 32 components; the first explains the most: true
	// reconstruction MSE under 0.03: true
}

// Flag anomalies: a model's per-sample reconstruction errors, a threshold
// rule, and the ROC AUC when the truth is known. Here an autoencoder
// trained briefly on digits meets digits and their negatives (white on
// black turned black on white), which no training digit resembles.
func Example_anomalies() {
	ds, err := data.Load("mnist", data.Options{NoDownload: true})
	if err != nil {
		log.Fatal(err)
	}
	a, _ := ae.Build(model.Architecture{
		InputShape: []int{784},
		Encoder:    []nn.LayerSpec{{Type: "Dense", Units: 32, Activation: "relu"}},
		Decoder:    []nn.LayerSpec{{Type: "Dense", Units: 784, Activation: "sigmoid"}},
	}, 7)
	digits, _ := data.Reshape(data.Head(ds.Train, 2000), 784)
	objective, _ := a.Family().Objective("mean_squared_error")
	t := &train.Trainer{Model: a.Network(), Objective: objective, Optimizer: optim.NewAdam()}
	if _, err := t.Fit(digits, digits, train.Config{Epochs: 3, BatchSize: 64, Seed: 7}); err != nil {
		log.Fatal(err)
	}
	x, _ := data.ReadAll(data.Head(ds.Test, 200))
	x = x.Clone().View(784)
	for i := 100 * 784; i < len(x.Data); i++ {
		x.Data[i] = 1 - x.Data[i] // the last 100: negatives
	}
	truth := make([]bool, 200)
	for i := 100; i < 200; i++ {
		truth[i] = true
	}
	scores, _ := train.PerSample(a.Network().NewSession(), objective, data.FromTensor(x, nil, nil), data.FromTensor(x, nil, nil), 64)
	rule, _ := anomaly.ParseRule("contamination=0.5")
	threshold, _ := rule.Threshold(nil, scores)
	flags := anomaly.Flags(scores, threshold)
	_, _, auc, _ := anomaly.ROC(scores, truth)
	flagged := 0
	for _, f := range flags {
		if f {
			flagged++
		}
	}
	fmt.Printf("%d of 200 flagged; AUC above 0.95: %v\n", flagged, auc > 0.95)
	// Output:
	// 100 of 200 flagged; AUC above 0.95: true
}

// Your own data: open a CSV with a label column, scale it, train, save
// the model with its scaler, and use the saved model to encode, decode
// and reconstruct (in the data's units).
func Example_ownData() {
	dir, _ := os.MkdirTemp("", "latent-example")
	defer os.RemoveAll(dir)
	csv := "x,y,z,kind\n"
	for i := 0; i < 200; i++ {
		t := float64(i) / 20
		csv += fmt.Sprintf("%.3f,%.3f,%.3f,%s\n", t, 2*t+1, 100-t, []string{"a", "b"}[i%2])
	}
	path := filepath.Join(dir, "points.csv")
	os.WriteFile(path, []byte(csv), 0o644)

	src, err := data.Open(path, data.FileOptions{Label: "kind"}) // checked line by line
	if err != nil {
		log.Fatal(err)
	}
	scaler, _ := data.ParseScale("standard")
	scaler.Fit(src)
	x := data.Scale(src, scaler)
	a, _ := ae.Build(model.Architecture{
		InputShape: src.Shape(),
		Encoder:    []nn.LayerSpec{{Type: "Dense", Units: 1}},
		Decoder:    []nn.LayerSpec{{Type: "Dense", Units: 3}},
	}, 7)
	objective, _ := a.Family().Objective("mean_squared_error")
	t := &train.Trainer{Model: a.Network(), Objective: objective, Optimizer: optim.NewAdam()}
	t.Fit(x, x, train.Config{Epochs: 200, BatchSize: 32, Seed: 7})
	modelPath := filepath.Join(dir, "model.safetensors")
	model.Save(a, modelPath, map[string]string{model.MetaScaler: model.ScalerMeta(scaler), model.MetaLoss: "mean_squared_error"})

	m, err := infer.Open(modelPath) // the model and its scaler
	if err != nil {
		log.Fatal(err)
	}
	var codes, decoded, recon infer.Collector
	m.Encode(src, 64, &codes, nil)
	m.Decode(data.FromTensor(codes.Tensor(), nil, nil), 64, &decoded, nil)
	m.Reconstruct(src, 64, &recon, nil)
	r := recon.Tensor()
	fmt.Println("codes:", codes.Tensor().Shape, "reconstructions:", r.Shape)
	fmt.Println("decode(encode) is reconstruct:", slices.Equal(decoded.Tensor().Data, r.Data))
	fmt.Printf("row 100 reconstructed in the data's units: %.0f %.0f %.0f\n", r.Data[300], r.Data[301], r.Data[302])
	// Output:
	// codes: [200 1] reconstructions: [200 3]
	// decode(encode) is reconstruct: true
	// row 100 reconstructed in the data's units: 5 11 95
}
