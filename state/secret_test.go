package state

import (
	"errors"
	"testing"
	"time"
)

func TestLooksLikeSecret(t *testing.T) {
	secrets := []string{
		"AKIAIOSFODNN7EXAMPLE",
		"new key ghp_16C7e42F292c6912E7710c838347Ae178B4a",
		"sk_live_4eC39HqLyjWDarjtT1zdp7dc",
		"sk-proj-abcdefghijklmnopqrstuvwxyz012345",
		"xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx",
		"AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
		"-----BEGIN RSA PRIVATE KEY-----",
		"password: hunter2hunter2",
		"api_key=0123456789abcdef",
		"used 9f8e7d6c5b4a39281706f5e4d3c2b1a0ZZqq",
		"Qm9vdHN0cmFwU2VjcmV0S2V5MTIzNDU2Nzg5MA==",
	}
	for _, s := range secrets {
		if what, ok := LooksLikeSecret(s); !ok {
			t.Errorf("%q not recognised as a secret", s)
		} else if what == "" {
			t.Errorf("%q: no description", s)
		}
	}
	notes := []string{
		"ticket OPS-2379",
		"used the staging account",
		"asked Maria (platform team) on 2026-03-14, she rotated it",
		"https://app.example.com/settings/api-keys",
		"Supermetrics App integration refreshed; secret stored in 1Password vault Ops",
		"acme-production-eu-west-1",
		"the key name is reporting-connector-2026",
		"Internationalization",
		"",
	}
	for _, s := range notes {
		if what, ok := LooksLikeSecret(s); ok {
			t.Errorf("%q wrongly taken for %s", s, what)
		}
	}
}

func TestSecretsAreNeverStored(t *testing.T) {
	st := New()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []Change{
		{Kind: SetNote, Source: "s", Step: "a", Steps: []string{"a"}, At: at, Text: "new key AKIAIOSFODNN7EXAMPLE"},
		{Kind: Skip, Source: "s", Step: "a", Steps: []string{"a"}, At: at, Text: "sk_live_4eC39HqLyjWDarjtT1zdp7dc"},
		{Kind: SetPlaceholder, Source: "s", Name: "subdomain", At: at, Text: "ghp_16C7e42F292c6912E7710c838347Ae178B4a"},
	} {
		if _, err := c.Apply(st); !errors.Is(err, ErrInvalidChange) {
			t.Errorf("%s with a secret: err = %v", c.Kind, err)
		}
	}
	if len(st.Sources) != 0 {
		t.Errorf("state changed: %+v", st.Sources)
	}
}

func TestReopenUndoesACompletion(t *testing.T) {
	st := New()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	keys := []string{"a", "b"}
	for _, c := range []Change{
		{Kind: Check, Source: "s", Step: "a", Steps: keys, At: t0},
		{Kind: Check, Source: "s", Step: "b", Steps: keys, At: t0.Add(time.Minute)},
	} {
		if _, err := c.Apply(st); err != nil {
			t.Fatal(err)
		}
	}
	if st.Source("s").Current != nil {
		t.Fatal("not completed")
	}
	wrong := t0.Add(time.Hour)
	if changed, _ := (Change{Kind: Reopen, Source: "s", At: t0, Started: &wrong}).Apply(st); changed {
		t.Error("reopened a rotation that did not start then")
	}
	changed, err := Change{Kind: Reopen, Source: "s", At: t0.Add(2 * time.Minute), Started: &t0}.Apply(st)
	if err != nil || !changed {
		t.Fatalf("reopen: %v %v", changed, err)
	}
	ss := st.Source("s")
	if ss.Current == nil || ss.Current.Outcome != InProgress || ss.Current.FinishedAt != nil || len(ss.History) != 0 {
		t.Fatalf("after reopen: %+v", ss)
	}
	if _, err := (Change{Kind: Uncheck, Source: "s", Step: "b", Steps: keys, At: t0.Add(3 * time.Minute)}).Apply(st); err != nil {
		t.Fatal(err)
	}
	if done, _ := ss.Current.Progress(keys); done != 1 {
		t.Errorf("done = %d after undoing the last check", done)
	}
	if err := st.validate(); err != nil {
		t.Errorf("reopened state does not validate: %v", err)
	}
}

