package serve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/serve"
)

func post(t *testing.T, url string, body any) (int, map[string]json.RawMessage) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]json.RawMessage
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// getJSON GETs url and decodes its JSON answer into v.
func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// rowsOf reads samples as JSON rows, as a client sends them.
func rowsOf(t *testing.T, s data.Source) [][]float32 {
	x, err := data.ReadAll(s)
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]float32, x.Rows())
	for i := range out {
		out[i] = x.Row(i)
	}
	return out
}

func sameRows(t *testing.T, what string, raw json.RawMessage, want [][]float32) {
	t.Helper()
	var got [][]float32
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", what, len(got), len(want))
	}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Fatalf("%s: row %d value %d is %v, the library gives %v", what, i, j, got[i][j], want[i][j])
			}
		}
	}
}

// TestEndpointsEqualTheLibrary: every endpoint answers what the commands'
// library calls give on the same rows, bit for bit.
func TestEndpointsEqualTheLibrary(t *testing.T) {
	m := savedPCA(t)
	s, err := serve.New(m, serve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	x := mnist(t, "test", 50)
	inputs := rowsOf(t, x)

	var codes, recon infer.Collector
	m.Encode(x, 256, &codes, nil)
	m.Reconstruct(x, 256, &recon, nil)
	var decoded infer.Collector
	m.Decode(data.FromTensor(codes.Tensor(), nil, nil), 256, &decoded, nil)
	scores, _ := m.Scores(x, 256)

	status, out := post(t, srv.URL+"/v1/encode", map[string]any{"inputs": inputs})
	if status != 200 {
		t.Fatalf("encode: %d %s", status, out["error"])
	}
	sameRows(t, "encode", out["codes"], rowsOf(t, data.FromTensor(codes.Tensor(), nil, nil)))
	_, out = post(t, srv.URL+"/v1/decode", map[string]any{"codes": rowsOf(t, data.FromTensor(codes.Tensor(), nil, nil))})
	sameRows(t, "decode", out["outputs"], rowsOf(t, data.FromTensor(decoded.Tensor(), nil, nil)))
	_, out = post(t, srv.URL+"/v1/reconstruct", map[string]any{"inputs": inputs})
	sameRows(t, "reconstruct", out["outputs"], rowsOf(t, data.FromTensor(recon.Tensor(), nil, nil)))
	var errs []float64
	json.Unmarshal(out["errors"], &errs)
	for i := range scores {
		if errs[i] != scores[i] {
			t.Fatalf("reconstruct: error %d is %v, the scores say %v", i, errs[i], scores[i])
		}
	}
	status, out = post(t, srv.URL+"/v1/score?threshold=contamination=0.1", map[string]any{"inputs": inputs})
	var flags []bool
	json.Unmarshal(out["anomalies"], &flags)
	flagged := 0
	for _, f := range flags {
		if f {
			flagged++
		}
	}
	if status != 200 || flagged != 5 {
		t.Errorf("score: status %d, %d of 50 flagged at contamination 0.1", status, flagged)
	}
	var info map[string]any
	getJSON(t, srv.URL+"/v1/model", &info)
	if info["family"] != "pca" || info["params"].(float64) != 3922 || !strings.Contains(info["summary"].(string), `Model: "encoder"`) || info["features"] != nil {
		t.Errorf("model: %v", info)
	}
}

// TestNullIsMissing: with a model that fills missing values, a null in
// an input row is its value's fill: the answer is that of the row with
// the fill written in.
func TestNullIsMissing(t *testing.T) {
	m := savedPCA(t)
	fill := make([]float32, 784)
	for i := range fill {
		fill[i] = float32(i%5) / 5
	}
	m.Meta[model.MetaFill] = model.FillMeta(fill)
	s, err := serve.New(m, serve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	withNulls, filled := make([]any, 784), make([]any, 784)
	for i := range withNulls {
		v := float32(i%9) / 9
		withNulls[i], filled[i] = v, v
		if i%10 == 3 {
			withNulls[i], filled[i] = nil, fill[i]
		}
	}
	status, a := post(t, srv.URL+"/v1/encode", map[string]any{"inputs": []any{withNulls}})
	_, b := post(t, srv.URL+"/v1/encode", map[string]any{"inputs": []any{filled}})
	if status != 200 || string(a["codes"]) != string(b["codes"]) {
		t.Errorf("codes with nulls %s (status %d), with the fill written in %s", a["codes"], status, b["codes"])
	}
}

// TestModelFeatures: /v1/model names the input's values as the model file
// records them (a training CSV's header).
func TestModelFeatures(t *testing.T) {
	m := savedPCA(t)
	names := make([]string, 784)
	for i := range names {
		names[i] = fmt.Sprintf("pixel %d", i)
	}
	m.Meta[model.MetaFeatures] = model.FeaturesMeta(names)
	s, err := serve.New(m, serve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	var info struct{ Features []string }
	getJSON(t, srv.URL+"/v1/model", &info)
	if len(info.Features) != 784 || info.Features[0] != "pixel 0" || info.Features[783] != "pixel 783" {
		t.Errorf("features %v", info.Features)
	}
}

// TestErrorStatuses: every kind of bad request gets its status and a JSON
// error, and the server goes on serving.
func TestErrorStatuses(t *testing.T) {
	s, err := serve.New(savedPCA(t), serve.Options{MaxBodyBytes: 1 << 16, MaxRows: 10})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	row := strings.Repeat("0.5,", 783) + "0.5"
	for _, c := range []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"GET", "/nope", "", 404, "no such path"},
		{"GET", "/v1/encode", "", 405, "takes POST"},
		{"POST", "/healthz", "", 405, "takes GET"},
		{"POST", "/v1/encode", "", 400, "the body is empty"},
		{"POST", "/v1/encode", "{", 400, "not valid JSON"},
		{"POST", "/v1/encode", `{"inputs": [[1, 2]]}`, 400, "has 2 values; the model takes 784"},
		{"POST", "/v1/encode", `{"inputs": [["a"]]}`, 400, "lists of numbers"},
		{"POST", "/v1/encode", `{"inputs": []}`, 400, "holds no rows"},
		{"POST", "/v1/encode", `{"rows": []}`, 400, "unknown field"},
		{"POST", "/v1/encode", `{"inputs": [` + strings.Repeat("["+row+"],", 30) + "[" + row + `]]}`, 413, "larger than 65536 bytes"},
		{"POST", "/v1/decode", `{"codes": [[1, 2, 3]]}`, 400, "has 3 values; the model takes 2"},
		{"POST", "/v1/encode", `{"inputs": [[null, ` + row[4:] + `]]}`, 400, "value 0 of row 0 of \"inputs\" is null, and this model fills no missing values"},
		{"POST", "/v1/decode", `{"codes": [[1, null]]}`, 400, "value 1 of row 0 of \"codes\" is null: codes are numbers"},
		{"POST", "/v1/decode", `{"codes": [[1, 1e300]]}`, 400, "1e+300, is beyond float32's range"},
		{"POST", "/v1/score?threshold=median", `{"inputs": [[` + row + `]]}`, 400, "unknown threshold rule"},
		{"GET", "/v1/points", "", 404, "without data to explore"},
		{"GET", "/v1/sample?i=3", "", 404, "without data to explore"},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]string
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(out["error"], c.want) {
			t.Errorf("%s %s: %d %q; want %d and %q", c.method, c.path, resp.StatusCode, out["error"], c.status, c.want)
		}
	}
	// Rows per request.
	rows := make([][]float32, 11)
	for i := range rows {
		rows[i] = make([]float32, 784)
	}
	if status, out := post(t, srv.URL+"/v1/encode", map[string]any{"inputs": rows}); status != 400 || !strings.Contains(string(out["error"]), "at most 10 per request") {
		t.Errorf("11 rows: %d %s", status, out["error"])
	}
}

