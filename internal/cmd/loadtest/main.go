//go:build unix

// Command loadtest serves a model on loopback (in this process, as latent
// serve does) and sends it requests from many clients at once: it reports
// the latency percentiles, the throughput and the errors, then sends
// oversized bodies and reports whether the process's memory stayed
// bounded.
//
//	go run ./internal/cmd/loadtest -model ae1/model.safetensors [-requests 10000] [-concurrency 64]
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/serve"
	"github.com/latent-go/latent/tensor"
)

func main() {
	modelPath := flag.String("model", "", "the model file to serve")
	requests := flag.Int("requests", 10000, "requests to send")
	concurrency := flag.Int("concurrency", 64, "clients sending at once")
	rows := flag.Int("rows", 1, "rows per request")
	path := flag.String("path", "/v1/reconstruct", "the endpoint")
	oversized := flag.Int("oversized", 200, "then send this many bodies of 64 MiB")
	flag.Parse()
	if err := run(*modelPath, *requests, *concurrency, *rows, *path, *oversized); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(modelPath string, requests, concurrency, rows int, path string, oversized int) error {
	m, err := infer.Open(modelPath)
	if err != nil {
		return err
	}
	s, err := serve.New(m, serve.Options{})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := serve.NewHTTPServer(ln.Addr().String(), s.Handler())
	go hs.Serve(ln)
	defer hs.Close()
	url := "http://" + ln.Addr().String() + path
	body := requestBody(tensor.Size(m.Network().Inputs()[0].Shape()), rows)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}}

	lat, errs, wall := hammer(client, url, body, requests, concurrency)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	fmt.Printf("%d requests of %d row(s) to %s, %d clients at once, on %d cores (GOMAXPROCS %d)\n", requests, rows, path, concurrency, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	fmt.Printf("errors: %d\n", errs)
	if len(lat) > 0 {
		fmt.Printf("latency p50 %.2f ms, p99 %.2f ms; throughput %.0f requests/s\n", ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]), float64(requests)/wall.Seconds())
	}
	before := maxRSS()
	rejected := sendOversized(client, url, oversized, concurrency)
	fmt.Printf("oversized: %d bodies of 64 MiB, %d refused with 413; peak memory %.0f MB before, %.0f MB after\n", oversized, rejected, before, maxRSS())
	return nil
}

// requestBody is {"inputs": [...]} of rows rows of width values.
func requestBody(width, rows int) []byte {
	x := make([][]float32, rows)
	for i := range x {
		x[i] = make([]float32, width)
		for j := range x[i] {
			x[i][j] = float32((i+j)%255) / 255
		}
	}
	b, _ := json.Marshal(map[string]any{"inputs": x})
	return b
}

// hammer sends requests from concurrency clients and returns each
// request's latency, the errors and the wall time.
func hammer(client *http.Client, url string, body []byte, requests, concurrency int) ([]time.Duration, int, time.Duration) {
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	next := make(chan struct{}, requests)
	for range requests {
		next <- struct{}{}
	}
	close(next)
	start := time.Now()
	var wg sync.WaitGroup
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range next {
				t := time.Now()
				ok := send(client, url, bytes.NewReader(body))
				d := time.Since(t)
				mu.Lock()
				lat = append(lat, d)
				if !ok {
					errs++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return lat, errs, time.Since(start)
}

func send(client *http.Client, url string, body io.Reader) bool {
	resp, err := client.Post(url, "application/json", body)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == 200
}

// sendOversized streams bodies of 64 MiB (generated, not held in memory)
// and counts the 413 answers.
func sendOversized(client *http.Client, url string, n, concurrency int) int {
	var mu sync.Mutex
	rejected := 0
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r := io.MultiReader(bytes.NewReader([]byte(`{"inputs": [[`)), io.LimitReader(zeros{}, 64<<20))
			resp, err := client.Post(url, "application/json", r)
			if err != nil {
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusRequestEntityTooLarge {
				mu.Lock()
				rejected++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return rejected
}

// zeros reads "0,0,0,...".
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "0,"[i%2]
	}
	return len(p), nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// maxRSS is the process's peak resident memory in MB.
func maxRSS() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}
