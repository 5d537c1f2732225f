package main

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/rotatetui/rotatetui/state"
)

// cmd_state.go: `rotatetui state copy FROM TO`, moving everything recorded (progress,
// history, values, actors, times) from a file to a database or back.

// runState runs `state copy FROM TO [--overwrite]`: FROM is read whole, then written
// into TO in one save (a transaction, for a database), or not at all. A TO that
// already holds progress is refused unless --overwrite, which replaces the keys both
// have and keeps the rest of TO's. It lists what it copied.
func runState(e *env) int {
	if len(e.opts.args) != 3 || e.opts.args[0] != "copy" {
		return e.usageError()
	}
	from, to, code, ok := e.copyEnds(e.opts.args[1], e.opts.args[2])
	if !ok {
		return code
	}
	defer from.Close()
	defer to.Close()
	st, err := from.Load()
	if err != nil {
		return e.fail(exitFailed, "%v\nNothing was copied.", err)
	}
	if len(st.Keys) == 0 {
		return e.fail(exitUsage, "%s holds no progress: nothing to copy.", from.Path())
	}
	if _, err := to.Import(st, e.opts.overwrite, actor(e.opts)); err != nil {
		code := exitFailed
		if errors.Is(err, state.ErrNotEmpty) {
			code = exitUsage
		}
		if errors.Is(err, state.ErrNUL) {
			// It is the source that holds it: say which, and what to do.
			return e.fail(exitFailed, "%v\nIt is in %s: take the NUL character out there, then copy again.\nNothing was copied.", err, from.Path())
		}
		return e.fail(code, "%v\nNothing was copied.", err)
	}
	rotations := 0
	for _, id := range slices.Sorted(maps.Keys(st.Keys)) {
		ks := st.Keys[id]
		rotations += len(ks.History)
		what := plural(len(ks.History), "finished rotation", "finished rotations")
		if ks.Current != nil {
			rotations++
			what += ", one in progress (started by " + orSomeone(ks.Current.StartedBy) + ")"
		}
		if len(ks.Placeholders) > 0 {
			what += ", " + plural(len(ks.Placeholders), "value", "values")
		}
		if ks.LastRotated != nil {
			what += ", rotated by hand " + showTime(*ks.LastRotated)
		}
		fmt.Fprintf(e.stdout, "  %s: %s\n", id, what)
	}
	fmt.Fprintf(e.stdout, "Copied %s (%s) from %s to %s.\n", plural(len(st.Keys), "key", "keys"), plural(rotations, "rotation", "rotations"), from.Path(), to.Path())
	return exitOK
}

// copyEnds opens the stores a copy reads and writes. A URL with a password is refused,
// as with --state: the command line is visible to every user of the machine.
func (e *env) copyEnds(fromSpec, toSpec string) (from, to state.Backend, code int, ok bool) {
	var stores []state.Backend
	for _, spec := range []string{fromSpec, toSpec} {
		if state.IsPGURL(spec) && state.URLPassword(spec) {
			return nil, nil, e.fail(exitUsage, "state copy: a password in a URL is visible to every user of this machine (ps). Put it in ~/.pgpass instead, one line host:port:database:user:password with mode 0600, and leave it out of the URL."), false
		}
		resolved, err := resolveStateSpec(spec, "")
		if errors.Is(err, errConnString) {
			return nil, nil, e.failErr(exitUsage, err), false
		}
		if err != nil {
			return nil, nil, e.failErr(exitFailed, err), false
		}
		b, err := openBackend(resolved, storeOptions...)
		if err != nil {
			return nil, nil, e.failErr(exitUsage, err), false
		}
		stores = append(stores, b)
	}
	if stores[0].RescuePath() == stores[1].RescuePath() {
		return nil, nil, e.fail(exitUsage, "state copy: %s and %s are the same store.", stores[0].Path(), stores[1].Path()), false
	}
	return stores[0], stores[1], exitOK, true
}

// orSomeone is who, or "someone" when nobody was recorded.
func orSomeone(who string) string {
	if who == "" {
		return "someone"
	}
	return who
}
