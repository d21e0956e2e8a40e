package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/serve"
)

func cmdServe(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (127.0.0.1:0 lets the system choose the port)")
	dataArg := fs.String("data", "", "the points the explorer shows (default: the model's test data when it is a built-in dataset, or its training file)")
	label := fs.String("label", "", "the label column of a CSV --data")
	ignore := ignoreFlag(fs)
	maxPoints := fs.Int("points", 2000, "at most this many points in the explorer")
	threshold := fs.String("threshold", "p99", "the default anomaly rule of /v1/score")
	dataDir := fs.String("data-dir", "", "read a built-in dataset's four IDX files from this folder")
	pos, err := parseCommand(fs, args, stdout)
	if err != nil {
		return helpIsNotAnError(err)
	}
	if len(pos) != 1 {
		return usageErr("serve needs one MODEL file, got %d arguments", len(pos))
	}
	m, err := infer.Open(pos[0])
	if err != nil {
		return err
	}
	points, err := explorerData(m, *dataArg, data.FileOptions{Label: *label, Ignore: columnList(*ignore)}, *dataDir, stderr)
	if err != nil {
		return err
	}
	srv, err := serve.New(m, serve.Options{Points: points, MaxPoints: *maxPoints, Threshold: *threshold, Log: log.New(stderr, "latent serve: ", log.LstdFlags)})
	if err != nil {
		return usageErr("%v", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := serve.NewHTTPServer(ln.Addr().String(), srv.Handler())
	fmt.Fprintf(stdout, "serving %s (%s) on http://%s/\n", pos[0], m.Family().Name(), ln.Addr())
	return serveUntilSignal(hs, ln, stdout)
}

// explorerData opens the explorer's points: --data, or what the model was
// trained on when it can be found; nil when there is none. Its columns
// are the flags', or else those the model's training CSV left out.
func explorerData(m *infer.Model, arg string, columns data.FileOptions, dir string, notes io.Writer) (data.Source, error) {
	if arg == "" {
		arg = m.Meta[model.MetaDataset]
		if _, builtin := data.Builtins[arg]; !builtin {
			if _, err := os.Stat(arg); arg == "" || err != nil {
				return nil, nil
			}
		}
	}
	opt := infer.InputOptions{File: withModelColumns(columns, m.Meta, arg, notes, true), Data: data.Options{Dir: dir}}
	return infer.OpenInput(arg, m.Network().Inputs()[0].Shape(), opt)
}

// serveUntilSignal serves until SIGINT or SIGTERM, then shuts down,
// finishing the requests in flight.
func serveUntilSignal(hs *http.Server, ln net.Listener, stdout io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "shutting down: finishing the requests in flight")
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
