package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// proofCLI is a CLI with the default verify setting (offered), and a keys file whose
// key awin/main has the check commands given.
func proofCLI(t *testing.T, checkNew, checkOld string) *cli {
	t.Helper()
	c := newCLI(t)
	defaultVerify = catalog.VerifyOffered
	keys := "version = 1\n[[keys]]\nsource = \"awin\"\nname = \"main\"\nvalues = { acct = \"x1\" }\n"
	if checkNew != "" {
		keys += "check_new = " + tomlQuote(checkNew) + "\n"
	}
	if checkOld != "" {
		keys += "check_old = " + tomlQuote(checkOld) + "\n"
	}
	c.write("config/rotatetui/keys.toml", keys)
	return c
}

func tomlQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

func TestProofStepKeysAreTheSameInCatalogAndState(t *testing.T) {
	if catalog.ProofNewStep != state.ProofNewStep || catalog.ProofOldStep != state.ProofOldStep {
		t.Errorf("catalog %q %q, state %q %q", catalog.ProofNewStep, catalog.ProofOldStep, state.ProofNewStep, state.ProofOldStep)
	}
	if string(catalog.FactNewKey) != state.FactNewKey || string(catalog.FactOldKey) != state.FactOldKey {
		t.Error("the facts' names differ")
	}
}

