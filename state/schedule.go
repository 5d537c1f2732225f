package state

import "time"

// LastRotatedAt returns when the source's key was last rotated: the newer of the
// finish time of the last completed rotation and LastRotated (a date recorded by hand
// for a rotation done outside rotatetui). It returns nil when there is neither:
// abandoned rotations say nothing about the key. The result is a copy, in UTC.
// Nil-safe.
func (ss *KeyState) LastRotatedAt() *time.Time {
	if ss == nil {
		return nil
	}
	var last *time.Time
	if r := ss.LastCompleted(); r != nil && r.FinishedAt != nil {
		t := r.FinishedAt.UTC()
		last = &t
	}
	if ss.LastRotated != nil && (last == nil || ss.LastRotated.After(*last)) {
		t := ss.LastRotated.UTC()
		last = &t
	}
	return last
}

// DueState says where a source stands against its rotation schedule.
type DueState string

// The schedule states, from "nothing known" to "late". A rotation in progress does
// not change a source's DueState: the old key is still in use until it is done.
const (
	// DueUnknown: the source was never rotated (neither a completed rotation nor a
	// recorded date), so nothing can be said about it. It is not overdue.
	DueUnknown DueState = "unknown"
	// DueOK: the next rotation is further away than the due-soon window
	// ([DueSoonWithin]).
	DueOK DueState = "ok"
	// DueSoon: the next rotation is due within the due-soon window, but not today.
	DueSoon DueState = "due_soon"
	// DueToday: the next rotation is due today (local calendar day).
	DueToday DueState = "due_today"
	// DueOverdue: the due date was yesterday or earlier.
	DueOverdue DueState = "overdue"
)

// Due is a source's position in its rotation schedule, as computed by [ComputeDue].
type Due struct {
	State DueState
	// LastRotated is [KeyState.LastRotatedAt]; NextDue is LastRotated plus the
	// interval. Both are nil for DueUnknown; NextDue is also nil when there is no
	// interval.
	LastRotated, NextDue *time.Time
	// Days is how many days until the due date (DueOK, DueSoon) or how many days
	// overdue (DueOverdue), counted in whole calendar days in the location of the
	// time passed to ComputeDue; 0 for DueToday and DueUnknown.
	Days int
}

// DueSoonWindow is the longest a due-soon window gets: a source rotated every 70
// days or more is due soon when its due date is at most 14 days after today.
const DueSoonWindow = 14 * 24 * time.Hour

// DueSoonWithin is how far ahead a due date makes a source rotated every interval
// DueSoon: DueSoonWindow or a fifth of the interval, whichever is shorter, so that a
// source rotated weekly is not due soon the day it is done. ComputeDue counts it in
// whole calendar days, rounded down: 1 day for a 7-day interval, 6 for 30 days, 14
// from 70 days on; an interval under 5 days has none (such a source goes from ok to
// due today).
func DueSoonWithin(interval time.Duration) time.Duration {
	return max(0, min(DueSoonWindow, interval/5))
}

// ComputeDue places a source in its rotation schedule at time now. The next rotation
// is due at LastRotatedAt + interval. States are decided by local calendar day, in
// now's location, so a key due at 09:00 is "due today" all day and "overdue" from the
// next midnight, and the answer does not depend on the hour the question is asked. It
// is "due soon" when the due date is at most [DueSoonWithin] the interval away, in
// whole days.
// An interval of zero or less means no schedule: a rotated source is then DueOK, with
// no NextDue.
func ComputeDue(ss *KeyState, interval time.Duration, now time.Time) Due {
	last := ss.LastRotatedAt()
	if last == nil {
		return Due{State: DueUnknown}
	}
	d := Due{State: DueOK, LastRotated: last}
	if interval <= 0 {
		return d
	}
	next := last.Add(interval)
	d.NextDue = &next
	days := calendarDays(now, next.In(now.Location()))
	soon := int(DueSoonWithin(interval) / (24 * time.Hour))
	switch {
	case days < 0:
		d.State, d.Days = DueOverdue, -days
	case days == 0:
		d.State = DueToday
	case days <= soon:
		d.State, d.Days = DueSoon, days
	default:
		d.Days = days
	}
	return d
}

// calendarDays counts the calendar days from a's date to b's date, each read in its
// own location (callers pass both in the same one). Days that are 23 or 25 hours long
// because of daylight saving time count as one day.
func calendarDays(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da) / (24 * time.Hour))
}
