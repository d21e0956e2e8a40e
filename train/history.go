package train

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// History is what fit returns: one entry per epoch of the loss, of each
// part of the objective, of the validation loss and its parts when there
// is validation data, and of the epoch's seconds. As JSON it is one object
// with a list per name, in that order, as Keras's History.history:
//
//	{"loss": [...], "val_loss": [...], "seconds": [...]}
//	{"loss": [...], "reconstruction_loss": [...], "kl_loss": [...], "seconds": [...]}
type History struct {
	Loss     []float64
	ValLoss  []float64 // nil without validation data
	Parts    []Series  // in the objective's order
	ValParts []Series
	Seconds  []float64

	validated bool // epochs have validation values
}

// Series is one named list of values, one per epoch.
type Series struct {
	Name   string
	Values []float64
}

// Epochs is the number of epochs recorded.
func (h *History) Epochs() int { return len(h.Loss) }

// Part returns the values of the part of that name ("kl_loss",
// "val_kl_loss"), or nil.
func (h *History) Part(name string) []float64 {
	for _, s := range append(append([]Series(nil), h.Parts...), h.ValParts...) {
		if s.Name == name {
			return s.Values
		}
	}
	return nil
}

// start readies a history for an objective's parts (a resumed one keeps
// what it holds).
func (h *History) start(parts []string, validation bool) {
	h.validated = validation
	if h.Epochs() > 0 {
		return
	}
	h.Parts, h.ValParts, h.ValLoss = nil, nil, nil
	if validation {
		h.ValLoss = []float64{}
	}
	for _, p := range parts {
		h.Parts = append(h.Parts, Series{Name: p})
		if validation {
			h.ValParts = append(h.ValParts, Series{Name: "val_" + p})
		}
	}
}

// add records an epoch.
func (h *History) add(l EpochLogs) {
	h.Loss = append(h.Loss, l.Loss)
	for i, m := range l.Parts {
		h.Parts[i].Values = append(h.Parts[i].Values, m.Value)
	}
	if h.validated {
		h.ValLoss = append(h.ValLoss, l.ValLoss)
	}
	for i, m := range l.ValParts {
		h.ValParts[i].Values = append(h.ValParts[i].Values, m.Value)
	}
	h.Seconds = append(h.Seconds, l.Seconds)
}

// metrics names values: prefix+names[i] = values[i].
func metrics(names []string, values []float64, prefix string) []Metric {
	var out []Metric
	for i, n := range names {
		out = append(out, Metric{Name: prefix + n, Value: values[i]})
	}
	return out
}

// MarshalJSON implements json.Marshaler, keeping the names in order.
func (h History) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	write := func(name string, v []float64) {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(name)
		if v == nil {
			v = []float64{}
		}
		vs, _ := json.Marshal(v)
		b.Write(k)
		b.WriteByte(':')
		b.Write(vs)
	}
	write("loss", h.Loss)
	for _, s := range h.Parts {
		write(s.Name, s.Values)
	}
	if h.ValLoss != nil {
		write("val_loss", h.ValLoss)
	}
	for _, s := range h.ValParts {
		write(s.Name, s.Values)
	}
	write("seconds", h.Seconds)
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON implements json.Unmarshaler: "loss", "val_loss" and
// "seconds" are the lists of those names; every other list is a part, a
// validation part when its name starts with "val_". Keys that do not hold
// lists of numbers (a history file's recipe, seed, ...) are skipped.
func (h *History) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("a history is a JSON object")
	}
	*h = History{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		var values []float64
		if json.Unmarshal(raw, &values) != nil || values == nil {
			continue
		}
		switch {
		case name == "loss":
			h.Loss = values
		case name == "val_loss":
			h.ValLoss = values
		case name == "seconds":
			h.Seconds = values
		case strings.HasPrefix(name, "val_"):
			h.ValParts = append(h.ValParts, Series{name, values})
		default:
			h.Parts = append(h.Parts, Series{name, values})
		}
	}
	return nil
}
