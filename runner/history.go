package runner

import (
	"bytes"
	"encoding/json"

	"github.com/latent-go/latent/internal/atomic"

	"github.com/latent-go/latent/train"
)

// HistoryFile is history.json: what the run is, then one list per number
// of the history ("loss", "val_loss", a VAE's "reconstruction_loss" and
// "kl_loss", "seconds"), as Keras's History.history holds them.
type HistoryFile struct {
	Recipe    string `json:"recipe"`
	Dataset   string `json:"dataset"`
	Epochs    int    `json:"epochs"`
	BatchSize int    `json:"batch_size"`
	Seed      uint64 `json:"seed"`
	train.History
}

// historyHeader is HistoryFile's own fields, without the history's.
type historyHeader struct {
	Recipe    string `json:"recipe"`
	Dataset   string `json:"dataset"`
	Epochs    int    `json:"epochs"`
	BatchSize int    `json:"batch_size"`
	Seed      uint64 `json:"seed"`
}

// MarshalJSON implements json.Marshaler: the header's fields, then the
// history's lists.
func (f HistoryFile) MarshalJSON() ([]byte, error) {
	head, err := json.Marshal(historyHeader{f.Recipe, f.Dataset, f.Epochs, f.BatchSize, f.Seed})
	if err != nil {
		return nil, err
	}
	lists, err := json.Marshal(f.History)
	if err != nil {
		return nil, err
	}
	return append(append(head[:len(head)-1], ','), lists[1:]...), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *HistoryFile) UnmarshalJSON(b []byte) error {
	var h historyHeader
	if err := json.Unmarshal(b, &h); err != nil {
		return err
	}
	f.Recipe, f.Dataset, f.Epochs, f.BatchSize, f.Seed = h.Recipe, h.Dataset, h.Epochs, h.BatchSize, h.Seed
	return json.Unmarshal(b, &f.History)
}

// historySaver rewrites history.json after every epoch, so a run that
// dies keeps the epochs it finished.
type historySaver struct {
	train.BaseCallback
	path    string
	file    HistoryFile // its header
	history *train.History
	err     error
}

func (s *historySaver) EpochEnd(train.EpochLogs) bool {
	f := s.file
	f.History = *s.history
	b, err := json.Marshal(f)
	var out bytes.Buffer
	if err == nil {
		err = json.Indent(&out, b, "", "  ")
	}
	if err == nil {
		out.WriteByte('\n')
		err = atomic.WriteBytes(s.path, out.Bytes(), 0o644)
	}
	if err != nil {
		s.err = err
		return true
	}
	return false
}
