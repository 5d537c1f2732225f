package state

import (
	"testing"
	"time"
	_ "time/tzdata" // the DST test needs America/New_York on any machine
)

// minusFive is a fixed location west of UTC, so local days and UTC days differ.
var minusFive = time.FixedZone("UTC-5", -5*60*60)

const day = 24 * time.Hour

// completedAt is a source whose last completed rotation finished at t.
func completedAt(t time.Time) *KeyState {
	start := t.Add(-time.Hour)
	return &KeyState{History: []Rotation{{
		StartedAt: start, UpdatedAt: t, FinishedAt: &t, Outcome: Completed, StepKeys: []string{"a"},
	}}}
}

func TestLastRotatedAt(t *testing.T) {
	done := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	older, newer := done.Add(-48*time.Hour), done.Add(48*time.Hour)
	abandoned := Rotation{StartedAt: newer, UpdatedAt: newer, FinishedAt: &newer, Outcome: Abandoned}

	tests := []struct {
		name string
		ss   *KeyState
		want *time.Time
	}{
		{"nil source", nil, nil},
		{"nothing recorded", &KeyState{}, nil},
		{"only an abandoned rotation", &KeyState{History: []Rotation{abandoned}}, nil},
		{"in progress only", &KeyState{Current: &Rotation{StartedAt: done, UpdatedAt: done, Outcome: InProgress}}, nil},
		{"completed rotation", completedAt(done), &done},
		{"completed, then abandoned", &KeyState{History: append(completedAt(done).History, abandoned)}, &done},
		{"recorded by hand only", &KeyState{LastRotated: &older}, &older},
		{"manual date newer than the completed rotation", &KeyState{History: completedAt(done).History, LastRotated: &newer}, &newer},
		{"completed rotation newer than the manual date", &KeyState{History: completedAt(done).History, LastRotated: &older}, &done},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.ss.LastRotatedAt()
			switch {
			case tt.want == nil && got != nil:
				t.Errorf("got %v, want nil", got)
			case tt.want != nil && (got == nil || !got.Equal(*tt.want)):
				t.Errorf("got %v, want %v", got, *tt.want)
			case got != nil && got.Location() != time.UTC:
				t.Errorf("got %v, want UTC", got)
			}
		})
	}

	// The result is a copy: changing it changes nothing recorded.
	recorded := older
	ss := &KeyState{LastRotated: &recorded}
	*ss.LastRotatedAt() = time.Time{}
	if !ss.LastRotated.Equal(older) {
		t.Error("LastRotatedAt returned the recorded time itself, not a copy")
	}
}

func TestComputeDue(t *testing.T) {
	// Now is 15:00 on 10 March 2026, five hours west of UTC.
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, minusFive)
	local := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, minusFive) }
	// 90 days, so the due-soon window is its longest, 14 days.
	const interval = 90 * day

	tests := []struct {
		name      string
		ss        *KeyState
		wantState DueState
		wantDays  int
	}{
		{"never rotated", nil, DueUnknown, 0},
		{"never completed", &KeyState{Current: &Rotation{StartedAt: local(1, 9, 0), UpdatedAt: local(1, 9, 0), Outcome: InProgress}}, DueUnknown, 0},
		{"due exactly now", completedAt(now.Add(-interval)), DueToday, 0},
		{"due earlier today is due today, not overdue", completedAt(local(10, 0, 1).Add(-interval)), DueToday, 0},
		{"due later today", completedAt(local(10, 23, 59).Add(-interval)), DueToday, 0},
		{"due at the last minute of yesterday: 1 day overdue", completedAt(local(9, 23, 59).Add(-interval)), DueOverdue, 1},
		{"due yesterday morning: 1 day overdue", completedAt(local(9, 0, 0).Add(-interval)), DueOverdue, 1},
		{"due 10 days ago", completedAt(local(1, 12, 0).Add(-interval)), DueOverdue, 9},
		{"due tomorrow at midnight", completedAt(local(11, 0, 0).Add(-interval)), DueSoon, 1},
		{"due in 14 days: still due soon", completedAt(local(24, 23, 0).Add(-interval)), DueSoon, 14},
		{"due in 15 days: ok", completedAt(local(25, 0, 0).Add(-interval)), DueOK, 15},
		{"just rotated", completedAt(now), DueOK, 90},
		{"manual date newer than the completed rotation", &KeyState{History: completedAt(local(1, 9, 0).Add(-interval)).History, LastRotated: ptr(now.Add(-time.Hour))}, DueOK, 90},
		{"completed rotation newer than the manual date", &KeyState{History: completedAt(now.Add(-interval)).History, LastRotated: ptr(local(1, 9, 0).Add(-interval))}, DueToday, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ComputeDue(tt.ss, interval, now)
			if got.State != tt.wantState || got.Days != tt.wantDays {
				t.Fatalf("got %s %d days, want %s %d days", got.State, got.Days, tt.wantState, tt.wantDays)
			}
			last := tt.ss.LastRotatedAt()
			if last == nil {
				if got.LastRotated != nil || got.NextDue != nil {
					t.Errorf("unknown source has times: %+v", got)
				}
				return
			}
			if got.LastRotated == nil || !got.LastRotated.Equal(*last) {
				t.Errorf("LastRotated = %v, want %v", got.LastRotated, *last)
			}
			if got.NextDue == nil || !got.NextDue.Equal(last.Add(interval)) {
				t.Errorf("NextDue = %v, want %v", got.NextDue, last.Add(interval))
			}
		})
	}
}

