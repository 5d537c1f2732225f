package state

import (
	"errors"
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
	rec := s.Source("src").Current.Steps["a"]
	if want := []Override{OverrideCaution, OverrideWait}; !reflect.DeepEqual(rec.Overrides, want) || rec.OverriddenBy != "alice@laptop" {
		t.Fatalf("record = %+v, want overrides %v by alice@laptop", rec, want)
	}

	// A later note by someone else makes them the step's latest actor, but the
	// override stays Alice's.
	note := Change{Kind: SetNote, Source: "src", Step: "a", Steps: keys, At: at(2), By: "bob@desk", Text: "seen"}
	mustApply(t, s, note)
	if rec := s.Source("src").Current.Steps["a"]; rec.By != "bob@desk" || rec.OverriddenBy != "alice@laptop" || len(rec.Overrides) != 2 {
		t.Errorf("after bob's note: %+v", rec)
	}

	// Checking an already checked step keeps the first check, and adds no override.
	mustApply(t, s, ch(Check, "b", 3), forced("b", 4, "carol", OverrideWait))
	if rec := s.Source("src").Current.Steps["b"]; rec.Overrides != nil || rec.OverriddenBy != "" {
		t.Errorf("second check of b recorded an override: %+v", rec)
	}

	// A check without overrides records none.
	if rec := s.Source("src").Current.Steps["b"]; rec.Overrides != nil {
		t.Errorf("plain check: %+v", rec)
	}
}

func TestOverridesGoWithTheCheck(t *testing.T) {
	for _, undo := range []Change{
		ch(Uncheck, "a", 2),
		{Kind: Skip, Source: "src", Step: "a", Steps: keys, At: at(2), Text: "done by hand"},
	} {
		t.Run(string(undo.Kind), func(t *testing.T) {
			s := New()
			mustApply(t, s, ch(Check, "b", 0), forced("a", 1, "alice", OverrideWait), undo)
			rec := s.Source("src").Current.Steps["a"]
			if rec != nil && (rec.Overrides != nil || rec.OverriddenBy != "") {
				t.Errorf("after %s: %+v, want no override", undo.Kind, rec)
			}
			// Checked again without setting a rule aside, the step has no override.
			mustApply(t, s, ch(Check, "a", 3))
			if rec := s.Source("src").Current.Steps["a"]; rec.Overrides != nil || rec.OverriddenBy != "" {
				t.Errorf("checked again: %+v", rec)
			}
		})
	}
}

func TestOnlyACheckOverridesKnownRules(t *testing.T) {
	for _, c := range []Change{
		{Kind: Skip, Source: "src", Step: "a", Steps: keys, At: at(1), Text: "why", Overrides: []Override{OverrideWait}},
		{Kind: SetNote, Source: "src", Step: "a", Steps: keys, At: at(1), Text: "x", Overrides: []Override{OverrideCaution}},
		forced("a", 1, "alice", "proof"),
		forced("a", 1, "alice", ""),
	} {
		s := New()
		if _, err := c.Apply(s); !errors.Is(err, ErrInvalidChange) {
			t.Errorf("%s with overrides %q: err = %v, want ErrInvalidChange", c.Kind, c.Overrides, err)
		}
		if len(s.Sources) != 0 {
			t.Errorf("an invalid change was recorded: %+v", s.Sources)
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
	if rec := st.Source("src").Current.Steps["a"]; rec.Overrides != nil || rec.OverriddenBy != "" {
		t.Errorf("an older file read with overrides: %+v", rec)
	}
}

func TestExportShowsOverrides(t *testing.T) {
	s := New()
	mustApply(t, s, forced("a", 1, "alice", OverrideWait), ch(Check, "b", 2))
	src := ExportSource{ID: "src", Name: "Src", InCatalog: true, Steps: []ExportStepInfo{{"a", "first"}, {"b", "second"}, {"c", "third"}}}
	r := NewExportRotation(src, s.Source("src").Current, func(s string) string { return strings.ToUpper(s) })
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
