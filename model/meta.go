package model

import (
	"encoding/json"
	"fmt"

	"github.com/latent-go/latent/data"
)

// Metadata keys of a model file, besides its format and architecture.
const (
	// MetaRecipe and MetaDataset name what the model was trained with.
	MetaRecipe  = "recipe"
	MetaDataset = "dataset"
	// MetaLabel is the label column of the training CSV, if any.
	MetaLabel = "label"
	// MetaIgnore is the training CSV's columns left out of the features,
	// comma-separated.
	MetaIgnore = "ignore"
	// MetaFeatures is the names of the input's values, from the training
	// CSV's header (a JSON array of strings).
	MetaFeatures = "features"
	// MetaFill is what each input value that is missing in a CSV becomes
	// (a JSON array of numbers, fitted on the training file); absent when
	// the training data was not filled.
	MetaFill = "fill"
	// MetaLoss is the loss it was trained with, which also scores samples.
	MetaLoss = "loss"
	// MetaScaler is the input transform fitted on the training data (JSON).
	MetaScaler = "scaler"
	// MetaTrainingErrors is the distribution of the training data's
	// per-sample errors (JSON), for anomaly thresholds.
	MetaTrainingErrors = "training_errors"
	// MetaExplainedVariance is a PCA's explained variance ratio (JSON).
	MetaExplainedVariance = "explained_variance_ratio"
)

// FeaturesMeta is the MetaFeatures value of names: empty for none.
func FeaturesMeta(names []string) string { return jsonMeta(names) }

// FeaturesOf is the names of a model's input values that its file
// records; nil when it records none or they are unreadable.
func FeaturesOf(meta map[string]string) []string { return fromJSONMeta[string](meta, MetaFeatures) }

// FillMeta is the MetaFill value of fill: empty for none.
func FillMeta(fill []float32) string { return jsonMeta(fill) }

// FillOf is the fill of missing values a model file records; nil when
// it records none or it is unreadable.
func FillOf(meta map[string]string) []float32 { return fromJSONMeta[float32](meta, MetaFill) }

// jsonMeta is a list as a metadata value, in JSON: empty for nil.
func jsonMeta[T any](list []T) string {
	if list == nil {
		return ""
	}
	b, _ := json.Marshal(list)
	return string(b)
}

// fromJSONMeta reads the list a metadata value holds; nil when there is
// none or it is unreadable.
func fromJSONMeta[T any](meta map[string]string, key string) []T {
	var list []T
	if json.Unmarshal([]byte(meta[key]), &list) != nil {
		return nil
	}
	return list
}

// ScalerOf reads the scaler a model file holds; none when it holds none.
func ScalerOf(meta map[string]string) (data.Scaler, error) {
	s := data.Scaler{Kind: "none"}
	if v, ok := meta[MetaScaler]; ok {
		if err := json.Unmarshal([]byte(v), &s); err != nil || len(s.Shift) != len(s.Mul) {
			return data.Scaler{}, fmt.Errorf("the model file's scaler is damaged")
		}
	}
	return s, nil
}

// ScalerMeta is a scaler as a model file stores it.
func ScalerMeta(s data.Scaler) string {
	b, _ := json.Marshal(s)
	return string(b)
}
