// Package model is what every model family implements (an autoencoder, a
// variational autoencoder, and later PCA), the registry that finds a family
// by its name in a recipe or by its format in a saved file, and Open, which
// loads any saved model back. Callers never switch on a kind of model: they
// ask the family.
//
// It imports nn, train, modelfile and tensor. The families (ae, vae)
// import it and register themselves; import them, or the root package
// latent, which imports all of them.
package model

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/train"
)

// Architecture describes a model of any family in recipes and model files:
// the per-sample input shape, the encoder's layers, the decoder's layers,
// and the latent size for families that add their own code layers (a
// VAE's z_mean and z_log_var heads).
type Architecture struct {
	InputShape []int          `json:"input_shape"`
	LatentDim  int            `json:"latent_dim,omitempty"`
	Encoder    []nn.LayerSpec `json:"encoder"`
	Decoder    []nn.LayerSpec `json:"decoder"`
	// SamplingSeed seeds a VAE's draws of z (0: the build seed).
	SamplingSeed uint64 `json:"sampling_seed,omitempty"`
}

// Family knows how to check, build and load one kind of model.
type Family interface {
	// Name is the family's name in recipes: "autoencoder", "vae".
	Name() string
	// Format is the format name of its model files: "latent.autoencoder/1".
	Format() string
	// Plan checks an architecture's structure and sizes (shapes that fit,
	// a weight budget) without allocating a weight.
	Plan(a Architecture) (nn.Plan, error)
	// Build makes the model with weights drawn from seed. It plans first,
	// so nothing oversized is ever allocated.
	Build(a Architecture, seed uint64) (Model, error)
	// Objective is what training minimizes, given a recipe's loss name
	// (an error for a loss the family cannot train with).
	Objective(loss string) (train.Objective, error)
}

// Model is a built model of any family.
type Model interface {
	// Family is the family that built the model.
	Family() Family
	// Architecture is what rebuilds the model, every layer named.
	Architecture() Architecture
	// Network is the graph that training runs.
	Network() *nn.Model
	// Views are the models a user inspects, in the order Keras's program
	// prints their summaries: an autoencoder's "autoencoder", "encoder"
	// and "decoder"; a VAE's "encoder" and "decoder".
	Views() []View
	// Encoder maps inputs to codes: its first output is the code (a VAE's
	// z_mean).
	Encoder() *nn.Model
	// Decoder maps codes to reconstructions.
	Decoder() *nn.Model
}

// View is one model of a family with the name its files take
// ("encoder" gives summary lines and encoder.png).
type View struct {
	Name  string
	Model *nn.Model
}

var (
	mu       sync.RWMutex
	families = map[string]Family{}
)

// Register makes a family known by its name and its format. It panics on
// a second family of the same name or format, a programming error.
func Register(f Family) {
	mu.Lock()
	defer mu.Unlock()
	for _, g := range families {
		if g.Name() == f.Name() || g.Format() == f.Format() {
			panic("model: family " + f.Name() + " registered twice")
		}
	}
	families[f.Name()] = f
}

// Lookup returns the family of that name; "" is "autoencoder".
func Lookup(name string) (Family, error) {
	if name == "" {
		name = "autoencoder"
	}
	mu.RLock()
	f, ok := families[name]
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown model family %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	return f, nil
}

// byFormat returns the family whose model files have that format.
func byFormat(format string) (Family, bool) {
	mu.RLock()
	defer mu.RUnlock()
	for _, f := range families {
		if f.Format() == format {
			return f, true
		}
	}
	return nil, false
}

// Names lists the registered families, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	var names []string
	for n := range families {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Weights is the one list of a model's weights (its network's), which the
// model file, the checkpoint and the exporters read.
func Weights(m Model) []nn.Weight { return m.Network().Weights() }

// CountWeights is the number of values in a model's weights.
func CountWeights(m Model) int {
	n := 0
	for _, w := range Weights(m) {
		n += len(w.Value.Data)
	}
	return n
}

// CodeShape is the per-sample shape of a model's codes.
func CodeShape(m Model) []int { return slices.Clone(m.Encoder().Outputs()[0].Shape()) }
