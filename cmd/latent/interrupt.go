package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// interruptible returns a context that is cancelled by the first SIGINT
// (Ctrl-C) or SIGTERM, so that a run stops at a safe point; a second one
// stops the program at once.
func interruptible(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-signals:
		case <-done:
			return
		}
		fmt.Fprintln(stderr, "\nlatent: stopping after this batch; the finished epochs are kept (press Ctrl-C again to stop at once)")
		cancel()
		select {
		case <-signals:
			os.Exit(130)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(signals)
		close(done)
		cancel()
	}
}

// resumeCommand is this command line with the output folder and --resume,
// to continue the run.
func resumeCommand(dir string) string {
	args := []string{"latent"}
	hasOut := false
	for _, a := range os.Args[1:] {
		if a == "--resume" || a == "-resume" || a == "--force" || a == "-force" {
			continue
		}
		if a == "--out" || a == "-out" || strings.HasPrefix(a, "--out=") || strings.HasPrefix(a, "-out=") {
			hasOut = true
		}
		args = append(args, quote(a))
	}
	if !hasOut {
		args = append(args, "--out", quote(dir))
	}
	return strings.Join(append(args, "--resume"), " ")
}

// quote quotes an argument for a POSIX shell when it needs it.
func quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == '/' || r == '=' || r == ',' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
