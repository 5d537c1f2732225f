package state

import (
	"cmp"
	"slices"
	"time"
)

// status.go: the one answer to "where does this source stand", which the source list
// and `rotatetui status` both show, and the one order they list sources in.

// DefaultInterval is how often a source is due when nothing sets its interval: neither
// the source, a catalog, config.toml nor the built-in catalog.
const DefaultInterval = 90 * 24 * time.Hour

// Intervals are the rotate_every settings that can give a key its interval, from
// the one that wins to the one that yields. Zero (or less) means unset.
type Intervals struct {
	Key     time.Duration // the key's own (keys.toml)
	Source  time.Duration // its source's
	Catalog time.Duration // a user catalog's: of those layered, the last that sets one
	Config  time.Duration // config.toml's
	// Builtin is the built-in catalog's. It ranks below config.toml because it is a
	// default for everyone, not a choice the user made.
	Builtin time.Duration
}

// Interval resolves the chain: the first of Key, Source, Catalog, Config and Builtin
// that is set, else DefaultInterval. It is never zero.
func (iv Intervals) Interval() time.Duration {
	for _, d := range [...]time.Duration{iv.Key, iv.Source, iv.Catalog, iv.Config, iv.Builtin} {
		if d > 0 {
			return d
		}
	}
	return DefaultInterval
}

// Checklist is what [StatusOf] needs to know of a source's steps: their keys in the
// catalog's order. It is asked only of a source with a rotation in progress, so the
// status of a source nobody touched costs nothing. *catalog.Source has it.
type Checklist interface {
	StepKeys() []string
}

// Status is where a source stands, as computed by [StatusOf].
type Status struct {
	// InProgress is true while a rotation with work ([Rotation.HasWork]) is under way.
	// A current rotation without work, which files written by older versions may
	// hold, is not in progress: the fields below are then zero too.
	InProgress bool
	// Done counts the catalog's steps handled in the rotation in progress, of Total.
	Done, Total int
	// StartedAt and UpdatedAt are the times of the rotation in progress, in UTC.
	StartedAt, UpdatedAt time.Time
	// WaitUntil is set while the next step of the rotation in progress cannot be done
	// yet: a step with a wait was checked, its wait has not passed and the step after
	// it is not handled.
	WaitUntil *time.Time

	// Due is the source's place in its schedule, even while a rotation is in
	// progress: the old key is in use until it is done.
	Due Due
	// Interval is the source's rotation interval, as given to StatusOf.
	Interval time.Duration
}

// StatusOf says where a source stands at time now: ss is what the state file records
// of it (nil: nothing), steps its checklist in the catalog, interval its rotation
// interval ([Intervals.Interval]).
func StatusOf(ss *KeyState, steps Checklist, interval time.Duration, now time.Time) Status {
	s := Status{Due: ComputeDue(ss, interval, now), Interval: interval}
	cur := ss.current()
	if !cur.HasWork() {
		return s
	}
	keys := steps.StepKeys()
	s.InProgress = true
	s.Done, s.Total = cur.Progress(keys)
	s.StartedAt, s.UpdatedAt = cur.StartedAt.UTC(), cur.UpdatedAt.UTC()
	s.WaitUntil = cur.waitingUntil(keys, now)
	return s
}

// waitingUntil is the wait, not passed at now, of a checked step whose next step (in
// keys, the catalog's order) is not handled yet: the next step cannot follow before
// it. Of several, the last step's wins. Nil when there is none.
func (r *Rotation) waitingUntil(keys []string, now time.Time) *time.Time {
	var until *time.Time
	for i := 0; i+1 < len(keys); i++ {
		rec := r.Steps[keys[i]]
		if rec != nil && rec.CheckedAt != nil && rec.WaitUntil != nil && now.Before(*rec.WaitUntil) && !r.Handled(keys[i+1]) {
			t := *rec.WaitUntil
			until = &t
		}
	}
	return until
}

// DaysUntil counts the local calendar days from the time given to ComputeDue to
// NextDue: negative when overdue, 0 on the day. ok is false when there is no due date
// (never rotated, or no interval).
func (d Due) DaysUntil() (days int, ok bool) {
	if d.NextDue == nil {
		return 0, false
	}
	if d.State == DueOverdue {
		return -d.Days, true
	}
	return d.Days, true
}

// The ranks of [Status.rank], most urgent first.
const (
	rankInProgress = iota
	rankOverdue
	rankDueSoon // due today or soon
	rankRest
)

func (s Status) rank() int {
	switch {
	case s.InProgress:
		return rankInProgress
	case s.Due.State == DueOverdue:
		return rankOverdue
	case s.Due.State == DueToday || s.Due.State == DueSoon:
		return rankDueSoon
	}
	return rankRest
}

// Urgent reports whether the source is listed before the rest, which go by name: a
// rotation is in progress, or the source is overdue, due today or due soon.
func (s Status) Urgent() bool { return s.rank() < rankRest }

// urgency is what the order of the list reads of a status.
type urgency struct {
	rank    int
	updated time.Time // of the rotation in progress
	days    int       // overdue by, or due in
}

func (s Status) urgency() urgency {
	return urgency{rank: s.rank(), updated: s.UpdatedAt, days: s.Due.Days}
}

func (a urgency) compare(b urgency) int {
	if a.rank != b.rank {
		return cmp.Compare(a.rank, b.rank)
	}
	switch a.rank {
	case rankInProgress:
		return b.updated.Compare(a.updated)
	case rankOverdue:
		return cmp.Compare(b.days, a.days)
	case rankDueSoon:
		return cmp.Compare(a.days, b.days)
	}
	return 0
}

// CompareUrgency orders two statuses as the source list without a filter lists them:
// rotations in progress first, the most recently changed first; then overdue sources,
// the most overdue first; then those due today or soon, the soonest first; then the
// rest. It returns 0 for a tie, which callers break by name.
func CompareUrgency(a, b Status) int { return a.urgency().compare(b.urgency()) }

// SortAsList sorts items in the order of the source list without a filter: by
// [CompareUrgency] of their status, ties by byName (which compares lower-cased names),
// then in the order given. status is asked once per item; only urgent items keep what
// their order needs, so that sorting a large catalog where little is urgent costs
// little memory.
func SortAsList[T any](items []T, status func(T) Status, byName func(a, b T) int) {
	type keyed struct {
		key  urgency
		item T
	}
	var urgent []keyed
	rest := make([]T, 0, len(items))
	for _, it := range items {
		if k := status(it).urgency(); k.rank < rankRest {
			urgent = append(urgent, keyed{k, it})
		} else {
			rest = append(rest, it)
		}
	}
	slices.SortStableFunc(urgent, func(a, b keyed) int {
		if c := a.key.compare(b.key); c != 0 {
			return c
		}
		return byName(a.item, b.item)
	})
	slices.SortStableFunc(rest, byName)
	for i, k := range urgent {
		items[i] = k.item
	}
	copy(items[len(urgent):], rest)
}
