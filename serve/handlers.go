package serve

import (
	"net/http"
	"strconv"

	"github.com/latent-go/latent/anomaly"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/model"
)

// modelInfo is what GET /v1/model says.
type modelInfo struct {
	Family     string `json:"family"`
	InputShape []int  `json:"input_shape"`
	CodeShape  []int  `json:"code_shape"`
	Params     int    `json:"params"`
	Loss       string `json:"loss,omitempty"`
	Scaler     string `json:"scaler"`
	Threshold  string `json:"threshold"`
	// Features names the input's values, as the training CSV's header
	// did; left out when it had none.
	Features []string `json:"features,omitempty"`
	Summary  string   `json:"summary"`
}

func (s *Server) handleModel(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, modelInfo{
		Family: s.m.Family().Name(), InputShape: s.m.Network().Inputs()[0].Shape(), CodeShape: model.CodeShape(s.m),
		Params: model.CountWeights(s.m), Loss: s.m.Loss, Scaler: s.m.Scaler.String(), Threshold: s.rule.String(), Features: model.FeaturesOf(s.m.Meta), Summary: s.summary,
	})
}

// The requests' rows hold pointers, so that a null (which JSON would
// otherwise read as 0) is seen: a missing input value, or an error.
type inputsRequest struct {
	Inputs [][]*float64 `json:"inputs"`
}

type codesRequest struct {
	Codes [][]*float64 `json:"codes"`
}

// inputs reads {"inputs": [...]} as a source of the model's input shape.
func (s *Server) inputs(w http.ResponseWriter, r *http.Request) (data.Source, error) {
	var req inputsRequest
	if err := s.readJSON(w, r, &req); err != nil {
		return nil, err
	}
	x, err := s.rows("inputs", req.Inputs, s.in, s.m.Network().Inputs()[0].Shape(), model.FillOf(s.m.Meta))
	if err != nil {
		return nil, err
	}
	return data.FromTensor(x, nil, nil), nil
}

func (s *Server) handleEncode(w http.ResponseWriter, r *http.Request) {
	src, err := s.inputs(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var out infer.Collector
	if err := s.m.Encode(src, 256, &out, nil); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"codes": table(out.Tensor())})
}

func (s *Server) handleDecode(w http.ResponseWriter, r *http.Request) {
	var req codesRequest
	if err := s.readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	z, err := s.rows("codes", req.Codes, s.code, model.CodeShape(s.m), nil)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var out infer.Collector
	if err := s.m.Decode(data.FromTensor(z, nil, nil), 256, &out, nil); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"outputs": table(out.Tensor())})
}

func (s *Server) handleReconstruct(w http.ResponseWriter, r *http.Request) {
	src, err := s.inputs(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var out infer.Collector
	if err := s.m.Reconstruct(src, 256, &out, nil); err != nil {
		s.writeError(w, r, err)
		return
	}
	scores, err := s.m.Scores(src, 256)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"outputs": table(out.Tensor()), "errors": scores})
}

func (s *Server) handleScore(w http.ResponseWriter, r *http.Request) {
	rule := s.rule
	if q := r.URL.Query().Get("threshold"); q != "" {
		var err error
		if rule, err = anomaly.ParseRule(q); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	src, err := s.inputs(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	det, err := s.m.Detect(src, rule, s.m.Errors, nil, 256)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"scores": det.Scores, "anomalies": det.Flags, "threshold": det.Threshold, "rule": rule.String()})
}

func (s *Server) handlePoints(w http.ResponseWriter, r *http.Request) {
	if s.points == nil {
		s.writeError(w, r, fail(http.StatusNotFound, "the server was started without data to explore (--data)"))
		return
	}
	writeJSON(w, s.points.view)
}

// handleSample returns point i's input, its reconstruction and its error.
func (s *Server) handleSample(w http.ResponseWriter, r *http.Request) {
	if s.points == nil {
		s.writeError(w, r, fail(http.StatusNotFound, "the server was started without data to explore (--data)"))
		return
	}
	i, err := strconv.Atoi(r.URL.Query().Get("i"))
	if err != nil || i < 0 || i >= s.points.src.Len() {
		s.writeError(w, r, fail(http.StatusBadRequest, "i must be a point's index, 0 to %d", s.points.src.Len()-1))
		return
	}
	x, err := data.ReadRange(s.points.src, i, i+1)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var out infer.Collector
	if err := s.m.Reconstruct(data.FromTensor(x, nil, nil), 1, &out, nil); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"input": x.Row(0), "output": out.Tensor().Row(0), "error": s.points.view.Errors[i]})
}
