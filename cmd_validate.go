package main

import (
	"errors"
	"fmt"

	"github.com/rotatetui/rotatetui/catalog"
)

// cmd_validate.go: `rotatetui validate [FILE...]`, checking catalog files.

// runValidate checks the catalog files named, else those in use and the built-in
// catalog, and prints every problem as file:line:col: message.
func runValidate(e *env) int {
	o := e.opts
	files := o.args
	checkBuiltin := false
	if len(files) == 0 {
		files = catalogFiles(o)
		checkBuiltin = !o.noBuiltin
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

// validateFile prints the problems of one catalog file and returns how many it has.
func (e *env) validateFile(f string) int {
	_, err := catalog.LoadFileMax(f, e.opts.maxCatalogSize)
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
