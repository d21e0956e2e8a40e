package train

// mean averages an epoch's batch losses as an Objective's Averaging says.
type mean struct {
	how Averaging
	// BySamples: float32 totals weighted by batch size, as Keras's Mean
	// metric keeps them.
	total32 []float32
	count32 float32
	// ByBatches: float64 totals, one count per batch.
	total64 []float64
	batches int
}

// newMean starts an average of a total and parts parts.
func newMean(how Averaging, parts int) *mean {
	return &mean{how: how, total32: make([]float32, parts+1), total64: make([]float64, parts+1)}
}

// add counts one batch of size samples.
func (m *mean) add(v Value, size int) {
	values := append([]float64{v.Total}, v.Parts...)
	for i, x := range values {
		if m.how == BySamples {
			m.total32[i] += float32(float32(x) * float32(size))
		} else {
			m.total64[i] += x
		}
	}
	m.count32 += float32(size)
	m.batches++
}

// at is the average of value i (0: the total) so far.
func (m *mean) at(i int) float64 {
	if m.how == BySamples {
		return float64(m.total32[i] / m.count32)
	}
	return m.total64[i] / float64(m.batches)
}

// running is the average total so far, for the progress bar.
func (m *mean) running() float64 { return m.at(0) }

// value is the average total and parts.
func (m *mean) value() Value {
	v := Value{Total: m.at(0)}
	for i := 1; i < len(m.total32); i++ {
		v.Parts = append(v.Parts, m.at(i))
	}
	return v
}
