//go:build unix

package state

import (
	"errors"
	"io/fs"
	"os"
	"strconv"
	"syscall"
)

// openNoFollow makes an open fail on a symbolic link instead of following it.
const openNoFollow = syscall.O_NOFOLLOW

// openNonBlock makes opening a named pipe return at once instead of waiting for a
// writer; it changes nothing for a regular file.
const openNonBlock = syscall.O_NONBLOCK

// ownerKnown is whether files have an owner uid and Unix permission bits to judge.
const ownerKnown = true

// fileOwner returns the uid that owns the file.
func fileOwner(fi fs.FileInfo) (uid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// userID names the current user in the name of its own temporary directory.
func userID() string { return strconv.Itoa(os.Getuid()) }

// tryLockFile takes an exclusive flock on f without waiting, and reports whether it
// has it: false when another open file holds it, in this process or another.
func tryLockFile(f *os.File) (bool, error) {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}
