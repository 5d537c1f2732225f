package state

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// checklist is a source's steps as StatusOf asks for them, counting the questions.
type checklist struct {
	keys  []string
	asked *int
}

func (c checklist) StepKeys() []string {
	if c.asked != nil {
		*c.asked++
	}
	return c.keys
}

var threeSteps = checklist{keys: []string{"a", "b", "c"}}

// inProgress is a current rotation started at start and changed at updated, with the
// given steps recorded.
func inProgress(start, updated time.Time, steps map[string]*StepRecord) *Rotation {
	return &Rotation{StartedAt: start, UpdatedAt: updated, Outcome: InProgress, StepKeys: []string{"a", "b", "c"}, Steps: steps}
}

// statusCase is a case of TestStatusOf: what StatusOf should say of ss.
type statusCase struct {
	name       string
	ss         *KeyState
	inProgress bool
	done       int
	wait       *time.Time
	due        DueState
	days       int // Due.Days
}

// check compares what StatusOf said (asking for the steps asked times) with the case;
// a rotation in progress was started at start and changed at updated.
func (tt statusCase) check(t *testing.T, got Status, asked int, start, updated time.Time) {
	t.Helper()
	if got.InProgress != tt.inProgress || got.Done != tt.done || got.Due.State != tt.due || got.Due.Days != tt.days {
		t.Errorf("in progress %v, %d done, %s %dd; want %v, %d, %s %dd", got.InProgress, got.Done, got.Due.State, got.Due.Days, tt.inProgress, tt.done, tt.due, tt.days)
	}
	if !timeEqual(got.WaitUntil, tt.wait) {
		t.Errorf("waiting until %v, want %v", got.WaitUntil, tt.wait)
	}
	if want := tt.ss.LastRotatedAt(); !timeEqual(got.Due.LastRotated, want) {
		t.Errorf("last rotated %v, want %v", got.Due.LastRotated, want)
	}
	// == on the times: the same instant, and in UTC.
	switch {
	case !tt.inProgress && (got != Status{Due: got.Due, Interval: got.Interval} || asked != 0):
		t.Errorf("not in progress, yet %+v (steps asked %d times)", got, asked)
	case tt.inProgress && (got.Total != 3 || got.StartedAt != start.UTC() || got.UpdatedAt != updated.UTC()):
		t.Errorf("total %d, started %v, updated %v; want 3, %v, %v in UTC", got.Total, got.StartedAt, got.UpdatedAt, start.UTC(), updated.UTC())
	}
}

func TestStatusOf(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, minusFive)
	const interval = 90 * day
	start, updated := now.Add(-3*day), now.Add(-time.Hour)
	checked := func(at time.Time) *StepRecord { return &StepRecord{CheckedAt: &at} }
	later, passed := now.Add(time.Hour), now.Add(-time.Minute)
	waiting := func(until time.Time) *StepRecord { r := checked(start); r.WaitUntil = &until; return r }

	tests := []statusCase{
		{"nothing recorded", nil, false, 0, nil, DueUnknown, 0},
		{"an empty record", &KeyState{}, false, 0, nil, DueUnknown, 0},
		{"in progress, never rotated", &KeyState{Current: inProgress(start, updated, map[string]*StepRecord{"a": checked(start)})}, true, 1, nil, DueUnknown, 0},
		{"a skip counts as done", &KeyState{Current: inProgress(start, updated, map[string]*StepRecord{"a": checked(start), "b": {SkippedAt: &start}})}, true, 2, nil, DueUnknown, 0},
		{"a note alone is work", &KeyState{Current: inProgress(start, updated, map[string]*StepRecord{"b": {Note: "asked Bo", NotedAt: &start}})}, true, 0, nil, DueUnknown, 0},
		{"a step the catalog dropped is not counted", &KeyState{Current: inProgress(start, updated, map[string]*StepRecord{"gone": checked(start), "a": checked(start)})}, true, 1, nil, DueUnknown, 0},
		{"completed 10 days ago", completedAt(now.Add(-10 * day)), false, 0, nil, DueOK, 80},
		{"recorded by hand 95 days ago", &KeyState{LastRotated: ptr(now.Add(-95 * day))}, false, 0, nil, DueOverdue, 5},
		{"due today", completedAt(now.Add(-interval)), false, 0, nil, DueToday, 0},
		{"due soon", completedAt(now.Add(-80 * day)), false, 0, nil, DueSoon, 10},
		{"in progress and overdue: both", &KeyState{History: completedAt(now.Add(-100 * day)).History, Current: inProgress(start, updated, map[string]*StepRecord{"a": checked(start)})}, true, 1, nil, DueOverdue, 10},
		{"waiting for the next step", &KeyState{Current: inProgress(start, updated, map[string]*StepRecord{"a": waiting(later)})}, true, 1, &later, DueUnknown, 0},
		{"a wait that has passed", &KeyState{Current: inProgress(start, updated, map[string]*StepRecord{"a": waiting(passed)})}, true, 1, nil, DueUnknown, 0},
		{"a wait the next step is done after", &KeyState{Current: inProgress(start, updated, map[string]*StepRecord{"a": waiting(later), "b": checked(now)})}, true, 2, nil, DueUnknown, 0},
		{"a wait on the last step holds nothing up", &KeyState{Current: inProgress(start, updated, map[string]*StepRecord{"c": waiting(later)})}, true, 1, nil, DueUnknown, 0},
		// Files of older versions may hold a current rotation without work: it is not
		// under way, whatever it carries besides.
		{"a rotation without work", &KeyState{Current: inProgress(start, updated, nil)}, false, 0, nil, DueUnknown, 0},
		{"a rotation with only a wait and an actor", &KeyState{Current: inProgress(start, updated, map[string]*StepRecord{"a": {WaitUntil: &later, By: "bo"}})}, false, 0, nil, DueUnknown, 0},
		{"a rotation without work on an overdue source", &KeyState{History: completedAt(now.Add(-100 * day)).History, Current: inProgress(start, updated, nil)}, false, 0, nil, DueOverdue, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked := 0
			got := StatusOf(tt.ss, checklist{keys: threeSteps.keys, asked: &asked}, interval, now)
			tt.check(t, got, asked, start, updated)
			if got.Interval != interval {
				t.Errorf("interval %v, want %v", got.Interval, interval)
			}
		})
	}
}

