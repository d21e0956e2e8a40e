// Command addchecksum writes safetensors files made before latent wrote
// checksums again, with one, leaving every tensor and metadata value as
// it was. Files that carry a valid checksum already are left alone.
//
//	go run ./internal/cmd/addchecksum FILE...
package main

import (
	"fmt"
	"os"

	"github.com/latent-go/latent/safetensors"
)

func main() {
	status := 0
	for _, path := range os.Args[1:] {
		if err := fix(path); err != nil {
			fmt.Fprintln(os.Stderr, "addchecksum:", err)
			status = 1
		}
	}
	os.Exit(status)
}

func fix(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if _, err := safetensors.Read(b); err == nil {
		return nil
	}
	f, err := safetensors.ReadUnchecked(b)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := safetensors.WriteFile(path, f); err != nil {
		return err
	}
	fmt.Println("checksum added:", path)
	return nil
}
