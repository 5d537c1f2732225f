package catalog

import "testing"

func TestCautionRules(t *testing.T) {
	steps := func(kinds ...Kind) *Source {
		s := &Source{ID: "x"}
		for i, k := range kinds {
			s.Steps = append(s.Steps, Step{Key: string(rune('a' + i)), Kind: k})
		}
		return s
	}
	none := func(string) (bool, bool) { return false, false }
	marks := func(checked, skipped string) StepMarks {
		return func(key string) (bool, bool) { return key == checked, key == skipped }
	}
	createThenRevoke := steps(KindNavigate, KindCreate, KindRevoke)
	revokeThenCreate := steps(KindRevoke, KindCreate)
	oneAction := steps(KindNavigate, KindRevoke)
	safe := steps(KindNavigate, KindCreate)

	cases := []struct {
		name      string
		src       *Source
		step      int
		marks     StepMarks
		unguarded bool
		skipped   int
	}{
		{"revoke with no create done", createThenRevoke, 2, none, true, -1},
		{"revoke after the create is checked", createThenRevoke, 2, marks("b", ""), false, -1},
		{"a skipped create is no new key", createThenRevoke, 2, marks("", "b"), true, 1},
		{"a step that is not a revoke", createThenRevoke, 1, none, false, -1},
		{"revoke first", revokeThenCreate, 0, none, true, -1},
		{"one action", oneAction, 1, none, true, -1},
	}
	for _, c := range cases {
		if got := c.src.RevokeUnguarded(c.step, c.marks); got != c.unguarded {
			t.Errorf("%s: RevokeUnguarded = %v, want %v", c.name, got, c.unguarded)
		}
		if got := c.src.SkippedCreate(c.marks); got != c.skipped {
			t.Errorf("%s: SkippedCreate = %d, want %d", c.name, got, c.skipped)
		}
	}

	for _, c := range []struct {
		name    string
		src     *Source
		first   int
		risky   bool
		oneShot bool
	}{
		{"creates first", createThenRevoke, -1, false, false},
		{"revokes first", revokeThenCreate, 0, true, false},
		{"replaces in one action", oneAction, 1, true, true},
		{"never revokes", safe, -1, false, false},
	} {
		i, risky := c.src.RevokesFirst()
		if i != c.first || risky != c.risky {
			t.Errorf("%s: RevokesFirst = %d, %v; want %d, %v", c.name, i, risky, c.first, c.risky)
		}
		if got := c.src.ReplacesInOneAction(); got != c.oneShot {
			t.Errorf("%s: ReplacesInOneAction = %v, want %v", c.name, got, c.oneShot)
		}
	}
}
