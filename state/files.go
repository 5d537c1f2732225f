package state

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is wrapped by the error for a file that is a directory, a named pipe, a
// device or a socket where a regular file is expected: reading one could hang for ever
// or never end.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is wrapped by the error for a file longer than the limit it is read with.
var ErrTooLarge = errors.New("file too large")

// fileKinds names the kinds of file that are not regular, most specific first.
var fileKinds = []struct {
	mode fs.FileMode
	name string
}{
	{fs.ModeDir, "a directory"},
	{fs.ModeSymlink, "a symbolic link"},
	{fs.ModeNamedPipe, "a named pipe (FIFO)"},
	{fs.ModeSocket, "a socket"},
	{fs.ModeCharDevice, "a character device"},
	{fs.ModeDevice, "a device"},
}

// regularFile returns nil for a regular file, and otherwise an error wrapping
// ErrNotRegular that says what the file is.
func regularFile(fi fs.FileInfo) error {
	if fi.Mode().IsRegular() {
		return nil
	}
	what := "a special file"
	for _, k := range fileKinds {
		if fi.Mode()&k.mode != 0 {
			what = k.name
			break
		}
	}
	return fmt.Errorf("is %s, %w", what, ErrNotRegular)
}

// readRegular opens name without blocking, refuses what is not a regular file (looked
// at on the open file, so it cannot change in between), and reads at most limit bytes.
func readRegular(name string, limit int64) ([]byte, error) {
	data, _, err := readRegularInfo(name, limit)
	return data, err
}

// readRegularInfo is readRegular, and also returns what fstat said of the file read.
func readRegularInfo(name string, limit int64) ([]byte, fs.FileInfo, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|openNonBlock, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if err := regularFile(fi); err != nil {
		return nil, nil, err
	}
	if fi.Size() > limit {
		return nil, nil, tooLarge(fi.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, nil, err
	}
	if int64(len(data)) > limit { // it grew while we read
		return nil, nil, tooLarge(-1, limit)
	}
	return data, fi, nil
}

// tooLarge is the refusal of a file of size bytes (-1: it grew past limit while read).
func tooLarge(size, limit int64) error {
	if size < 0 {
		return fmt.Errorf("grew past %s, the most it may hold, while being read (%w)", sizeText(limit), ErrTooLarge)
	}
	return fmt.Errorf("is %s, more than the %s it may hold (%w)", sizeText(size), sizeText(limit), ErrTooLarge)
}

// sizeText writes a number of bytes for a person: 312 bytes, 4.0 KiB, 256.0 MiB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
