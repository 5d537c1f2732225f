package ui

import (
	"cmp"
	"fmt"

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

// orderSources sorts catalog indexes the way the list shows them without a filter
// (state.SortAsList, as `rotatetui status`): nameRank holds every source's place in
// the order of lower-cased names.
func orderSources(idx []int, status func(int) sourceStatus, nameRank []int32) {
	state.SortAsList(idx, func(i int) state.Status { return status(i).of }, func(a, b int) int {
		return cmp.Compare(nameRank[a], nameRank[b])
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
