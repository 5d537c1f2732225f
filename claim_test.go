package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rotatetui/rotatetui/state"
)

// TestCheckLeavesSomeoneElsesRotationAlone: a key another actor is rotating is not
// acted on without --join, and the refusal says who, since when and how far, and
// records nothing; with --join the change is made, as the joiner's.
func TestCheckLeavesSomeoneElsesRotationAlone(t *testing.T) {
	c := newCLI(t).at(testClock)
	c.mustRun("--actor", "ana@laptop", "check", "snowflake", "1", "2")
	before, _ := os.ReadFile(c.statePath())
	c.at(testClock.Add(12 * time.Minute))
	for _, args := range [][]string{
		{"check", "snowflake", "3"},
		{"uncheck", "snowflake", "1"},
		{"reset", "snowflake"},
	} {
		out, errOut, code := c.run(args...)
		if code != exitFailed || !strings.Contains(errOut, "ana@laptop started rotating Snowflake 12 min ago, step 3 of 8") || !strings.Contains(errOut, "--join") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 1 naming ana, 12 min ago, step 3 of 8, and --join", args, code, out, errOut)
		}
		if after, _ := os.ReadFile(c.statePath()); string(after) != string(before) {
			t.Errorf("%v refused, yet the state file changed", args)
		}
	}
	// Ana goes on without being asked: it is her rotation.
	c.mustRun("--actor", "ana@laptop", "check", "snowflake", "3")
	c.mustRun("check", "--join", "snowflake", "4")
	cur := c.load().Key("snowflake").Current
	if cur == nil || cur.StartedBy != "ana@laptop" || cur.Steps["show-secrets"] == nil || cur.Steps["show-secrets"].By != "cli@test" {
		t.Fatalf("after --join: %+v; want ana's rotation with step 4 by cli@test", cur)
	}
	c.mustRun("reset", "--join", "snowflake")
	if cur := c.load().Key("snowflake").Current; cur != nil {
		t.Errorf("reset --join left %+v in progress", cur)
	}
}

// TestVerifyLeavesSomeoneElsesRotationAlone: verify records on the rotation in
// progress, so on one someone else started it runs nothing without --join.
func TestVerifyLeavesSomeoneElsesRotationAlone(t *testing.T) {
	c := proofCLI(t, "", "exit 22")
	c.at(testClock).mustRun("--actor", "ana@laptop", "check", "--yes", "awin/main", "1", "2", "3")
	out, errOut, code := c.run("verify", "awin/main", "--old", "--yes")
	if code != exitFailed || !strings.Contains(errOut, "ana@laptop started rotating Awin · main") || !strings.Contains(errOut, "--join") || strings.Contains(errOut, "runs:") {
		t.Errorf("without --join: exit %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := c.run("verify", "awin/main", "--old", "--yes", "--join"); code != exitOK || !strings.Contains(out, "checked step 5") {
		t.Errorf("with --join: exit %d\n%s%s", code, out, errOut)
	}
	if rec := c.load().Key("awin/main").Current.Steps[state.ProofOldStep]; rec == nil || rec.By != "cli@test" {
		t.Errorf("recorded %+v", rec)
	}
}
