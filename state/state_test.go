package state

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

func tp(t time.Time) *time.Time { return &t }

var keys = []string{"a", "b", "c"}

// ch builds a change on source "src" with the catalog keys above.
func ch(kind ChangeKind, step string, min int) Change {
	return Change{Kind: kind, Key: "src", Step: step, Steps: keys, At: at(min), By: "alice@laptop"}
}

func mustApply(t *testing.T, s *State, cs ...Change) {
	t.Helper()
	for _, c := range cs {
		if _, err := c.Apply(s); err != nil {
			t.Fatalf("apply %+v: %v", c, err)
		}
	}
}

// changeApplyTests are TestChangeApply's cases, outside it so that its complexity is
// that of the loop, not the sum of the cases' checks.
var changeApplyTests = []struct {
	name        string
	setup       []Change
	change      Change
	wantChanged bool
	want        func(t *testing.T, ss *KeyState)
}{
	{
		name:        "check starts a rotation",
		change:      ch(Check, "b", 1),
		wantChanged: true,
		want: func(t *testing.T, ss *KeyState) {
			want := &Rotation{
				StartedAt: at(1), UpdatedAt: at(1), Outcome: InProgress, StartedBy: "alice@laptop",
				StepKeys: keys,
				Steps:    map[string]*StepRecord{"b": {CheckedAt: tp(at(1)), By: "alice@laptop"}},
			}
			if !reflect.DeepEqual(ss.Current, want) {
				t.Errorf("current = %+v, want %+v", ss.Current, want)
			}
		},
	},
	{
		name:        "check again keeps the first time",
		setup:       []Change{ch(Check, "a", 1)},
		change:      ch(Check, "a", 5),
		wantChanged: false,
		want: func(t *testing.T, ss *KeyState) {
			if got := *ss.Current.Steps["a"].CheckedAt; !got.Equal(at(1)) {
				t.Errorf("checked at %v, want %v", got, at(1))
			}
			if !ss.Current.UpdatedAt.Equal(at(1)) {
				t.Errorf("updated at %v, want unchanged %v", ss.Current.UpdatedAt, at(1))
			}
		},
	},
	{
		name:        "uncheck clears the check, keeps the note",
		setup:       []Change{ch(Check, "a", 1), {Kind: SetNote, Key: "src", Step: "a", Steps: keys, At: at(2), Text: "ticket 12"}},
		change:      ch(Uncheck, "a", 3),
		wantChanged: true,
		want: func(t *testing.T, ss *KeyState) {
			rec := ss.Current.Steps["a"]
			if rec.CheckedAt != nil || rec.Note != "ticket 12" || !rec.NotedAt.Equal(at(2)) {
				t.Errorf("record = %+v", rec)
			}
			if !ss.Current.UpdatedAt.Equal(at(3)) {
				t.Errorf("updated at %v, want %v", ss.Current.UpdatedAt, at(3))
			}
		},
	},
	{
		name:        "uncheck an unchecked step is a no-op",
		setup:       []Change{ch(Check, "a", 1)},
		change:      ch(Uncheck, "b", 2),
		wantChanged: false,
	},
	{
		name:        "uncheck with no rotation is a no-op and starts nothing",
		change:      ch(Uncheck, "a", 1),
		wantChanged: false,
		want: func(t *testing.T, ss *KeyState) {
			if ss != nil {
				t.Errorf("source created: %+v", ss)
			}
		},
	},
	{
		name:        "unskip with no rotation is a no-op",
		change:      ch(Unskip, "a", 1),
		wantChanged: false,
	},
	{
		name:        "skip records the reason and clears a check",
		setup:       []Change{ch(Check, "a", 1)},
		change:      Change{Kind: Skip, Key: "src", Step: "a", Steps: keys, At: at(2), Text: "no webhooks"},
		wantChanged: true,
		want: func(t *testing.T, ss *KeyState) {
			rec := ss.Current.Steps["a"]
			if rec.CheckedAt != nil || !rec.SkippedAt.Equal(at(2)) || rec.SkipReason != "no webhooks" {
				t.Errorf("record = %+v", rec)
			}
		},
	},
	{
		name:        "check clears a skip",
		setup:       []Change{{Kind: Skip, Key: "src", Step: "a", Steps: keys, At: at(1), Text: "why"}},
		change:      ch(Check, "a", 2),
		wantChanged: true,
		want: func(t *testing.T, ss *KeyState) {
			rec := ss.Current.Steps["a"]
			if rec.SkippedAt != nil || rec.SkipReason != "" || !rec.CheckedAt.Equal(at(2)) {
				t.Errorf("record = %+v", rec)
			}
		},
	},
	{
		// The skip was the rotation's only work: the rotation goes with it.
		name:        "unskip clears the skip and drops the empty record",
		setup:       []Change{{Kind: Skip, Key: "src", Step: "a", Steps: keys, At: at(1), Text: "why"}},
		change:      ch(Unskip, "a", 2),
		wantChanged: true,
		want: func(t *testing.T, ss *KeyState) {
			if ss.Current != nil || ss.History != nil {
				t.Errorf("source = %+v, want no rotation, none in the history", ss)
			}
		},
	},
	{
		name:        "note starts a rotation",
		change:      Change{Kind: SetNote, Key: "src", Step: "c", Steps: keys, At: at(1), Text: "see runbook"},
		wantChanged: true,
		want: func(t *testing.T, ss *KeyState) {
			if ss.Current == nil || ss.Current.Steps["c"].Note != "see runbook" || ss.Current.Handled("c") {
				t.Errorf("current = %+v", ss.Current)
			}
		},
	},
	{
		name:        "clearing a note with no rotation starts nothing",
		change:      Change{Kind: SetNote, Key: "src", Step: "c", Steps: keys, At: at(1)},
		wantChanged: false,
	},
	{
		name:        "wait sets WaitUntil",
		setup:       []Change{ch(Check, "a", 1)},
		change:      Change{Kind: SetWait, Key: "src", Step: "a", Steps: keys, At: at(1), Until: tp(at(60))},
		wantChanged: true,
		want: func(t *testing.T, ss *KeyState) {
			if w := ss.Current.Steps["a"].WaitUntil; w == nil || !w.Equal(at(60)) {
				t.Errorf("wait until %v", w)
			}
		},
	},
	{
		name:        "last step handled completes the rotation",
		setup:       []Change{ch(Check, "a", 1), {Kind: Skip, Key: "src", Step: "b", Steps: keys, At: at(2), Text: "n/a"}},
		change:      ch(Check, "c", 3),
		wantChanged: true,
		want: func(t *testing.T, ss *KeyState) {
			if ss.Current != nil {
				t.Errorf("current = %+v, want nil", ss.Current)
			}
			if len(ss.History) != 1 {
				t.Fatalf("history = %+v", ss.History)
			}
			h := ss.History[0]
			if h.Outcome != Completed || !h.FinishedAt.Equal(at(3)) || !h.StartedAt.Equal(at(1)) || len(h.Steps) != 3 {
				t.Errorf("history[0] = %+v", h)
			}
			if ss.LastCompleted() != &ss.History[0] {
				t.Errorf("LastCompleted = %v", ss.LastCompleted())
			}
		},
	},
	{
		name:  "completion uses the catalog's current keys",
		setup: []Change{ch(Check, "a", 1), ch(Check, "b", 2)},
		// The catalog gained step "d" since the rotation started.
		change:      Change{Kind: Check, Key: "src", Step: "c", Steps: []string{"a", "b", "c", "d"}, At: at(3)},
		wantChanged: true,
		want: func(t *testing.T, ss *KeyState) {
			if ss.Current == nil || len(ss.History) != 0 {
				t.Fatalf("rotation finished early: %+v", ss)
			}
			if !reflect.DeepEqual(ss.Current.StepKeys, keys) {
				t.Errorf("step keys = %v, want the ones at start %v", ss.Current.StepKeys, keys)
			}
		},
	},
	{
		name:        "reset abandons the current rotation",
		setup:       []Change{ch(Check, "a", 1)},
		change:      ch(Reset, "", 2),
		wantChanged: true,
		want: func(t *testing.T, ss *KeyState) {
			if ss.Current != nil || len(ss.History) != 1 {
				t.Fatalf("state = %+v", ss)
			}
			if h := ss.History[0]; h.Outcome != Abandoned || !h.FinishedAt.Equal(at(2)) || !h.Checked("a") {
				t.Errorf("history[0] = %+v", h)
			}
			if ss.LastCompleted() != nil {
				t.Errorf("abandoned rotation counted as completed")
			}
		},
	},
	{
		name:        "reset without a rotation is a no-op",
		change:      ch(Reset, "", 2),
		wantChanged: false,
	},
	{
		name: "history is kept when a new rotation starts",
		setup: []Change{
			ch(Check, "a", 1), ch(Check, "b", 2), ch(Check, "c", 3), // completed
			ch(Check, "a", 4), ch(Reset, "", 5), // abandoned
		},
		change:      ch(Check, "b", 6),
		wantChanged: true,
		want: func(t *testing.T, ss *KeyState) {
			if len(ss.History) != 2 || ss.History[0].Outcome != Completed || ss.History[1].Outcome != Abandoned {
				t.Fatalf("history = %+v", ss.History)
			}
			if ss.Current == nil || !ss.Current.StartedAt.Equal(at(6)) || ss.Current.Checked("a") {
				t.Errorf("current = %+v", ss.Current)
			}
			if lc := ss.LastCompleted(); lc == nil || !lc.FinishedAt.Equal(at(3)) {
				t.Errorf("LastCompleted = %+v", lc)
			}
		},
	},
	{
		name:        "record rotated",
		change:      ch(RecordRotated, "", 7),
		wantChanged: true,
		want: func(t *testing.T, ss *KeyState) {
			if ss.LastRotated == nil || !ss.LastRotated.Equal(at(7)) || ss.Current != nil {
				t.Errorf("state = %+v", ss)
			}
		},
	},
	{
		name:        "only if latest: an older note does not replace a newer one",
		setup:       []Change{{Kind: SetNote, Key: "src", Step: "a", Steps: keys, At: at(5), Text: "newer"}},
		change:      Change{Kind: SetNote, Key: "src", Step: "a", Steps: keys, At: at(2), Text: "older", OnlyIfLatest: true},
		wantChanged: false,
	},
	{
		name:        "only if latest: a later note replaces an older one",
		setup:       []Change{{Kind: SetNote, Key: "src", Step: "a", Steps: keys, At: at(1), Text: "older"}},
		change:      Change{Kind: SetNote, Key: "src", Step: "a", Steps: keys, At: at(2), Text: "later", OnlyIfLatest: true},
		wantChanged: true,
		want: func(t *testing.T, ss *KeyState) {
			if rec := ss.Current.Steps["a"]; rec.Note != "later" {
				t.Errorf("record = %+v", rec)
			}
		},
	},
	{
		name:        "only if latest: an older uncheck does not undo a newer check",
		setup:       []Change{ch(Check, "a", 5)},
		change:      Change{Kind: Uncheck, Key: "src", Step: "a", Steps: keys, At: at(2), OnlyIfLatest: true},
		wantChanged: false,
	},
	{
		name:        "only if latest: an older skip does not replace a newer check",
		setup:       []Change{ch(Check, "a", 5)},
		change:      Change{Kind: Skip, Key: "src", Step: "a", Steps: keys, At: at(2), Text: "why", OnlyIfLatest: true},
		wantChanged: false,
	},
	{
		name:        "only if latest: an uncheck after the check applies",
		setup:       []Change{ch(Check, "a", 1)},
		change:      Change{Kind: Uncheck, Key: "src", Step: "a", Steps: keys, At: at(2), OnlyIfLatest: true},
		wantChanged: true,
	},
	{
		name:        "only if latest: a note is not held back by a later check",
		setup:       []Change{ch(Check, "a", 5)},
		change:      Change{Kind: SetNote, Key: "src", Step: "a", Steps: keys, At: at(2), Text: "asked Bob", OnlyIfLatest: true},
		wantChanged: true,
	},
	{
		name:        "only if latest: an older rotation date does not replace a newer one",
		setup:       []Change{ch(RecordRotated, "", 7)},
		change:      Change{Kind: RecordRotated, Key: "src", At: at(3), OnlyIfLatest: true},
		wantChanged: false,
	},
	{
		name:        "set placeholder",
		change:      Change{Kind: SetPlaceholder, Key: "src", At: at(1), Name: "org", Text: "acme"},
		wantChanged: true,
		want: func(t *testing.T, ss *KeyState) {
			if ss.Placeholders["org"] != "acme" {
				t.Errorf("placeholders = %v", ss.Placeholders)
			}
		},
	},
	{
		name:        "same placeholder value is a no-op",
		setup:       []Change{{Kind: SetPlaceholder, Key: "src", At: at(1), Name: "org", Text: "acme"}},
		change:      Change{Kind: SetPlaceholder, Key: "src", At: at(2), Name: "org", Text: "acme"},
		wantChanged: false,
	},
	{
		name:        "empty placeholder value removes it",
		setup:       []Change{{Kind: SetPlaceholder, Key: "src", At: at(1), Name: "org", Text: "acme"}},
		change:      Change{Kind: SetPlaceholder, Key: "src", At: at(2), Name: "org"},
		wantChanged: true,
		want: func(t *testing.T, ss *KeyState) {
			if ss.Placeholders != nil {
				t.Errorf("placeholders = %v", ss.Placeholders)
			}
		},
	},
}

