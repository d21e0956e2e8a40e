package checkpoint_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/latent-go/latent/ae"
	"github.com/latent-go/latent/checkpoint"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/safetensors"
)

func small(t testing.TB, units int, seed uint64) *ae.Autoencoder {
	t.Helper()
	a, err := ae.Build(model.Architecture{
		InputShape: []int{6},
		Encoder:    []nn.LayerSpec{{Type: "Dense", Units: units, Activation: "relu"}},
		Decoder:    []nn.LayerSpec{{Type: "Dense", Units: 6, Activation: "sigmoid"}},
	}, seed)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// stepped returns a model and an Adam that has taken two steps on it.
func stepped(t testing.TB) (*ae.Autoencoder, *optim.Adam) {
	a := small(t, 3, 1)
	opt := optim.NewAdam()
	for s := 0; s < 2; s++ {
		for i, p := range a.Network().Params() {
			for j := range p.Grad.Data {
				p.Grad.Data[j] = float32(i+1) * 0.01 * float32(j-s)
			}
		}
		opt.Step(a.Network().Params())
	}
	return a, opt
}

func TestRoundTrip(t *testing.T) {
	a, opt := stepped(t)
	path := filepath.Join(t.TempDir(), "ck.safetensors")
	st := checkpoint.State{Epoch: 4, Run: json.RawMessage(`{"recipe":"x"}`), History: json.RawMessage(`{"loss":[1,0.5]}`)}
	if err := checkpoint.Save(path, st, a.Network().Layers(), opt); err != nil {
		t.Fatal(err)
	}
	b, opt2 := small(t, 3, 99), optim.NewAdam()
	got, err := checkpoint.Load(path, b.Network().Layers(), opt2)
	if err != nil {
		t.Fatal(err)
	}
	if got.Epoch != 4 || string(got.Run) != string(st.Run) || string(got.History) != string(st.History) {
		t.Errorf("state %+v", got)
	}
	if opt2.Iterations != 2 {
		t.Errorf("iterations %d, want 2", opt2.Iterations)
	}
	for i, p := range a.Network().Params() {
		q := b.Network().Params()[i]
		m, v := opt.Moments(p)
		m2, v2 := opt2.Moments(q)
		for j := range p.Value.Data {
			if q.Value.Data[j] != p.Value.Data[j] || m2[j] != m[j] || v2[j] != v[j] {
				t.Fatalf("param %d[%d] differs after the round trip", i, j)
			}
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	a, opt := stepped(t)
	if _, err := checkpoint.Load(filepath.Join(dir, "none"), a.Network().Layers(), opt); !errors.Is(err, checkpoint.ErrNone) {
		t.Errorf("missing file: %v", err)
	}
	path := filepath.Join(dir, "ck.safetensors")
	if err := checkpoint.Save(path, checkpoint.State{Epoch: 1}, a.Network().Layers(), opt); err != nil {
		t.Fatal(err)
	}
	if _, err := checkpoint.Load(path, small(t, 4, 1).Network().Layers(), optim.NewAdam()); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("other layer sizes: %v", err)
	}
	modelPath := filepath.Join(dir, "model.safetensors")
	if err := model.Save(a, modelPath, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := checkpoint.Load(modelPath, a.Network().Layers(), opt); err == nil || !strings.Contains(err.Error(), "not a checkpoint") {
		t.Errorf("a model file: %v", err)
	}
	b, _ := os.ReadFile(path)
	for _, n := range []int{0, 7, 8, 40, len(b) - 1} {
		bad := filepath.Join(dir, "bad")
		os.WriteFile(bad, b[:n], 0o644)
		if _, err := checkpoint.Load(bad, a.Network().Layers(), optim.NewAdam()); err == nil {
			t.Errorf("a checkpoint cut to %d bytes was accepted", n)
		}
	}
}

// TestFlippedBytesRefused damages a checkpoint and a model file one byte
// at a time, at 300 random places each (header and values), and requires
// every damaged file to be refused.
func TestFlippedBytesRefused(t *testing.T) {
	a, opt := stepped(t)
	dir := t.TempDir()
	ck := filepath.Join(dir, "ck.safetensors")
	if err := checkpoint.Save(ck, checkpoint.State{Epoch: 1, Run: json.RawMessage(`{}`)}, a.Network().Layers(), opt); err != nil {
		t.Fatal(err)
	}
	mf := filepath.Join(dir, "m.safetensors")
	if err := model.Save(a, mf, map[string]string{"recipe": "x"}); err != nil {
		t.Fatal(err)
	}
	load := map[string]func(string) error{
		ck: func(p string) error {
			_, err := checkpoint.Load(p, small(t, 3, 5).Network().Layers(), optim.NewAdam())
			return err
		},
		mf: func(p string) error { _, _, err := model.Open(p); return err },
	}
	rng := rand.New(rand.NewPCG(8, 9))
	for path, open := range load {
		good, _ := os.ReadFile(path)
		if err := open(path); err != nil {
			t.Fatalf("the undamaged file: %v", err)
		}
		bad := filepath.Join(dir, "bad.safetensors")
		for range 300 {
			b := append([]byte(nil), good...)
			i := rng.IntN(len(b))
			b[i] ^= byte(1 + rng.IntN(255))
			os.WriteFile(bad, b, 0o644)
			if err := open(bad); err == nil {
				t.Errorf("%s with byte %d of %d changed was accepted", filepath.Base(path), i, len(b))
			} else if strings.Contains(err.Error(), "\n") {
				t.Errorf("a message of several lines: %q", err)
			}
		}
	}
}

// TestNaNWeightsRefused: a checkpoint whose Adam moments hold a NaN and a
// model file whose weights hold one are refused with the tensor's name.
func TestNaNWeightsRefused(t *testing.T) {
	a, opt := stepped(t)
	dir := t.TempDir()
	a.Network().Params()[0].Value.Data[2] = float32(math.NaN())
	mf := filepath.Join(dir, "m.safetensors")
	model.Save(a, mf, nil)
	if _, _, err := model.Open(mf); err == nil || !strings.Contains(err.Error(), `weights "dense/kernel" hold NaN at value 2`) {
		t.Errorf("NaN weights: %v", err)
	}
	a.Network().Params()[0].Value.Data[2] = 0
	_, slots := opt.State()
	for _, v := range slots["v"] {
		v[0] = float32(math.Inf(1))
		break
	}
	ck := filepath.Join(dir, "ck.safetensors")
	checkpoint.Save(ck, checkpoint.State{Epoch: 1, Run: json.RawMessage(`{}`)}, a.Network().Layers(), opt)
	if _, err := checkpoint.Load(ck, small(t, 3, 5).Network().Layers(), optim.NewAdam()); err == nil || !strings.Contains(err.Error(), "optimizer state") || !strings.Contains(err.Error(), "+Inf") {
		t.Errorf("infinite moment: %v", err)
	}
}

// FuzzLoad: any bytes in a checkpoint are refused or load into the model;
// never a panic.
func FuzzLoad(f *testing.F) {
	a, opt := stepped(f)
	p := filepath.Join(f.TempDir(), "ck")
	checkpoint.Save(p, checkpoint.State{Epoch: 2, Run: json.RawMessage(`{"r":1}`), History: json.RawMessage(`{"loss":[1,2]}`)}, a.Network().Layers(), opt)
	b, _ := os.ReadFile(p)
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "ck")
		os.WriteFile(p, b, 0o644)
		checkpoint.Load(p, small(t, 3, 5).Network().Layers(), optim.NewAdam())
		// Sealed with a valid checksum: the state and tensors fuzzed too.
		if sf, err := safetensors.ReadUnchecked(b); err == nil && safetensors.WriteFile(p, sf) == nil {
			checkpoint.Load(p, small(t, 3, 5).Network().Layers(), optim.NewAdam())
		}
	})
}
