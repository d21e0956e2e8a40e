package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/internal/atomic"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/onnx"
	"github.com/latent-go/latent/safetensors"
	"github.com/latent-go/latent/tensor"
)

func cmdExport(args []string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	format := fs.String("format", "onnx", "onnx, or safetensors (the weights alone, with Keras's names: dense/kernel:0)")
	part := fs.String("part", "autoencoder", "with onnx: autoencoder, encoder or decoder")
	out := fs.String("out", "", "the file to write")
	pos, err := parseCommand(fs, args, stdout)
	if err != nil {
		return helpIsNotAnError(err)
	}
	if len(pos) != 1 || *out == "" {
		return usageErr("export needs one MODEL file and --out FILE")
	}
	m, err := infer.Open(pos[0])
	if err != nil {
		return err
	}
	switch *format {
	case "onnx":
		b, err := onnx.ExportFilled(m, m.Scaler, model.FillOf(m.Meta), *part)
		if err != nil {
			return fmt.Errorf("%s: %w", pos[0], err)
		}
		if err := atomic.WriteBytes(*out, b, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s of %s written to %s (ONNX opset %d, %d bytes)\n", *part, pos[0], *out, onnx.Opset, len(b))
	case "safetensors":
		if err := safetensors.WriteFile(*out, kerasWeights(m)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "the weights of %s written to %s with Keras's names\n", pos[0], *out)
	default:
		return usageErr("unknown --format %q (onnx or safetensors)", *format)
	}
	return nil
}

// kerasWeights are a model's weights named as Keras's model.weights names
// them: "dense/kernel:0".
func kerasWeights(m model.Model) *safetensors.File {
	f := &safetensors.File{Tensors: map[string]*tensor.Tensor{}, Metadata: map[string]string{"format": "keras-weights"}}
	for _, w := range model.Weights(m) {
		f.Tensors[w.Name+":0"] = w.Value
	}
	return f
}

// cmdImport loads weights trained elsewhere (a safetensors file with
// latent's or Keras's names) into a model of the same architecture.
func cmdImport(args []string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	out := fs.String("out", "", "the model file to write")
	pos, err := parseCommand(fs, args, stdout)
	if err != nil {
		return helpIsNotAnError(err)
	}
	if len(pos) != 2 || *out == "" {
		return usageErr("import needs a MODEL (or RECIPE), a WEIGHTS.safetensors file and --out FILE")
	}
	m, _, err := modelOrRecipe(pos[0])
	if err != nil {
		return err
	}
	b, err := os.ReadFile(pos[1])
	if err != nil {
		return err
	}
	w, err := safetensors.ReadUnchecked(b) // weights from elsewhere carry no latent checksum
	if err != nil {
		return fmt.Errorf("%s: %w", pos[1], err)
	}
	byName := map[string]*tensor.Tensor{}
	for name, t := range w.Tensors {
		byName[strings.TrimSuffix(name, ":0")] = t
	}
	for _, wt := range model.Weights(m) {
		t, ok := byName[wt.Name]
		if !ok {
			return fmt.Errorf("%s: no weights %q (or %q)", pos[1], wt.Name, wt.Name+":0")
		}
		if !tensor.SameShape(t.Shape, wt.Value.Shape) {
			return fmt.Errorf("%s: weights %q have shape %v, the model needs %v", pos[1], wt.Name, t.Shape, wt.Value.Shape)
		}
		if err := tensor.CheckFinite(t); err != nil {
			return fmt.Errorf("%s: weights %q hold %v", pos[1], wt.Name, err)
		}
		copy(wt.Value.Data, t.Data)
		delete(byName, wt.Name)
	}
	if len(byName) > 0 {
		return fmt.Errorf("%s holds %d weights the model does not have", pos[1], len(byName))
	}
	if err := model.Save(m, *out, map[string]string{"imported_from": pos[1]}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d weights of %s loaded into %s\n", len(model.Weights(m)), pos[1], *out)
	return nil
}
