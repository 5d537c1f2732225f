package main

import (
	"fmt"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// cmd_rotated.go: `rotatetui rotated KEY... --on DATE`, rotations done outside
// rotatetui.

// runRotated records that the keys were rotated on a day, by hand, all in one save.
func runRotated(e *env) int {
	o := e.opts
	if len(o.args) == 0 {
		return e.usageError()
	}
	at := e.now()
	if code, ok := e.dateAsSource(at); !ok {
		return code
	}
	refs, code, ok := e.keysOrAll(o.args)
	if !ok {
		return code
	}
	for _, ref := range refs {
		if code, ok := e.refuseRetired(ref); !ok {
			return code
		}
	}
	on, code, ok := e.rotatedOn(at)
	if !ok {
		return code
	}
	changes := make([]state.Change, 0, len(refs))
	for _, ref := range refs {
		changes = append(changes, state.Change{Kind: state.RecordRotated, Key: ref.key.ID, At: on.UTC(), By: actor(o)})
	}
	after, err := e.store.Apply(changes...)
	if err != nil {
		return e.failErr(exitFailed, err)
	}
	rows := make([]sourceStatusJSON, 0, len(refs))
	for _, ref := range refs {
		rows = append(rows, statusOf(ref, after.Key(ref.key.ID), e.sched.interval(ref.key, ref.src), at))
	}
	switch {
	case o.json && len(rows) == 1:
		return e.printJSON(rows[0])
	case o.json:
		return e.printJSON(rows)
	}
	for _, row := range rows {
		e.reportRotated(row, on)
	}
	return exitOK
}

// dateAsSource refuses a date given as a KEY without --on: it was meant as --on.
func (e *env) dateAsSource(at time.Time) (int, bool) {
	if e.opts.on != "" {
		return exitOK, true
	}
	for _, a := range e.opts.args {
		if _, err := parseDay(a, at); err == nil {
			a = catalog.PrintableLine(a)
			return e.fail(exitUsage, "usage: rotatetui rotated KEY --on DATE (%s is a date: give it as --on %s)", a, shellQuote(a)), false
		}
	}
	return exitOK, true
}

// rotatedOn reads --on: the day the keys were rotated, not in the future.
func (e *env) rotatedOn(at time.Time) (time.Time, int, bool) {
	o := e.opts
	if o.on == "" {
		return time.Time{}, e.fail(exitUsage, "rotated needs --on DATE, the day the key was rotated (e.g. --on 2026-01-02, or --on today)"), false
	}
	on, err := parseDay(o.on, at)
	if err != nil {
		return time.Time{}, e.fail(exitUsage, "--on: %v", err), false
	}
	if on.After(at) {
		return time.Time{}, e.fail(exitUsage, "--on %s is in the future: record a rotation once it is done", catalog.PrintableLine(o.on)), false
	}
	return on, exitOK, true
}

// reportRotated says what was recorded for one key and when it is next due.
func (e *env) reportRotated(row sourceStatusJSON, on time.Time) {
	msg := fmt.Sprintf("%s: recorded as rotated on %s", catalog.PrintableLine(row.Name), showTime(on))
	if row.LastRotated != nil && row.LastRotated.After(on) {
		msg += fmt.Sprintf("; the rotation completed on %s is newer and still counts", showTime(*row.LastRotated))
	}
	fmt.Fprintf(e.stdout, "%s; next due %s\n", msg, nextDueText(row))
}