// TestEveryEventRecordsWhoDidIt: completing, abandoning and recording a date by hand
// each keep the actor, for the audit export.
func TestEveryEventRecordsWhoDidIt(t *testing.T) {
	st := New()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	keys := []string{"a"}
	for _, c := range []Change{
		{Kind: Check, Source: "done", Step: "a", Steps: keys, At: t0, By: "alice@laptop"},
		{Kind: Check, Source: "dropped", Step: "a", Steps: []string{"a", "b"}, At: t0, By: "alice@laptop"},
		{Kind: Reset, Source: "dropped", At: t0, By: "bob@desk"},
		{Kind: RecordRotated, Source: "manual", At: t0, By: "carol@ops"},
	} {
		if _, err := c.Apply(st); err != nil {
			t.Fatal(err)
		}
	}
	if by := st.Source("done").History[0].FinishedBy; by != "alice@laptop" {
		t.Errorf("completed by %q", by)
	}
	if by := st.Source("dropped").History[0].FinishedBy; by != "bob@desk" {
		t.Errorf("abandoned by %q", by)
	}
	if by := st.Source("manual").LastRotatedBy; by != "carol@ops" {
		t.Errorf("date recorded by %q", by)
	}
	data, err := encode(st)
	if err != nil {
		t.Fatal(err)
	}
	back, _, err := decode(data)
	if err != nil || back.Source("manual").LastRotatedBy != "carol@ops" || back.Source("dropped").History[0].FinishedBy != "bob@desk" {
		t.Errorf("actors lost in the file: %v", err)
	}
}

// TestResetOnlyAbandonsTheRotationItNames: a reset made while looking at an older
// rotation must not abandon a newer one started meanwhile (by another instance).
func TestResetOnlyAbandonsTheRotationItNames(t *testing.T) {
	st := New()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	t1 := t0.Add(time.Hour)
	keys := []string{"a", "b"}
	for _, c := range []Change{
		{Kind: Check, Source: "s", Step: "a", Steps: keys, At: t0},
		{Kind: Reset, Source: "s", At: t0.Add(time.Minute)},        // another instance resets...
		{Kind: Check, Source: "s", Step: "a", Steps: keys, At: t1}, // ...and starts again
	} {
		if _, err := c.Apply(st); err != nil {
			t.Fatal(err)
		}
	}
	stale := Change{Kind: Reset, Source: "s", At: t1.Add(time.Minute), Started: &t0}
	if changed, err := stale.Apply(st); err != nil || changed {
		t.Fatalf("a reset of the old rotation changed the new one: %v %v", changed, err)
	}
	if cur := st.Source("s").Current; cur == nil || !cur.StartedAt.Equal(t1) {
		t.Fatal("the newer rotation was abandoned")
	}
	current := Change{Kind: Reset, Source: "s", At: t1.Add(time.Minute), Started: &t1}
	if changed, err := current.Apply(st); err != nil || !changed || st.Source("s").Current != nil {
		t.Fatalf("a reset naming the current rotation did nothing: %v %v", changed, err)
	}
}

