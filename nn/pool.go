package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/latent-go/latent/compute"
	"github.com/latent-go/latent/tensor"
)

// MaxPooling2D is Keras's max pooling over NHWC images: each output value
// is the largest of a pool (default 2×2) of inputs, pools stride apart
// (default: the pool size). With "same" padding the pools that hang over
// the edge look only at the inputs they cover (7 gives 4).
type MaxPooling2D struct {
	name           string
	ph, pw, sh, sw int
	padding        string
	in             []int
	g              geometry
	windows        *compute.GatherTable  // each output pixel's window, as offsets in the image
	partition      bool                  // the windows cover each pixel once
	pixelWindow    *compute.PixelWindows // for a partition, each input pixel's window
}

// NewMaxPooling2D makes a MaxPooling2D from its spec.
func NewMaxPooling2D(s LayerSpec) (*MaxPooling2D, error) {
	ph, pw, err := pair(s.PoolSize, 2, "pool_size")
	if err != nil {
		return nil, fmt.Errorf("MaxPooling2D %q: %w", s.Name, err)
	}
	sh, sw, err := pair(s.Strides, 0, "strides")
	if err != nil {
		return nil, fmt.Errorf("MaxPooling2D %q: %w", s.Name, err)
	}
	if sh == 0 {
		sh, sw = ph, pw
	}
	pad := s.Padding
	if pad == "" {
		pad = "valid"
	}
	if pad != "valid" && pad != "same" {
		return nil, fmt.Errorf("MaxPooling2D %q: padding must be \"valid\" or \"same\", got %q", s.Name, s.Padding)
	}
	return &MaxPooling2D{name: s.Name, ph: ph, pw: pw, sh: sh, sw: sw, padding: pad}, nil
}

// pair reads a one- or two-number size, def when empty (0: no default).
func pair(v []int, def int, what string) (int, int, error) {
	switch {
	case len(v) == 0:
		return def, def, nil
	case len(v) == 1 && v[0] > 0:
		return v[0], v[0], nil
	case len(v) == 2 && v[0] > 0 && v[1] > 0:
		return v[0], v[1], nil
	}
	return 0, 0, fmt.Errorf("%s must be one or two positive numbers, got %v", what, v)
}

// Name implements Layer.
func (l *MaxPooling2D) Name() string { return l.name }

// Class implements Layer.
func (l *MaxPooling2D) Class() string { return "MaxPooling2D" }

// Built implements Layer.
func (l *MaxPooling2D) Built() bool { return l.in != nil }

// Params implements Layer.
func (l *MaxPooling2D) Params() []*Param { return nil }

// Spec implements Layer.
func (l *MaxPooling2D) Spec() LayerSpec {
	return LayerSpec{Type: "MaxPooling2D", Name: l.name, PoolSize: []int{l.ph, l.pw}, Strides: []int{l.sh, l.sw}, Padding: l.padding}
}

// OutputShape implements Layer.
func (l *MaxPooling2D) OutputShape(in [][]int) ([]int, error) {
	if len(in) != 1 || len(in[0]) != 3 {
		return nil, fmt.Errorf("MaxPooling2D %q needs one image input (None, H, W, C)", l.name)
	}
	g := convGeometry(in[0][0], in[0][1], in[0][2], l.ph, l.pw, l.sh, l.sw, l.padding)
	if g.outH <= 0 || g.outW <= 0 {
		return nil, fmt.Errorf("MaxPooling2D %q: a %dx%d pool does not fit %v", l.name, l.ph, l.pw, in[0])
	}
	return []int{g.outH, g.outW, in[0][2]}, nil
}

// Build implements Layer.
func (l *MaxPooling2D) Build(in [][]int, _ *rand.Rand) ([]int, error) {
	out, err := l.OutputShape(in)
	if err == nil {
		l.in = append([]int(nil), in[0]...)
		l.g = convGeometry(in[0][0], in[0][1], in[0][2], l.ph, l.pw, l.sh, l.sw, l.padding)
		l.windows = l.g.poolWindows()
		l.partition = l.g.windowsPartition()
		if l.partition {
			l.pixelWindow = compute.NewPixelWindows(l.g.pixelWindows())
		}
	}
	return out, err
}

