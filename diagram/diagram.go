// Package diagram draws a model as Keras's plot_model(show_shapes=True)
// does: one box per layer, top to bottom, each with the layer's name and
// class, and its input and output shapes, joined by arrows. It draws PNG
// in pure Go: there is no Graphviz to install.
//
// It imports nn, tensor and internal/atomic.
package diagram

import (
	"fmt"
	"image/color"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/latent-go/latent/internal/atomic"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

// box is one layer's record: three cells side by side, each two lines high.
type box struct {
	node         *nn.Node
	cells        [3][2]string
	widths       [3]vg.Length
	rank, column int
	x, y, w      vg.Length // top-left corner and width
}

const (
	fontSize = 11
	pad      = 6
	lineH    = 15
	boxH     = 2*lineH + 2*pad
	gapY     = 30
	gapX     = 30
	margin   = 12
)

// Labels returns the three cells of a node's record, as Keras writes them:
// {name|Class}, {input:|output:}, {in shape|out shape}.
func Labels(m *nn.Model, n *nn.Node) [3][2]string {
	out := tensor.ShapeString(n.Shape())
	in := "?"
	if len(n.Inputs()) == 0 || isModelInput(m, n) {
		out = "[" + out + "]"
		in = out
	} else {
		in = tensor.ShapeString(n.Inputs()[0].Shape())
		if len(n.Inputs()) > 1 {
			in = "["
			for i, p := range n.Inputs() {
				if i > 0 {
					in += ", "
				}
				in += tensor.ShapeString(p.Shape())
			}
			in += "]"
		}
	}
	class := n.Layer().Class()
	if isModelInput(m, n) {
		class = "InputLayer"
	}
	return [3][2]string{{n.Layer().Name(), class}, {"input:", "output:"}, {in, out}}
}

func isModelInput(m *nn.Model, n *nn.Node) bool {
	for _, in := range m.Inputs() {
		if in == n {
			return true
		}
	}
	return false
}

// WritePNG draws the model to a PNG file.
func WritePNG(path string, m *nn.Model) error {
	face := font.DefaultCache.Lookup(plot.DefaultFont, fontSize)
	boxes, byNode := layout(m, face)
	var width, height vg.Length
	for _, b := range boxes {
		width = max(width, b.x+b.w+margin)
		height = max(height, b.y+boxH+margin)
	}
	c := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(144), vgimg.UseBackgroundColor(color.White))
	// vg's origin is the bottom left; flip so that y grows downwards.
	c.Translate(vg.Point{X: 0, Y: height})
	c.Scale(1, -1)
	for _, b := range boxes {
		drawBox(c, b, face)
		for _, p := range b.node.Inputs() {
			if from, ok := byNode[p]; ok {
				arrow(c, from.x+from.w/2, from.y+boxH, b.x+b.w/2, b.y)
			}
		}
	}
	err := atomic.WriteFile(path, 0o644, func(w io.Writer) error {
		_, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(w)
		return err
	})
	if err != nil {
		return fmt.Errorf("diagram %s: %w", path, err)
	}
	return nil
}

// layout places the nodes by rank (the longest path from an input), one
// row per rank, centred.
func layout(m *nn.Model, face font.Face) ([]*box, map[*nn.Node]*box) {
	byNode := map[*nn.Node]*box{}
	var boxes []*box
	var rows [][]*box
	for _, n := range m.Nodes() {
		b := &box{node: n, cells: Labels(m, n)}
		if !isModelInput(m, n) {
			for _, p := range n.Inputs() {
				if pb, ok := byNode[p]; ok {
					b.rank = max(b.rank, pb.rank+1)
				}
			}
		}
		for i, cell := range b.cells {
			b.widths[i] = max(face.Width(cell[0]), face.Width(cell[1])) + 2*pad
			b.w += b.widths[i]
		}
		for len(rows) <= b.rank {
			rows = append(rows, nil)
		}
		b.column = len(rows[b.rank])
		rows[b.rank] = append(rows[b.rank], b)
		byNode[n] = b
		boxes = append(boxes, b)
	}
	var widest vg.Length
	rowWidth := make([]vg.Length, len(rows))
	for r, row := range rows {
		for i, b := range row {
			if i > 0 {
				rowWidth[r] += gapX
			}
			rowWidth[r] += b.w
		}
		widest = max(widest, rowWidth[r])
	}
	for r, row := range rows {
		x := margin + (widest-rowWidth[r])/2
		for _, b := range row {
			b.x = x
			b.y = margin + vg.Length(r)*(boxH+gapY)
			x += b.w + gapX
		}
	}
	return boxes, byNode
}

func drawBox(c *vgimg.Canvas, b *box, face font.Face) {
	c.SetColor(color.Black)
	c.SetLineWidth(vg.Points(1))
	rect := func(x, y, w, h vg.Length) {
		var p vg.Path
		p.Move(vg.Point{X: x, Y: y})
		p.Line(vg.Point{X: x + w, Y: y})
		p.Line(vg.Point{X: x + w, Y: y + h})
		p.Line(vg.Point{X: x, Y: y + h})
		p.Close()
		c.Stroke(p)
	}
	x := b.x
	for i, cell := range b.cells {
		rect(x, b.y, b.widths[i], boxH)
		// the line between the two texts of a cell
		var p vg.Path
		p.Move(vg.Point{X: x, Y: b.y + boxH/2})
		p.Line(vg.Point{X: x + b.widths[i], Y: b.y + boxH/2})
		c.Stroke(p)
		for j, text := range cell {
			tw := face.Width(text)
			cy := b.y + boxH/4 + vg.Length(j)*boxH/2
			putText(c, face, text, x+(b.widths[i]-tw)/2, cy)
		}
		x += b.widths[i]
	}
}

// putText writes text with its vertical middle at y (in flipped coordinates).
func putText(c *vgimg.Canvas, face font.Face, text string, x, y vg.Length) {
	e := face.Extents()
	c.Push()
	c.Translate(vg.Point{X: x, Y: y + (e.Ascent-e.Descent)/2})
	c.Scale(1, -1)
	c.FillString(face, vg.Point{}, text)
	c.Pop()
}

func arrow(c *vgimg.Canvas, x0, y0, x1, y1 vg.Length) {
	var p vg.Path
	p.Move(vg.Point{X: x0, Y: y0})
	p.Line(vg.Point{X: x1, Y: y1 - 1})
	c.Stroke(p)
	var head vg.Path
	head.Move(vg.Point{X: x1, Y: y1})
	head.Line(vg.Point{X: x1 - 4, Y: y1 - 8})
	head.Line(vg.Point{X: x1 + 4, Y: y1 - 8})
	head.Close()
	c.Fill(head)
}