// TestGuardedUndoKeepsAnotherInstancesWork: an undo carries what the undone action
// left on the step; once another instance has changed the step, the undo is a no-op
// instead of overwriting that work. While the step is as left, it applies.
func TestGuardedUndoKeepsAnotherInstancesWork(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	keys := []string{"a", "b"}
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	str := func(s string) *string { return &s }
	checkedAt := func(t time.Time) *Mark { return &Mark{CheckedAt: &t} }
	open := &Mark{}
	apply := func(t *testing.T, st *State, cs ...Change) {
		t.Helper()
		for _, c := range cs {
			if _, err := c.Apply(st); err != nil {
				t.Fatal(err)
			}
		}
	}
	rec := func(st *State) *StepRecord { return st.Source("s").Current.step("a") } // nil once the rotation has no work left
	cases := []struct {
		name      string
		done      []Change // this instance's action, then (maybe) another instance's
		undo      Change
		wantApply bool
		check     func(*StepRecord) bool
	}{
		{"note undone while it stands",
			[]Change{{Kind: SetNote, Source: "s", Step: "a", Steps: keys, At: at(0), Text: "mine"}},
			Change{Kind: SetNote, Source: "s", Step: "a", Steps: keys, At: at(5), Text: "", Started: &t0, IfNote: str("mine")},
			true, func(r *StepRecord) bool { return r == nil || r.Note == "" }},
		{"note replaced by another instance",
			[]Change{{Kind: SetNote, Source: "s", Step: "a", Steps: keys, At: at(0), Text: "mine"},
				{Kind: SetNote, Source: "s", Step: "a", Steps: keys, At: at(1), Text: "theirs"}},
			Change{Kind: SetNote, Source: "s", Step: "a", Steps: keys, At: at(5), Text: "", Started: &t0, IfNote: str("mine")},
			false, func(r *StepRecord) bool { return r.Note == "theirs" }},
		{"check undone while it stands",
			[]Change{{Kind: Check, Source: "s", Step: "a", Steps: keys, At: at(0)}},
			Change{Kind: Uncheck, Source: "s", Step: "a", Steps: keys, At: at(5), Started: &t0, IfMark: checkedAt(at(0))},
			true, func(r *StepRecord) bool { return r == nil || r.CheckedAt == nil }},
		{"check replaced by a skip elsewhere",
			[]Change{{Kind: Check, Source: "s", Step: "a", Steps: keys, At: at(0)},
				{Kind: Skip, Source: "s", Step: "a", Steps: keys, At: at(1), Text: "not used"}},
			Change{Kind: Uncheck, Source: "s", Step: "a", Steps: keys, At: at(5), Started: &t0, IfMark: checkedAt(at(0))},
			false, func(r *StepRecord) bool { return r.SkipReason == "not used" }},
		{"uncheck undone while the step is open",
			[]Change{{Kind: Check, Source: "s", Step: "a", Steps: keys, At: at(0)},
				{Kind: Uncheck, Source: "s", Step: "a", Steps: keys, At: at(1)}},
			Change{Kind: Check, Source: "s", Step: "a", Steps: keys, At: at(0), Started: &t0, IfMark: open},
			true, func(r *StepRecord) bool { return r.CheckedAt != nil && r.CheckedAt.Equal(at(0)) }},
		{"uncheck followed by a skip elsewhere",
			[]Change{{Kind: Check, Source: "s", Step: "a", Steps: keys, At: at(0)},
				{Kind: Uncheck, Source: "s", Step: "a", Steps: keys, At: at(1)},
				{Kind: Skip, Source: "s", Step: "a", Steps: keys, At: at(2), Text: "theirs"}},
			Change{Kind: Check, Source: "s", Step: "a", Steps: keys, At: at(0), Started: &t0, IfMark: open},
			false, func(r *StepRecord) bool { return r.SkippedAt != nil && r.CheckedAt == nil }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := New()
			apply(t, st, tc.done...)
			changed, err := tc.undo.Apply(st)
			if err != nil || changed != tc.wantApply {
				t.Fatalf("undo applied = %v (%v), want %v", changed, err, tc.wantApply)
			}
			if !tc.check(rec(st)) {
				t.Errorf("step after the undo: %+v", rec(st))
			}
		})
	}

	// An undo belongs to its rotation: once that one is abandoned and another started,
	// it changes nothing, and it never starts a rotation of its own.
	st := New()
	apply(t, st, Change{Kind: Check, Source: "s", Step: "a", Steps: keys, At: at(0)},
		Change{Kind: Reset, Source: "s", At: at(1)})
	undoUncheck := Change{Kind: Check, Source: "s", Step: "a", Steps: keys, At: at(0), Started: &t0, IfMark: open}
	if changed, _ := undoUncheck.Apply(st); changed || st.Source("s").Current != nil {
		t.Error("an undo started a rotation")
	}
	apply(t, st, Change{Kind: SetNote, Source: "s", Step: "a", Steps: keys, At: at(2), Text: "new rotation"})
	if changed, _ := undoUncheck.Apply(st); changed || rec(st).CheckedAt != nil {
		t.Error("an undo made in an abandoned rotation changed the new one")
	}
}