// TestConcurrentRequests sends 64 requests at once (run with -race): each
// gets the answer of a request alone.
func TestConcurrentRequests(t *testing.T) {
	s, _ := serve.New(savedAE(t), serve.Options{})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	inputs := rowsOf(t, mnist(t, "test", 8))
	_, alone := post(t, srv.URL+"/v1/reconstruct", map[string]any{"inputs": inputs})
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, _ := json.Marshal(map[string]any{"inputs": inputs})
			resp, err := http.Post(srv.URL+"/v1/reconstruct", "application/json", bytes.NewReader(b))
			if err != nil {
				errs <- err.Error()
				return
			}
			var out map[string]json.RawMessage
			json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if string(out["outputs"]) != string(alone["outputs"]) {
				errs <- "a concurrent answer differs"
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestGracefulShutdown: a request in flight when the server shuts down
// gets its whole answer.
func TestGracefulShutdown(t *testing.T) {
	s, _ := serve.New(savedPCA(t), serve.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := serve.NewHTTPServer(ln.Addr().String(), s.Handler())
	go hs.Serve(ln)
	// A request whose body arrives slowly: in flight during the shutdown.
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() {
		resp, err := http.Post(fmt.Sprintf("http://%s/v1/encode", ln.Addr()), "application/json", pr)
		if err != nil {
			done <- 0
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	row := strings.Repeat("0.5,", 783) + "0.5"
	pw.Write([]byte(`{"inputs": [[` + row))
	time.Sleep(100 * time.Millisecond)
	shut := make(chan error)
	go func() { shut <- hs.Shutdown(context.Background()) }()
	time.Sleep(100 * time.Millisecond)
	pw.Write([]byte(`]]}`))
	pw.Close()
	if status := <-done; status != 200 {
		t.Errorf("the request in flight got %d", status)
	}
	if err := <-shut; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if _, err := http.Get(fmt.Sprintf("http://%s/healthz", ln.Addr())); err == nil {
		t.Error("the server still answers after its shutdown")
	}
}

// TestPointsKeys: points read from a CSV with an id column carry their
// ids (and /v1/points names the column), for the explorer to show.
func TestPointsKeys(t *testing.T) {
	src := idPoints(t, 5)
	s, err := serve.New(savedPCA(t), serve.Options{Points: src})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	var view struct {
		KeyColumns []string   `json:"key_columns"`
		Keys       [][]string `json:"keys"`
	}
	getJSON(t, srv.URL+"/v1/points", &view)
	if len(view.KeyColumns) != 1 || view.KeyColumns[0] != "id" || len(view.Keys) != 5 || view.Keys[3][0] != "row-3" {
		t.Errorf("key columns %v, keys %v", view.KeyColumns, view.Keys)
	}
}

// idPoints is n points of 784 values read from a CSV with an id column
// (row-0, row-1, ...), ignored.
func idPoints(t *testing.T, n int) data.Source {
	t.Helper()
	var b strings.Builder
	b.WriteString("id")
	for j := range 784 {
		fmt.Fprintf(&b, ",p%d", j)
	}
	for i := range n {
		fmt.Fprintf(&b, "\nrow-%d", i)
		for j := range 784 {
			fmt.Fprintf(&b, ",%g", float64((i*784+j*(i+1))%255)/255)
		}
	}
	path := filepath.Join(t.TempDir(), "points.csv")
	if err := os.WriteFile(path, []byte(b.String()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := data.Open(path, data.FileOptions{Ignore: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	return src
}
