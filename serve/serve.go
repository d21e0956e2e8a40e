// Package serve puts a saved model behind HTTP: a small JSON API (encode,
// decode, reconstruct, score; versioned under /v1/), and the explorer page
// at / that walks the model's latent space in a browser. The server keeps
// no state between requests, so copies of it behind a load balancer give
// the same answers; requests run concurrently on the one shared model.
//
// It imports infer, anomaly, data, model and tensor.
package serve

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/latent-go/latent/anomaly"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/tensor"
)

// Options are a server's settings.
type Options struct {
	// Points are the samples the explorer shows (nil: none); at most
	// MaxPoints of them are used.
	Points    data.Source
	MaxPoints int
	// Threshold is the default anomaly rule of /v1/score (default p99).
	Threshold string
	// MaxBodyBytes bounds a request body (default 16 MiB); MaxRows the
	// rows of one request (default 4096).
	MaxBodyBytes int64
	MaxRows      int
	// Readers bounds the request bodies read at once (default: the
	// number of cores, at least 2), so that memory stays bounded however
	// many clients send large bodies: the others wait their turn.
	Readers int
	// Log receives one line per failed request; nil: none.
	Log *log.Logger
}

// Server serves one model.
type Server struct {
	m       *infer.Model
	opt     Options
	rule    anomaly.Rule
	in      int // values per input row
	code    int // values per code
	summary string
	points  *points
	readers chan struct{} // one token per body being read
}

//go:embed page/*
var page embed.FS

// New makes a server for the model, computing the explorer's points.
func New(m *infer.Model, opt Options) (*Server, error) {
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = 16 << 20
	}
	if opt.Readers <= 0 {
		opt.Readers = max(2, runtime.GOMAXPROCS(0))
	}
	if opt.MaxRows <= 0 {
		opt.MaxRows = 4096
	}
	if opt.MaxPoints <= 0 {
		opt.MaxPoints = 2000
	}
	if opt.Threshold == "" {
		opt.Threshold = "p99"
	}
	rule, err := anomaly.ParseRule(opt.Threshold)
	if err != nil {
		return nil, err
	}
	s := &Server{m: m, opt: opt, rule: rule, readers: make(chan struct{}, opt.Readers),
		in: tensor.Size(m.Network().Inputs()[0].Shape()), code: tensor.Size(model.CodeShape(m))}
	var sb strings.Builder
	for _, v := range m.Views() {
		v.Model.Summary(&sb)
	}
	s.summary = sb.String()
	if opt.Points != nil {
		if s.points, err = newPoints(m, opt.Points, opt.MaxPoints); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Handler is the server's routes, with panics turned into 500 errors.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", s.route("GET", s.handlePage))
	mux.HandleFunc("/healthz", s.route("GET", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]string{"status": "ok"})
	}))
	mux.HandleFunc("/v1/model", s.route("GET", s.handleModel))
	mux.HandleFunc("/v1/encode", s.route("POST", s.handleEncode))
	mux.HandleFunc("/v1/decode", s.route("POST", s.handleDecode))
	mux.HandleFunc("/v1/reconstruct", s.route("POST", s.handleReconstruct))
	mux.HandleFunc("/v1/score", s.route("POST", s.handleScore))
	mux.HandleFunc("/v1/points", s.route("GET", s.handlePoints))
	mux.HandleFunc("/v1/sample", s.route("GET", s.handleSample))
	return s.recoverPanics(mux)
}

// NewHTTPServer is an http.Server for the handler with read, write and
// idle timeouts.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
}

// httpError is an error with its status.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func fail(status int, format string, args ...any) error {
	return &httpError{status, fmt.Sprintf(format, args...)}
}

// route accepts one method and turns a handler's error into JSON.
func (s *Server) route(method string, h func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method && !(method == "GET" && r.Method == "HEAD") {
			w.Header().Set("Allow", method)
			s.writeError(w, r, fail(http.StatusMethodNotAllowed, "%s takes %s, not %s", r.URL.Path, method, r.Method))
			return
		}
		h(w, r)
	}
}

func (s *Server) recoverPanics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.writeError(w, r, fail(http.StatusInternalServerError, "internal error"))
				if s.opt.Log != nil {
					s.opt.Log.Printf("panic serving %s: %v", r.URL.Path, v)
				}
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// writeError writes {"error": "..."} with the error's status (400 when it
// has none).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusBadRequest
	var he *httpError
	if errors.As(err, &he) {
		status = he.status
	}
	if s.opt.Log != nil {
		s.opt.Log.Printf("%s %s: %d %v", r.Method, r.URL.Path, status, err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// readJSON decodes a request body into v, within the body limit.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	select {
	case s.readers <- struct{}{}:
		defer func() { <-s.readers }()
	case <-r.Context().Done():
		return fail(http.StatusServiceUnavailable, "the request was cancelled while waiting")
	}
	body := http.MaxBytesReader(w, r.Body, s.opt.MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooBig):
			return fail(http.StatusRequestEntityTooLarge, "the body is larger than %d bytes", s.opt.MaxBodyBytes)
		case errors.As(err, &typ):
			return fail(http.StatusBadRequest, "%s must hold lists of numbers", typ.Field)
		case errors.Is(err, io.EOF):
			return fail(http.StatusBadRequest, "the body is empty; send JSON")
		}
		return fail(http.StatusBadRequest, "the body is not valid JSON: %v", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

// rows checks rows of numbers against a width and makes a tensor of them;
// a null is a missing value, which becomes its fill when the model has
// one (inputs only) and is refused otherwise, as is a number beyond
// float32's range.
func (s *Server) rows(name string, rows [][]*float64, width int, shape []int, fill []float32) (*tensor.Tensor, error) {
	if len(rows) == 0 {
		return nil, fail(http.StatusBadRequest, "%q holds no rows", name)
	}
	if len(rows) > s.opt.MaxRows {
		return nil, fail(http.StatusBadRequest, "%q holds %d rows; at most %d per request", name, len(rows), s.opt.MaxRows)
	}
	x := tensor.New(append([]int{len(rows)}, shape...)...)
	for i, row := range rows {
		if len(row) != width {
			return nil, fail(http.StatusBadRequest, "row %d of %q has %d values; the model takes %d", i, name, len(row), width)
		}
		for j, v := range row {
			switch {
			case v == nil && fill != nil:
				x.Data[i*width+j] = fill[j]
			case v == nil && name == "codes":
				return nil, fail(http.StatusBadRequest, "value %d of row %d of %q is null: codes are numbers", j, i, name)
			case v == nil:
				return nil, fail(http.StatusBadRequest, "value %d of row %d of %q is null, and this model fills no missing values (train it with --missing)", j, i, name)
			case math.Abs(*v) > math.MaxFloat32:
				return nil, fail(http.StatusBadRequest, "value %d of row %d of %q, %g, is beyond float32's range", j, i, name, *v)
			default:
				x.Data[i*width+j] = float32(*v)
			}
		}
	}
	return x, nil
}

// table turns a tensor's rows into lists.
func table(x *tensor.Tensor) [][]float32 {
	out := make([][]float32, x.Rows())
	for i := range out {
		out[i] = x.Row(i)
	}
	return out
}