// TestStatusOfAnOldFileWithAnEmptyRotation reads a state file such as older versions
// wrote, whose current rotation holds no work: the source is not in progress, so
// nothing pins it, counts it as in progress or calls it stuck.
func TestStatusOfAnOldFileWithAnEmptyRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	const file = `{
  "version": 1,
  "sources": {
    "awin": {
      "current": {"started_at": "2026-01-01T09:00:00Z", "updated_at": "2026-01-01T09:05:00Z", "outcome": "in_progress",
        "step_keys": ["a", "b", "c"], "steps": {"a": {"wait_until": "2026-01-02T09:00:00Z", "by": "bo@laptop"}}},
      "history": [{"started_at": "2025-12-01T09:00:00Z", "updated_at": "2025-12-01T10:00:00Z", "finished_at": "2025-12-01T10:00:00Z",
        "outcome": "completed", "step_keys": ["a", "b", "c"], "steps": {"a": {"checked_at": "2025-12-01T10:00:00Z"}}}]
    },
    "brevo": {
      "current": {"started_at": "2026-01-01T09:00:00Z", "updated_at": "2026-01-01T09:00:00Z", "outcome": "in_progress", "step_keys": ["a"]}
    }
  }
}
`
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := NewStore(path).Load()
	if err != nil {
		t.Fatal(err)
	}
	if st.Key("awin").Current == nil || st.Key("brevo").Current == nil {
		t.Fatal("the file's rotations without work were not read: this test tests nothing")
	}
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC) // both rotations started over 7 days ago
	awin := StatusOf(st.Key("awin"), threeSteps, 90*day, now)
	if awin.InProgress || !awin.StartedAt.IsZero() || awin.Due.State != DueOverdue || awin.Due.Days != 9 {
		t.Errorf("awin: %+v; want overdue by 9 days, not in progress", awin)
	}
	// It is listed as an overdue source is, not pinned above them.
	if overdue := StatusOf(&KeyState{History: st.Key("awin").History}, threeSteps, 90*day, now); CompareUrgency(awin, overdue) != 0 {
		t.Errorf("awin ranks apart from the same source without its empty rotation: %+v", awin)
	}
	brevo := StatusOf(st.Key("brevo"), threeSteps, 90*day, now)
	if brevo.InProgress || brevo.Urgent() || !brevo.StartedAt.IsZero() || brevo.Due.State != DueUnknown {
		t.Errorf("brevo: %+v; want unknown, not in progress", brevo)
	}
}

