package bench

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
)

// Processor describes the machine a measurement ran on, so that a report
// read later says which machine its figures are from: the processor's
// name and, on x86, its family and model (a virtual machine often shows
// only "Intel(R) Xeon(R) Processor"; family 6 model 207 says which
// generation), from /proc/cpuinfo where the system has one, then the
// logical CPUs and the platform, as
// "Intel(R) Xeon(R) Processor (family 6, model 207), 2 logical CPUs, linux/amd64".
func Processor() string {
	cpus := "1 logical CPU"
	if n := runtime.NumCPU(); n != 1 {
		cpus = fmt.Sprintf("%d logical CPUs", n)
	}
	platform := fmt.Sprintf("%s, %s/%s", cpus, runtime.GOOS, runtime.GOARCH)
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return platform
	}
	defer f.Close()
	if name := processorName(f); name != "" {
		return name + ", " + platform
	}
	return platform
}

// processorName reads the first processor's name, family and model out of
// a /proc/cpuinfo listing; "" when it names none.
func processorName(r io.Reader) string {
	fields := map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" && len(fields) > 0 {
			break // the end of the first processor's block
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.TrimSpace(key)
		if _, seen := fields[key]; !seen {
			fields[key] = strings.TrimSpace(value)
		}
	}
	name := strings.Join(strings.Fields(fields["model name"]), " ")
	if name == "" {
		return ""
	}
	if family, model := fields["cpu family"], fields["model"]; family != "" && model != "" {
		name += fmt.Sprintf(" (family %s, model %s)", family, model)
	}
	return name
}
