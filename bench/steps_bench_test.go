package bench_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/recipe"
	"github.com/latent-go/latent/tensor"
)

// BenchmarkStepsInTurn times a recipe's training steps (the network's
// forward and backward passes on one random batch: no data, loss or
// optimizer) at several thread counts taken in turn, step by step, so that
// a slow phase of a shared machine falls on every count alike, and reports
// each count's milliseconds a step and the speed-up from the first count
// to the last. Within one run the speed-up repeats to a percent or two
// where runs minutes apart differ by tens of percent; swap a package
// variable between two forms of the code in the same way to compare them.
// Each count's timed step follows an untimed one at that count, so that
// what a change of GOMAXPROCS sets going (parked helpers woken, idle
// processors brought back) is not timed: training keeps one count.
// STEPS_THREADS sets the counts (default 1,2; 2,16 on a 16-core machine),
// STEPS_RECIPES the built-in recipes (default ae1,ae3,conv,denoise).
//
//	go test -run XXX -bench StepsInTurn -benchtime 200x ./bench
func BenchmarkStepsInTurn(b *testing.B) {
	counts, err := threadCounts(envOr("STEPS_THREADS", "1,2"))
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range strings.Split(envOr("STEPS_RECIPES", "ae1,ae3,conv,denoise"), ",") {
		b.Run(name, func(b *testing.B) {
			step := recipeStep(b, name)
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
			spent := make([]time.Duration, len(counts))
			b.ResetTimer()
			for range b.N {
				for i, n := range counts {
					runtime.GOMAXPROCS(n)
					step()
					start := time.Now()
					step()
					spent[i] += time.Since(start)
				}
			}
			for i, n := range counts {
				b.ReportMetric(spent[i].Seconds()*1000/float64(b.N), fmt.Sprintf("ms/step-%d-threads", n))
			}
			b.ReportMetric(spent[0].Seconds()/spent[len(spent)-1].Seconds(), "speed-up")
		})
	}
}

// recipeStep builds a built-in recipe's network and returns one training
// step of it on a random batch, with a gradient on every output (a VAE's
// z_mean, z_log_var and reconstruction alike). The gradients are written
// once: each step hands back the same buffers, which Backward only reads.
func recipeStep(b *testing.B, name string) func() {
	r, err := recipe.Load(name)
	if err != nil {
		b.Fatal(err)
	}
	m, err := r.Build()
	if err != nil {
		b.Fatal(err)
	}
	net := m.Network()
	s := net.NewSession()
	x := tensor.New(append([]int{r.BatchSize}, r.InputShape...)...)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	step := func() (grads []*tensor.Tensor) {
		if _, err := s.Forward([]*tensor.Tensor{x}, true); err != nil {
			b.Fatal(err)
		}
		for i := range net.Outputs() {
			grads = append(grads, outputGradient(s.Output(i)))
		}
		s.Backward()
		return grads
	}
	for _, g := range step() {
		for i := range g.Data {
			g.Data[i] = rng.Float32() - 0.5
		}
	}
	return func() { step() }
}

// outputGradient is the buffer of an output's gradient: of its logits
// where it ends in a sigmoid, of its values otherwise.
func outputGradient(out nn.Output) *tensor.Tensor {
	if out.SigmoidLogits != nil {
		return out.LogitGrad()
	}
	return out.Grad()
}

// threadCounts reads a comma-separated list of thread counts.
func threadCounts(list string) ([]int, error) {
	var counts []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("STEPS_THREADS: %q is not a thread count", f)
		}
		counts = append(counts, n)
	}
	return counts, nil
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
