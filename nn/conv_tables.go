package nn

import "github.com/latent-go/latent/compute"

// The passes of a convolution that sum rows into place (kn2row's output
// pass and its adjoint, im2col's adjoint) run as gathers through the
// compute seam: each output row sums, in a fixed order, the input rows a
// table names. The tables depend on the geometry alone, so a layer makes
// them once, when it is built, and uses them for every image.

// convTables are a convolution's gather tables; the ones its form does
// not use are nil.
type convTables struct {
	im2col       *compute.GatherTable // the windows, as rows
	im2colWidth  int                  // the values each im2col row copies
	col2im       *compute.GatherTable // im2col's adjoint
	kn2rowSum    *compute.GatherTable // kn2row's output pass
	kn2rowSpread *compute.GatherTable // its adjoint
}

// eachTap calls fn for every window position (oy, ox) and kernel offset
// (ky, kx), in that order, with the pixel (iy, ix) it reads and whether
// that pixel is inside the image rather than over the padding.
func (g geometry) eachTap(fn func(oy, ox, ky, kx, iy, ix int, inside bool)) {
	for oy := 0; oy < g.outH; oy++ {
		for ox := 0; ox < g.outW; ox++ {
			for ky := 0; ky < g.kh; ky++ {
				iy := oy*g.sh + ky - g.padTop
				for kx := 0; kx < g.kw; kx++ {
					ix := ox*g.sw + kx - g.padLeft
					fn(oy, ox, ky, kx, iy, ix, iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW)
				}
			}
		}
	}
}

// im2colTable is the table that lays the windows out as im2col's matrix,
// with the values each of its rows copies: im2colRunsTable's rows of
// kw*inC values where every window lies inside the image, else
// im2colTapTable's rows of inC.
func (g geometry) im2colTable() (*compute.GatherTable, int) {
	if g.windowsInside() {
		return g.im2colRunsTable(), g.kw * g.inC
	}
	return g.im2colTapTable(), g.inC
}

// windowsInside says whether every window lies inside the image (no
// padding is read).
func (g geometry) windowsInside() bool {
	return g.padTop == 0 && g.padLeft == 0 && (g.outH-1)*g.sh+g.kh <= g.inH && (g.outW-1)*g.sw+g.kw <= g.inW
}

// im2colRunsTable: for each window position and kernel row ky, where the
// window's pixels on that row start in the image. Inside the image a
// window's kw pixels on one row are kw*inC consecutive values, so copying
// them at once gives the matrix of im2colTapTable in kw times fewer rows.
func (g geometry) im2colRunsTable() *compute.GatherTable {
	idx := make([]int32, 0, g.outH*g.outW*g.kh)
	g.eachTap(func(_, _, _, kx, iy, ix int, _ bool) {
		if kx == 0 {
			idx = append(idx, int32((iy*g.inW+ix)*g.inC))
		}
	})
	return compute.NewGatherTable(idx, 1)
}

// im2colTapTable: for each window position and offset (ky, kx), in that
// order, where its pixel's inC values start in the image, -1 over the
// padding. Copying those rows lays the windows out as im2col's matrix:
// one row of patch() values, (ky, kx, c) order, per position.
func (g geometry) im2colTapTable() *compute.GatherTable {
	idx := make([]int32, 0, g.outH*g.outW*g.kh*g.kw)
	g.eachTap(func(_, _, _, _, iy, ix int, inside bool) {
		o := int32(-1)
		if inside {
			o = int32((iy*g.inW + ix) * g.inC)
		}
		idx = append(idx, o)
	})
	return compute.NewGatherTable(idx, 1)
}

// col2imTable: for each input pixel, the values of the window rows
// (positions × patch(), channels innermost) that cover it, in the order
// of the window positions. Summing them, C values at a time, is the
// adjoint of im2col.
func (g geometry) col2imTable() *compute.GatherTable {
	p := g.patch()
	lists := make([][]int32, g.inH*g.inW)
	g.eachTap(func(oy, ox, ky, kx, iy, ix int, inside bool) {
		if inside {
			at := iy*g.inW + ix
			lists[at] = append(lists[at], int32((oy*g.outW+ox)*p+(ky*g.kw+kx)*g.inC))
		}
	})
	return flatten(lists)
}

