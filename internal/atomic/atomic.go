// Package atomic writes files so that they are either whole or absent: the
// content goes to a temporary file beside the target, is synced to disk,
// and is renamed over the target; on any failure the temporary file is
// removed and the target is left as it was.
//
// It imports nothing of latent.
package atomic

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
)

// WriteFile writes what write produces to path, atomically, with
// permissions perm.
func WriteFile(path string, perm os.FileMode, write func(w io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	w := bufio.NewWriterSize(tmp, 1<<16)
	if err = write(w); err != nil {
		return err
	}
	if err = w.Flush(); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// WriteBytes writes b to path atomically.
func WriteBytes(path string, b []byte, perm os.FileMode) error {
	return WriteFile(path, perm, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
