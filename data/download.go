package data

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Download fetches every file of src into dir as base.gz, trying each base
// address in turn. A file is kept only when its decompressed content has
// the expected SHA-256; it is written to a temporary name and renamed, so
// an interrupted download never leaves a half file behind.
func Download(src *Builtin, dir string, opt Options) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	urls := src.URLs
	if opt.BaseURL != "" {
		urls = []string{opt.BaseURL}
	}
	if len(urls) == 0 {
		return fmt.Errorf("no download address known for %s", src.Name)
	}
	client := opt.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Minute}
	}
	var bases []string
	for b := range src.SHA256 {
		bases = append(bases, b)
	}
	sort.Strings(bases)
	for _, base := range bases {
		if _, err := findFile(dir, base); err == nil {
			continue
		}
		var errs []error
		for _, u := range urls {
			err := fetchOne(client, u+base+".gz", filepath.Join(dir, base+".gz"), src.SHA256[base], opt.Log)
			if err == nil {
				errs = nil
				break
			}
			errs = append(errs, err)
		}
		if errs != nil {
			return errs[len(errs)-1]
		}
	}
	return nil
}

func fetchOne(client *http.Client, url, dest, wantSHA string, log io.Writer) error {
	if log != nil {
		fmt.Fprintf(log, "downloading %s\n", url)
	}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	if err := checkSHA(body, wantSHA); err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".download-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(body); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dest)
}

// checkSHA verifies the SHA-256 of the content of a gzip file (or of the
// raw bytes when they are not gzipped).
func checkSHA(body []byte, want string) error {
	content := body
	if len(body) > 2 && body[0] == 0x1f && body[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("bad gzip data: %w", err)
		}
		if content, err = io.ReadAll(zr); err != nil {
			return fmt.Errorf("bad gzip data: %w", err)
		}
	}
	sum := sha256.Sum256(content)
	if got := hex.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("checksum mismatch: SHA-256 of the content is %s, want %s", got, want)
	}
	return nil
}
