package runner

import "github.com/latent-go/latent/model"

// saveModel writes model.safetensors: the weights and the architecture,
// with the recipe and the dataset in its metadata.
func saveModel(r *run) error {
	return model.Save(r.model, r.path("model.safetensors"), map[string]string{"recipe": r.recipe.Name, "dataset": r.data.Dataset})
}