func TestChangeApply(t *testing.T) {
	for _, tt := range changeApplyTests {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			mustApply(t, s, tt.setup...)
			before := s.Clone()
			changed, err := tt.change.Apply(s)
			if err != nil {
				t.Fatal(err)
			}
			if changed != tt.wantChanged {
				t.Errorf("changed = %v, want %v", changed, tt.wantChanged)
			}
			if !changed && !reflect.DeepEqual(s, before) {
				t.Errorf("no-op modified the state:\n got %+v\nwant %+v", s, before)
			}
			if tt.want != nil {
				tt.want(t, s.Key("src"))
			}
		})
	}
}

func TestChangeApplyValidation(t *testing.T) {
	tests := []struct {
		name string
		c    Change
	}{
		{"empty source", Change{Kind: Check, Step: "a", Steps: keys, At: at(1)}},
		{"empty step on check", Change{Kind: Check, Key: "src", Steps: keys, At: at(1)}},
		{"empty step on uncheck", Change{Kind: Uncheck, Key: "src", At: at(1)}},
		{"empty step on skip", Change{Kind: Skip, Key: "src", At: at(1)}},
		{"empty step on unskip", Change{Kind: Unskip, Key: "src", At: at(1)}},
		{"empty step on note", Change{Kind: SetNote, Key: "src", At: at(1), Text: "x"}},
		{"empty step on wait", Change{Kind: SetWait, Key: "src", At: at(1)}},
		{"unknown step on check", Change{Kind: Check, Key: "src", Step: "zz", Steps: keys, At: at(1)}},
		{"unknown step on uncheck", Change{Kind: Uncheck, Key: "src", Step: "zz", Steps: keys, At: at(1)}},
		{"unknown step on note", Change{Kind: SetNote, Key: "src", Step: "zz", Steps: keys, At: at(1)}},
		{"unknown kind", Change{Kind: "frobnicate", Key: "src", Step: "a", Steps: keys, At: at(1)}},
		{"empty kind", Change{Key: "src", At: at(1)}},
		{"placeholder without name", Change{Kind: SetPlaceholder, Key: "src", At: at(1), Text: "v"}},
		{"zero time", Change{Kind: Check, Key: "src", Step: "a", Steps: keys}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			mustApply(t, s, ch(Check, "a", 0))
			before := s.Clone()
			changed, err := tt.c.Apply(s)
			if !errors.Is(err, ErrInvalidChange) {
				t.Errorf("err = %v, want ErrInvalidChange", err)
			}
			if changed || !reflect.DeepEqual(s, before) {
				t.Errorf("state modified by an invalid change")
			}
		})
	}
	if _, err := ch(Check, "a", 1).Apply(nil); err == nil {
		t.Error("Apply(nil) succeeded")
	}
}

