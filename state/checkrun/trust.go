package checkrun

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Trusted says why the commands of the keys file at path may not run, or nil: they
// run as the user, so the file must be the user's own keys file, in dir
// ($XDG_CONFIG_HOME/rotatetui), a regular file owned by the user that neither group
// nor others can write, in a directory that is the user's and that they cannot write
// either (else they could put another file in its place). The message says what to
// run.
func Trusted(path, dir string) error {
	if path == "" {
		return fmt.Errorf("the key was not declared in a keys file: check commands are read only from your own keys file, %s", filepath.Join(dir, "keys.toml"))
	}
	if dir == "" || filepath.Clean(filepath.Dir(path)) != filepath.Clean(dir) {
		return fmt.Errorf("%s is not your keys file (%s): check commands are read only from it", path, filepath.Join(dir, "keys.toml"))
	}
	for _, p := range []string{dir, path} {
		if err := ownedAndClosed(p); err != nil {
			return err
		}
	}
	return nil
}

// ownedAndClosed checks one file or directory: ours, and writable by nobody else.
func ownedAndClosed(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("cannot check %s: %v", path, err)
	}
	if !fi.IsDir() && !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file: check commands are refused", path)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("%s is owned by uid %d, not by you (uid %d): check commands are refused; it must be yours", path, st.Uid, os.Getuid())
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		who := []string{}
		if perm&0o020 != 0 {
			who = append(who, "group")
		}
		if perm&0o002 != 0 {
			who = append(who, "others")
		}
		return fmt.Errorf("%s has mode %04o: %s can change what it runs, so its check commands are refused; run: chmod go-w %s",
			path, perm, strings.Join(who, " and "), shellQuote(path))
	}
	return nil
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