type poolState struct{ argmax []int32 }

// Forward implements Layer.
func (l *MaxPooling2D) Forward(c *Call) {
	x := c.In[0]
	inSize := l.g.inH * l.g.inW * l.g.inC
	l.prepare(c, x.Rows())
	compute.ParallelFor(x.Rows(), 1, func(lo, hi int) {
		l.poolImages(c, x.Data[lo*inSize:hi*inSize], lo, hi)
	})
}

// prepare sizes the state of call c for a batch of batch images.
func (l *MaxPooling2D) prepare(c *Call, batch int) {
	s, ok := c.State.(*poolState)
	if !ok {
		s = &poolState{}
		c.State = s
	}
	n := batch * l.g.outH * l.g.outW * l.g.inC
	if cap(s.argmax) < n {
		s.argmax = make([]int32, n)
	}
	s.argmax = s.argmax[:n]
}

// poolImages pools images [i0, i1) of call c's batch, which x holds one
// after another, into c.Out and the state's argmax (after prepare).
func (l *MaxPooling2D) poolImages(c *Call, x []float32, i0, i1 int) {
	inSize, outSize := l.g.inH*l.g.inW*l.g.inC, l.g.outH*l.g.outW*l.g.inC
	arg := c.State.(*poolState).argmax
	for i := i0; i < i1; i++ {
		compute.MaxPool(x[(i-i0)*inSize:(i-i0+1)*inSize], l.windows, c.Out.Data[i*outSize:(i+1)*outSize], arg[i*outSize:(i+1)*outSize])
	}
}

// Backward implements Layer: each output's gradient goes to the input it
// took its maximum from (the first one, on ties).
func (l *MaxPooling2D) Backward(c *Call) {
	if len(c.GradIn) == 0 || c.GradIn[0] == nil || !c.GradOutSet {
		if len(c.GradIn) > 0 && c.GradIn[0] != nil {
			c.GradIn[0].Zero()
		}
		return
	}
	g := l.g
	dx := c.GradIn[0]
	inSize, outSize := g.inH*g.inW*g.inC, g.outH*g.outW*g.inC
	s := c.State.(*poolState)
	compute.ParallelFor(dx.Rows(), 1, func(lo, hi int) {
		withScratch(outSize, func(masked []float32) {
			for b := lo; b < hi; b++ {
				dy := c.GradOut.Data[b*outSize : (b+1)*outSize]
				if c.GradInPastReLU {
					// Each output is its input's maximum: the ReLU's
					// derivative there is its own.
					compute.ReLUGrad(c.Out.Data[b*outSize:(b+1)*outSize], dy, masked)
					dy = masked
				}
				dxb, arg := dx.Data[b*inSize:(b+1)*inSize], s.argmax[b*outSize:(b+1)*outSize]
				if l.partition {
					compute.MaxPoolGradSet(dxb, l.windows, dy, arg)
					continue
				}
				clear(dxb) // in cache for the adds that follow
				compute.MaxPoolGrad(dxb, l.windows, dy, arg)
			}
		})
	})
}

func (l *MaxPooling2D) foldsReLU() {}

// gradientRows writes into dst the values that Backward, its input's
// ReLU folded, writes at rows [r0, r1) of its input's gradient (the
// pixels of all of call c's images, one after another, inC values
// each), gathered from the pooled gradient rather than spread from it:
// any run of rows, made where its reader wants it (windows that partition
// the image only).
func (l *MaxPooling2D) gradientRows(c *Call, dst []float32, r0, r1 int) {
	pixels, ch := l.g.inH*l.g.inW, l.g.inC
	outSize := l.g.outH * l.g.outW * ch
	arg := c.State.(*poolState).argmax
	for r := r0; r < r1; {
		img, q0 := r/pixels, r%pixels
		q1 := min(pixels, q0+r1-r)
		at := img * outSize
		compute.MaxPoolGradGather(dst[(r-r0)*ch:(r-r0+q1-q0)*ch], l.pixelWindow, q0, ch, c.GradOut.Data[at:at+outSize], c.Out.Data[at:at+outSize], arg[at:at+outSize])
		r += q1 - q0
	}
}

