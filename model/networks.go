package model

import "github.com/latent-go/latent/nn"

// Networks is what every family's model holds: the architecture that
// rebuilds it and its three graphs, the one training runs (Full), the
// encoder and the decoder. Embedded in a family's model type, it gives
// that type Model's Architecture, Network, Encoder and Decoder.
type Networks struct {
	Arch Architecture
	Full *nn.Model // the graph that training runs
	Enc  *nn.Model // inputs -> codes
	Dec  *nn.Model // codes -> reconstructions
}

// Architecture implements Model.
func (n *Networks) Architecture() Architecture { return n.Arch }

// Network implements Model.
func (n *Networks) Network() *nn.Model { return n.Full }

// Encoder implements Model.
func (n *Networks) Encoder() *nn.Model { return n.Enc }

// Decoder implements Model.
func (n *Networks) Decoder() *nn.Model { return n.Dec }