func ptr(t time.Time) *time.Time { return &t }

// TestComputeDueCountsLocalDays: the same two instants are a different number of days
// apart depending on where the person is, and only their local calendar counts.
func TestComputeDueCountsLocalDays(t *testing.T) {
	// Due at 04:00 UTC on 10 March, which is 23:00 on 9 March five hours west.
	last := time.Date(2026, 3, 10, 4, 0, 0, 0, time.UTC).Add(-90 * day)
	ss := &KeyState{LastRotated: &last}
	// Now: 05:30 UTC on 10 March, 00:30 on 10 March five hours west.
	nowUTC := time.Date(2026, 3, 10, 5, 30, 0, 0, time.UTC)

	if got := ComputeDue(ss, 90*day, nowUTC); got.State != DueToday {
		t.Errorf("in UTC: %s, want due today", got.State)
	}
	if got := ComputeDue(ss, 90*day, nowUTC.In(minusFive)); got.State != DueOverdue || got.Days != 1 {
		t.Errorf("five hours west: %s %d days, want 1 day overdue", got.State, got.Days)
	}
	// Five hours east it is already 10:30 on 10 March, and the due date is 10 March too.
	plusFive := time.FixedZone("UTC+5", 5*60*60)
	if got := ComputeDue(ss, 90*day, nowUTC.In(plusFive)); got.State != DueToday {
		t.Errorf("five hours east: %s, want due today", got.State)
	}
}

// TestComputeDueAcrossDaylightSaving: 8 March 2026 is 23 hours long in New York;
// a due date 23 hours before now is still the previous calendar day.
func TestComputeDueAcrossDaylightSaving(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 3, 8, 0, 30, 0, 0, ny) // EST
	now := time.Date(2026, 3, 9, 0, 30, 0, 0, ny) // EDT, 23 hours later
	if now.Sub(due) != 23*time.Hour {
		t.Fatalf("test setup: %v apart", now.Sub(due))
	}
	ss := &KeyState{LastRotated: ptr(due.Add(-30 * day))}
	if got := ComputeDue(ss, 30*day, now); got.State != DueOverdue || got.Days != 1 {
		t.Errorf("%s %d days, want 1 day overdue", got.State, got.Days)
	}
}

// TestDueSoonFitsTheInterval: the due-soon window is 14 days or a fifth of the
// interval, whichever is shorter, so a weekly source is not due soon once done.
func TestDueSoonFitsTheInterval(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, minusFive)
	tests := []struct {
		name      string
		interval  time.Duration
		rotated   time.Time
		wantState DueState
		wantDays  int
	}{
		{"weekly, done today", 7 * day, now, DueOK, 7},
		{"weekly, due in 2 days", 7 * day, now.Add(-5 * day), DueOK, 2},
		{"weekly, due tomorrow", 7 * day, now.Add(-6 * day), DueSoon, 1},
		{"30 days, due in 7 days", 30 * day, now.Add(-23 * day), DueOK, 7},
		{"30 days, due in 6 days", 30 * day, now.Add(-24 * day), DueSoon, 6},
		{"70 days, due in 14 days", 70 * day, now.Add(-56 * day), DueSoon, 14},
		{"daily, due tomorrow: no window", day, now, DueOK, 1},
		{"daily, due today", day, now.Add(-day), DueToday, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ComputeDue(&KeyState{LastRotated: &tt.rotated}, tt.interval, now)
			if got.State != tt.wantState || got.Days != tt.wantDays {
				t.Errorf("got %s %d days, want %s %d days", got.State, got.Days, tt.wantState, tt.wantDays)
			}
		})
	}
	for interval, want := range map[time.Duration]time.Duration{7 * day: 7 * day / 5, 90 * day: 14 * day, 0: 0, -day: 0} {
		if got := DueSoonWithin(interval); got != want {
			t.Errorf("DueSoonWithin(%v) = %v, want %v", interval, got, want)
		}
	}
}

func TestComputeDueWithoutInterval(t *testing.T) {
	last := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	got := ComputeDue(&KeyState{LastRotated: &last}, 0, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if got.State != DueOK || got.NextDue != nil || got.LastRotated == nil {
		t.Errorf("no interval: %+v", got)
	}
}
