package nn

import (
	"fmt"
	"io"
	"strings"

	"github.com/latent-go/latent/tensor"
)

// Summary writes Keras 2.15's model.summary() table: for a chain of
// layers 65 columns, "Layer (type) | Output Shape | Param #"; for other
// graphs (several outputs, layers with several inputs) 98 columns with a
// "Connected to" column. Inputs are listed with a list-wrapped shape, and
// the totals give their size in bytes.
func (m *Model) Summary(w io.Writer) {
	chain := m.sequentialLike()
	lineLength := 65
	positions := []int{29, 55, 65}
	header := []string{"Layer (type)", "Output Shape", "Param #"}
	if !chain {
		lineLength = 98
		positions = []int{29, 58, 68, 98}
		header = append(header, "Connected to")
	}
	fmt.Fprintf(w, "Model: \"%s\"\n", m.name)
	fmt.Fprintln(w, strings.Repeat("_", lineLength))
	printRow(w, header, positions)
	fmt.Fprintln(w, strings.Repeat("=", lineLength))
	for _, n := range m.order {
		shape := tensor.ShapeString(n.shape)
		if _, ok := n.layer.(*InputLayer); ok {
			shape = "[" + shape + "]"
		} else if m.isInput(n) {
			// an intermediate node used as an input is listed as Keras lists
			// the input it stands for
			shape = "[" + shape + "]"
		}
		params := 0
		for _, w := range LayerWeights([]Layer{n.layer}) {
			params += len(w.Value.Data)
		}
		fields := []string{fmt.Sprintf("%s (%s)", n.layer.Name(), n.layer.Class()), shape, fmt.Sprint(params)}
		if !chain {
			var conns []string
			if !m.isInput(n) {
				for _, p := range n.inputs {
					conns = append(conns, fmt.Sprintf("'%s[%d][0]'", p.layer.Name(), p.index))
				}
			}
			fields = append(fields, "["+strings.Join(conns, ", ")+"]")
		}
		printRow(w, fields, positions)
		fmt.Fprintln(w, strings.Repeat(" ", lineLength))
	}
	fmt.Fprintln(w, strings.Repeat("=", lineLength))
	trainable, fixed := 0, 0
	for _, wt := range m.Weights() {
		if wt.Trainable {
			trainable += len(wt.Value.Data)
		} else {
			fixed += len(wt.Value.Data)
		}
	}
	total := trainable + fixed
	fmt.Fprintf(w, "Total params: %d (%s)\n", total, ReadableBytes(4*float64(total)))
	fmt.Fprintf(w, "Trainable params: %d (%s)\n", trainable, ReadableBytes(4*float64(trainable)))
	fmt.Fprintf(w, "Non-trainable params: %d (%s)\n", fixed, ReadableBytes(4*float64(fixed)))
	fmt.Fprintln(w, strings.Repeat("_", lineLength))
}

// sequentialLike is Keras's test for the short layout: one input, one
// output, and every layer fed by exactly the one before it.
func (m *Model) sequentialLike() bool {
	if len(m.inputs) != 1 || len(m.outputs) != 1 {
		return false
	}
	for _, n := range m.order {
		if m.isInput(n) {
			continue
		}
		if len(n.inputs) != 1 || m.consumers[n.inputs[0]] > 1 {
			return false
		}
	}
	return true
}

// ReadableBytes formats a byte count as Keras's summary does: "199.19 KB",
// "0.00 Byte".
func ReadableBytes(b float64) string {
	for _, unit := range []string{"Byte", "KB", "MB", "GB", "TB"} {
		if b/1024 < 1 {
			return fmt.Sprintf("%.2f %s", b, unit)
		}
		b /= 1024
	}
	return fmt.Sprintf("%.2f PB", b)
}

// printRow is Keras's print_row: each cell is cut to its column (less two
// spaces of margin, and one more but for the last column), preferring a
// cut right after "),", "},", "]," or "',", and what is left wraps onto
// further lines.
func printRow(w io.Writer, fields []string, positions []int) {
	left := append([]string(nil), fields...)
	for anyLeft(left) {
		var line strings.Builder
		for col := range left {
			start := 0
			if col > 0 {
				start = positions[col-1]
			}
			last := col == len(positions)-1
			space := 2
			if last {
				space = 0
			}
			cutoff := positions[col] - start - space
			if !last {
				cutoff--
			}
			fit := left[col]
			if len(fit) > cutoff {
				fit = fit[:cutoff]
			}
			best := -1
			for _, sep := range []string{"),", "},", "],", "',"} {
				if i := strings.Index(fit, sep); i >= 0 && (best < 0 || i+len(sep) < best) {
					best = i + len(sep)
				}
			}
			if best >= 0 {
				cutoff = best
				fit = fit[:cutoff]
			}
			if col == 0 {
				line.WriteByte(' ')
			}
			line.WriteString(fit)
			line.WriteString(strings.Repeat(" ", space))
			left[col] = left[col][min(cutoff, len(left[col])):]
			if pad := positions[col] - line.Len(); pad > 0 {
				line.WriteString(strings.Repeat(" ", pad))
			}
		}
		fmt.Fprintln(w, line.String())
	}
}

func anyLeft(s []string) bool {
	for _, x := range s {
		if x != "" {
			return true
		}
	}
	return false
}
