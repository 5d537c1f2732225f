package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
	"github.com/rotatetui/rotatetui/state/checkrun"
)

// keysfile.go loads keys.toml, the keys of the sources (see catalog/keys.go), and
// checks declared keys the way the screen checks placeholder values: none may hold a
// secret.

// loadKeysFile reads the keys file at path, when there is one, checks it against cat
// and layers its keys over cat's. A file with problems is refused with every problem
// as file:line:col: message (a *catalog.Error); a missing file is no keys.
//
// The file is read and judged for its check commands at once, from one open
// descriptor (checkrun.ReadKeysFile), and every key keeps that verdict: a check runs
// the commands read, trusted as the file they were read from was, never by what the
// path names when it runs.
func loadKeysFile(path string, cat *catalog.Catalog, maxSize int64) error {
	if path == "" {
		return nil
	}
	data, verdict, err := checkrun.ReadKeysFile(path, filepath.Dir(path), maxSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: cannot read: %v", path, bareError(err))
	}
	keys, err := checkKeysFile(path, data, cat)
	if err != nil {
		return err
	}
	for i := range keys {
		keys[i].Checks = catalog.JudgedChecks(verdict)
	}
	cat.LayerKeys(keys)
	return nil
}

// checkKeysFile parses and checks a keys file's contents against cat, as loading
// does, and returns its keys. Every problem is reported at once: those the file has
// on its own and those against the catalog, in file order.
func checkKeysFile(path string, data []byte, cat *catalog.Catalog) ([]catalog.Key, error) {
	keys, err := catalog.ParseKeys(path, data)
	var cerr *catalog.Error
	if err != nil && !errors.As(err, &cerr) {
		return nil, err
	}
	if err := checkKeys(path, keys, cat); err != nil {
		var more *catalog.Error
		if !errors.As(err, &more) {
			return nil, err
		}
		if cerr == nil {
			return nil, err
		}
		cerr = &catalog.Error{File: path, Problems: append(append([]catalog.Problem(nil), cerr.Problems...), more.Problems...)}
		sortProblems(cerr.Problems)
	}
	if cerr != nil {
		return nil, cerr
	}
	return keys, nil
}

// checkKeys checks keys declared in file against the merged catalog and for secrets,
// every problem at once, in file order.
func checkKeys(file string, keys []catalog.Key, cat *catalog.Catalog) error {
	var problems []catalog.Problem
	var cerr *catalog.Error
	if err := catalog.ValidateKeys(file, keys, cat); errors.As(err, &cerr) {
		problems = append(problems, cerr.Problems...)
	} else if err != nil {
		return err
	}
	for i := range keys {
		problems = append(problems, keySecretProblems(&keys[i])...)
	}
	if len(problems) == 0 {
		return nil
	}
	sortProblems(problems)
	return &catalog.Error{File: file, Problems: problems}
}

// checkCatalogKeys checks the [[keys]] of each catalog layer against the merged
// catalog, as keys.toml is checked.
func checkCatalogKeys(layers []*catalog.Catalog, merged *catalog.Catalog) []string {
	var problems []string
	for _, layer := range layers {
		if len(layer.Keys) == 0 {
			continue
		}
		if err := checkKeys(layer.Keys[0].Origin, layer.Keys, merged); err != nil {
			problems = append(problems, err.Error())
		}
	}
	return problems
}

// keyWarnings are what is odd, not wrong, about keys in cat (values that fill no
// placeholder), placed as problems are, with "warning: " before the message.
func keyWarnings(keys []catalog.Key, cat *catalog.Catalog) []catalog.Problem {
	var out []catalog.Problem
	for i := range keys {
		for _, w := range cat.KeyWarnings(&keys[i]) {
			out = append(out, keys[i].Problem(w.Field, "warning: %s", w.Msg))
		}
	}
	return out
}

// shellEscape is a backslash escape of printf, echo -e and $'…' (\033, \x1b, \e, \n):
// spelt out in a command, "\033[32mOK\033[0m" looks to the secret guard like a
// password, and refused the whole keys file.
var shellEscape = regexp.MustCompile(`\\(?:[0-7]{1,3}|x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{4}|[abefnrtv\\])`)

// withoutShellEscapes is command with its backslash escapes taken out, as the secret
// guard judges it; a key spelt out in it is still seen.
func withoutShellEscapes(command string) string { return shellEscape.ReplaceAllString(command, " ") }

// keySecretProblems are the fields of k that look like a secret: rotatetui never
// stores one, and a key's values are names (an account, a region), not credentials.
func keySecretProblems(k *catalog.Key) []catalog.Problem {
	var problems []catalog.Problem
	check := func(field, text string) {
		if what := looksSecret(text); what != "" {
			problems = append(problems, k.Problem(field, "%s looks like %s: rotatetui never stores a secret (values are names, such as an account id)", field, what))
		}
	}
	check("owner", k.Owner)
	check("description", k.Description)
	for _, name := range catalog.SortedKeys(k.Tags) {
		check("tags."+name, k.Tags[name])
	}
	for _, name := range catalog.SortedKeys(k.Values) {
		check("values."+name, k.Values[name])
	}
	for _, field := range []string{"check_new", "check_old"} {
		command := k.CheckNew
		if field == "check_old" {
			command = k.CheckOld
		}
		if what := looksSecret(withoutShellEscapes(command)); what != "" {
			problems = append(problems, k.Problem(field, "%s looks like it holds %s: a check command fetches the key itself (op read, vault kv get, an environment variable), so that rotatetui never shows or stores it", field, what))
		}
	}
	return problems
}

// looksSecret is what text looks like when it looks like a secret, else "": the
// guard the screen applies to placeholder values and notes.
func looksSecret(text string) string {
	if what, secret := state.LooksLikeSecret(text); secret {
		return what
	}
	return ""
}

// sortProblems orders problems as the file is read: by line, then column.
func sortProblems(problems []catalog.Problem) {
	sort.SliceStable(problems, func(i, j int) bool {
		a, b := problems[i], problems[j]
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
}

// bareError is err without the path a *fs.PathError repeats.
func bareError(err error) error {
	var perr *fs.PathError
	if errors.As(err, &perr) {
		return perr.Err
	}
	return err
}

// newKeysFile is what a keys file that did not exist starts with.
const newKeysFile = "# rotatetui keys: several keys of one source (docs/catalog.md).\nversion = 1\n"

// openKeysEdit reads the keys file at path for rewriting; one that does not exist yet
// starts as newKeysFile. exists says which.
func openKeysEdit(path string) (ed *catalog.KeysEdit, exists bool, err error) {
	data, err := catalog.ReadFile(path, 0)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		data = []byte(newKeysFile)
	case err != nil:
		return nil, false, fmt.Errorf("%s: cannot read: %v", path, bareError(err))
	default:
		exists = true
	}
	ed, err = catalog.EditKeys(path, data)
	return ed, exists, err
}

// writeKeysFile replaces the keys file with data as the store replaces the progress
// file: a temp file in the same directory (0600), fsync, rename, fsync of the
// directory. A crash leaves the old file or the new one, never a part.
func writeKeysFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return state.WriteFileAtomic(path, data)
}

// keysLockTimeout is how long a key command waits for another one to finish.
const keysLockTimeout = 10 * time.Second

// lockKeysFile takes the lock that makes key commands rewrite keys.toml one at a time
// (flock on keys.toml.lock, as the store locks the progress file), so that two at once
// cannot lose each other's change. The directory is created if need be.
func lockKeysFile(path string) (unlock func() error, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	return state.OSFS{}.Lock(path+".lock", keysLockTimeout)
}