func TestChangeWithoutStepsNeverCompletes(t *testing.T) {
	s := New()
	c := Change{Kind: Check, Key: "src", Step: "x", At: at(1)}
	mustApply(t, s, c)
	if s.Key("src").Current == nil {
		t.Fatal("a check without the catalog keys completed a rotation of zero steps")
	}
}

func TestHelpersNilSafe(t *testing.T) {
	var r *Rotation
	if r.Checked("a") || r.Handled("a") {
		t.Error("nil rotation reports a handled step")
	}
	if d, n := r.Progress(keys); d != 0 || n != 3 {
		t.Errorf("Progress = %d/%d", d, n)
	}
	var rec *StepRecord
	if rec.Done() {
		t.Error("nil record is done")
	}
	var s *State
	if s.Key("x") != nil || s.Clone() != nil {
		t.Error("nil state")
	}
	var ss *KeyState
	if ss.LastCompleted() != nil {
		t.Error("nil source state")
	}
	if New().Key("x") != nil {
		t.Error("absent source is not nil")
	}

	s = New()
	mustApply(t, s, ch(Check, "a", 1), Change{Kind: Skip, Key: "src", Step: "b", Steps: keys, At: at(2)})
	cur := s.Key("src").Current
	if !cur.Checked("a") || cur.Checked("b") || !cur.Handled("b") || cur.Handled("c") {
		t.Errorf("Checked/Handled wrong for %+v", cur.Steps)
	}
	if d, n := cur.Progress([]string{"a", "b", "c", "d"}); d != 2 || n != 4 {
		t.Errorf("Progress = %d/%d, want 2/4", d, n)
	}
}

