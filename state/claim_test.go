package state

import (
	"strings"
	"testing"
	"time"
)

func TestClaimOn(t *testing.T) {
	start := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	at := start.Add(time.Minute)
	steps := []string{"a", "b", "c"}
	checked := func(by string, keys ...string) *KeyState {
		r := &Rotation{StartedAt: start, UpdatedAt: at, Outcome: InProgress, StartedBy: by, StepKeys: steps, Steps: map[string]*StepRecord{}}
		for _, k := range keys {
			r.Steps[k] = &StepRecord{CheckedAt: &at, By: by}
		}
		return &KeyState{Current: r}
	}
	noted := checked("ana@laptop")
	noted.Current.Steps["b"] = &StepRecord{Note: "waiting for IT", NotedAt: &at}
	for _, tt := range []struct {
		name  string
		ss    *KeyState
		claim *Claim
	}{
		{"nothing recorded", nil, nil},
		{"nothing in progress", &KeyState{LastRotated: &at}, nil},
		{"a rotation without work holds nothing", checked("ana@laptop"), nil},
		{"no actor recorded", checked("", "a"), nil},
		{"first step done: at step 2", checked("ana@laptop", "a"), &Claim{By: "ana@laptop", StartedAt: start, Step: 2, Total: 3}},
		{"out of order: the first open step", checked("ana@laptop", "a", "c"), &Claim{By: "ana@laptop", StartedAt: start, Step: 2, Total: 3}},
		{"a note is work too", noted, &Claim{By: "ana@laptop", StartedAt: start, Step: 1, Total: 3}},
		{"all handled", checked("ana@laptop", "a", "b", "c"), &Claim{By: "ana@laptop", StartedAt: start, Step: 4, Total: 3}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := ClaimOn(tt.ss, steps)
			if (got == nil) != (tt.claim == nil) || got != nil && *got != *tt.claim {
				t.Fatalf("ClaimOn = %+v, want %+v", got, tt.claim)
			}
		})
	}
}

func TestClaimHeldByOther(t *testing.T) {
	c := &Claim{By: "ana@laptop"}
	var none *Claim
	for _, tt := range []struct {
		claim *Claim
		actor string
		want  bool
	}{
		{c, "bob@desk", true},
		{c, "ana@laptop", false},
		{c, "", false},
		{none, "bob@desk", false},
	} {
		if got := tt.claim.HeldByOther(tt.actor); got != tt.want {
			t.Errorf("%+v held by other than %q = %v, want %v", tt.claim, tt.actor, got, tt.want)
		}
	}
}

func TestClaimDescribe(t *testing.T) {
	start := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	c := &Claim{By: "ana@laptop", StartedAt: start, Step: 3, Total: 8}
	if got, want := c.Describe("Snowflake · prod", start.Add(12*time.Minute+30*time.Second)), "ana@laptop started rotating Snowflake · prod 12 min ago, step 3 of 8"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
	c.Step = 9
	if got, want := c.Describe("Snowflake", start.Add(3*time.Hour)), "ana@laptop started rotating Snowflake 3 h ago, all 8 steps handled"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
}

func TestSince(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		0:                "just now",
		59 * time.Second: "just now",
		time.Minute:      "1 min ago",
		59 * time.Minute: "59 min ago",
		time.Hour:        "1 h ago",
		47 * time.Hour:   "47 h ago",
		72 * time.Hour:   "3 days ago",
	} {
		if got := Since(now, now.Add(-d)); got != want {
			t.Errorf("Since(-%v) = %q, want %q", d, got, want)
		}
	}
}

// TestIfUnclaimed: a change made without joining never acts on someone else's
// rotation, and with a join (no guard) it does, recorded as its own author's.
func TestIfUnclaimed(t *testing.T) {
	as := func(c Change, by string, guard bool) Change {
		c.By, c.IfUnclaimed = by, guard
		return c
	}
	s := New()
	mustApply(t, s, as(ch(Check, "a", 1), "ana@laptop", true))
	if got := s.Key("src").Current.StartedBy; got != "ana@laptop" {
		t.Fatalf("started by %q, want ana@laptop: her own guarded check starts her rotation", got)
	}
	for _, c := range []Change{
		as(ch(Check, "b", 2), "bob@desk", true),
		as(ch(Uncheck, "a", 2), "bob@desk", true),
		as(ch(SetNote, "a", 2), "bob@desk", true),
		as(ch(Reset, "", 2), "bob@desk", true),
	} {
		if changed, err := c.Apply(s); err != nil || changed {
			t.Errorf("bob's unjoined %s: changed %v, err %v; want a no-op", c.Kind, changed, err)
		}
	}
	if changed, err := as(ch(Check, "b", 3), "ana@laptop", true).Apply(s); err != nil || !changed {
		t.Errorf("ana's own guarded check: changed %v, err %v", changed, err)
	}
	if changed, err := as(ch(Check, "c", 4), "bob@desk", false).Apply(s); err != nil || !changed {
		t.Fatalf("bob's joined check: changed %v, err %v", changed, err)
	}
	last := s.Key("src").LastCompleted()
	if last == nil || last.StartedBy != "ana@laptop" || last.FinishedBy != "bob@desk" || last.Steps["c"].By != "bob@desk" {
		t.Errorf("completed rotation %+v: want started by ana, finished by bob", last)
	}
	// With nothing in progress the guard is no obstacle: bob starts the next one.
	if changed, err := as(ch(Check, "a", 5), "bob@desk", true).Apply(s); err != nil || !changed {
		t.Errorf("bob's guarded check with nothing in progress: changed %v, err %v", changed, err)
	}
}

// TestNULIsRefusedByEveryStore: a NUL in a note, a name or an actor is refused as an
// invalid change, so no store is left retrying a save it can never make.
func TestNULIsRefusedByEveryStore(t *testing.T) {
	for _, c := range []Change{
		{Kind: SetNote, Key: "src", Step: "a", Steps: keys, At: at(1), Text: "before\x00after"},
		{Kind: SetPlaceholder, Key: "src", Name: "acc\x00ount", Text: "x", At: at(1)},
		{Kind: Check, Key: "src", Step: "a", Steps: keys, At: at(1), By: "ana\x00"},
	} {
		s := New()
		if changed, err := c.Apply(s); err == nil || changed || !strings.Contains(err.Error(), "NUL") {
			t.Errorf("%s with a NUL: changed %v, err %v; want it refused", c.Kind, changed, err)
		}
	}
}
