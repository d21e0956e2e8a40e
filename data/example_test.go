package data_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/latent-go/latent/data"
)

// A CSV with an id, a quoted name and a label column: the id and the name
// are ignored (not features) but stay at hand as each row's keys.
func ExampleOpen_ignoredColumns() {
	dir, _ := os.MkdirTemp("", "latent-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "people.csv")
	os.WriteFile(path, []byte("id,name,height,weight,kind\np1,\"Lee, Ann\",1.62,55,a\np2,\"Ruiz, Bo\",1.80,81,b\n"), 0o644)

	src, err := data.Open(path, data.FileOptions{Label: "kind", Ignore: []string{"id", "name"}})
	if err != nil {
		log.Fatal(err)
	}
	x, _ := data.ReadAll(src)
	labels, classes := data.LabelsOf(src)
	keyed, _ := data.KeyedOf(src)
	keys, _ := keyed.Keys(1)
	fmt.Println("features:", data.FeatureNamesOf(src), x.Data)
	fmt.Println("labels:", labels, classes)
	fmt.Println("keys:", keyed.KeyColumns(), keys)
	// Output:
	// features: [height weight] [1.62 55 1.8 81]
	// labels: [0 1] [a b]
	// keys: [id name] [p2 Ruiz, Bo]
}
