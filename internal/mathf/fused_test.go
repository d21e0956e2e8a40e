package mathf

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fusedInstruction matches arm64's fused multiply-adds in go tool
// objdump's listing: the source line, then the instruction.
var fusedInstruction = regexp.MustCompile(`^\s+(\S+:\d+)\s.*\s(FMADD|FMSUB|FNMADD|FNMSUB)[SD]\s`)

// TestNoFusedMultiplyAddElsewhere builds the command for arm64, where Go
// fuses x*y + z into one instruction, and requires that latent's code
// has no fused multiply-add but mathf.FMA's own: anywhere else, the
// same expression would round once on arm64 and twice on amd64, and
// training would not give the same bits on both. Timing and drawing
// code (packages bench and diagram) is left out. It needs the go
// command, and is skipped with -short.
func TestNoFusedMultiplyAddElsewhere(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command for arm64")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	bin := filepath.Join(t.TempDir(), "latent")
	build := exec.Command(goCmd, "build", "-o", bin, "../../cmd/latent")
	build.Env = append(build.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building for arm64: %v\n%s", err, out)
	}
	dump := exec.Command(goCmd, "tool", "objdump", "-s", `^github\.com/latent-go/latent/`, bin)
	out, err := dump.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := dump.Start(); err != nil {
		t.Fatal(err)
	}
	var function string
	functions, found := 0, map[string]bool{}
	lines := bufio.NewScanner(out)
	lines.Buffer(nil, 1<<20)
	for lines.Scan() {
		line := lines.Text()
		if name, ok := strings.CutPrefix(line, "TEXT "); ok {
			function = strings.Fields(name)[0]
			functions++
			continue
		}
		m := fusedInstruction.FindStringSubmatch(line)
		if m == nil || strings.HasPrefix(m[1], "fma_arm64.go:") || strings.Contains(function, "/bench.") || strings.Contains(function, "/diagram.") {
			continue
		}
		found[function+" at "+m[1]] = true
	}
	if err := dump.Wait(); err != nil {
		t.Fatal(err)
	}
	if functions < 1000 {
		t.Fatalf("objdump listed %d of latent's functions; the listing was not read", functions)
	}
	for where := range found {
		t.Errorf("%s: a fused multiply-add; write mathf.FMA(x, y, z), or float32(x*y) + z to round the product on its own", where)
	}
}
