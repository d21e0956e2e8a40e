package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/latent-go/latent/model"
)

// printTraining writes, under a saved model's summaries, what its file
// says it was trained on: the recipe, the data, the loss, the scaler and,
// for a CSV, its columns.
func printTraining(w io.Writer, meta map[string]string) error {
	scaler, err := model.ScalerOf(meta)
	if err != nil {
		return err
	}
	line := func(name, value string) {
		if value != "" {
			fmt.Fprintf(w, "%-10s %s\n", name+":", value)
		}
	}
	line("recipe", meta[model.MetaRecipe])
	line("data", meta[model.MetaDataset])
	line("loss", meta[model.MetaLoss])
	line("scaler", scaler.String())
	line("label", meta[model.MetaLabel])
	line("ignored", strings.ReplaceAll(meta[model.MetaIgnore], ",", ", "))
	line("features", abbreviate(model.FeaturesOf(meta)))
	if fill := model.FillOf(meta); fill != nil {
		values := make([]string, len(fill))
		for i, v := range fill {
			values[i] = fmt.Sprintf("%.4g", v)
		}
		line("missing", "filled with "+abbreviate(values))
	}
	return nil
}

// abbreviate lists names, the first and last few of a long list.
func abbreviate(names []string) string {
	if len(names) > 12 {
		return fmt.Sprintf("%s, ..., %s (%d in all)", strings.Join(names[:8], ", "), strings.Join(names[len(names)-2:], ", "), len(names))
	}
	return strings.Join(names, ", ")
}
