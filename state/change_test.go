package state

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// forced is a check of step that set the given rules aside.
func forced(step string, min int, by string, list ...Override) Change {
	c := ch(Check, step, min)
	c.By, c.Overrides = by, list
	return c
}

func TestCheckRecordsTheOverriddenRules(t *testing.T) {
	s := New()
	mustApply(t, s, forced("a", 1, "alice@laptop", OverrideWait, OverrideCaution, OverrideWait))
	rec := s.Key("src").Current.Steps["a"]
	if want := []Override{OverrideCaution, OverrideWait}; !reflect.DeepEqual(rec.Overrides, want) || rec.OverriddenBy != "alice@laptop" {
		t.Fatalf("record = %+v, want overrides %v by alice@laptop", rec, want)
	}

	// A later note by someone else makes them the step's latest actor, but the
	// override stays Alice's.
	note := Change{Kind: SetNote, Key: "src", Step: "a", Steps: keys, At: at(2), By: "bob@desk", Text: "seen"}
	mustApply(t, s, note)
	if rec := s.Key("src").Current.Steps["a"]; rec.By != "bob@desk" || rec.OverriddenBy != "alice@laptop" || len(rec.Overrides) != 2 {
		t.Errorf("after bob's note: %+v", rec)
	}

	// Checking an already checked step keeps the first check, and adds no override.
	mustApply(t, s, ch(Check, "b", 3), forced("b", 4, "carol", OverrideWait))
	if rec := s.Key("src").Current.Steps["b"]; rec.Overrides != nil || rec.OverriddenBy != "" {
		t.Errorf("second check of b recorded an override: %+v", rec)
	}

	// A check without overrides records none.
	if rec := s.Key("src").Current.Steps["b"]; rec.Overrides != nil {
		t.Errorf("plain check: %+v", rec)
	}
}

func TestOverridesGoWithTheCheck(t *testing.T) {
	for _, undo := range []Change{
		ch(Uncheck, "a", 2),
		{Kind: Skip, Key: "src", Step: "a", Steps: keys, At: at(2), Text: "done by hand"},
	} {
		t.Run(string(undo.Kind), func(t *testing.T) {
			s := New()
			mustApply(t, s, ch(Check, "b", 0), forced("a", 1, "alice", OverrideWait), undo)
			rec := s.Key("src").Current.Steps["a"]
			if rec != nil && (rec.Overrides != nil || rec.OverriddenBy != "") {
				t.Errorf("after %s: %+v, want no override", undo.Kind, rec)
			}
			// Checked again without setting a rule aside, the step has no override.
			mustApply(t, s, ch(Check, "a", 3))
			if rec := s.Key("src").Current.Steps["a"]; rec.Overrides != nil || rec.OverriddenBy != "" {
				t.Errorf("checked again: %+v", rec)
			}
		})
	}
}

func TestOnlyACheckOverridesKnownRules(t *testing.T) {
	for _, c := range []Change{
		{Kind: Skip, Key: "src", Step: "a", Steps: keys, At: at(1), Text: "why", Overrides: []Override{OverrideWait}},
		{Kind: SetNote, Key: "src", Step: "a", Steps: keys, At: at(1), Text: "x", Overrides: []Override{OverrideCaution}},
		forced("a", 1, "alice", "proof"),
		forced("a", 1, "alice", ""),
	} {
		s := New()
		if _, err := c.Apply(s); !errors.Is(err, ErrInvalidChange) {
			t.Errorf("%s with overrides %q: err = %v, want ErrInvalidChange", c.Kind, c.Overrides, err)
		}
		if len(s.Keys) != 0 {
			t.Errorf("an invalid change was recorded: %+v", s.Keys)
		}
	}
}

