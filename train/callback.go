package train

// Info describes a fit to its callbacks.
type Info struct {
	Epochs        int // the total number of epochs
	Steps         int // batches per epoch
	Samples       int
	HasValidation bool
}

// EpochLogs are the numbers of one finished epoch.
type EpochLogs struct {
	Epoch   int // zero-based
	Loss    float64
	ValLoss float64 // valid when the fit has validation data
	Seconds float64
	// Parts are the terms of the loss, printed after it in this order (a
	// VAE's reconstruction_loss and kl_loss); ValParts theirs on the
	// validation data ("val_reconstruction_loss", ...).
	Parts, ValParts []Metric
}

// Metric is a named number of an epoch.
type Metric struct {
	Name  string
	Value float64
}

// Callback is told of a fit's progress: progress bars, checkpoints and
// early stopping are callbacks.
type Callback interface {
	TrainBegin(info Info)
	EpochBegin(epoch int)
	// BatchEnd gets the running mean loss of the epoch so far.
	BatchEnd(step int, loss float64)
	// EpochEnd returns true to stop training after this epoch.
	EpochEnd(logs EpochLogs) (stop bool)
}

// BaseCallback does nothing; embed it to implement only some methods.
type BaseCallback struct{}

// TrainBegin implements Callback.
func (BaseCallback) TrainBegin(Info) {}

// EpochBegin implements Callback.
func (BaseCallback) EpochBegin(int) {}

// BatchEnd implements Callback.
func (BaseCallback) BatchEnd(int, float64) {}

// EpochEnd implements Callback.
func (BaseCallback) EpochEnd(EpochLogs) bool { return false }
