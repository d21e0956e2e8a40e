package runner

import (
	"github.com/latent-go/latent/anomaly"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/train"
	"strings"
)

// saveModel writes model.safetensors: the weights and the architecture,
// with what later uses of the model need in its metadata: the recipe and
// the data, the loss, the scaler fitted on the training data, and the
// distribution of the training data's per-sample errors (the baseline of
// anomaly thresholds).
func saveModel(r *run) error {
	objective, err := r.model.Family().Objective(r.recipe.Loss)
	if err != nil {
		return err
	}
	s := r.model.Network().NewSession()
	errs, err := train.PerSample(s, objective, r.data.TrainSplit, r.data.TrainSplit, 256)
	if err != nil {
		return err
	}
	return model.Save(r.model, r.path("model.safetensors"), map[string]string{
		model.MetaRecipe:         r.recipe.Name,
		model.MetaDataset:        r.data.Dataset,
		model.MetaLoss:           r.recipe.Loss,
		model.MetaScaler:         model.ScalerMeta(r.data.Scaler),
		model.MetaTrainingErrors: anomaly.NewDistribution(errs).JSON(),
		model.MetaLabel:          r.recipe.Label,
		model.MetaIgnore:         strings.Join(r.recipe.Ignore, ","),
		model.MetaFeatures:       model.FeaturesMeta(r.data.Features),
		model.MetaFill:           model.FillMeta(r.data.Fill),
	})
}
