package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/rotatetui/rotatetui/state"
)

// fakeToken is a GitHub-token-shaped string, made up at run time.
var fakeToken = "ghp_" + strings.Repeat("aB3dE5gH7j", 4)[:36]

// An actor name that looks like a secret is refused, from the flag or the environment,
// without being echoed, and nothing is recorded.
func TestActorThatLooksLikeASecretIsRefused(t *testing.T) {
	c := newCLI(t)
	for _, bad := range []string{fakeToken, "Tr0ub4dor&3"} {
		_, errOut, code := c.run("check", "snowflake", "1", "--actor", bad)
		if code != exitUsage || !strings.Contains(errOut, "--actor looks like ") || strings.Contains(errOut, bad) {
			t.Errorf("--actor %s: exit %d, want 2 and a message that does not echo it:\n%s", bad, code, errOut)
		}
		t.Setenv("ROTATETUI_ACTOR", bad)
		_, errOut, code = c.run("check", "snowflake", "1")
		if code != exitUsage || !strings.Contains(errOut, "$ROTATETUI_ACTOR looks like ") || strings.Contains(errOut, bad) {
			t.Errorf("ROTATETUI_ACTOR=%s: exit %d, want 2:\n%s", bad, code, errOut)
		}
		if _, errOut, code := c.run("status"); code != exitOK {
			t.Errorf("status, which records nothing, refused ROTATETUI_ACTOR: exit %d\n%s", code, errOut)
		}
		t.Setenv("ROTATETUI_ACTOR", "cli@test")
	}
	if _, err := os.Stat(c.statePath()); err == nil {
		t.Error("a refused actor recorded something")
	}
	// An ordinary user@host passes, also one whose host name mixes letters and digits.
	c.mustRun("check", "snowflake", "1", "--actor", "jenkins@build-agent-07")
	if by := c.load().Key("snowflake").Current.Steps["login"].By; by != "jenkins@build-agent-07" {
		t.Errorf("recorded by %q", by)
	}
}

// suspectStateFile writes a state file that holds, as an older version or a hand edit
// could, a secret in a note, a skip reason, an actor and a placeholder value.
func suspectStateFile(t *testing.T, c *cli) {
	t.Helper()
	c.at(testClock).mustRun("check", "snowflake", "1", "2")
	st := c.load()
	ss := st.Keys["snowflake"]
	keys := snowflakeSteps(t)
	ss.Current.StartedBy = "Tr0ub4dor&3"
	ss.Current.Steps[keys[0]].Note = "the new key is " + fakeToken
	ss.Current.Steps[keys[1]].SkipReason = "" // checked; a skip reason on step 3 instead
	at := ss.Current.StartedAt
	ss.Current.Steps[keys[2]] = &state.StepRecord{SkippedAt: &at, SkipReason: "password Hunter2!xyz", By: "cli@test"}
	ss.Placeholders = map[string]string{"account": fakeToken}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.statePath(), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// Texts already in the state file that look like secrets are named on load by where
// they are, never by what they say, and every export and history withholds them.
func TestSecretLookingTextsInTheStateFileAreWithheld(t *testing.T) {
	c := newCLI(t)
	suspectStateFile(t, c)
	keys := snowflakeSteps(t)
	raw := []string{fakeToken, "Tr0ub4dor", "Hunter2"}
	noRaw := func(what, out string) {
		t.Helper()
		for _, s := range raw {
			if strings.Contains(out, s) {
				t.Errorf("%s shows %q:\n%s", what, s, out)
			}
		}
	}
	out, errOut, code := c.run("history", "snowflake")
	noRaw("history", out+errOut)
	for _, want := range []string{"rotatetui: warning: 4 texts in " + c.statePath() + " look like secrets",
		"source snowflake, step " + keys[0] + " (rotation started ", "the note looks like a GitHub token",
		"step " + keys[2], "the skip reason looks like", "source snowflake: the value of {account} looks like",
		"source snowflake (rotation started ", "the actor looks like"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("history stderr lacks %q:\n%s", want, errOut)
		}
	}
	if code != exitOK {
		t.Errorf("history: exit %d", code)
	}
	// status shows none of these texts, and keeps its quick start.
	if out, errOut, code := c.run("status"); code != exitOK || strings.Contains(errOut, "secret") {
		t.Errorf("status: exit %d\n%s%s", code, out, errOut)
	}
	if got := screenReminder(state.NewStore(c.statePath()), "rotatetui restore"); !strings.Contains(got, "4 texts in the progress file look like secrets") {
		t.Errorf("the screen's reminder: %q", got)
	}
	for _, args := range [][]string{{"export"}, {"export", "--format", "csv"}, {"export", "--json"}, {"history", "snowflake"}, {"history", "snowflake", "--json"}} {
		out, errOut, code := c.run(args...)
		noRaw(strings.Join(args, " "), out+errOut)
		if code != exitOK || !strings.Contains(out, state.Withheld) {
			t.Errorf("%v: exit %d, want %q in place of the secrets:\n%s", args, code, state.Withheld, out)
		}
	}
}
