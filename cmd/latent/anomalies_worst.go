package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/latent-go/latent/data"
)

// worstSample is one of the worst-reconstructed samples of a report: its
// index, its keys when the input has some (a CSV's ignored columns) and
// its score.
type worstSample struct {
	Index int      `json:"index"`
	Keys  []string `json:"keys,omitempty"`
	Score float64  `json:"score"`
}

// worstSamples are the k samples of src with the highest scores.
func worstSamples(src data.Source, scores []float64, k int) ([]worstSample, error) {
	keyed, hasKeys := data.KeyedOf(src)
	var worst []worstSample
	for _, i := range worstOrder(scores, k) {
		w := worstSample{Index: i, Score: scores[i]}
		if hasKeys {
			keys, err := keyed.Keys(i)
			if err != nil {
				return nil, err
			}
			w.Keys = keys
		}
		worst = append(worst, w)
	}
	return worst, nil
}

// formatWorst lists the worst samples on one line: index (keys) score.
func formatWorst(worst []worstSample) string {
	parts := make([]string, len(worst))
	for i, w := range worst {
		keys := ""
		if w.Keys != nil {
			quoted := make([]string, len(w.Keys))
			for j, k := range w.Keys {
				quoted[j] = data.CSVFields([]string{k})
			}
			keys = " (" + strings.Join(quoted, ", ") + ")"
		}
		parts[i] = fmt.Sprintf("%d%s %.4g", w.Index, keys, w.Score)
	}
	return strings.Join(parts, ", ")
}

// worstOrder is the indices of the k highest scores, highest first, ties
// in index order.
func worstOrder(scores []float64, k int) []int {
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpDesc(scores[a], scores[b]) })
	return order[:min(k, len(order))]
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}
