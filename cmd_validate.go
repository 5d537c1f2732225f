package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/rotatetui/rotatetui/catalog"
)

// cmd_validate.go: `rotatetui validate [FILE...]`, checking catalog and keys files.

// runValidate checks the catalog and keys files named, else those in use (keys.toml
// included) and the built-in catalog, and prints every problem as file:line:col:
// message. A file is a keys file by its content: [[keys]] and no [[sources]].
func runValidate(e *env) int {
	o := e.opts
	files := o.args
	checkBuiltin := false
	if len(files) == 0 {
		files = catalogFiles(o)
		checkBuiltin = !o.noBuiltin
		if p := userKeysPath(); p != "" {
			if _, err := os.Stat(p); err == nil {
				files = append(files, p)
			}
		}
	}
	problems := 0
	if checkBuiltin {
		if _, err := catalog.Builtin(); err != nil {
			fmt.Fprintln(e.stdout, err)
			problems++
		}
	}
	for _, f := range files {
		problems += e.validateFile(f)
	}
	what := plural(len(files), "file", "files")
	if checkBuiltin {
		what = "the built-in catalog and " + what
	}
	if problems > 0 {
		fmt.Fprintf(e.stdout, "%s checked: %s\n", what, plural(problems, "problem", "problems"))
		return exitFailed
	}
	fmt.Fprintf(e.stdout, "%s checked: no problems\n", what)
	return exitOK
}

// validateFile prints the problems of one catalog or keys file and returns how many it
// has.
func (e *env) validateFile(f string) int {
	// Read once, through the catalog's reader (a pipe or a device is refused, and the
	// size limit holds), then told apart by content.
	data, err := catalog.ReadFile(f, e.opts.maxCatalogSize)
	switch {
	case err != nil:
	case catalog.IsKeysFile(data):
		err = e.validateKeys(f, data)
	default:
		_, err = catalog.ParseFor(f, data, userKeysPath())
	}
	if err == nil {
		return 0
	}
	var cerr *catalog.Error
	if errors.As(err, &cerr) {
		for _, p := range cerr.Problems {
			fmt.Fprintln(e.stdout, p.String())
		}
		return len(cerr.Problems)
	}
	fmt.Fprintln(e.stdout, describeCatalogError(f, err))
	return 1
}

// validateKeys checks a keys file on its own, then against the catalogs in use (the
// --catalog files given, the user's catalog, the built-in one).
func (e *env) validateKeys(f string, data []byte) error {
	cat, _, err := loadCatalogs(e.opts, catalogFiles(e.opts))
	if err != nil {
		if _, perr := catalog.ParseKeys(f, data); perr != nil {
			return perr
		}
		return fmt.Errorf("%s: cannot be checked against the catalog, which is refused:\n%v", f, err)
	}
	keys, _ := catalog.ParseKeys(f, data)
	for _, w := range keyWarnings(keys, cat) {
		fmt.Fprintln(e.stdout, w.String())
	}
	_, err = checkKeysFile(f, data, cat)
	return err
}
