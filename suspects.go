package main

import (
	"fmt"
	"strings"

	"github.com/rotatetui/rotatetui/state"
)

// suspects.go: texts already in the progress file that look like secrets (written by
// hand, or by a version whose guard let them through). The store refuses new ones;
// these are named on load, by where they are, never by what they say, and exports and
// history show state.Withheld in their place.

// maxSuspectLines is how many such texts are named one by one; the rest are counted.
const maxSuspectLines = 10

// warnSuspects says on stderr which texts of the progress file look like secrets.
func (e *env) warnSuspects(suspects []state.SuspectText) {
	if len(suspects) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s in %s %s like secrets; exports and history show %q instead. Remove %s from the file:",
		plural(len(suspects), "text", "texts"), e.store.Path(), verb(len(suspects), "looks", "look"), state.Withheld, verb(len(suspects), "it", "them"))
	for i, s := range suspects {
		if i == maxSuspectLines {
			fmt.Fprintf(&b, "\n  …and %d more", len(suspects)-i)
			break
		}
		fmt.Fprintf(&b, "\n  %s", describeSuspect(s))
	}
	e.warn(b.String())
}

// suspectNotice is the screen's one-line version of warnSuspects, "" without any.
func suspectNotice(suspects []state.SuspectText) string {
	if len(suspects) == 0 {
		return ""
	}
	// One line of the narrowest screen, about: every command but status names them.
	return fmt.Sprintf("%s in the progress file %s like secrets; export withholds %s and names where.",
		plural(len(suspects), "text", "texts"), verb(len(suspects), "looks", "look"), verb(len(suspects), "it", "them"))
}

// describeSuspect says where a suspect text is and what it looks like, e.g. "source
// snowflake, step login (rotation started 2026-01-02 09:12): the note looks like a
// GitHub token".
func describeSuspect(s state.SuspectText) string {
	where := "source " + s.Source
	if s.Step != "" {
		where += ", step " + s.Step
	}
	if s.Started != nil {
		where += " (rotation started " + local(*s.Started).Format(dateTimeLayout) + ")"
	}
	return fmt.Sprintf("%s: the %s looks like %s", where, s.Field, s.What)
}

// verb is one when n is 1, else many.
func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// joinNotices joins the screen's start-up notices that are not empty.
func joinNotices(notices ...string) string {
	var kept []string
	for _, n := range notices {
		if n != "" {
			kept = append(kept, n)
		}
	}
	return strings.Join(kept, "; ")
}
