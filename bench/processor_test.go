package bench

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

func TestProcessorName(t *testing.T) {
	for _, c := range []struct{ listing, want string }{
		{"processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 207\nmodel name\t: Intel(R) Xeon(R) Processor\nflags\t\t: fpu avx512f\n\nprocessor\t: 1\nmodel name\t: Other\n",
			"Intel(R) Xeon(R) Processor (family 6, model 207)"},
		{"processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\nmodel name\t: AMD EPYC 9R14  96-Core Processor\n",
			"AMD EPYC 9R14 96-Core Processor (family 25, model 17)"},
		// arm64 Linux names no model; some kernels give a name alone.
		{"processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n", ""},
		{"model name\t: ARMv8 Processor rev 1 (v8l)\n", "ARMv8 Processor rev 1 (v8l)"},
		{"", ""},
	} {
		if got := processorName(strings.NewReader(c.listing)); got != c.want {
			t.Errorf("processorName(%q) = %q, want %q", c.listing, got, c.want)
		}
	}
}

func TestProcessorNamesThisMachine(t *testing.T) {
	got := Processor()
	if !strings.HasSuffix(got, runtime.GOOS+"/"+runtime.GOARCH) || !strings.Contains(got, "logical CPU") {
		t.Fatalf("Processor() = %q: no CPU count or platform", got)
	}
	if listing, err := os.ReadFile("/proc/cpuinfo"); err == nil && strings.Contains(string(listing), "model name") && !strings.Contains(got, "(family") && runtime.GOARCH == "amd64" {
		t.Fatalf("Processor() = %q: /proc/cpuinfo names the processor, the report does not", got)
	}
}
