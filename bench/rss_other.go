//go:build !linux && !darwin

package bench

func peakRSSMB() float64 { return 0 }
