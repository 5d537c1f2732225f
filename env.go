package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// env is what a command runs with: the command line, what was loaded for it (as its
// entry in the command table asks), where it writes and its clock.
type env struct {
	opts options
	cmd  *command

	cat   *catalog.Catalog // the layered catalog (needCatalog)
	sched schedule         // each source's interval (needCatalog)
	cfg   config           // config.toml (needCatalog)
	store state.Backend    // the progress store: a file or a database (needState)
	st    *state.State     // the progress as it was when the command started (needState)
	// stateSetting is config.toml's state = "…" (needCatalog): where progress is kept
	// when neither --state nor $ROTATETUI_STATE says.
	stateSetting string

	stdin          io.Reader
	interactive    bool      // stdin is a terminal: questions can be asked
	stdout, stderr io.Writer // made printable (see printable.go)
	rawStdout      io.Writer // stdout as it is, for JSON and exports, which are printable already
	now            func() time.Time

	// Large catalogs: the heap is bounded while they load (see limitHeapWhileLoading);
	// the UI lifts the bound before it starts, run in any case when it ends.
	catalogBytes  int64
	largeCatalogs bool
	liftHeapLimit func()
}

// fail says what went wrong on stderr, as "rotatetui: ...", and returns code, the exit
// status: every command reports its errors this one way.
func (e *env) fail(code int, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "rotatetui: "+format+"\n", args...)
	return code
}

// warn says on stderr what the person should know, as "rotatetui: warning: ...".
func (e *env) warn(msg string) { fmt.Fprintf(e.stderr, "rotatetui: warning: %s\n", msg) }

// failErr is fail for a plain error.
func (e *env) failErr(code int, err error) int { return e.fail(code, "%v", err) }

// usageError says how the command is used and returns exitUsage.
func (e *env) usageError() int {
	return e.fail(exitUsage, "usage: rotatetui %s %s", e.cmd.name, e.cmd.usage)
}

// printJSON writes v to stdout as indented JSON, the one shape of every --json output,
// with the characters a terminal would obey escaped (escapeJSONControls).
func (e *env) printJSON(v any) int {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return e.failErr(exitFailed, err)
	}
	if _, err := e.rawStdout.Write(escapeJSONControls(buf.Bytes())); err != nil {
		return e.failErr(exitFailed, err)
	}
	return exitOK
}

// findSource resolves a SOURCE argument or explains what the user might have meant.
func findSource(cat *catalog.Catalog, query string) (*catalog.Source, error) {
	src, near := cat.Lookup(query)
	if src != nil {
		return src, nil
	}
	msg := fmt.Sprintf("no source %q", catalog.PrintableLine(query))
	if len(near) > 0 {
		var names []string
		for i, s := range near {
			if i == 8 {
				names = append(names, "…")
				break
			}
			names = append(names, fmt.Sprintf("%s (%s)", s.Name, s.ID))
		}
		msg += "; did you mean: " + strings.Join(names, ", ")
	} else {
		msg += "; 'rotatetui status' lists every source"
	}
	return nil, errors.New(msg)
}

// actor is who gets recorded with each change: --actor, else $ROTATETUI_ACTOR, else
// $USER@hostname.
func actor(o options) string {
	if o.actor != "" {
		return catalog.PrintableLine(o.actor)
	}
	if a := os.Getenv("ROTATETUI_ACTOR"); a != "" {
		return catalog.PrintableLine(a)
	}
	user := os.Getenv("USER")
	if user == "" {
		user = "unknown"
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		return catalog.PrintableLine(user)
	}
	return catalog.PrintableLine(user + "@" + host)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func oneLine(s string) string {
	s = catalog.PrintableLine(s)
	if r := []rune(s); len(r) > 72 {
		return string(r[:71]) + "…"
	}
	return s
}

// shellQuote quotes s for a command line the person may paste into a shell, leaving it
// bare when it needs no quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./@:+=,-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
