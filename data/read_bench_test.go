package data_test

import (
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/data"
)

// BenchmarkShuffledBatchRead reads a batch of 256 random rows of 784
// values from 60000 (MNIST's training images), as a training step does, with
// the caches cold: a 16 MiB pass between reads stands for the step's other
// work. The bytes per second are the batch's (float32 values written). The
// pause also sends the pool's helpers to sleep, so more threads show little
// here, where in training they are awake. The images are read held as
// float32 values and as their bytes (the IDX datasets' form), scaled as
// they are read. On this project's 2-core machine, float32: 130 to 180
// µs a batch (4.4 to 6.2 GB/s), where one contiguous copy of the same
// size from cold memory takes 56 to 75 µs: each scattered row waits on
// memory, and writing the batch's 800 KB weighs as much as reading its
// rows: bytes, a quarter of the reads, take an eighth off (medians of
// three runs side by side: 151 and 132 µs). Asking for the
// rows two ahead (PREFETCHT0) did not change it; eight ahead (gather's
// rowsAhead) did: bytes 100 to 128 µs against 137 to 158, float32 150 to
// 177 against 167 to 195 (four runs each, taken in turn). The data on 2 MB
// pages took 10 to 20% off.
func BenchmarkShuffledBatchRead(b *testing.B) {
	const rows, cols, batch = 60000, 784, 256
	pixels := make([]uint8, rows*cols)
	for i := range pixels {
		pixels[i] = uint8(i % 255)
	}
	bytes, err := data.FromBytes(pixels, []int{cols}, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	sources := []struct {
		name string
		src  data.Source
	}{{"float32", data.FromTensor(bytes.Values(), nil, nil)}, {"bytes", bytes}}
	dst := make([]float32, batch*cols)
	evict := make([]float32, 4<<20)
	for _, s := range sources {
		b.Run(s.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			picks := make([]int, batch)
			b.SetBytes(batch * cols * 4)
			for b.Loop() {
				b.StopTimer()
				for i := range evict {
					evict[i]++
				}
				for i := range picks {
					picks[i] = rng.IntN(rows)
				}
				b.StartTimer()
				if err := s.src.Read(dst, picks); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
