package runner

// output is one thing a run writes after training, by its own small
// function. A new output is a new file with a new entry here.
type output struct {
	name  string
	write func(*run) error
}

// outputs are written in this order; those that print do so in the order
// the lecture's programs print.
var outputs = []output{
	{"model.safetensors", saveModel},
	{"codes.txt", printCodes},
	{"reconstructions.png", drawReconstructions},
	{"inpainting.txt", reportInpainting},
	{"loss.png", drawLoss},
	{"grid.png", drawGrid},
	{"latent.png", drawLatent},
	{"the comparison with the lecture", compareWithLecture},
}
