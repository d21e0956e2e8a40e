//go:build windows

package runner

import (
	"errors"

	"golang.org/x/sys/windows"
)

// stillActive is the exit code Windows reports for a process that runs.
const stillActive = 259

// processRuns says whether process pid still runs: it can be opened and
// has no exit code yet, or it is another user's.
func processRuns(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return errors.Is(err, windows.ERROR_ACCESS_DENIED)
	}
	defer windows.CloseHandle(h)
	var code uint32
	if err := windows.GetExitCodeProcess(h, &code); err != nil {
		return true
	}
	return code == stillActive
}
