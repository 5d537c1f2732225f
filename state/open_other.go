//go:build !unix

package state

import (
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
)

// openNoFollow is 0 where the system has no O_NOFOLLOW: Lock looks at the lock file
// with Lstat before opening it instead.
const openNoFollow = 0

// openNonBlock is 0 where opening a named pipe does not wait for a writer.
const openNonBlock = 0

// ownerKnown is false where files have no owner uid and permission bits to judge: the
// temporary directory is the user's own there (Windows: %LOCALAPPDATA%\Temp).
const ownerKnown = false

// fileOwner reports no owner.
func fileOwner(fs.FileInfo) (uid int, ok bool) { return 0, false }

// userID names the current user in the name of its own temporary directory.
func userID() string {
	if u, err := user.Current(); err == nil {
		return filepath.Base(u.Username)
	}
	return "user"
}

// tryLockFile reports every file as free where there is no flock: an entry of a live
// process may then be applied by another as well, which only repeats its changes.
func tryLockFile(*os.File) (bool, error) { return true, nil }