func TestClone(t *testing.T) {
	s := New()
	mustApply(t, s,
		ch(Check, "a", 1), ch(Check, "b", 2), ch(Check, "c", 3),
		ch(Check, "a", 4),
		Change{Kind: SetWait, Key: "src", Step: "a", Steps: keys, At: at(4), Until: tp(at(9))},
		Change{Kind: SetPlaceholder, Key: "src", At: at(4), Name: "org", Text: "acme"},
		ch(RecordRotated, "", 5),
	)
	c := s.Clone()
	if !reflect.DeepEqual(s, c) {
		t.Fatalf("clone differs")
	}
	// The snapshot is the encoded form: a Clone would share whatever bug Clone has.
	snapshot, err := encode(s)
	if err != nil {
		t.Fatal(err)
	}
	// Mutate everything reachable from c; s must not notice.
	cs := c.Keys["src"]
	*cs.LastRotated = at(100)
	cs.Placeholders["org"] = "evil"
	cs.History[0].StepKeys[0] = "evil"
	*cs.History[0].FinishedAt = at(100)
	*cs.History[0].Steps["a"].CheckedAt = at(100)
	cs.History[0].Steps["a"].Note = "evil"
	*cs.Current.Steps["a"].WaitUntil = at(100)
	cs.Current.Steps["b"] = &StepRecord{}
	c.Keys["other"] = &KeyState{}
	mustApply(t, c, ch(Check, "b", 6), ch(Check, "c", 7))
	if after, _ := encode(s); !bytes.Equal(after, snapshot) {
		t.Errorf("mutating the clone changed the original:\n%s", after)
	}
}
