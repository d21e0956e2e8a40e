package runner

import (
	"fmt"

	"github.com/latent-go/latent/figure"
)

// drawLoss draws loss.png: the loss and the validation loss per epoch.
func drawLoss(r *run) error {
	h := r.result.History
	return figure.LossCurves(r.path("loss.png"), fmt.Sprintf("%s on %s", r.recipe.Name, r.data.Dataset), h.Loss, h.ValLoss)
}
