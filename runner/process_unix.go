//go:build unix

package runner

import (
	"errors"
	"syscall"
)

// processRuns says whether process pid still runs: signal 0 reaches it,
// or it is another user's.
func processRuns(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