// UpSampling2D is Keras's nearest-neighbour upsampling: each value is
// repeated size (default 2×2) times.
type UpSampling2D struct {
	name   string
	sh, sw int
	in     []int
	source *compute.GatherTable // for each output pixel, its input pixel
	copies *compute.GatherTable // for each input pixel, its output pixels
}

// NewUpSampling2D makes an UpSampling2D from its spec.
func NewUpSampling2D(s LayerSpec) (*UpSampling2D, error) {
	sh, sw, err := pair(s.Size, 2, "size")
	if err != nil {
		return nil, fmt.Errorf("UpSampling2D %q: %w", s.Name, err)
	}
	return &UpSampling2D{name: s.Name, sh: sh, sw: sw}, nil
}

// Name implements Layer.
func (l *UpSampling2D) Name() string { return l.name }

// Class implements Layer.
func (l *UpSampling2D) Class() string { return "UpSampling2D" }

// Built implements Layer.
func (l *UpSampling2D) Built() bool { return l.in != nil }

// Params implements Layer.
func (l *UpSampling2D) Params() []*Param { return nil }

// Spec implements Layer.
func (l *UpSampling2D) Spec() LayerSpec {
	return LayerSpec{Type: "UpSampling2D", Name: l.name, Size: []int{l.sh, l.sw}}
}

// OutputShape implements Layer.
func (l *UpSampling2D) OutputShape(in [][]int) ([]int, error) {
	if len(in) != 1 || len(in[0]) != 3 {
		return nil, fmt.Errorf("UpSampling2D %q needs one image input (None, H, W, C)", l.name)
	}
	return []int{in[0][0] * l.sh, in[0][1] * l.sw, in[0][2]}, nil
}

// Build implements Layer.
func (l *UpSampling2D) Build(in [][]int, _ *rand.Rand) ([]int, error) {
	out, err := l.OutputShape(in)
	if err == nil {
		l.in = append([]int(nil), in[0]...)
		l.source = l.sourceTable()
		l.copies = l.copiesTable()
	}
	return out, err
}

// sourceTable says, for each output pixel, where its input pixel's
// channels start: the forward pass is a gather of whole pixels.
func (l *UpSampling2D) sourceTable() *compute.GatherTable {
	h, w, ch := l.in[0], l.in[1], l.in[2]
	idx := make([]int32, 0, h*l.sh*w*l.sw)
	for oy := 0; oy < h*l.sh; oy++ {
		for ox := 0; ox < w*l.sw; ox++ {
			idx = append(idx, int32(((oy/l.sh)*w+ox/l.sw)*ch))
		}
	}
	return compute.NewGatherTable(idx, 1)
}

// copiesTable says, for each input pixel, where its copies' channels
// start in the output: its sh×sw block in row-major order, the order the
// gradient sums them in.
func (l *UpSampling2D) copiesTable() *compute.GatherTable {
	h, w, ch := l.in[0], l.in[1], l.in[2]
	idx := make([]int32, 0, h*w*l.sh*l.sw)
	for iy := 0; iy < h; iy++ {
		for ix := 0; ix < w; ix++ {
			for dy := 0; dy < l.sh; dy++ {
				for dx := 0; dx < l.sw; dx++ {
					idx = append(idx, int32(((iy*l.sh+dy)*w*l.sw+ix*l.sw+dx)*ch))
				}
			}
		}
	}
	return compute.NewGatherTable(idx, l.sh*l.sw)
}

// Forward implements Layer.
func (l *UpSampling2D) Forward(c *Call) {
	h, w, ch := l.in[0], l.in[1], l.in[2]
	oh, ow := h*l.sh, w*l.sw
	x := c.In[0]
	compute.ParallelFor(x.Rows(), 1, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			compute.GatherCopy(c.Out.Data[b*oh*ow*ch:(b+1)*oh*ow*ch], x.Data[b*h*w*ch:(b+1)*h*w*ch], l.source, ch)
		}
	})
}

