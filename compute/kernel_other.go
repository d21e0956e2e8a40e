//go:build !amd64 || purego

package compute

var microKernel = best(nil)

func availableKernels() []kernel { return nil }

func narrowerKernels(kernel) []kernel { return nil }

func shorterKernels(kernel) []kernel { return nil }

func maskedKernels(kernel) []kernel { return nil }
