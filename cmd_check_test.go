package main

import (
	"strings"
	"testing"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// TestCheckOfAProofStepNeedsANote: the reviewer's finding 7. `check` of New key works or
// Old key refused by hand needs --note on how it was verified (else exit 2, naming the
// flag, nothing saved); the note, through the secret guard, is recorded on each proof
// step checked, and only on them; a step that has a note already needs none.
func TestCheckOfAProofStepNeedsANote(t *testing.T) {
	c := newCLI(t).at(testClock)
	defaultVerify = catalog.VerifyOffered
	c.mustRun("check", "awin", "1", "2", "3", "--yes")
	before := c.mustRun("status", "--json")
	_, errOut, code := c.run("check", "awin", "4", "5")
	if code != exitUsage || !strings.Contains(errOut, "step 4 of Awin proves that the new key works: check it with --note") || !strings.Contains(errOut, "Nothing was checked.") {
		t.Fatalf("without --note: exit %d: %s", code, errOut)
	}
	if after := c.mustRun("status", "--json"); after != before {
		t.Errorf("a refused check changed the progress:\n%s\n%s", before, after)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "awin", "4", "--note", "  "}, "--note needs a text"},
		{[]string{"check", "awin", "4", "--note", "token ghp_aBc" + strings.Repeat("d4E5", 9)}, "--note looks like"},
		{[]string{"check", "awin", "1", "--note", "seen"}, "--note is the note of a proof step"},
		{[]string{"uncheck", "awin", "1", "--note", "seen"}, "--note works only with 'check'"},
	} {
		if _, errOut, code := c.run(tt.args...); code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%q: exit %d: %s", tt.args, code, errOut)
		}
	}
	// A note written first (here by a change, as n on screen) is the evidence.
	keys := []string{"api-credentials", "revoke-token", "reconnect", state.ProofNewStep, state.ProofOldStep}
	c.apply(state.Change{Kind: state.SetNote, Key: "awin", Step: state.ProofOldStep, Steps: keys, At: testClock, By: "cli@test", Text: "the old key gets a 401"})
	if out, errOut, code := c.run("check", "awin", "5"); code != exitOK || !strings.Contains(out, "checked step 5") {
		t.Errorf("a proof step with a note: exit %d: %s%s", code, out, errOut)
	}
	if out := c.mustRun("check", "awin", "4", "--note", "curl /me answered 200"); !strings.Contains(out, "rotation complete") {
		t.Errorf("with --note: %s", out)
	}
	ss := c.load().Key("awin")
	if ss == nil || len(ss.History) != 1 {
		t.Fatalf("recorded %+v", ss)
	}
	steps := ss.History[0].Steps
	if r := steps[state.ProofNewStep]; r == nil || r.CheckedAt == nil || r.Note != "curl /me answered 200" {
		t.Errorf("New key works: %+v", r)
	}
	if r := steps[state.ProofOldStep]; r == nil || r.CheckedAt == nil || r.Note != "the old key gets a 401" {
		t.Errorf("Old key refused: %+v", r)
	}
	for _, k := range keys[:3] {
		if r := steps[k]; r == nil || r.Note != "" {
			t.Errorf("step %s: %+v", k, r)
		}
	}
}