// Backward implements Layer: each input gets the sum of its copies'
// gradients, in the order of its block's rows and columns.
func (l *UpSampling2D) Backward(c *Call) {
	if len(c.GradIn) == 0 || c.GradIn[0] == nil {
		return
	}
	h, w, ch := l.in[0], l.in[1], l.in[2]
	oh, ow := h*l.sh, w*l.sw
	dx := c.GradIn[0]
	if !c.GradOutSet {
		dx.Zero()
		return
	}
	compute.ParallelFor(dx.Rows(), 1, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			dxb := dx.Data[b*h*w*ch : (b+1)*h*w*ch]
			compute.GatherSum(dxb, c.GradOut.Data[b*oh*ow*ch:(b+1)*oh*ow*ch], l.copies, ch)
			if c.GradInPastReLU {
				compute.ReLUGrad(c.In[0].Data[b*h*w*ch:(b+1)*h*w*ch], dxb, dxb)
			}
		}
	})
}

func (l *UpSampling2D) foldsReLU() {}

// Reshape is Keras's Reshape (and, with no target, Flatten): the values
// stay, the per-sample shape changes.
type Reshape struct {
	class  string
	name   string
	target []int
	in     []int
}

// NewReshape makes a Reshape to s.TargetShape.
func NewReshape(s LayerSpec) (*Reshape, error) {
	if len(s.TargetShape) == 0 {
		return nil, fmt.Errorf("Reshape %q needs a target_shape", s.Name)
	}
	for _, d := range s.TargetShape {
		if d <= 0 {
			return nil, fmt.Errorf("Reshape %q: target_shape %v has a non-positive dimension", s.Name, s.TargetShape)
		}
	}
	return &Reshape{class: "Reshape", name: s.Name, target: append([]int(nil), s.TargetShape...)}, nil
}

// NewFlatten makes a Flatten: [H, W, C] to [H*W*C].
func NewFlatten(s LayerSpec) (*Reshape, error) {
	return &Reshape{class: "Flatten", name: s.Name}, nil
}

// Name implements Layer.
func (l *Reshape) Name() string { return l.name }

// Class implements Layer.
func (l *Reshape) Class() string { return l.class }

// Built implements Layer.
func (l *Reshape) Built() bool { return l.in != nil }

// Params implements Layer.
func (l *Reshape) Params() []*Param { return nil }

// Spec implements Layer.
func (l *Reshape) Spec() LayerSpec {
	return LayerSpec{Type: l.class, Name: l.name, TargetShape: append([]int(nil), l.target...)}
}

// OutputShape implements Layer.
func (l *Reshape) OutputShape(in [][]int) ([]int, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("%s %q takes one input", l.class, l.name)
	}
	if l.class == "Flatten" {
		return []int{tensor.Size(in[0])}, nil
	}
	if tensor.Size(in[0]) != tensor.Size(l.target) {
		return nil, fmt.Errorf("Reshape %q: cannot reshape %s (%d values) to %v", l.name, tensor.ShapeString(in[0]), tensor.Size(in[0]), l.target)
	}
	return append([]int(nil), l.target...), nil
}

// Build implements Layer.
func (l *Reshape) Build(in [][]int, _ *rand.Rand) ([]int, error) {
	out, err := l.OutputShape(in)
	if err == nil {
		l.in = append([]int(nil), in[0]...)
	}
	return out, err
}

// Forward implements Layer.
func (l *Reshape) Forward(c *Call) { copy(c.Out.Data, c.In[0].Data) }

// Backward implements Layer.
func (l *Reshape) Backward(c *Call) {
	if len(c.GradIn) == 0 || c.GradIn[0] == nil {
		return
	}
	if !c.GradOutSet {
		c.GradIn[0].Zero()
		return
	}
	copy(c.GradIn[0].Data, c.GradOut.Data)
}
