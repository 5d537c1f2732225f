package ui

import (
	"fmt"
	"sort"

	"github.com/rotatetui/rotatetui/state"
)

// listView is one of the source list's tabs: which sources it lists.
type listView int

const (
	viewAll listView = iota
	viewInProgress
	viewDueSoon
	viewOverdue
	viewCount // number of views
)

func (v listView) title() string {
	return [...]string{"All", "In progress", "Due soon", "Overdue"}[v]
}

// includes reports whether a source belongs in the view. "Due soon" takes in today's
// and the next 14 days' due dates.
func (v listView) includes(s sourceStatus) bool {
	switch v {
	case viewInProgress:
		return s.inProgress
	case viewDueSoon:
		return s.due.State == state.DueSoon || s.due.State == state.DueToday
	case viewOverdue:
		return s.due.State == state.DueOverdue
	}
	return true
}

// urgency ranks sources for the unfiltered list: in progress first, then overdue, then
// due soon, then the rest.
func urgency(s sourceStatus) int {
	switch {
	case s.inProgress:
		return 0
	case s.due.State == state.DueOverdue:
		return 1
	case s.due.State == state.DueToday || s.due.State == state.DueSoon:
		return 2
	}
	return 3
}

// orderSources sorts catalog indexes the way the list shows them without a filter:
// unfinished rotations first (most recently touched first), then overdue sources (most
// overdue first), then those due soon (soonest first), then the rest by name: nameRank
// holds every source's place in the order of lower-cased names.
func orderSources(idx []int, status func(int) sourceStatus, nameRank []int32) {
	sort.SliceStable(idx, func(a, b int) bool {
		sa, sb := status(idx[a]), status(idx[b])
		ua, ub := urgency(sa), urgency(sb)
		if ua != ub {
			return ua < ub
		}
		switch ua {
		case 0:
			if !sa.updated.Equal(sb.updated) {
				return sa.updated.After(sb.updated)
			}
		case 1:
			if sa.due.Days != sb.due.Days {
				return sa.due.Days > sb.due.Days
			}
		case 2:
			if sa.due.Days != sb.due.Days {
				return sa.due.Days < sb.due.Days
			}
		}
		return nameRank[idx[a]] < nameRank[idx[b]]
	})
}

// dueText says where a source stands against its schedule, for the status column.
func dueText(d state.Due, rotatedAgo string) string {
	switch d.State {
	case state.DueOverdue:
		return fmt.Sprintf("overdue %dd", d.Days)
	case state.DueToday:
		return "due today"
	case state.DueSoon:
		return fmt.Sprintf("due in %dd", d.Days)
	case state.DueOK:
		return "✓ " + rotatedAgo
	}
	return "unknown"
}
