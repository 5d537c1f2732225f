package catalog

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// A catalog path may name anything: a named pipe, whose open waits for a writer and
// whose read never ends; /dev/zero, which a read takes in until memory runs out; a
// directory. So catalog files are opened without waiting (openFlags), looked at
// through the open file, so that what is checked is what is read, refused unless
// regular, and read up to a size limit.

// DefaultMaxSize is the largest catalog (or config.toml) read when the caller sets no
// limit of its own: some 250,000 sources of the usual shape, far more than anyone
// writes, while a mistaken path cannot take gigabytes. A flag can raise it through
// LoadFileMax and ReadFile.
const DefaultMaxSize int64 = 64 << 20

// NotRegularError is why a path that is not a regular file is refused.
type NotRegularError struct {
	Mode fs.FileMode // the type bits of what the path names
}

func (e *NotRegularError) Error() string {
	switch {
	case e.Mode.IsDir():
		return "is a directory, not a regular file"
	case e.Mode&fs.ModeNamedPipe != 0:
		return "is a named pipe (FIFO), not a regular file"
	case e.Mode&fs.ModeSocket != 0:
		return "is a socket, not a regular file"
	case e.Mode&fs.ModeDevice != 0:
		return "is a device, not a regular file"
	}
	return "is not a regular file"
}

// TooLargeError is why a file over the size limit is refused.
type TooLargeError struct {
	Limit int64
}

func (e *TooLargeError) Error() string {
	return "is larger than " + sizeText(e.Limit) + ", the most a catalog file may be"
}

// ErrTooLarge matches every *TooLargeError with errors.Is.
var ErrTooLarge = errors.New("file too large")

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Open opens path for reading if it is a regular file, without waiting on a named
// pipe. Any other kind of file is refused with a *fs.PathError naming path, whose Err
// is a *NotRegularError.
func Open(path string) (*os.File, error) {
	f, _, err := openRegular(path)
	return f, err
}

// openRegular is Open, also returning what the open file is.
func openRegular(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = &fs.PathError{Op: "open", Path: path, Err: &NotRegularError{Mode: info.Mode().Type()}}
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}

// ReadFile reads a regular file of at most maxSize bytes (DefaultMaxSize when maxSize
// is 0 or less). A file of another kind or over the limit is refused with a
// *fs.PathError naming path, whose Err is a *NotRegularError or a *TooLargeError; the
// size is counted as read, not trusted from the file system, which says 0 for /proc.
func ReadFile(path string, maxSize int64) ([]byte, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	f, info, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := info.Size()
	if size > maxSize {
		return nil, tooLarge(path, maxSize)
	}
	// One byte more than the file holds, as os.ReadFile does, to see its end at once.
	data := make([]byte, 0, min(size, maxSize)+1)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if int64(len(data)) > maxSize {
			return nil, tooLarge(path, maxSize)
		}
		if errors.Is(err, io.EOF) {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // grow: the file is longer than it said
		}
	}
}

func tooLarge(path string, maxSize int64) error {
	return &fs.PathError{Op: "read", Path: path, Err: &TooLargeError{Limit: maxSize}}
}

// LoadFileMax is LoadFile with a size limit of maxSize bytes (see ReadFile).
func LoadFileMax(path string, maxSize int64) (*Catalog, error) {
	return LoadFileFor(path, maxSize, "")
}

// LoadFileFor is LoadFileMax for the user whose keys file is keysFile (see ParseFor).
func LoadFileFor(path string, maxSize int64, keysFile string) (*Catalog, error) {
	data, err := ReadFile(path, maxSize)
	if err != nil {
		return nil, err
	}
	c, err := ParseFor(path, data, keysFile)
	if err != nil {
		return nil, err
	}
	for i := range c.Sources {
		c.Sources[i].Origin = path
	}
	return c, nil
}
