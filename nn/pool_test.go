package nn

import "testing"

func TestClassPrefixLikeKeras(t *testing.T) {
	for class, want := range map[string]string{
		"Dense": "dense", "MaxPooling2D": "max_pooling2d", "Conv2DTranspose": "conv2d_transpose",
		"UpSampling2D": "up_sampling2d", "Conv2D": "conv2d", "Flatten": "flatten", "Reshape": "reshape", "Sampling": "sampling",
	} {
		if got := classPrefix(class); got != want {
			t.Errorf("classPrefix(%q) = %q, want %q", class, got, want)
		}
	}
}
