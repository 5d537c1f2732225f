package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// cmd_history.go: `rotatetui history KEY [--json]`, the rotations of one key.

// historyJSON is the output of `history --json`. As in `status --json`, id is the
// key's id and name its title; key_name and owner are "" for an implicit key.
type historyJSON struct {
	keyNameJSON
	KeyRetired        bool                 `json:"key_retired"`
	LastRotatedByHand *time.Time           `json:"last_rotated_by_hand"` // set with `rotatetui rotated`
	Rotations         []state.JSONRotation `json:"rotations"`            // newest first, as in the JSON export
}

// runHistory lists the rotations of one key, newest first, also of a key that has
// left the list (retired) or whose source has left the catalog.
func runHistory(e *env) int {
	if len(e.opts.args) != 1 {
		return e.usageError()
	}
	rec, err := resolveRecorded(e.sched.cat, e.st, e.opts.args[0])
	if err != nil {
		return e.failErr(exitUsage, err)
	}
	es, k := rec.es, rec.es.Key
	ss := e.st.Key(rec.id)
	rots := rotationsOf(es, ss)
	slices.Reverse(rots)
	var byHand *time.Time
	if ss != nil {
		byHand = utcPtr(ss.LastRotated)
	}
	if e.opts.json {
		out := historyJSON{keyNameJSON: rec.json(), KeyRetired: k.Retired,
			LastRotatedByHand: byHand, Rotations: []state.JSONRotation{}}
		for _, r := range rots {
			out.Rotations = append(out.Rotations, r.JSON())
		}
		return e.printJSON(out)
	}
	summary := fmt.Sprintf("%s (%s): %s", rec.title(), keyNote(k), plural(len(rots), "rotation", "rotations"))
	if byHand != nil {
		summary += "; recorded by hand as rotated on " + showTime(*byHand)
	}
	fmt.Fprintln(e.stdout, summary)
	if len(rots) > 0 {
		e.historyTable(rots)
	}
	return exitOK
}

// keyNote is what history says of a key beside its title: its id, owner and whether
// it is retired ("snowflake/eu, owner ana, retired").
func keyNote(k state.ExportKey) string {
	note := k.ID
	if k.Owner != "" {
		note += ", owner " + k.Owner
	}
	if k.Retired {
		note += ", retired"
	}
	return note
}

// historyTable prints one row per rotation.
func (e *env) historyTable(rots []state.ExportRotation) {
	var table columns
	table.add("OUTCOME", "STARTED", "FINISHED", "DURATION", "DONE", "SKIPPED", "TOTAL", "STARTED BY")
	for _, r := range rots {
		finished, took := "-", "-"
		if r.FinishedAt != nil {
			finished = local(*r.FinishedAt).Format(dateTimeLayout)
		}
		if d, ok := r.Duration(); ok {
			took = state.FormatDuration(d)
		}
		done, skipped, _ := r.Counts()
		by := catalog.PrintableLine(r.StartedBy)
		if by == "" {
			by = "-"
		}
		table.add(strings.ReplaceAll(string(r.Outcome), "_", " "), local(r.StartedAt).Format(dateTimeLayout), finished, took,
			strconv.Itoa(done), strconv.Itoa(skipped), strconv.Itoa(len(r.Steps)), by)
	}
	_ = table.writeTo(e.stdout)
}