// kn2rowSumTable: for each output position, the row of z (f values: the
// pixel times one kernel offset's [C, f] slice) its window reads at each
// offset, -1 over the padding. z holds, per input pixel, kh*kw such rows.
func (g geometry) kn2rowSumTable(f int) *compute.GatherTable {
	taps := g.kh * g.kw
	idx := make([]int32, 0, g.outH*g.outW*taps)
	g.eachTap(func(_, _, ky, kx, iy, ix int, inside bool) {
		o := int32(-1)
		if inside {
			o = int32(((iy*g.inW+ix)*taps + ky*g.kw + kx) * f)
		}
		idx = append(idx, o)
	})
	return compute.NewGatherTable(idx, taps)
}

// kn2rowSumUpsampledTable is kn2rowSumTable for an input that is a
// smaller image repeated sh×sw times (nearest-neighbour upsampling): each
// input pixel's row of z is its source pixel's, in the products of the
// smaller image.
func (g geometry) kn2rowSumUpsampledTable(f, sh, sw int) *compute.GatherTable {
	taps, w := g.kh*g.kw, g.inW/sw
	idx := make([]int32, 0, g.outH*g.outW*taps)
	g.eachTap(func(_, _, ky, kx, iy, ix int, inside bool) {
		o := int32(-1)
		if inside {
			o = int32((((iy/sh)*w+ix/sw)*taps + ky*g.kw + kx) * f)
		}
		idx = append(idx, o)
	})
	return compute.NewGatherTable(idx, taps)
}

// kn2rowSpreadTable is kn2rowSumTable's adjoint: for each row of z, the
// output position that reads it (one at most), -1 if none does.
func (g geometry) kn2rowSpreadTable(f int) *compute.GatherTable {
	taps := g.kh * g.kw
	idx := make([]int32, g.inH*g.inW*taps)
	for i := range idx {
		idx[i] = -1
	}
	g.eachTap(func(oy, ox, ky, kx, iy, ix int, inside bool) {
		if inside {
			idx[(iy*g.inW+ix)*taps+ky*g.kw+kx] = int32((oy*g.outW + ox) * f)
		}
	})
	return compute.NewGatherTable(idx, 1)
}

// flatten lays lists out as a table as wide as the longest, -1 after
// the shorter ones.
func flatten(lists [][]int32) *compute.GatherTable {
	taps := 1
	for _, l := range lists {
		taps = max(taps, len(l))
	}
	idx := make([]int32, 0, len(lists)*taps)
	for _, l := range lists {
		idx = append(idx, l...)
		for range taps - len(l) {
			idx = append(idx, -1)
		}
	}
	return compute.NewGatherTable(idx, taps)
}

// windowsPartition says whether the windows cover every pixel of the
// image once: no pixel is in two windows, none is in none.
func (g geometry) windowsPartition() bool {
	seen := make([]int, g.inH*g.inW)
	g.eachTap(func(_, _, _, _, iy, ix int, inside bool) {
		if inside {
			seen[iy*g.inW+ix]++
		}
	})
	for _, n := range seen {
		if n != 1 {
			return false
		}
	}
	return true
}

// pixelWindows: for each input pixel, the output position whose window
// holds it (the last one, -1 for none): for windows that partition the
// image, each pixel's one window.
func (g geometry) pixelWindows() []int32 {
	window := make([]int32, g.inH*g.inW)
	for i := range window {
		window[i] = -1
	}
	g.eachTap(func(oy, ox, _, _, iy, ix int, inside bool) {
		if inside {
			window[iy*g.inW+ix] = int32(oy*g.outW + ox)
		}
	})
	return window
}

// poolWindows: for each output position, the pixels of its window that
// lie inside the image, where their inC values start, in the window's
// row-major order (the order a max pool breaks ties in), then -1s.
func (g geometry) poolWindows() *compute.GatherTable {
	lists := make([][]int32, g.outH*g.outW)
	g.eachTap(func(oy, ox, _, _, iy, ix int, inside bool) {
		if inside {
			at := oy*g.outW + ox
			lists[at] = append(lists[at], int32((iy*g.inW+ix)*g.inC))
		}
	})
	return flatten(lists)
}
