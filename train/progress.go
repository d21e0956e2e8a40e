package train

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// Progress prints Keras's progress output. On a terminal it draws a live
// bar inside each epoch; otherwise it prints one line per epoch:
//
//	Epoch 10/50 - 1s 3ms/step - loss: 0.0975 - val_loss: 0.0955
type Progress struct {
	BaseCallback
	W        io.Writer
	Terminal bool

	info       Info
	epoch      int
	start      time.Time
	lastDraw   time.Time
	lastSteps  int
	lastLoss   float64
	lineLength int
}

// TrainBegin implements Callback.
func (p *Progress) TrainBegin(info Info) { p.info = info }

// EpochBegin implements Callback.
func (p *Progress) EpochBegin(epoch int) {
	p.epoch = epoch
	p.start = time.Now()
	p.lastDraw = time.Time{}
	if p.Terminal {
		fmt.Fprintf(p.W, "Epoch %d/%d\n", epoch+1, p.info.Epochs)
	}
}

// BatchEnd implements Callback.
func (p *Progress) BatchEnd(step int, loss float64) {
	p.lastSteps, p.lastLoss = step+1, loss
	if !p.Terminal || step+1 == p.info.Steps || time.Since(p.lastDraw) < 100*time.Millisecond {
		return
	}
	p.lastDraw = time.Now()
	elapsed := time.Since(p.start).Seconds()
	eta := elapsed / float64(step+1) * float64(p.info.Steps-step-1)
	line := fmt.Sprintf("%s - ETA: %s - loss: %s", p.bar(step+1), formatETA(eta), FormatValue(loss))
	p.draw(line)
}

// EpochEnd implements Callback.
func (p *Progress) EpochEnd(l EpochLogs) bool {
	perStep := l.Seconds / float64(max(p.info.Steps, 1))
	tail := fmt.Sprintf("%.0fs %s - loss: %s", l.Seconds, formatPerStep(perStep), FormatValue(l.Loss))
	for _, m := range l.Parts {
		tail += " - " + m.Name + ": " + FormatValue(m.Value)
	}
	if p.info.HasValidation {
		tail += " - val_loss: " + FormatValue(l.ValLoss)
	}
	for _, m := range l.ValParts {
		tail += " - " + m.Name + ": " + FormatValue(m.Value)
	}
	if p.Terminal {
		p.draw(p.bar(p.info.Steps) + " - " + tail)
		fmt.Fprintln(p.W)
	} else {
		fmt.Fprintf(p.W, "Epoch %d/%d - %s\n", l.Epoch+1, p.info.Epochs, tail)
	}
	return false
}

func (p *Progress) bar(done int) string {
	const width = 30
	total := max(p.info.Steps, 1)
	digits := len(fmt.Sprint(total))
	filled := width * done / total
	var b strings.Builder
	fmt.Fprintf(&b, "%*d/%d [", digits, done, total)
	if filled > 0 {
		b.WriteString(strings.Repeat("=", filled-1))
		if done < total {
			b.WriteByte('>')
		} else {
			b.WriteByte('=')
		}
	}
	b.WriteString(strings.Repeat(".", width-filled))
	b.WriteByte(']')
	return b.String()
}

func (p *Progress) draw(line string) {
	pad := ""
	if n := p.lineLength - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(p.W, "\r%s%s", line, pad)
	p.lineLength = len(line)
}

// FormatValue prints a metric as Keras's progress bar does: 4 decimals, or
// scientific notation when |v| <= 1e-3.
func FormatValue(v float64) string {
	if math.Abs(v) > 1e-3 {
		return fmt.Sprintf("%.4f", v)
	}
	return fmt.Sprintf("%.4e", v)
}

func formatPerStep(s float64) string {
	switch {
	case s >= 1:
		return fmt.Sprintf("%.0fs/step", s)
	case s >= 1e-3:
		return fmt.Sprintf("%.0fms/step", s*1e3)
	default:
		return fmt.Sprintf("%.0fus/step", s*1e6)
	}
}

func formatETA(s float64) string {
	switch {
	case s > 3600:
		return fmt.Sprintf("%d:%02d:%02d", int(s)/3600, int(s)%3600/60, int(s)%60)
	case s > 60:
		return fmt.Sprintf("%d:%02d", int(s)/60, int(s)%60)
	default:
		return fmt.Sprintf("%.0fs", s)
	}
}
