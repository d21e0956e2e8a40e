// Package checkpoint saves a training run between epochs and restores it,
// so that a run that stops (a crash, a killed job, a machine taken back)
// resumes where it left off and ends with the same weights, bit for bit,
// as a run that never stopped.
//
// A checkpoint is one safetensors file. Its tensors are the weights,
// "weights/LAYER/PARAM", and the optimizer's slots,
// "optimizer/SLOT/LAYER/PARAM" (Adam's m and v). Its metadata holds the
// optimizer's step count, the generators' states of layers that draw
// random numbers (the VAE's Sampling), and the caller's State: the epochs
// finished, what the run is (so that a checkpoint resumes only its own
// run) and the history so far. The data order needs nothing saved: each
// epoch's shuffle is drawn from (seed, epoch) alone.
//
// It imports nn, optim, safetensors and tensor; runner uses it.
package checkpoint

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/safetensors"
	"github.com/latent-go/latent/tensor"
)

// Format is the format name in a checkpoint's metadata.
const Format = "latent-checkpoint"

// Metadata keys.
const (
	keyFormat     = "format"
	keyState      = "state"
	keyIterations = "optimizer_iterations"
	randomPrefix  = "random/"
	weightsPrefix = "weights/"
	slotPrefix    = "optimizer/"
)

// State is what the caller keeps in a checkpoint besides the tensors.
type State struct {
	// Epoch is the number of epochs finished.
	Epoch int `json:"epoch"`
	// Run says what the run is (recipe, dataset, seed, ...): a checkpoint
	// resumes a run only when this matches exactly.
	Run json.RawMessage `json:"run"`
	// History is the caller's record of the finished epochs.
	History json.RawMessage `json:"history,omitempty"`
}

// ErrNone is returned by Load when there is no checkpoint file.
var ErrNone = errors.New("no checkpoint")

// Save writes st, the layers' weights and random states, and the
// optimizer's state to path, replacing any earlier checkpoint only once
// the new one is whole on disk.
func Save(path string, st State, layers []nn.Layer, opt optim.Optimizer) error {
	stateJSON, err := json.Marshal(st)
	if err != nil {
		return err
	}
	f := &safetensors.File{Metadata: map[string]string{keyFormat: Format, keyState: string(stateJSON)}, Tensors: map[string]*tensor.Tensor{}}
	names := map[*nn.Param]string{}
	for _, w := range nn.LayerWeights(layers) {
		names[w.Param] = w.Name
		f.Tensors[weightsPrefix+w.Name] = w.Value
	}
	for _, l := range layers {
		if r, ok := l.(nn.RandomLayer); ok {
			b, err := r.RandomState()
			if err != nil {
				return err
			}
			f.Metadata[randomPrefix+l.Name()] = base64.StdEncoding.EncodeToString(b)
		}
	}
	if s, ok := opt.(optim.Stateful); ok {
		iterations, slots := s.State()
		f.Metadata[keyIterations] = strconv.Itoa(iterations)
		for slot, values := range slots {
			for p, v := range values {
				name, ok := names[p]
				if !ok {
					return fmt.Errorf("checkpoint: the optimizer holds state for a parameter %q of no saved layer", p.Name)
				}
				f.Tensors[slotPrefix+slot+"/"+name] = &tensor.Tensor{Shape: p.Value.Shape, Data: v}
			}
		}
	}
	return safetensors.WriteFile(path, f)
}

// Load reads the checkpoint at path into the layers and the optimizer and
// returns its State. The file must fit exactly: every weight present with
// its shape, nothing left over. It returns ErrNone (wrapped) when path
// does not exist.
func Load(path string, layers []nn.Layer, opt optim.Optimizer) (State, error) {
	var st State
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return st, fmt.Errorf("%s: %w", path, ErrNone)
	}
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return st, err
	}
	if f.Metadata[keyFormat] != Format {
		return st, fmt.Errorf("%s: not a checkpoint (format %q)", path, f.Metadata[keyFormat])
	}
	if err := json.Unmarshal([]byte(f.Metadata[keyState]), &st); err != nil {
		return st, fmt.Errorf("%s: bad state: %w", path, err)
	}
	byName, weights, err := loadWeights(f, layers)
	if err == nil {
		err = loadRandomStates(f, layers)
	}
	var slots map[string]map[*nn.Param][]float32
	if err == nil {
		slots, err = optimizerSlots(f, byName)
	}
	if err == nil && weights+countSlots(slots) != len(f.Tensors) {
		err = fmt.Errorf("holds %d tensors but the model and optimizer use %d", len(f.Tensors), weights+countSlots(slots))
	}
	if err == nil {
		err = setOptimizerState(f, opt, slots)
	}
	if err != nil {
		return st, fmt.Errorf("%s: %w", path, err)
	}
	return st, nil
}

