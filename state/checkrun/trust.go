package checkrun

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/rotatetui/rotatetui/catalog"
)

// The check commands of a keys file run as the user, so they may run only when the
// file is the user's own in every sense that matters: what was read. A verdict made
// later on the path (a stat when the check runs) would judge whatever the path names
// by then, not the file the commands came from: a symlink into a directory others can
// write lets them swap the file between the read and the check. So the keys file is
// opened once, judged through the open descriptor (fstat) together with the
// directories it really lives in (after symlinks), and read from that same
// descriptor; the verdict stays with the keys read (catalog.Key.Checks).

// ReadKeysFile reads the keys file at path as catalog.ReadFile does (a regular file,
// opened without waiting on a named pipe, at most maxSize bytes; 0: the catalog's
// default) and judges the file it read: verdict is why its check commands may not
// run, with what to run about it, or nil when they may. err is why it could not be
// read at all (fs.ErrNotExist when there is none). dir is the config directory
// ($XDG_CONFIG_HOME/rotatetui), where the walk up the file's real directories ends.
func ReadKeysFile(path, dir string, maxSize int64) (data []byte, verdict error, err error) {
	if maxSize <= 0 {
		maxSize = catalog.DefaultMaxSize
	}
	f, err := catalog.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	verdict = judgeKeysFile(path, info, dir)
	data, err = io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, nil, err
	}
	if int64(len(data)) > maxSize {
		return nil, nil, &fs.PathError{Op: "read", Path: path, Err: &catalog.TooLargeError{Limit: maxSize}}
	}
	return data, verdict, nil
}

// judgeKeysFile judges the keys file opened by path, info being the open file's
// fstat: a regular file owned by the user that neither group nor others can write,
// whose real path (symlinks resolved) names that very file, in directories that are
// the user's or root's and that no one else can write, from its real parent up to
// the config directory dir (or, for a file that really lives elsewhere, up to the home
// directory, or /).
//
// A directory others can write is accepted only when it is sticky (as /tmp is): in a
// sticky directory only an entry's owner, or the directory's, can rename or remove
// it, and the entry the path goes through is checked to be the user's or root's, so
// no one else can put another file in its place. The directory's owner itself must be
// the user or root, since that owner can remove anything in it.
func judgeKeysFile(path string, info fs.FileInfo, dir string) error {
	if err := ownedAndClosed(path, info, ""); err != nil {
		// info is the file a link leads to: say which, as for its directories.
		if li, lerr := os.Lstat(path); lerr == nil && li.Mode()&fs.ModeSymlink != 0 {
			real, rerr := filepath.EvalSymlinks(path)
			if rerr != nil {
				return err
			}
			return fmt.Errorf("%w (%s is a link to %s)", err, path, real)
		}
		return err
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("cannot find where %s really is (%v): check commands are refused", path, bareError(err))
	}
	if now, err := os.Stat(real); err != nil || !os.SameFile(info, now) {
		return fmt.Errorf("%s changed while rotatetui read it: check commands are refused; run rotatetui again", path)
	}
	what := path
	if real != filepath.Clean(path) {
		what = fmt.Sprintf("%s (a link to %s)", path, real)
	}
	stops := map[string]bool{string(filepath.Separator): true}
	for _, d := range []string{dir, homeDir()} {
		if d == "" {
			continue
		}
		if r, err := filepath.EvalSymlinks(d); err == nil {
			stops[r] = true
		}
	}
	for d := filepath.Dir(real); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("cannot check %s, a directory the keys file %s is in: %v: check commands are refused", d, what, bareError(err))
		}
		if err := ownedAndClosed(d, fi, what); err != nil {
			return err
		}
		if stops[d] || filepath.Dir(d) == d {
			return nil
		}
	}
}

// homeDir is the user's home directory, or "" when there is none.
func homeDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return home
}

// ownedAndClosed checks one file, or a directory the keys file in is: the user's
// (a directory may be root's too), and writable by nobody else (a directory: or
// sticky). in is the keys file, as it is named in messages, for a directory; "" for
// the file itself.
func ownedAndClosed(path string, fi fs.FileInfo, in string) error {
	isDir := in != ""
	subject := path
	if isDir {
		subject = fmt.Sprintf("%s, a directory the keys file %s is in,", path, in)
	}
	switch {
	case isDir && !fi.IsDir():
		return fmt.Errorf("%s is not a directory: check commands are refused", subject)
	case !isDir && !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file: check commands are refused", path)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() && !(isDir && st.Uid == 0) {
		whose := "you"
		if isDir {
			whose = "you or root"
		}
		return fmt.Errorf("%s is owned by uid %d, not by %s (uid %d): check commands are refused; it must be yours", subject, st.Uid, whose, os.Getuid())
	}
	perm := fi.Mode().Perm()
	if perm&0o022 == 0 || isDir && fi.Mode()&fs.ModeSticky != 0 {
		return nil
	}
	who := []string{}
	if perm&0o020 != 0 {
		who = append(who, "group")
	}
	if perm&0o002 != 0 {
		who = append(who, "others")
	}
	can, refused := "can change what it runs", "its check commands are refused"
	if isDir {
		can, refused = "can put another file in the keys file's place", "the keys file's check commands are refused"
	}
	return fmt.Errorf("%s has mode %04o: %s %s, so %s; run: chmod go-w %s",
		subject, perm, strings.Join(who, " and "), can, refused, shellQuote(path))
}

// bareError is err without the path a *fs.PathError repeats.
func bareError(err error) error {
	var perr *fs.PathError
	if errors.As(err, &perr) {
		return perr.Err
	}
	return err
}

// shellQuote quotes path for a command line the user copies, when it needs it.
func shellQuote(path string) string {
	if strings.IndexFunc(path, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '~' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return path
	}
	return "'" + strings.ReplaceAll(path, "'", `'\''`) + "'"
}