// TestOverridesSurviveTheFile: the file keeps who set which rule aside, reads the same
// on the fast path and through encoding/json, and a file written before overrides
// existed reads with none.
func TestOverridesSurviveTheFile(t *testing.T) {
	s := New()
	mustApply(t, s, forced("a", 1, "alice", OverrideCaution, OverrideWait))
	data, err := encode(s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"overrides": [`) || !strings.Contains(string(data), `"overridden_by": "alice"`) {
		t.Errorf("file lacks the overrides:\n%s", data)
	}
	if _, ok := fastDecode(data); !ok {
		t.Errorf("the fast path declined a file rotatetui wrote:\n%s", data)
	}
	sameAsEncodingJSON(t, data)
	got, _, err := decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, s)
	}

	old := `{"version": 1, "sources": {"src": {"current": {"started_at": "2026-01-02T03:05:05Z", "updated_at": "2026-01-02T03:05:05Z",
		"outcome": "in_progress", "step_keys": ["a", "b", "c"], "steps": {"a": {"checked_at": "2026-01-02T03:05:05Z", "by": "alice"}}}}}}`
	st, _, err := decode([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	if rec := st.Key("src").Current.Steps["a"]; rec.Overrides != nil || rec.OverriddenBy != "" {
		t.Errorf("an older file read with overrides: %+v", rec)
	}
}

func TestExportShowsOverrides(t *testing.T) {
	s := New()
	mustApply(t, s, forced("a", 1, "alice", OverrideWait), ch(Check, "b", 2))
	src := ExportSource{ID: "src", Name: "Src", InCatalog: true, Steps: []ExportStepInfo{{"a", "first"}, {"b", "second"}, {"c", "third"}}}
	r := NewExportRotation(src, s.Key("src").Current, func(s string) string { return strings.ToUpper(s) })
	if a := r.Steps[0]; !reflect.DeepEqual(a.Overrides, []Override{"WAIT"}) || a.OverriddenBy != "ALICE" {
		t.Errorf("step a exported as %+v: want its override, through clean", a)
	}
	if b := r.Steps[1]; b.Overrides != nil || b.OverriddenBy != "" {
		t.Errorf("step b exported as %+v", b)
	}
	if r.Overridden() != 1 {
		t.Errorf("Overridden() = %d, want 1", r.Overridden())
	}
}

// TestNoGhostRotations: a rotation whose work is all taken back is not in progress
// and leaves nothing in the history; one that still holds work stays.
func TestNoGhostRotations(t *testing.T) {
	skip := func(step string, min int) Change {
		return Change{Kind: Skip, Key: "src", Step: step, Steps: keys, At: at(min), Text: "n/a", By: "alice@laptop"}
	}
	note := func(step string, min int, text string) Change {
		return Change{Kind: SetNote, Key: "src", Step: step, Steps: keys, At: at(min), Text: text}
	}
	wait := Change{Kind: SetWait, Key: "src", Step: "a", Steps: keys, At: at(1), Until: tp(at(60))}
	tests := []struct {
		name     string
		changes  []Change
		wantRota bool // a rotation is still in progress
	}{
		{"its only check undone", []Change{ch(Check, "a", 1), ch(Uncheck, "a", 2)}, false},
		{"its only check undone, its wait left behind", []Change{ch(Check, "a", 1), wait, ch(Uncheck, "a", 2)}, false},
		{"its only skip taken back", []Change{skip("a", 1), ch(Unskip, "a", 2)}, false},
		{"its only note cleared", []Change{note("a", 1, "ask Bob"), note("a", 2, "")}, false},
		{"each of its checks undone", []Change{ch(Check, "a", 1), ch(Check, "b", 2), ch(Uncheck, "b", 3), ch(Uncheck, "a", 4)}, false},
		{"a check left", []Change{ch(Check, "a", 1), ch(Check, "b", 2), ch(Uncheck, "a", 3)}, true},
		{"a note left on the unchecked step", []Change{ch(Check, "a", 1), note("a", 2, "half done"), ch(Uncheck, "a", 3)}, true},
		{"a skip left", []Change{skip("b", 1), ch(Check, "a", 2), ch(Uncheck, "a", 3)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			for _, c := range tt.changes {
				if changed, err := c.Apply(s); err != nil || !changed {
					t.Fatalf("%s %s: changed %v, %v", c.Kind, c.Step, changed, err)
				}
			}
			ss := s.Key("src")
			if got := ss.Current != nil; got != tt.wantRota {
				t.Errorf("in progress = %v, want %v: %+v", got, tt.wantRota, ss.Current)
			}
			if ss.History != nil {
				t.Errorf("history = %+v, want none", ss.History)
			}
			if err := s.validate(); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestNothingStartsARotationWithoutWork(t *testing.T) {
	s := New()
	wait := Change{Kind: SetWait, Key: "src", Step: "a", Steps: keys, At: at(1), Until: tp(at(60))}
	if changed, err := wait.Apply(s); err != nil || changed || len(s.Keys) != 0 {
		t.Errorf("a wait alone: changed %v, %v, sources %+v", changed, err, s.Keys)
	}
}

// TestResetWithoutWorkKeepsNoAbandonedAttempt: a file may hold a rotation with no work
// (written before rotations without work vanished); resetting it keeps nothing.
func TestResetWithoutWorkKeepsNoAbandonedAttempt(t *testing.T) {
	s := New()
	s.Keys["src"] = &KeyState{Current: &Rotation{StartedAt: at(0), UpdatedAt: at(1), Outcome: InProgress, StepKeys: keys,
		Steps: map[string]*StepRecord{"a": {WaitUntil: tp(at(60)), By: "alice"}}}}
	if changed, err := ch(Reset, "", 2).Apply(s); err != nil || !changed {
		t.Fatalf("reset: changed %v, %v", changed, err)
	}
	if ss := s.Key("src"); ss.Current != nil || ss.History != nil {
		t.Errorf("after reset: %+v", ss)
	}

	// With work, a reset keeps the attempt, as always.
	mustApply(t, s, ch(Check, "a", 3), ch(Reset, "", 4))
	if h := s.Key("src").History; len(h) != 1 || h[0].Outcome != Abandoned {
		t.Errorf("history = %+v", h)
	}
}

// TestUndoBringsBackARotationThatVanished: undoing the uncheck that emptied a rotation
// brings that rotation back, start time and all; a change made for it that adds no
// work, or for a rotation that is in the history, still does nothing.
func TestUndoBringsBackARotationThatVanished(t *testing.T) {
	s := New()
	mustApply(t, s, ch(Check, "a", 1), ch(Uncheck, "a", 2))
	started := at(1)
	stale := Change{Kind: Uncheck, Key: "src", Step: "b", Steps: keys, At: at(3), Started: &started}
	if changed, _ := stale.Apply(s); changed || s.Key("src").Current != nil {
		t.Error("an uncheck made for the vanished rotation started one")
	}
	undo := Change{Kind: Check, Key: "src", Step: "a", Steps: keys, At: at(1), By: "alice@laptop", Started: &started, IfMark: &Mark{}}
	if changed, err := undo.Apply(s); err != nil || !changed {
		t.Fatalf("undo: changed %v, %v", changed, err)
	}
	cur := s.Key("src").Current
	if cur == nil || !cur.StartedAt.Equal(started) || !cur.Checked("a") || !cur.Steps["a"].CheckedAt.Equal(at(1)) {
		t.Fatalf("after the undo: %+v", cur)
	}

	// Once that rotation is finished, a change made for it does nothing.
	mustApply(t, s, ch(Reset, "", 5))
	again := Change{Kind: Check, Key: "src", Step: "b", Steps: keys, At: at(6), Started: &started}
	if changed, _ := again.Apply(s); changed || s.Key("src").Current != nil {
		t.Error("a change made for an abandoned rotation started one")
	}
}

// TestStoreForgetsARotationWithoutWork: through the store, as `rotatetui uncheck`
// saves it, the file keeps no rotation whose only check was undone.
func TestStoreForgetsARotationWithoutWork(t *testing.T) {
	store, path := newTestStore(t)
	if _, err := store.Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Apply(ch(Uncheck, "a", 2)); err != nil {
		t.Fatal(err)
	}
	st, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if ss := st.Key("src"); ss != nil && (ss.Current != nil || ss.History != nil) {
		data, _ := os.ReadFile(path)
		t.Errorf("the file keeps a rotation without work:\n%s", data)
	}
}

// TestEveryKindIsAppliedByOneFunction: each kind of change has exactly one function
// that applies it, acting on the source as a whole or on one step, and validate
// knows each kind.
func TestEveryKindIsAppliedByOneFunction(t *testing.T) {
	kinds := []ChangeKind{Check, Uncheck, Skip, Unskip, SetNote, Reset, RecordRotated, SetPlaceholder, SetWait, Reopen, RunCheck}
	for _, k := range kinds {
		_, onSource := sourceChanges[k]
		_, onStep := stepChanges[k]
		if onSource == onStep {
			t.Errorf("%s: applied on the source %v, on a step %v; want exactly one", k, onSource, onStep)
		}
		c := Change{Kind: k, Key: "src", Step: "a", Steps: keys, At: at(1), Name: "n", Started: tp(at(0))}
		if k == RunCheck {
			c.Run = testRun(FactNewKey, 0)
		}
		if err := c.validate(); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	if n := len(sourceChanges) + len(stepChanges); n != len(kinds) {
		t.Errorf("%d kinds are applied, want the %d known", n, len(kinds))
	}
	if (&Rotation{}).HasWork() || (*Rotation)(nil).HasWork() {
		t.Error("a rotation without steps has work")
	}
}