// loadWeights copies the file's weights into the layers' and returns the
// layers' weights by name and how many there are.
func loadWeights(f *safetensors.File, layers []nn.Layer) (map[string]*nn.Param, int, error) {
	byName := map[string]*nn.Param{}
	weights := nn.LayerWeights(layers)
	for _, w := range weights {
		byName[w.Name] = w.Param
		t, ok := f.Tensors[weightsPrefix+w.Name]
		if !ok {
			return nil, 0, fmt.Errorf("weights %q are missing", w.Name)
		}
		if !tensor.SameShape(t.Shape, w.Value.Shape) {
			return nil, 0, fmt.Errorf("weights %q have shape %v, the model needs %v", w.Name, t.Shape, w.Value.Shape)
		}
		if err := tensor.CheckFinite(t); err != nil {
			return nil, 0, fmt.Errorf("weights %q hold %v; the checkpoint is damaged", w.Name, err)
		}
		copy(w.Value.Data, t.Data)
	}
	return byName, len(weights), nil
}

// loadRandomStates gives each random layer (a VAE's sampling) the state
// of its generator that the file holds.
func loadRandomStates(f *safetensors.File, layers []nn.Layer) error {
	for _, l := range layers {
		r, ok := l.(nn.RandomLayer)
		if !ok {
			continue
		}
		enc, ok := f.Metadata[randomPrefix+l.Name()]
		if !ok {
			return fmt.Errorf("the random state of %q is missing", l.Name())
		}
		b, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return fmt.Errorf("random state of %q: %w", l.Name(), err)
		}
		if err := r.SetRandomState(b); err != nil {
			return err
		}
	}
	return nil
}

// optimizerSlots reads the optimizer's state in the file, by slot name
// ("m", "v") and weight; each must fit a weight of the model.
func optimizerSlots(f *safetensors.File, byName map[string]*nn.Param) (map[string]map[*nn.Param][]float32, error) {
	slots := map[string]map[*nn.Param][]float32{}
	for name, t := range f.Tensors {
		rest, ok := strings.CutPrefix(name, slotPrefix)
		if !ok {
			continue
		}
		slot, pname, ok := strings.Cut(rest, "/")
		p := byName[pname]
		if !ok || p == nil || !tensor.SameShape(t.Shape, p.Value.Shape) {
			return nil, fmt.Errorf("optimizer state %q fits no weight of the model", name)
		}
		if err := tensor.CheckFinite(t); err != nil {
			return nil, fmt.Errorf("optimizer state %q holds %v; the checkpoint is damaged", name, err)
		}
		if slots[slot] == nil {
			slots[slot] = map[*nn.Param][]float32{}
		}
		slots[slot][p] = t.Data
	}
	return slots, nil
}

// countSlots is how many tensors the slots hold.
func countSlots(slots map[string]map[*nn.Param][]float32) int {
	n := 0
	for _, s := range slots {
		n += len(s)
	}
	return n
}

// setOptimizerState hands the slots and the step count to an optimizer
// that keeps state; one that keeps none must find none in the file.
func setOptimizerState(f *safetensors.File, opt optim.Optimizer, slots map[string]map[*nn.Param][]float32) error {
	s, ok := opt.(optim.Stateful)
	if !ok {
		if len(slots) > 0 {
			return fmt.Errorf("holds optimizer state but the optimizer keeps none")
		}
		return nil
	}
	iterations, err := strconv.Atoi(f.Metadata[keyIterations])
	if err != nil {
		return fmt.Errorf("bad optimizer step count %q", f.Metadata[keyIterations])
	}
	return s.SetState(iterations, slots)
}
