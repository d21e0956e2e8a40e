package runner

import (
	"fmt"
	"strings"
)

// FormatArray prints a vector as NumPy prints it after
// np.set_printoptions(precision=4): at most 4 decimals with trailing zeros
// dropped, every element padded to a common layout, wrapped at 75 columns.
func FormatArray(v []float32) string {
	ints := make([]string, len(v))
	fracs := make([]string, len(v))
	padL, padR := 0, 0
	for i, x := range v {
		s := fmt.Sprintf("%.4f", x)
		if s == "-0.0000" {
			s = "0.0000"
		}
		ip, fp, _ := strings.Cut(s, ".")
		fp = strings.TrimRight(fp, "0")
		ints[i], fracs[i] = ip, fp
		padL = max(padL, len(ip))
		padR = max(padR, len(fp))
	}
	const width = 75
	var out strings.Builder
	line := "["
	for i := range v {
		word := strings.Repeat(" ", padL-len(ints[i])) + ints[i] + "." + fracs[i] + strings.Repeat(" ", padR-len(fracs[i]))
		limit := width
		if i == len(v)-1 {
			limit--
		}
		if len(line)+len(word) > limit {
			out.WriteString(strings.TrimRight(line, " ") + "\n")
			line = " "
		}
		line += word
		if i < len(v)-1 {
			line += " "
		}
	}
	out.WriteString(line + "]")
	return out.String()
}