func TestIntervalsResolveTheChain(t *testing.T) {
	tests := []struct {
		name string
		iv   Intervals
		want time.Duration
	}{
		{"nothing set", Intervals{}, DefaultInterval},
		{"the built-in catalog's", Intervals{Builtin: 60 * day}, 60 * day},
		{"config.toml's beats the built-in catalog's", Intervals{Config: 30 * day, Builtin: 60 * day}, 30 * day},
		{"a user catalog's beats config.toml's", Intervals{Catalog: 45 * day, Config: 30 * day, Builtin: 60 * day}, 45 * day},
		{"the source's own beats the rest", Intervals{Source: 7 * day, Catalog: 45 * day, Config: 30 * day, Builtin: 60 * day}, 7 * day},
		{"the key's own beats all", Intervals{Key: 3 * day, Source: 7 * day, Catalog: 45 * day, Config: 30 * day, Builtin: 60 * day}, 3 * day},
		{"the key's unset: its source's", Intervals{Source: 7 * day, Config: 30 * day}, 7 * day},
		{"the source's own alone", Intervals{Source: 12 * time.Hour}, 12 * time.Hour},
		{"unset ones are skipped", Intervals{Catalog: 45 * day}, 45 * day},
		{"less than zero is unset", Intervals{Source: -day, Config: 30 * day}, 30 * day},
	}
	for _, tt := range tests {
		if got := tt.iv.Interval(); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if DefaultInterval != 90*day {
		t.Errorf("DefaultInterval is %v, want 90 days", DefaultInterval)
	}
}

// TestStatusDueSoonWindow: the window is a fifth of the interval, at most 14 days, in
// whole days; under 5 days there is none.
func TestStatusDueSoonWindow(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, minusFive)
	tests := []struct {
		interval time.Duration
		daysLeft int // the due date is this many days after today
		want     DueState
	}{
		{7 * day, 2, DueOK},
		{7 * day, 1, DueSoon},
		{30 * day, 7, DueOK},
		{30 * day, 6, DueSoon},
		{70 * day, 15, DueOK},
		{70 * day, 14, DueSoon},
		{365 * day, 15, DueOK},
		{365 * day, 14, DueSoon},
		{4 * day, 1, DueOK},
		{4 * day, 0, DueToday},
		{90 * day, -1, DueOverdue},
	}
	for _, tt := range tests {
		last := now.Add(time.Duration(tt.daysLeft)*day - tt.interval)
		got := StatusOf(completedAt(last), threeSteps, tt.interval, now)
		if got.Due.State != tt.want {
			t.Errorf("every %v, due in %d days: %s, want %s", tt.interval, tt.daysLeft, got.Due.State, tt.want)
		}
		if days, ok := got.Due.DaysUntil(); !ok || days != tt.daysLeft {
			t.Errorf("every %v, due in %d days: DaysUntil %d, %v", tt.interval, tt.daysLeft, days, ok)
		}
	}
	if _, ok := StatusOf(nil, threeSteps, 90*day, now).Due.DaysUntil(); ok {
		t.Error("a source never rotated has a due date")
	}
	if _, ok := StatusOf(completedAt(now), threeSteps, 0, now).Due.DaysUntil(); ok {
		t.Error("a source without an interval has a due date")
	}
}

// TestSortAsList: in progress (latest change first), overdue (most overdue first), due
// today or soon (soonest first), the rest; ties by name, then in the order given.
func TestSortAsList(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, minusFive)
	work := map[string]*StepRecord{"a": {CheckedAt: &now}}
	type item struct {
		name string
		ss   *KeyState
	}
	items := []item{
		{"rest-b", nil},
		{"ok", completedAt(now.Add(-10 * day))},
		{"soon-10", completedAt(now.Add(-80 * day))},
		{"overdue-5", completedAt(now.Add(-95 * day))},
		{"empty-rotation", &KeyState{Current: inProgress(now, now, nil)}},
		{"working-old", &KeyState{Current: inProgress(now.Add(-2*day), now.Add(-day), work)}},
		{"today", completedAt(now.Add(-90 * day))},
		{"overdue-20", completedAt(now.Add(-110 * day))},
		{"working-new", &KeyState{History: completedAt(now.Add(-200 * day)).History, Current: inProgress(now.Add(-2*day), now.Add(-time.Hour), work)}},
		{"soon-3", completedAt(now.Add(-87 * day))},
		{"rest-a", nil},
		{"Rest-A", nil}, // ties rest-a by name: stays after it
	}
	status := func(it item) Status { return StatusOf(it.ss, threeSteps, 90*day, now) }
	byName := func(a, b item) int { return strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name)) }
	SortAsList(items, status, byName)
	var got []string
	for _, it := range items {
		got = append(got, it.name)
	}
	want := []string{"working-new", "working-old", "overdue-20", "overdue-5", "today", "soon-3", "soon-10",
		"empty-rotation", "ok", "rest-a", "Rest-A", "rest-b"}
	if !slices.Equal(got, want) {
		t.Errorf("order\n%v, want\n%v", got, want)
	}
	urgent := 0
	for _, it := range items {
		if status(it).Urgent() {
			urgent++
		}
	}
	if urgent != 7 {
		t.Errorf("%d urgent, want 7 (in progress, overdue, due today or soon)", urgent)
	}
}
