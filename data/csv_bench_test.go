package data_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/latent-go/latent/data"
)

// BenchmarkCSV opens (checking every value) and reads whole a CSV of
// 10,000 rows of 50 numbers with 5 decimals, as training does with the
// user's file: MB/s of the file's bytes. Parsing the numbers
// (strconv.ParseFloat) is most of it. On this project's 2-core machine:
// open 45, read 56 MB/s when each field was copied into a string (and
// lowered, to look for a missing value) and each line cut into a new
// slice of fields; 78 to 88 and 73 to 90 without those copies (three
// runs).
func BenchmarkCSV(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	var sb strings.Builder
	for j := range 50 {
		if j > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "c%d", j)
	}
	for range 10000 {
		sb.WriteByte('\n')
		for j := range 50 {
			if j > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "%.5f", rng.NormFloat64())
		}
	}
	path := filepath.Join(b.TempDir(), "table.csv")
	if err := os.WriteFile(path, []byte(sb.String()+"\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	var src data.Source
	b.Run("open", func(b *testing.B) {
		b.SetBytes(int64(sb.Len()))
		for b.Loop() {
			s, err := data.Open(path, data.FileOptions{})
			if err != nil {
				b.Fatal(err)
			}
			src = s
		}
	})
	b.Run("read", func(b *testing.B) {
		b.SetBytes(int64(sb.Len()))
		for b.Loop() {
			if _, err := data.ReadAll(src); err != nil {
				b.Fatal(err)
			}
		}
	})
}
