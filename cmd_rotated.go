package main

import (
	"fmt"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// cmd_rotated.go: `rotatetui rotated SOURCE --on DATE`, a rotation done outside
// rotatetui.

// runRotated records that the source's key was rotated on a day, by hand.
func runRotated(e *env) int {
	o := e.opts
	src, code := e.sourceArg(len(o.args) == 1)
	if src == nil {
		return code
	}
	if o.on == "" {
		return e.fail(exitUsage, "rotated needs --on DATE, the day the key was rotated (e.g. --on 2026-01-02)")
	}
	at := e.now()
	on, err := parseDate(o.on, at.Location())
	if err != nil {
		return e.fail(exitUsage, "--on: %v", err)
	}
	if on.After(at) {
		return e.fail(exitUsage, "--on %s is in the future: record a rotation once it is done", catalog.PrintableLine(o.on))
	}
	after, err := e.store.Apply(state.Change{Kind: state.RecordRotated, Source: src.ID, At: on.UTC(), By: actor(o)})
	if err != nil {
		return e.failErr(exitFailed, err)
	}
	row := statusOf(src, after.Source(src.ID), e.sched.interval(src), at)
	if o.json {
		return e.printJSON(row)
	}
	msg := fmt.Sprintf("%s: recorded as rotated on %s", catalog.PrintableLine(src.Name), showTime(on))
	if row.LastRotated != nil && row.LastRotated.After(on) {
		msg += fmt.Sprintf("; the rotation completed on %s is newer and still counts", showTime(*row.LastRotated))
	}
	fmt.Fprintf(e.stdout, "%s; next due %s\n", msg, nextDueText(row))
	return exitOK
}
