package runner

import (
	"fmt"
	"io"
	"strings"

	"github.com/latent-go/latent/diagram"
	"github.com/latent-go/latent/internal/atomic"
	"github.com/latent-go/latent/model"
)

// describe prints the summaries of the model's views (an autoencoder's
// autoencoder, encoder and decoder; a VAE's encoder and decoder), writes
// them to summary.txt and draws each view's diagram as NAME.png.
func describe(r *run) error {
	var sb strings.Builder
	Summaries(&sb, r.model)
	fmt.Fprint(r.opt.Stdout, sb.String())
	if err := atomic.WriteBytes(r.path("summary.txt"), []byte(sb.String()), 0o644); err != nil {
		return err
	}
	for _, v := range r.model.Views() {
		if err := diagram.WritePNG(r.path(v.Name+".png"), v.Model); err != nil {
			return err
		}
	}
	return nil
}

// Summaries writes the Keras summaries of the model's views, in the order
// the lecture's programs print them.
func Summaries(w io.Writer, m model.Model) {
	for _, v := range m.Views() {
		v.Model.Summary(w)
	}
}
