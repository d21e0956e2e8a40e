package bench_test

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/tensor"
)

// BenchmarkStepsInTurn times a recipe's training steps (the network's
// forward and backward passes on one random batch: no data, loss or
// optimizer) at 1 and at 2 threads taken in turn, step by step, so that a
// slow phase of a shared machine falls on both counts alike, and reports
// each count's milliseconds a step and the speed-up. Within one run the
// speed-up repeats to a percent or two where runs minutes apart differ by
// tens of percent; swap a package variable between two forms of the code
// in the same way to compare them.
//
//	go test -run XXX -bench StepsInTurn -benchtime 200x ./bench
func BenchmarkStepsInTurn(b *testing.B) {
	for _, name := range []string{"ae1", "ae3", "conv", "denoise"} {
		b.Run(name, func(b *testing.B) {
			r, err := recipe.Load(name)
			if err != nil {
				b.Fatal(err)
			}
			m, err := r.Build()
			if err != nil {
				b.Fatal(err)
			}
			s := m.Network().NewSession()
			x := tensor.New(append([]int{r.BatchSize}, r.InputShape...)...)
			rng := rand.New(rand.NewPCG(1, 2))
			for i := range x.Data {
				x.Data[i] = rng.Float32()
			}
			// The output's gradient is written once: each step's
			// LogitGrad hands back the same buffer, which Backward only
			// reads.
			step := func() []float32 {
				if _, err := s.Forward([]*tensor.Tensor{x}, true); err != nil {
					b.Fatal(err)
				}
				g := s.Output(0).LogitGrad()
				s.Backward()
				return g.Data
			}
			for i, g := 0, step(); i < len(g); i++ {
				g[i] = x.Data[i] - 0.5
			}
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
			var spent [2]time.Duration
			b.ResetTimer()
			for range b.N {
				for t := range spent {
					runtime.GOMAXPROCS(t + 1)
					start := time.Now()
					step()
					spent[t] += time.Since(start)
				}
			}
			ms := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(b.N) }
			b.ReportMetric(ms(spent[0]), "ms/step-1-thread")
			b.ReportMetric(ms(spent[1]), "ms/step-2-threads")
			b.ReportMetric(spent[0].Seconds()/spent[1].Seconds(), "speed-up")
		})
	}
}