func TestVerifyRecordsPassingChecksAndCompletesTheRotation(t *testing.T) {
	c := proofCLI(t, `test "$ROTATETUI_VALUE_ACCT" = x1 && echo "HTTP 200 for {acct}"`, `echo 'curl: (22) The requested URL returned error: 401' >&2; exit 22`)
	if out := c.mustRun("check", "awin/main", "1", "2", "3", "--yes"); !strings.Contains(out, "3/5 steps done") {
		t.Fatalf("check: %s", out)
	}
	out, errOut, code := c.run("verify", "awin/main")
	if code != exitOK {
		t.Fatalf("verify: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"Awin · main: new key works: proven (passed (exit 0))",
		"Awin · main: checked step 4: New key works",
		"Awin · main: old key is refused: proven (passed (exit 22))",
		"Awin · main: rotation complete",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	// The command is shown as it runs, filled in; its output streams to stderr.
	for _, want := range []string{"check_new (proves that the new key works) runs:\n  test \"$ROTATETUI_VALUE_ACCT\" = x1 && echo \"HTTP 200 for x1\"", "  | HTTP 200 for x1", "  | curl: (22)"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	rows, _ := c.statusRows("awin/main")
	p := rows["awin/main"].Proof
	if p == nil || p.Rotation != "last_completed" || !p.Proven || p.NewKey.How != state.ByCheck || p.OldKey.Check == nil || p.OldKey.Check.ExitCode != 22 {
		t.Fatalf("status proof %+v", p)
	}
	var report state.JSONReport
	if err := json.Unmarshal([]byte(c.mustRun("export", "--format", "json")), &report); err != nil {
		t.Fatal(err)
	}
	r := report.Rotations[0]
	if r.Proof.NewKey.How != state.ByCheck || r.Proof.OldKey.Check == nil || r.Proof.OldKey.Check.Output != "curl: (22) The requested URL returned error: 401" || r.Total != 5 {
		t.Errorf("export proof %+v, total %d", r.Proof, r.Total)
	}
	// The state file holds the record, never the command.
	data, _ := os.ReadFile(c.statePath())
	if strings.Contains(string(data), "ROTATETUI_VALUE_ACCT") || !strings.Contains(string(data), `"command_sha256"`) {
		t.Errorf("state file:\n%s", data)
	}
}

func TestVerifyThatFailsRecordsTheAttemptOnly(t *testing.T) {
	c := proofCLI(t, "", "echo still works; exit 0")
	c.mustRun("check", "awin/main", "1")
	out, _, code := c.run("verify", "awin/main", "--old")
	if code != exitFailed || !strings.Contains(out, "old key is refused: NO, the OLD KEY STILL WORKS: check_old exited 0; revoke it") || !strings.Contains(out, "recorded on step 5") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	rows, _ := c.statusRows("awin/main")
	if r := rows["awin/main"]; r.Done != 1 || r.Proof.OldKey.How != state.NotShown || r.Proof.OldKey.Check == nil || r.Proof.OldKey.Check.Passed {
		t.Errorf("status %+v proof %+v", r, r.Proof)
	}
	// --new without a check_new says where to add one.
	if _, errOut, code := c.run("verify", "awin/main", "--new"); code != exitUsage || !strings.Contains(errOut, "Awin · main has no check_new in "+userKeysPath()) {
		t.Errorf("--new: %d %q", code, errOut)
	}
}

func TestVerifyTimesOut(t *testing.T) {
	c := proofCLI(t, "", "sleep 30")
	c.write("config/rotatetui/config.toml", "check_timeout = 1\n")
	c.mustRun("check", "awin/main", "1")
	out, _, code := c.run("verify", "awin/main", "--old")
	if code != exitFailed || !strings.Contains(out, "not proven (failed (timed out after 1s))") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestVerifyOldAllFindsAnOldKeyThatStillWorks(t *testing.T) {
	c := newCLI(t).at(testClock)
	defaultVerify = catalog.VerifyOffered
	c.write("config/rotatetui/keys.toml", `version = 1
[[keys]]
source = "awin"
name = "dead"
check_old = "echo HTTP 401; exit 22"
[[keys]]
source = "awin"
name = "alive"
check_old = "echo HTTP 200; exit 0"
[[keys]]
source = "awin"
name = "long-ago"
check_old = "exit 0"
`)
	c.mustRun("rotated", "awin/dead", "awin/alive", "--on", daysAgo(3).Format("2006-01-02"))
	c.mustRun("rotated", "awin/long-ago", "--on", daysAgo(60).Format("2006-01-02"))
	out, errOut, code := c.run("verify", "--old", "--all")
	if code != exitFailed || !strings.Contains(out, "Awin · dead (awin/dead): old key refused (passed (exit 22))") ||
		!strings.Contains(errOut, "Awin · alive (awin/alive): the OLD KEY STILL WORKS") || strings.Contains(out+errOut, "long-ago") ||
		!strings.Contains(errOut, "verify --old --all: 1 problem of 2") {
		t.Errorf("exit %d:\n%s%s", code, out, errOut)
	}
	// Run one after another, each output line says which key it is about.
	if !strings.Contains(errOut, "  awin/dead | HTTP 401\n") || !strings.Contains(errOut, "  awin/alive | HTTP 200\n") {
		t.Errorf("output lines not headed with their key:\n%s", errOut)
	}
	if out, _, code := c.run("verify", "--old", "--all", "--since", "1d"); code != exitOK || !strings.Contains(out, "no key with a check_old was rotated since") {
		t.Errorf("--since 1d: %d %s", code, out)
	}
	if _, errOut, code := c.run("verify", "--all"); code != exitUsage || !strings.Contains(errOut, "verify --all goes with --old alone") {
		t.Errorf("--all alone: %d %s", code, errOut)
	}
	// A word left over is what is named, not the flags.
	if _, errOut, code := c.run("verify", "--old", "--all", "--since", "3", "months"); code != exitUsage ||
		!strings.Contains(errOut, `verify --old --all takes no key, but "months" is left over: --since takes one word, such as --since 90d`) {
		t.Errorf("--since 3 months: %d %s", code, errOut)
	}
	if _, errOut, code := c.run("verify", "--old", "--all", "awin/dead"); code != exitUsage ||
		!strings.Contains(errOut, `takes no key ("awin/dead"): to check one, rotatetui verify KEY --old`) {
		t.Errorf("a key with --all: %d %s", code, errOut)
	}
}

func TestChecksOfALooseKeysFileAreRefused(t *testing.T) {
	c := proofCLI(t, "echo ok", "")
	path := userKeysPath()
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(c.statePath())
	_, errOut, code := c.run("verify", "awin/main")
	if code != exitUsage || !strings.Contains(errOut, path+" has mode 0666: group and others can change what it runs") || !strings.Contains(errOut, "run: chmod go-w "+path) {
		t.Errorf("exit %d: %q", code, errOut)
	}
	if after, _ := os.ReadFile(c.statePath()); string(after) != string(before) {
		t.Error("a refused verify changed the progress file")
	}
}

func TestACatalogWithCheckCommandsIsRefusedNamingTheKeysFile(t *testing.T) {
	c := newCLI(t)
	cat := c.write("team.toml", "version = 1\n[[keys]]\nsource = \"awin\"\nname = \"x\"\ncheck_new = \"curl -f https://example.com\"\n")
	_, errOut, code := c.run("--catalog", cat, "status")
	if code != exitUsage || !strings.Contains(errOut, cat+":5:1: check_new is refused in a catalog") || !strings.Contains(errOut, "read only from your own keys file, "+userKeysPath()) {
		t.Errorf("exit %d: %s", code, errOut)
	}
	// On a source or a step, and from validate, the same.
	src := c.write("src.toml", "version = 1\n[[sources]]\nid = \"x\"\nname = \"X\"\n[[sources.steps]]\ntext = \"Go.\"\ncheck_old = \"exit 22\"\n")
	for _, args := range [][]string{{"--catalog", src, "status"}, {"validate", src}} {
		out, errOut, code := c.run(args...)
		if code == exitOK || !strings.Contains(out+errOut, src+":7:1: check_old is refused in a catalog: check commands run on your machine, so they are read only from your own keys file, "+userKeysPath()) {
			t.Errorf("%v: exit %d: %s%s", args, code, out, errOut)
		}
	}
	// A key's command that holds a key is refused too.
	c.write("config/rotatetui/keys.toml", "version = 1\n[[keys]]\nsource = \"awin\"\nname = \"x\"\ncheck_new = \"curl -H 'Authorization: Bearer sk_live_abcdefghijklmnopqrstuvwx12' https://api.stripe.com\"\n")
	if _, errOut, code := c.run("status"); code != exitUsage || !strings.Contains(errOut, "check_new looks like it holds a Stripe key") {
		t.Errorf("a key in a command: %d %s", code, errOut)
	}
}

func TestStatusRequireProof(t *testing.T) {
	c := proofCLI(t, "", "")
	c.at(testClock)
	keys := []string{"api-credentials", "revoke-token", "reconnect", state.ProofNewStep, state.ProofOldStep}
	step := func(kind state.ChangeKind, s string, min int, text string) state.Change {
		return state.Change{Kind: kind, Key: "awin/main", Step: s, Steps: keys, At: testClock.Add(-day).Add(minutes(min)), By: "ana", Text: text}
	}
	c.apply(step(state.Check, keys[0], 0, ""), step(state.Check, keys[1], 1, ""), step(state.Check, keys[2], 2, ""),
		step(state.Check, keys[3], 3, ""), step(state.SetNote, keys[3], 3, "the dashboard shows today's sync"),
		step(state.Skip, keys[4], 4, "provider has no API"))
	_, errOut, code := c.run("status", "--check", "--require-proof", "awin/main")
	if code != exitFailed || !strings.Contains(errOut, "Awin · main (awin/main): the rotation completed") ||
		!strings.Contains(errOut, "lacks proof: new key works by hand, old key refused skipped") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	// Out of the window, it is not named.
	if _, errOut, code := c.run("status", "--check", "--require-proof", "--since", "1h", "awin/main"); code != exitOK {
		t.Errorf("--since 1h: exit %d: %s", code, errOut)
	}
	if _, errOut, code := c.run("status", "--require-proof"); code != exitUsage || !strings.Contains(errOut, "--require-proof goes with --check") {
		t.Errorf("without --check: %d %s", code, errOut)
	}
	var report state.JSONReport
	_ = json.Unmarshal([]byte(c.mustRun("export", "--format", "json")), &report)
	if p := report.Rotations[0].Proof; p.NewKey.How != state.ByHand || p.NewKey.Note != "the dashboard shows today's sync" || p.OldKey.How != state.BySkip || p.OldKey.SkipReason != "provider has no API" {
		t.Errorf("export proof %+v", p)
	}
	// status --json says it too: by hand with the note, skipped with the reason.
	rows, _ := c.statusRows("awin/main")
	if p := rows["awin/main"].Proof; p == nil || p.NewKey.How != state.ByHand || p.NewKey.Note != "the dashboard shows today's sync" || p.OldKey.How != state.BySkip || p.OldKey.SkipReason != "provider has no API" {
		t.Errorf("status proof %+v", p)
	}
}

func TestARotationStartedBeforeProofStepsCompletesAsBefore(t *testing.T) {
	c := newCLI(t)
	defaultVerify = catalog.VerifyRequired
	old := []string{"api-credentials", "revoke-token", "reconnect"}
	c.apply(state.Change{Kind: state.Check, Key: "awin", Step: old[0], Steps: old, At: testClock, By: "cli@test"},
		state.Change{Kind: state.Check, Key: "awin", Step: old[1], Steps: old, At: testClock, By: "cli@test"})
	if out := c.mustRun("check", "awin", "3"); !strings.Contains(out, "Awin: rotation complete") {
		t.Errorf("an old rotation: %s", out)
	}
	// The next one has the proof steps.
	if out := c.mustRun("check", "awin", "1"); !strings.Contains(out, "1/5 steps done") {
		t.Errorf("a new rotation: %s", out)
	}
	if out := c.mustRun("check", "awin", "2", "3", "4", "5", "--yes", "--note", "the dashboard shows today's sync"); !strings.Contains(out, "checked step 5: Old key refused") || !strings.Contains(out, "rotation complete") {
		t.Errorf("checked by hand: %s", out)
	}
}

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }

// TestAValueTheShellWouldActOnIsNeverRun: the reviewer's repro. An inventory's value
// holds $(…): key import refuses it. Written into keys.toml by hand, and used by a
// check_old as {host}, verify --old --all (no prompt, no terminal) and verify KEY
// refuse to run anything, naming the value and the variable to use instead, and the
// command never ran.
func TestAValueTheShellWouldActOnIsNeverRun(t *testing.T) {
	c := newCLI(t).at(testClock)
	defaultVerify = catalog.VerifyOffered
	marker := filepath.Join(c.home, "INJ")
	inv := c.write("inv.csv", "source,name,owner,values\nawin,prod,ops,host=matomo.example.com$(touch $HOME/INJ)\n")
	if _, errOut, code := c.run("key", "import", inv); code != exitUsage || !strings.Contains(errOut, "inv.csv:2: values: the value of {host} holds \"$\"") {
		t.Errorf("key import: exit %d: %s", code, errOut)
	}
	keys := "version = 1\n[[keys]]\nsource = \"awin\"\nname = \"prod\"\nvalues = { host = \"matomo.example.com$(touch $HOME/INJ)\" }\n"
	c.write("config/rotatetui/keys.toml", keys+"check_old = \"curl -fsS -o /dev/null https://{host}/index.php\"\n")
	c.mustRun("rotated", "awin/prod", "--on", daysAgo(1).Format("2006-01-02"))
	// One key: refused (exit 2); among all the keys rotated, a problem of that key's
	// (exit 1) while the others still run (TestOneBadValueDoesNotStopVerifyAll).
	for args, want := range map[string]int{"verify --old --all": exitFailed, "verify awin/prod --old --yes": exitUsage} {
		out, errOut, code := c.run(strings.Fields(args)...)
		if code != want || !strings.Contains(errOut, "the value of {host}") || !strings.Contains(errOut, `"$ROTATETUI_VALUE_HOST"`) || strings.Contains(out, "refused (passed") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the value ran as shell code")
	}
	// Written as the variable, the same value is data: the command runs and sees it.
	check := "test \"$ROTATETUI_VALUE_HOST\" = 'matomo.example.com$(touch $HOME/INJ)' && exit 22"
	c.write("config/rotatetui/keys.toml", keys+"check_old = "+tomlQuote(check)+"\n")
	if out, errOut, code := c.run("verify", "--old", "--all"); code != exitOK || !strings.Contains(out, "old key refused (passed (exit 22))") {
		t.Errorf("with the variable: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the variable's value ran as shell code")
	}
}

// TestOnlyTheStatusesOfCheckOldExitProveRefusal: with check_old_exit = [22], a DNS
// failure (curl's 6) proves nothing, offline, in verify --old --all; without it, a
// shell syntax error (exit 2) proves nothing either; a 22 proves the old key refused
// and the record keeps the statuses it was judged by.
func TestOnlyTheStatusesOfCheckOldExitProveRefusal(t *testing.T) {
	c := newCLI(t).at(testClock)
	defaultVerify = catalog.VerifyOffered
	c.write("config/rotatetui/keys.toml", `version = 1
[[keys]]
source = "awin"
name = "offline"
check_old = "echo 'curl: (6) Could not resolve host' >&2; exit 6"
check_old_exit = [22]
[[keys]]
source = "awin"
name = "typo"
check_old = "exit 2"
`)
	c.mustRun("rotated", "awin/offline", "awin/typo", "--on", daysAgo(1).Format("2006-01-02"))
	out, errOut, code := c.run("verify", "--old", "--all")
	if code != exitFailed || !strings.Contains(errOut, "Awin · offline (awin/offline): check_old proves nothing: failed (exit 6)") ||
		!strings.Contains(errOut, "Awin · typo (awin/typo): check_old proves nothing: failed (exit 2)") || strings.Contains(out, "refused (passed") {
		t.Errorf("exit %d:\n%s%s", code, out, errOut)
	}
	c.write("config/rotatetui/keys.toml", "version = 1\n[[keys]]\nsource = \"awin\"\nname = \"main\"\ncheck_old = \"exit 22\"\ncheck_old_exit = [22]\n")
	c.mustRun("check", "awin/main", "1")
	if out := c.mustRun("verify", "awin/main", "--old"); !strings.Contains(out, "old key is refused: proven (passed (exit 22))") {
		t.Errorf("exit 22: %s", out)
	}
	run := c.load().Key("awin/main").Current.Steps[state.ProofOldStep].Run
	if run == nil || !slices.Equal(run.RefusedBy, []int{22}) {
		t.Errorf("recorded %+v", run)
	}
}

// TestVerifyWithholdsSecretOutputOnStderr: the reviewer's repro. A check that prints
// the Authorization header it sent, or a token, does not put them on stderr.
func TestVerifyWithholdsSecretOutputOnStderr(t *testing.T) {
	// A script prints the token (a command holding one is refused).
	token := "sk_live_" + strings.Repeat("a1B2", 6)
	c := proofCLI(t, `sh "$HOME/leak.sh"`, "")
	c.write("leak.sh", "echo '> Authorization: Bearer "+token+"'\necho ok\n")
	c.mustRun("check", "awin/main", "1")
	_, errOut, _ := c.run("verify", "awin/main", "--new", "--yes")
	if strings.Contains(errOut, token) || !strings.Contains(errOut, "  | "+state.Withheld) || !strings.Contains(errOut, "  | ok") {
		t.Errorf("stderr:\n%s", errOut)
	}
}

// A keys file that is a link into a directory anyone can write is refused for checks,
// naming that directory: whoever can write there can swap the file.
func TestChecksOfAKeysFileLinkedIntoAnOpenDirectoryAreRefused(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	c := proofCLI(t, "touch "+marker, "")
	path := userKeysPath()
	world := filepath.Join(c.home, "world")
	if err := os.Mkdir(world, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(world, 0o777); err != nil {
		t.Fatal(err)
	}
	real := filepath.Join(world, "keys.toml")
	if err := os.Rename(path, real); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, path); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := c.run("verify", "awin/main", "--yes")
	if code != exitUsage || !strings.Contains(errOut, world+", a directory the keys file "+path+" (a link to "+real+") is in, has mode 0777") ||
		!strings.Contains(errOut, "run: chmod go-w "+world) {
		t.Errorf("exit %d: %q", code, errOut)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the command of a keys file in an open directory ran")
	}
	// The keys themselves still load: only their commands are refused.
	if out, errOut, code := c.run("key", "list"); code != exitOK || !strings.Contains(out, "awin/main") {
		t.Errorf("key list: %d %s%s", code, out, errOut)
	}
}

// The verdict on a keys file is the one made as it was read: what its path names
// later changes neither what runs nor whether it may.
func TestChecksAreTrustedAsTheKeysFileWasRead(t *testing.T) {
	c := proofCLI(t, "echo loaded", "")
	path := userKeysPath()
	load := func() *catalog.Key {
		t.Helper()
		cat, err := catalog.Builtin()
		if err != nil {
			t.Fatal(err)
		}
		if err := loadKeysFile(path, cat, 0); err != nil {
			t.Fatal(err)
		}
		for i := range cat.Keys {
			if cat.Keys[i].ID == "awin/main" {
				return &cat.Keys[i]
			}
		}
		t.Fatal("awin/main not loaded")
		return nil
	}
	// Read loose, then tightened: still refused, as read.
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	k := load()
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := trustChecks(k); err == nil || !strings.Contains(err.Error(), "has mode 0666") {
		t.Errorf("a file read loose, tightened since: %v", err)
	}
	// Read sound, then swapped for another file: the commands read run, trusted.
	k = load()
	swapped := c.write("other.toml", "version = 1\n[[keys]]\nsource = \"awin\"\nname = \"main\"\ncheck_new = \"echo swapped\"\n")
	if err := os.Chmod(swapped, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(swapped, path); err != nil {
		t.Fatal(err)
	}
	if err := trustChecks(k); err != nil || k.CheckNew != "echo loaded" {
		t.Errorf("a file swapped after it was read: %v, %q", err, k.CheckNew)
	}
	// A key from a catalog was never judged: refused, naming the keys file.
	if err := trustChecks(&catalog.Key{ID: "awin/x", Origin: "team.toml"}); err == nil || !strings.Contains(err.Error(), "team.toml is not your keys file: check commands are read only from your own keys file, "+path) {
		t.Errorf("a catalog's key: %v", err)
	}
}

// swapOnRead is a terminal's input that, when first read (as the y/N question
// waits), replaces the keys file with another, then answers y.
type swapOnRead struct {
	t          *testing.T
	path, with string
	done       bool
}

func (s *swapOnRead) Read(p []byte) (int, error) {
	if !s.done {
		s.done = true
		if err := os.WriteFile(s.path+".new", []byte(s.with), 0o600); err != nil {
			s.t.Error(err)
		}
		if err := os.Rename(s.path+".new", s.path); err != nil {
			s.t.Error(err)
		}
	}
	return copy(p, "y\n"), io.EOF
}

func TestAKeysFileSwappedWhileVerifyAsksRunsTheCommandsRead(t *testing.T) {
	dir := t.TempDir()
	loaded, swapped := filepath.Join(dir, "loaded"), filepath.Join(dir, "swapped")
	c := proofCLI(t, "touch "+loaded, "")
	c.mustRun("check", "awin/main", "1")
	in := &swapOnRead{t: t, path: userKeysPath(), with: "version = 1\n[[keys]]\nsource = \"awin\"\nname = \"main\"\ncheck_new = \"touch " + swapped + "\"\n"}
	var out, errOut bytes.Buffer
	code := runWithInput(in, true, []string{"verify", "awin/main", "--new"}, &out, &errOut)
	if code != exitOK || !in.done {
		t.Fatalf("exit %d (asked: %v):\n%s%s", code, in.done, out.String(), errOut.String())
	}
	if _, err := os.Stat(loaded); err != nil {
		t.Error("the command read did not run")
	}
	if _, err := os.Stat(swapped); err == nil {
		t.Error("the command of the file swapped in ran")
	}
}

// verify --old on a rotation whose revoke step is not done cautions, and runs.
func TestVerifyOldBeforeTheRevokeIsCautioned(t *testing.T) {
	c := proofCLI(t, "", "exit 22")
	const caution = "rotatetui: caution: step 2, which revokes the old key, is not done yet: a refusal now may not be the revoke's doing\n"
	c.mustRun("check", "awin/main", "1")
	out, errOut, code := c.run("verify", "awin/main", "--old", "--yes")
	if code != exitOK || !strings.Contains(errOut, caution) || !strings.Contains(out, "checked step 5") {
		t.Errorf("exit %d:\n%s%s", code, out, errOut)
	}
	c.mustRun("uncheck", "awin/main", "5")
	c.mustRun("check", "awin/main", "2", "--yes")
	if out, errOut, code := c.run("verify", "awin/main", "--old", "--yes"); code != exitOK || strings.Contains(errOut, "caution") {
		t.Errorf("revoke done: exit %d:\n%s%s", code, out, errOut)
	}
}

// TestOneBadValueDoesNotStopVerifyAll: a key whose value the shell would act on is
// told and counted, and every other key's check_old still runs.
func TestOneBadValueDoesNotStopVerifyAll(t *testing.T) {
	c := newCLI(t)
	defaultVerify = catalog.VerifyOffered
	c.write("config/rotatetui/keys.toml", `version = 1
[[keys]]
source = "awin"
name = "main"
check_old = "echo old key still works; exit 0"

[[keys]]
source = "matomo"
name = "inj"
values = { host = "x$(touch pwned)" }
check_old = "curl -fsS https://{host}/"
`)
	c.mustRun("rotated", "awin/main", "matomo/inj", "adjust", "--on", "today")
	out, errOut, code := c.run("verify", "--old", "--all")
	if !strings.Contains(out, "1 key rotated since") || !strings.Contains(out, "has no check_old: not checked") {
		t.Errorf("the key without a check_old is not named:\n%s", out)
	}
	if code != exitFailed {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(errOut, "matomo/inj") || !strings.Contains(errOut, "not run") {
		t.Errorf("the bad value is not told:\n%s", errOut)
	}
	if !strings.Contains(errOut, "awin/main") || !strings.Contains(errOut, "OLD KEY STILL WORKS") {
		t.Errorf("the other key's check did not run:\nstdout %s\nstderr %s", out, errOut)
	}
	if !strings.Contains(errOut, "2 problems of 2") {
		t.Errorf("the count: %s", errOut)
	}
}

// TestVerifyRecordsAColouredOutputLine: a check whose output is coloured is recorded
// (the line kept without its escapes), and verify's exit status says whether the
// record was made.
func TestVerifyRecordsAColouredOutputLine(t *testing.T) {
	c := proofCLI(t, "", `printf '\033[31mrefused\033[0m\n'; exit 22`)
	c.mustRun("check", "--yes", "awin/main", "1", "2", "3")
	out, errOut, code := c.run("verify", "awin/main", "--old", "--yes")
	if code != exitOK || !strings.Contains(out, "checked step 5") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	rec := c.load().Key("awin/main").Current.Steps[state.ProofOldStep]
	if rec == nil || rec.Run == nil || rec.Run.Output != "refused" {
		t.Errorf("recorded %+v", rec)
	}
}

// TestAnOldKeyRefusedBeforeTheRevokeIsRecordedAsACautionSetAside: a check_old that
// passes while the source's revoke step is not done checks its step with the caution
// recorded as set aside, as a cautioned check is, so the export shows it came first.
func TestAnOldKeyRefusedBeforeTheRevokeIsRecordedAsACautionSetAside(t *testing.T) {
	c := proofCLI(t, "", "exit 22")
	c.mustRun("check", "awin/main", "1") // awin's step 2 revokes the old key: not done
	if out, errOut, code := c.run("verify", "awin/main", "--old", "--yes"); code != exitOK || !strings.Contains(errOut, "caution") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	rec := c.load().Key("awin/main").Current.Steps[state.ProofOldStep]
	if rec == nil || rec.CheckedAt == nil || !slices.Equal(rec.Overrides, []state.Override{state.OverrideCaution}) || rec.OverriddenBy != "cli@test" {
		t.Errorf("recorded %+v", rec)
	}
	// After the revoke, no caution is set aside.
	c2 := proofCLI(t, "", "exit 22")
	c2.mustRun("check", "--yes", "awin/main", "1", "2", "3")
	c2.mustRun("verify", "awin/main", "--old", "--yes")
	if rec := c2.load().Key("awin/main").Current.Steps[state.ProofOldStep]; rec == nil || len(rec.Overrides) != 0 {
		t.Errorf("after the revoke, recorded %+v", rec)
	}
}
