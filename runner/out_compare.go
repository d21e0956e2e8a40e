package runner

import (
	"fmt"
	"math"
	"strings"

	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/train"
)

// compareWithLecture prints the run's losses beside the published ones,
// on the data they were published for (all of MNIST).
func compareWithLecture(r *run) error {
	if r.recipe.Lecture != nil && r.data.Dataset == "mnist" && len(r.recipe.Exclude) == 0 {
		fmt.Fprint(r.opt.Stdout, Compare(r.recipe, r.result.History))
	}
	return nil
}

// Compare lists the run's numbers beside the published ones at the epochs
// that were published: one pair of columns per number the reference has
// (loss and val_loss for the lecture; reconstruction_loss and kl_loss for
// keras.io's VAE).
func Compare(r *recipe.Recipe, h *train.History) string {
	ref := r.Lecture
	source := ref.Source
	if source == "" {
		source = "lecture"
	}
	type column struct {
		name   string
		ours   []float64
		theirs map[string]float64
	}
	var cols []column
	for _, c := range []column{
		{"loss", h.Loss, ref.Loss}, {"val_loss", h.ValLoss, ref.ValLoss},
		{"reconstruction_loss", h.Part("reconstruction_loss"), ref.Reconstruction}, {"kl_loss", h.Part("kl_loss"), ref.KL},
	} {
		if len(c.theirs) > 0 {
			cols = append(cols, c)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-7s", "epoch")
	for _, c := range cols {
		fmt.Fprintf(&b, " %-*s %-10s", width(c.name), c.name, source)
	}
	b.WriteString("\n")
	for e := 1; e <= h.Epochs(); e++ {
		key := fmt.Sprint(e)
		var row strings.Builder
		published := false
		for _, c := range cols {
			v, ok := c.theirs[key]
			published = published || ok
			fmt.Fprintf(&row, " %-*.4f %-10s", width(c.name), at(c.ours, e-1), refValue(v, ok))
		}
		if published {
			fmt.Fprintf(&b, "%-7d%s\n", e, row.String())
		}
	}
	return b.String()
}

// width is a column's width: its name and two spaces, at least 10.
func width(name string) int { return max(10, len(name)+2) }

func refValue(v float64, ok bool) string {
	if !ok {
		return "-"
	}
	return fmt.Sprintf("%.4f", v)
}

func at(s []float64, i int) float64 {
	if i < len(s) {
		return s[i]
	}
	return math.NaN()
}
