package data

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// PNGDir is a Source over a folder of PNG images of one size: either the
// images themselves, without labels, or one subfolder per class, the
// subfolder names (sorted) being the class names, as Keras's
// image_dataset_from_directory reads them. Grey images give samples of
// shape (height, width, 1), colour ones (height, width, 3) (alpha is
// dropped); a folder that mixes them is read in colour. Values are the
// 8-bit intensities over 255 (16-bit ones over 65535), in [0, 1] as the
// built-in datasets. Opening it decodes every image once to check it;
// Read decodes only the images asked for.
type PNGDir struct {
	dir      string
	files    []string
	labels   []int
	classes  []string
	h, w, ch int
}

// maxImagePixels bounds one image.
const maxImagePixels = 1 << 24

// OpenPNGDir opens and checks a folder of PNG images.
func OpenPNGDir(dir string) (*PNGDir, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	d := &PNGDir{dir: dir}
	var sub []string
	for _, e := range entries {
		switch {
		case e.IsDir():
			sub = append(sub, e.Name())
		case isPNG(e.Name()):
			d.files = append(d.files, filepath.Join(dir, e.Name()))
		}
	}
	if len(d.files) > 0 && len(sub) > 0 {
		return nil, fmt.Errorf("%s: holds both images and subfolders; put every image in a class subfolder, or none", dir)
	}
	sort.Strings(sub)
	for i, s := range sub {
		files, err := pngFiles(filepath.Join(dir, s))
		if err != nil {
			return nil, err
		}
		d.files = append(d.files, files...)
		for range files {
			d.labels = append(d.labels, i)
		}
		d.classes = append(d.classes, s)
	}
	if len(d.files) == 0 {
		return nil, fmt.Errorf("%s: no PNG images", dir)
	}
	if err := d.checkSizes(); err != nil {
		return nil, err
	}
	return d, nil
}

func isPNG(name string) bool { return strings.EqualFold(filepath.Ext(name), ".png") }

func pngFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && isPNG(e.Name()) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	return files, nil
}

// checkSizes reads every image's header: one size for all, and colour if
// any is in colour.
func (d *PNGDir) checkSizes() error {
	d.ch = 1
	for i, path := range d.files {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: not a readable PNG image: %v", path, err)
		}
		if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxImagePixels {
			return fmt.Errorf("%s: a %dx%d image is empty or too large", path, cfg.Width, cfg.Height)
		}
		if i == 0 {
			d.h, d.w = cfg.Height, cfg.Width
		} else if cfg.Height != d.h || cfg.Width != d.w {
			return fmt.Errorf("%s: the image is %dx%d but %s is %dx%d; all images must have one size", path, cfg.Width, cfg.Height, d.files[0], d.w, d.h)
		}
		if !isGray(cfg.ColorModel) {
			d.ch = 3
		}
		// The whole image must decode, so that nothing fails half-way.
		if _, err := decodePNG(path); err != nil {
			return err
		}
	}
	return nil
}

func isGray(m color.Model) bool { return m == color.GrayModel || m == color.Gray16Model }

// Len implements Source.
func (d *PNGDir) Len() int { return len(d.files) }

// Shape implements Source: (height, width, channels).
func (d *PNGDir) Shape() []int { return []int{d.h, d.w, d.ch} }

// Labels implements Labeled; nil for a folder without class subfolders.
func (d *PNGDir) Labels() []int { return d.labels }

// Classes implements Labeled.
func (d *PNGDir) Classes() []string { return d.classes }

// File is the path of sample i.
func (d *PNGDir) File(i int) string { return d.files[i] }

// Read implements Source.
func (d *PNGDir) Read(dst []float32, rows []int) error {
	per := d.h * d.w * d.ch
	if len(dst) != len(rows)*per {
		return fmt.Errorf("reading %d samples of %d values needs %d values of room, got %d", len(rows), per, len(rows)*per, len(dst))
	}
	for i, r := range rows {
		if r < 0 || r >= len(d.files) {
			return fmt.Errorf("sample %d is out of range: the data has %d", r, len(d.files))
		}
		img, err := decodePNG(d.files[r])
		if err != nil {
			return err
		}
		if b := img.Bounds(); b.Dx() != d.w || b.Dy() != d.h {
			return fmt.Errorf("%s: the image changed size since the folder was opened", d.files[r])
		}
		d.pixels(img, dst[i*per:(i+1)*per])
	}
	return nil
}

func decodePNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable PNG image: %v", path, err)
	}
	return img, nil
}

// pixels writes an image's values, row by row, in [0, 1].
func (d *PNGDir) pixels(img image.Image, out []float32) {
	b := img.Bounds()
	k := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.At(x, y)
			if d.ch == 1 {
				g := color.Gray16Model.Convert(c).(color.Gray16)
				out[k] = float32(g.Y) / 65535
				k++
				continue
			}
			r, g, bl, _ := color.NRGBA64Model.Convert(c).RGBA()
			out[k], out[k+1], out[k+2] = float32(r)/65535, float32(g)/65535, float32(bl)/65535
			k += 3
		}
	}
}
