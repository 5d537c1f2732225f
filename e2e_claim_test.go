package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/rotatetui/rotatetui/state"
)

// startAs is start with the terminal's person recorded as actor.
func (s *sandbox) startAs(actor string, args ...string) *terminal {
	s.t.Helper()
	env := s.env
	s.env = append(slices.Clone(env), "ROTATETUI_ACTOR="+actor)
	defer func() { s.env = env }()
	return s.start(args...)
}

// TestEndToEndTwoPeopleOnOneKey: Ana starts Snowflake; Bob's list, open meanwhile,
// names her on the key as soon as her check is saved; Bob's checklist says she holds
// it and asks before his check, which then lands on her rotation and shows on her
// screen; a script acting as a third person is refused without --join.
func TestEndToEndTwoPeopleOnOneKey(t *testing.T) {
	s := newSandbox(t)
	twoPeopleOnOneKey(t, s, func() *state.State { return loadStore(t, state.NewStore(s.statePath())) })
}

// twoPeopleOnOneKey is TestEndToEndTwoPeopleOnOneKey on the store s uses; load reads
// that store.
func twoPeopleOnOneKey(t *testing.T, s *sandbox, load func() *state.State) {
	bob := s.startAs("bob@desk")
	bob.waitFor("51 sources")
	ana := s.startAs("ana@laptop", "snowflake")
	ana.waitFor("0/8")
	ana.keys("Space")
	ana.waitFor("1/8")
	bob.waitFor("[ana@laptop]", "in progress 1/8")

	bob.keys("g", "Enter")
	bob.waitFor("◆ ana@laptop started rotating Snowflake", "You will be asked before")
	bob.keys("Space")
	bob.waitFor("Act on their rotation?")
	bob.keys("y")
	bob.waitFor("2/8", "You joined it")
	ana.waitFor("2/8", "checked by bob@desk")

	if _, stderr, code := s.run("check", "snowflake", "3"); code != exitFailed || !strings.Contains(stderr, "ana@laptop started rotating Snowflake") || !strings.Contains(stderr, "--join") {
		t.Errorf("a third person's check without --join: exit %d, stderr %q", code, stderr)
	}
	if _, stderr, code := s.run("check", "--join", "snowflake", "3"); code != exitOK {
		t.Errorf("check --join: exit %d, stderr %q", code, stderr)
	}
	ana.waitFor("3/8")
	cur := load().Keys["snowflake"].Current
	if cur == nil || cur.StartedBy != "ana@laptop" || cur.Steps["accountadmin-role"].By != "bob@desk" || cur.Steps["refresh-secret"].By != "e2e@test" {
		t.Errorf("the rotation on disk: %+v", cur)
	}
	ana.keys("q")
	bob.keys("q")
	ana.exited()
	bob.exited()
}

// loadStore reads what store holds now.
func loadStore(t *testing.T, store state.Backend) *state.State {
	t.Helper()
	st, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	return st
}
