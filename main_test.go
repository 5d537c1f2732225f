package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// cli runs the command line in-process with its own HOME and XDG directories.
type cli struct {
	t    *testing.T
	home string
}

func newCLI(t *testing.T) *cli {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, "state"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("ROTATETUI_STATE", "")
	t.Setenv("ROTATETUI_ACTOR", "cli@test")
	// These tests count the catalog's steps; proof steps are proof_test.go's.
	defaultVerify = catalog.VerifyOff
	t.Cleanup(func() { defaultVerify = catalog.VerifyOffered })
	// A database server that is not there fails a command at once, not after two
	// seconds of retries.
	old := storeOptions
	storeOptions = append(slices.Clone(old), state.WithRetryDelays(10*time.Millisecond))
	t.Cleanup(func() { storeOptions = old })
	return &cli{t: t, home: home}
}

func (c *cli) run(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

func (c *cli) write(name, content string) string {
	c.t.Helper()
	p := filepath.Join(c.home, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return p
}

func (c *cli) statePath() string {
	return filepath.Join(c.home, "state", "rotatetui", "state.json")
}

func TestParseArgsTakesFlagsAnywhere(t *testing.T) {
	o, err := parseArgs([]string{"check", "snowflake", "--state", "/tmp/s.json", "1", "--catalog=a.toml", "2", "--catalog", "b.toml", "--no-builtin"})
	if err != nil {
		t.Fatal(err)
	}
	want := options{command: "check", args: []string{"snowflake", "1", "2"}, catalogs: []string{"a.toml", "b.toml"}, noBuiltin: true, statePath: "/tmp/s.json"}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("got %+v\nwant %+v", o, want)
	}
	if o, _ := parseArgs([]string{"--", "--resume"}); o.resume || len(o.args) != 1 {
		t.Errorf("-- should end flags: %+v", o)
	}
	for _, bad := range [][]string{{"--bogus"}, {"--state"}, {"--json"}, {"check", "-r", "x", "1"}, {"--resume=yes"}} {
		if _, err := parseArgs(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	c := newCLI(t)
	out, _, code := c.run("--help")
	for _, flag := range []string{"--catalog", "--no-builtin", "--state", "--resume", "--json", "--help", "--version",
		"--actor", "--check", "--format", "--since", "--source", "--output", "--on", "history KEY", "export", "reset KEY", "rotated KEY", "config.toml"} {
		if !strings.Contains(out, flag) {
			t.Errorf("--help does not mention %s", flag)
		}
	}
	if code != 0 {
		t.Errorf("--help exit %d", code)
	}
	if out, _, code := c.run("--version"); code != 0 || !strings.HasPrefix(out, "rotatetui ") {
		t.Errorf("--version: %q %d", out, code)
	}
	if _, errOut, code := c.run("--nope"); code != exitUsage || !strings.Contains(errOut, "unknown flag --nope") {
		t.Errorf("bad flag: %q %d", errOut, code)
	}
}

func TestBadCatalogIsRefusedWithFileLineAndExit2(t *testing.T) {
	c := newCLI(t)
	bad := c.write("bad.toml", "title = \"x\"\n[[sources]]\nid = \"a\"\nname = \"A\"\n[[sources.steps]]\ntext = \"\"\n")
	_, errOut, code := c.run("--catalog", bad, "status")
	if code != exitUsage {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(errOut, bad+":6:1: empty step text") {
		t.Errorf("stderr = %q", errOut)
	}
	if _, err := os.Stat(c.statePath()); err == nil {
		t.Error("a refused catalog must change nothing on disk")
	}
	// The user's own catalog is refused the same way.
	c.write("config/rotatetui/catalog.toml", "[[sources]]\nid = \"Bad Id\"\n")
	if _, errOut, code := c.run("status"); code != exitUsage || !strings.Contains(errOut, "catalog.toml:2:1") {
		t.Errorf("user catalog: %q %d", errOut, code)
	}
}

func TestCatalogLayeringAndJSON(t *testing.T) {
	c := newCLI(t)
	c.write("config/rotatetui/catalog.toml", `[[sources]]
id = "snowflake"
name = "Snowflake (ours)"
category = "Data warehouse"
[[sources.steps]]
text = "Ask the platform team."
kind = "contact"

[[sources]]
id = "awin"
disabled = true
`)
	extra := c.write("extra.toml", `title = "Extra"
[[sources]]
id = "internal"
name = "Internal API"
aliases = ["ops"]
[[sources.steps]]
id = "make"
text = "Make a key."
wait = "30m"
`)
	out, errOut, code := c.run("catalog", "--json", "--catalog", extra)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got catalogJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.Title != "Extra" || len(got.Sources) != 51 {
		t.Errorf("title %q, %d sources (51 built in - awin + internal)", got.Title, len(got.Sources))
	}
	byID := map[string]sourceJSON{}
	for _, s := range got.Sources {
		byID[s.ID] = s
	}
	if _, ok := byID["awin"]; ok {
		t.Error("disabled source still listed")
	}
	if s := byID["snowflake"]; s.Name != "Snowflake (ours)" || len(s.Steps) != 1 || !strings.HasSuffix(s.Origin, "catalog.toml") {
		t.Errorf("snowflake not replaced: %+v", s)
	}
	if s := byID["internal"]; s.Steps[0].Wait != "30m" || s.Steps[0].ID != "make" || s.Aliases[0] != "ops" || s.Origin != extra {
		t.Errorf("internal: %+v", s)
	}
	// Empty optional fields are present, as empty strings and arrays.
	if !strings.Contains(out, `"aliases": []`) || !strings.Contains(out, `"docs": ""`) {
		t.Error("empty optional fields should be present")
	}
	// --no-builtin starts empty: only the user's snowflake and the extra source remain.
	out, _, _ = c.run("--no-builtin", "catalog", "--json", "--catalog", extra)
	got = catalogJSON{}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Sources) != 2 || got.Sources[0].ID != "snowflake" || got.Sources[1].ID != "internal" {
		t.Errorf("--no-builtin: %+v", got.Sources)
	}
}

func TestValidate(t *testing.T) {
	c := newCLI(t)
	good := c.write("good.toml", "[[sources]]\nid = \"a\"\nname = \"A\"\n[[sources.steps]]\ntext = \"t\"\n")
	bad := c.write("bad.toml", "[[sources]]\nid = \"a\"\n[[sources.steps]]\ntext = \"\"\nkind = \"x\"\n")
	out, _, code := c.run("validate", good)
	if code != 0 || !strings.Contains(out, "no problems") {
		t.Errorf("good file: %q %d", out, code)
	}
	out, _, code = c.run("validate", good, bad)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{bad + ":1:1: source \"a\" has no name", bad + ":4:1: empty step text", bad + ":5:1: unknown step kind", "2 files checked: 3 problems"} {
		if !strings.Contains(out, want) {
			t.Errorf("validate output lacks %q:\n%s", want, out)
		}
	}
	// Without files it checks the catalogs in use.
	if out, _, code := c.run("validate"); code != 0 || !strings.Contains(out, "built-in catalog") {
		t.Errorf("default validate: %q %d", out, code)
	}
}

func TestCheckUncheckAndStatus(t *testing.T) {
	c := newCLI(t)
	out, errOut, code := c.run("check", "Snowflake", "1", "accountadmin-role")
	if code != 0 {
		t.Fatalf("check: %d %s", code, errOut)
	}
	for _, want := range []string{"checked step 1: Log in to Snowflake", "checked step 2", "2/8 steps done"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	if out, _, _ := c.run("check", "snowflake", "1"); !strings.Contains(out, "step 1 was already checked") {
		t.Errorf("second check: %q", out)
	}
	if out, _, _ := c.run("uncheck", "snowflake", "2"); !strings.Contains(out, "unchecked step 2") || !strings.Contains(out, "1/8") {
		t.Errorf("uncheck: %q", out)
	}
	out, _, code = c.run("status", "--json")
	if code != 0 {
		t.Fatal(code)
	}
	var rows []sourceStatusJSON
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 51 {
		t.Errorf("%d rows", len(rows))
	}
	for _, r := range rows {
		if r.ID == "snowflake" && (r.State != "in_progress" || r.Done != 1 || r.Total != 8 || r.StartedAt == nil) {
			t.Errorf("snowflake status %+v", r)
		}
		if r.ID == "awin" && (r.State != "unknown" || r.Done != 0 || r.Total != 3) {
			t.Errorf("awin status %+v", r)
		}
	}
	// Taking back the last done step leaves no rotation: none in progress, none kept.
	if out, _, _ := c.run("uncheck", "snowflake", "1"); !strings.Contains(out, "Snowflake: no step is done any more, so no rotation is in progress") {
		t.Errorf("uncheck of the last done step: %q", out)
	}
	if ss := c.load().Key("snowflake"); ss.Current != nil || len(ss.History) != 0 {
		t.Errorf("after the last uncheck: current %+v, history %d", ss.Current, len(ss.History))
	}
	// Completing a rotation from the command line.
	if out, _, _ := c.run("check", "--yes", "awin", "1", "2", "3"); !strings.Contains(out, "Awin: rotation complete") {
		t.Errorf("completion: %q", out)
	}
	if out, _, _ := c.run("status"); !strings.Contains(out, "Awin") || !strings.Contains(out, "rotated") {
		t.Errorf("plain status:\n%s", out)
	}
}

func TestCheckExplainsUnknownSourcesAndSteps(t *testing.T) {
	c := newCLI(t)
	_, errOut, code := c.run("check", "snow", "1")
	if code != exitUsage || !strings.Contains(errOut, `no source "snow"; did you mean: Snowflake (snowflake)`) {
		t.Errorf("unknown source: %q %d", errOut, code)
	}
	_, errOut, code = c.run("check", "snowflake", "9")
	if code != exitUsage || !strings.Contains(errOut, `Snowflake has no step "9"; its steps are 1 to 8 or the ids login`) {
		t.Errorf("unknown step: %q %d", errOut, code)
	}
	if _, err := os.Stat(c.statePath()); err == nil {
		t.Error("a refused check must not create the state file")
	}
}

func TestCorruptStateIsRefusedAndKept(t *testing.T) {
	c := newCLI(t)
	p := c.write("state/rotatetui/state.json", `{"version": 1, "sources": {"snowflake": `)
	before := fileHash(t, p)
	for _, args := range [][]string{{"status"}, {"check", "snowflake", "1"}} {
		_, errOut, code := c.run(args...)
		if code != exitFailed || !strings.Contains(errOut, p) {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
	if fileHash(t, p) != before {
		t.Error("the corrupt file was changed")
	}
	c.write("state/rotatetui/state.json", `{"version": 99, "sources": {}}`)
	if _, errOut, code := c.run("status"); code != exitFailed || !strings.Contains(errOut, "newer rotatetui") {
		t.Errorf("newer version: %q %d", errOut, code)
	}
}

func fileHash(t *testing.T, p string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

func TestStatePathResolution(t *testing.T) {
	c := newCLI(t)
	if p, _ := resolveStatePath(""); p != c.statePath() {
		t.Errorf("XDG: %s", p)
	}
	t.Setenv("ROTATETUI_STATE", filepath.Join(c.home, "env.json"))
	if p, _ := resolveStatePath(""); p != filepath.Join(c.home, "env.json") {
		t.Errorf("env: %s", p)
	}
	if p, _ := resolveStatePath(filepath.Join(c.home, "flag.json")); p != filepath.Join(c.home, "flag.json") {
		t.Errorf("flag: %s", p)
	}
	t.Setenv("ROTATETUI_STATE", "")
	t.Setenv("XDG_STATE_HOME", "")
	if p, _ := resolveStatePath(""); p != filepath.Join(c.home, ".local", "state", "rotatetui", "state.json") {
		t.Errorf("default: %s", p)
	}
}

// TestUnsavedChangesAreRescued: when the last save at exit fails, the changes go to a
// rescue file and the message says where.
func TestUnsavedChangesAreRescued(t *testing.T) {
	c := newCLI(t)
	// A state path below a regular file cannot be created, even by root.
	blocker := c.write("blocker", "not a directory")
	store := state.NewStore(filepath.Join(blocker, "state.json"))
	t.Setenv("TMPDIR", c.home)
	unsaved := []state.Change{{Kind: state.Check, Key: "snowflake", Step: "login", Steps: []string{"login", "x"}, At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}
	var stderr bytes.Buffer
	if saveUnsaved(store, storeRestoreCommand(store), unsaved, &stderr) {
		t.Fatal("reported success for a save that cannot work")
	}
	msg := stderr.String()
	if !strings.Contains(msg, "1 change could not be saved") || !strings.Contains(msg, "they are kept in ") ||
		!strings.Contains(msg, "Once the problem is fixed, run: rotatetui restore --state "+store.Path()+"\n") {
		t.Fatalf("message: %q", msg)
	}
	path := strings.TrimSpace(strings.SplitN(strings.SplitN(msg, "they are kept in ", 2)[1], " (JSON)", 2)[0])
	rescue, err := state.ReadRescue(path)
	if err != nil {
		t.Fatalf("rescue file %s: %v", path, err)
	}
	if len(rescue.Changes) != 1 || rescue.Changes[0].Step != "login" {
		t.Errorf("rescue holds %+v", rescue.Changes)
	}
	if !saveUnsaved(store, storeRestoreCommand(store), nil, &stderr) {
		t.Error("nothing unsaved must be a success")
	}
}

// snowflakeSteps returns the built-in Snowflake's step keys, for changes made by hand.
func snowflakeSteps(t *testing.T) []string {
	t.Helper()
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	src, _ := cat.Lookup("snowflake")
	return src.StepKeys()
}

// TestRestorePutsRescuedChangesBack: the changes a failed save kept in rescue files are
// saved by restore, on top of what was saved since, and the files are removed.
func TestRestorePutsRescuedChangesBack(t *testing.T) {
	c := newCLI(t)
	t.Setenv("TMPDIR", filepath.Join(c.home, "tmp"))
	if err := os.MkdirAll(os.Getenv("TMPDIR"), 0o700); err != nil {
		t.Fatal(err)
	}
	c.at(testClock)
	keys := snowflakeSteps(t)
	at := testClock.Add(-time.Hour).UTC()
	step := func(kind state.ChangeKind, i int, text string) state.Change {
		return state.Change{Kind: kind, Key: "snowflake", Step: keys[i], Steps: keys, At: at, Text: text}
	}
	// Two rescues, the second in the temporary directory (where a rescue goes when the
	// state directory is unusable), and a check saved since by another run.
	c.apply(step(state.Check, 0, ""))
	first, err := state.WriteRescue(c.statePath(), []state.Change{step(state.Check, 0, ""), step(state.Check, 1, "")})
	if err != nil {
		t.Fatal(err)
	}
	// Named as written later, so restored last.
	second := filepath.Join(os.Getenv("TMPDIR"), strings.Replace(filepath.Base(first), ".rescue-", ".rescue-9", 1))
	data, _ := json.Marshal(state.Rescue{StateFile: c.statePath(), WrittenAt: at, Changes: []state.Change{step(state.SetNote, 2, "asked Bob in OPS-12")}})
	if err := os.WriteFile(second, data, 0o600); err != nil {
		t.Fatal(err)
	}
	// Another state file's rescue in the same temporary directory is not ours.
	other, err := state.WriteRescue(filepath.Join(c.home, "elsewhere", "state.json"), []state.Change{step(state.Check, 7, "")})
	if err != nil {
		t.Fatal(err)
	}

	// Commands that save remind of the rescue files; restore itself does not.
	if _, errOut, code := c.run("check", "snowflake", "4"); code != 0 || !strings.Contains(errOut,
		"warning: 2 rescue files hold unsaved changes: run rotatetui restore.\n") {
		t.Errorf("check: exit %d, stderr %q", code, errOut)
	}
	out, errOut, code := c.run("restore")
	if code != 0 || errOut != "" {
		t.Fatalf("restore: exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		"Snowflake: checked step 2 (2026-03-10 14:00)",
		"Snowflake: note on step 3: asked Bob in OPS-12 (2026-03-10 14:00)",
		"Restored 2 changes from 2 rescue files into " + c.statePath() + "; 1 change had nothing to do: already saved, overtaken by what was recorded since, or for a rotation that has ended.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	cur := c.load().Key("snowflake").Current
	if cur == nil || cur.Steps[keys[1]] == nil || cur.Steps[keys[1]].CheckedAt == nil || cur.Steps[keys[2]] == nil || cur.Steps[keys[2]].Note != "asked Bob in OPS-12" {
		t.Fatalf("the state does not hold the rescued changes: %+v", cur)
	}
	for _, p := range []string{first, second} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s is still there after its changes were saved (%v)", p, err)
		}
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another state file's rescue was touched: %v", err)
	}
	if out := c.mustRun("restore"); !strings.Contains(out, "nothing to restore") {
		t.Errorf("a second restore: %q", out)
	}

	// A file named twice is restored once.
	again, err := state.WriteRescue(c.statePath(), []state.Change{step(state.Check, 4, "")})
	if err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := c.run("restore", again, again); code != 0 || !strings.Contains(out, "Restored 1 change from 1 rescue file") {
		t.Errorf("restore FILE FILE: exit %d\n%s%s", code, out, errOut)
	}
}

// TestDescribeSavedChangeIsInert: what restore lists comes from a file on disk; escape
// sequences in it must not reach the terminal.
func TestDescribeSavedChangeIsInert(t *testing.T) {
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []state.Change{
		{Kind: state.Check, Key: "evil\x1b]52;c;aGk=\x07", Step: "s\x1b[2J", At: testClock},
		{Kind: state.SetNote, Key: "snowflake", Step: "login", Text: "hi\x1b[31m", At: testClock},
		{Kind: state.SetPlaceholder, Key: "snowflake", Name: "a\rb", Text: "v\x9b1m", At: testClock},
		{Kind: "unknown\x1b[5m", Key: "snowflake", Step: "login", At: testClock},
	} {
		got := describeSavedChange(cat, c)
		if strings.ContainsAny(got, "\x1b\x07\r\u009b") {
			t.Errorf("%q", got)
		}
	}
}

// TestRestoreDoesNotReopenAnEndedRotation: a rescued check made during a rotation that
// has since been completed does nothing, rather than start a new rotation.
func TestRestoreDoesNotReopenAnEndedRotation(t *testing.T) {
	c := newCLI(t)
	c.at(testClock)
	keys := snowflakeSteps(t)
	started := testClock.Add(-2 * time.Hour).UTC()
	var all []state.Change
	for _, k := range keys {
		all = append(all, state.Change{Kind: state.Check, Key: "snowflake", Step: k, Steps: keys, At: started})
	}
	c.apply(all...) // started and completed by another run
	late := state.Change{Kind: state.SetNote, Key: "snowflake", Step: keys[0], Steps: keys, At: started.Add(time.Minute), Text: "asked Bob", Started: &started}
	rescue, err := state.WriteRescue(c.statePath(), []state.Change{late})
	if err != nil {
		t.Fatal(err)
	}
	out := c.mustRun("restore")
	if !strings.Contains(out, "Restored 0 changes from 1 rescue file") || !strings.Contains(out, "1 change had nothing to do") {
		t.Errorf("output:\n%s", out)
	}
	if ss := c.load().Key("snowflake"); ss.Current != nil || len(ss.History) != 1 {
		t.Errorf("restore reopened or started a rotation: current %+v, %d in history", ss.Current, len(ss.History))
	}
	// The note is recorded nowhere else: its text is shown, and its rescue file kept.
	if !strings.Contains(out, "Not restored, and recorded nowhere else:\n  Snowflake: note on step 1: asked Bob") || !strings.Contains(out, "the rotation it was written for has ended") {
		t.Errorf("the unsaved note is not shown:\n%s", out)
	}
	if _, err := os.Stat(rescue); err != nil {
		t.Errorf("the only copy of the note was removed: %v", err)
	}
}

// TestRestoreKeepsWhatWasRecordedSince: a rescued note or uncheck older than what was
// recorded on the step since does not overwrite it; the rescued note's text is shown and
// its rescue file kept, as it is saved nowhere else.
func TestRestoreKeepsWhatWasRecordedSince(t *testing.T) {
	c := newCLI(t)
	keys := snowflakeSteps(t)
	started := testClock.Add(-3 * time.Hour).UTC()
	rescued := []state.Change{
		{Kind: state.Check, Key: "snowflake", Step: keys[0], Steps: keys, At: started},
		{Kind: state.SetNote, Key: "snowflake", Step: keys[0], Steps: keys, At: started.Add(time.Minute), Text: "old note", Started: &started},
		{Kind: state.Uncheck, Key: "snowflake", Step: keys[0], Steps: keys, At: started.Add(2 * time.Minute), Started: &started},
		{Kind: state.SetNote, Key: "snowflake", Step: keys[1], Steps: keys, At: started.Add(3 * time.Minute), Text: "kept note", Started: &started},
	}
	// Saved since by a later run: the first check, then a newer note and a newer
	// check of step 1.
	c.apply(rescued[0],
		state.Change{Kind: state.SetNote, Key: "snowflake", Step: keys[0], Steps: keys, At: started.Add(time.Hour), Text: "newer note", Started: &started},
		state.Change{Kind: state.Uncheck, Key: "snowflake", Step: keys[0], Steps: keys, At: started.Add(time.Hour), Started: &started},
		state.Change{Kind: state.Check, Key: "snowflake", Step: keys[0], Steps: keys, At: started.Add(2 * time.Hour), Started: &started})
	rescue, err := state.WriteRescue(c.statePath(), rescued)
	if err != nil {
		t.Fatal(err)
	}
	out := c.mustRun("restore")
	if !strings.Contains(out, "Restored 1 change") || !strings.Contains(out, "3 changes had nothing to do") {
		t.Errorf("output:\n%s", out)
	}
	rec := c.load().Key("snowflake").Current.Steps
	if rec[keys[0]].Note != "newer note" || rec[keys[0]].CheckedAt == nil {
		t.Errorf("step 1 lost what was recorded since: %+v", rec[keys[0]])
	}
	if rec[keys[1]] == nil || rec[keys[1]].Note != "kept note" {
		t.Errorf("step 2's rescued note was not restored: %+v", rec[keys[1]])
	}
	if !strings.Contains(out, "Snowflake: note on step 1: old note") || !strings.Contains(out, "a newer note was written on the step since") {
		t.Errorf("the overtaken note is not shown:\n%s", out)
	}
	if _, err := os.Stat(rescue); err != nil {
		t.Errorf("the only copy of the old note was removed: %v", err)
	}
}

// TestRestoreRefusesWhatItCannotUse: a broken rescue file, or one meant for another
// state file, stops restore before anything is saved, and says which file and why.
func TestRestoreRefusesWhatItCannotUse(t *testing.T) {
	c := newCLI(t)
	keys := snowflakeSteps(t)
	check := state.Change{Kind: state.Check, Key: "snowflake", Step: keys[0], Steps: keys, At: testClock.UTC()}
	good, err := state.WriteRescue(c.statePath(), []state.Change{check})
	if err != nil {
		t.Fatal(err)
	}
	broken := c.write("broken.json", "{\n  \"state_file\": \"x\",\n  \"changes\": [}\n")
	foreign, err := state.WriteRescue(filepath.Join(c.home, "other.json"), []state.Change{check})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file string
		want []string
	}{
		{broken, []string{broken + ": not a rescue file: not valid JSON", "line 3, column 15"}},
		{foreign, []string{foreign + " holds changes for " + filepath.Join(c.home, "other.json"), "rotatetui restore --state " + filepath.Join(c.home, "other.json")}},
	}
	for _, tt := range tests {
		_, errOut, code := c.run("restore", good, tt.file)
		if code != exitUsage {
			t.Errorf("%s: exit %d, want %d", tt.file, code, exitUsage)
		}
		for _, w := range append(tt.want, "Nothing was restored") {
			if !strings.Contains(errOut, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", tt.file, w, errOut)
			}
		}
		if _, err := os.Stat(c.statePath()); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("%s: the state file was written (%v)", tt.file, err)
		}
		if _, err := os.Stat(good); err != nil {
			t.Fatalf("%s: the good rescue file is gone: %v", tt.file, err)
		}
	}
}

// The tests below run at fixed times, five hours west of UTC, so local days and UTC
// days differ and nothing depends on the real date or the machine's time zone.
var (
	testZone  = time.FixedZone("UTC-5", -5*60*60)
	testClock = time.Date(2026, 3, 10, 15, 0, 0, 0, testZone)
)

const day = 24 * time.Hour

// at sets main's clock to t until the test ends (or the next call).
func (c *cli) at(t time.Time) *cli {
	c.t.Helper()
	old := now
	now = func() time.Time { return t }
	c.t.Cleanup(func() { now = old })
	return c
}

// daysAgo is testClock minus n days.
func daysAgo(n int) time.Time { return testClock.Add(-time.Duration(n) * day) }

func (c *cli) mustRun(args ...string) string {
	c.t.Helper()
	out, errOut, code := c.run(args...)
	if code != 0 {
		c.t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
	}
	return out
}

// apply writes changes straight to the state file.
func (c *cli) apply(changes ...state.Change) {
	c.t.Helper()
	if _, err := state.NewStore(c.statePath()).Apply(changes...); err != nil {
		c.t.Fatal(err)
	}
}

func (c *cli) load() *state.State {
	c.t.Helper()
	st, err := state.NewStore(c.statePath()).Load()
	if err != nil {
		c.t.Fatal(err)
	}
	return st
}

// statusRows runs status --json and indexes the rows by id, keeping each raw object too.
func (c *cli) statusRows(args ...string) (map[string]sourceStatusJSON, map[string]map[string]any) {
	c.t.Helper()
	out := c.mustRun(append([]string{"status", "--json"}, args...)...)
	var rows []sourceStatusJSON
	var raw []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		c.t.Fatalf("status --json: %v\n%s", err, out)
	}
	_ = json.Unmarshal([]byte(out), &raw)
	byID, rawByID := map[string]sourceStatusJSON{}, map[string]map[string]any{}
	for i, r := range rows {
		byID[r.ID], rawByID[r.ID] = r, raw[i]
	}
	return byID, rawByID
}

func sameTime(got *time.Time, want time.Time) bool { return got != nil && got.Equal(want) }

func TestParseArgsCommandFlags(t *testing.T) {
	o, err := parseArgs([]string{"rotated", "snowflake", "--on", "2026-01-02", "--actor=bob"})
	if err != nil || o.command != "rotated" || o.on != "2026-01-02" || o.actor != "bob" || !reflect.DeepEqual(o.args, []string{"snowflake"}) {
		t.Errorf("rotated: %+v %v", o, err)
	}
	o, err = parseArgs([]string{"-o", "r.csv", "export", "--format=csv", "--since", "2026-01-01", "--source", "awin", "--actor", "x"})
	if err != nil || o.output != "r.csv" || o.format != "csv" || o.since != "2026-01-01" || o.source != "awin" || len(o.args) != 0 {
		t.Errorf("export: %+v %v", o, err)
	}
	if o, err := parseArgs([]string{"status", "--check", "--json"}); err != nil || !o.check || !o.json {
		t.Errorf("status --check --json: %+v %v", o, err)
	}
	for _, ok := range [][]string{{"history", "x", "--json"}, {"export", "--json"}, {"reset", "x", "--json"}, {"rotated", "x", "--on", "2026-01-01", "--json"}, {"--actor", "a", "check", "x", "1"}} {
		if _, err := parseArgs(ok); err != nil {
			t.Errorf("%v refused: %v", ok, err)
		}
	}
	for _, bad := range []struct {
		args []string
		msg  string
	}{
		{[]string{"check", "snowflake", "1", "--on", "2026-01-02"}, "--on works only with 'rotated'"},
		{[]string{"status", "--format", "csv"}, "--format works only with 'export'"},
		{[]string{"history", "x", "--since", "2026-01-01"}, "--since works only with 'status', 'verify' or 'export'"},
		{[]string{"rotated", "x", "--source", "y"}, "--source works only with 'export'"},
		{[]string{"-o", "f"}, "-o works only with 'export'"},
		{[]string{"status", "--output=f"}, "--output works only with 'export'"},
		{[]string{"export", "--check"}, "--check works only with 'status'"},
		{[]string{"status", "--check=yes"}, "--check takes no value"},
		{[]string{"check", "x", "1", "--json"}, "--json works with status"},
		{[]string{"status", "--actor"}, "--actor needs a value"},
		{[]string{"status", "--actor", " "}, "--actor needs a name"},
		{[]string{"rotated", "x", "--on"}, "--on needs a value"},
	} {
		if _, err := parseArgs(bad.args); err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("%v: error %v, want %q", bad.args, err, bad.msg)
		}
	}
	// Through run: a usage error, exit 2.
	c := newCLI(t)
	if _, errOut, code := c.run("status", "--on", "2026-01-02"); code != exitUsage || !strings.Contains(errOut, "--on works only with 'rotated'") {
		t.Errorf("status --on: %d %q", code, errOut)
	}
}

// TestCheckUsesTheInjectedClock: recorded times come from main's clock, in UTC.
func TestCheckUsesTheInjectedClock(t *testing.T) {
	c := newCLI(t).at(testClock)
	c.mustRun("check", "snowflake", "1")
	cur := c.load().Key("snowflake").Current
	if cur == nil || !cur.StartedAt.Equal(testClock) || cur.StartedAt.Location() != time.UTC {
		t.Errorf("started at %v, want %v in UTC", cur, testClock)
	}
}

func TestStatusSchedule(t *testing.T) {
	c := newCLI(t)
	c.at(daysAgo(100)).mustRun("check", "--yes", "awin", "1", "2", "3") // 90d interval: 10 days overdue
	c.at(daysAgo(2)).mustRun("check", "snowflake", "1")                 // in progress, never rotated
	c.at(testClock)
	c.mustRun("rotated", "adjust", "--on", daysAgo(80).Format("2006-01-02"))    // due in 10 days
	c.mustRun("rotated", "appsflyer", "--on", daysAgo(90).Format("2006-01-02")) // due today
	c.mustRun("rotated", "axon", "--on", daysAgo(1).Format("2006-01-02"))       // ok

	rows, raw := c.statusRows()
	for _, k := range []string{"id", "name", "state", "done", "total", "started_at", "updated_at", "last_rotated", "next_due", "overdue", "due", "days_until_due", "interval"} {
		if _, ok := raw["awin"][k]; !ok {
			t.Errorf("status --json lacks %q", k)
		}
	}
	if raw["awin"]["started_at"] != nil || raw["activecampaign"]["next_due"] != nil || raw["activecampaign"]["last_rotated"] != nil {
		t.Error("absent times must be null")
	}
	midnight := func(n int) time.Time { y, m, d := daysAgo(n).Date(); return time.Date(y, m, d, 0, 0, 0, 0, testZone) }
	for _, w := range []struct {
		id, state string
		overdue   bool
		last      time.Time
		days      int
	}{
		{"awin", "overdue", true, daysAgo(100), -10},
		{"adjust", "due_soon", false, midnight(80), 10},
		{"appsflyer", "due_today", false, midnight(90), 0},
		{"axon", "ok", false, midnight(1), 89},
	} {
		r := rows[w.id]
		if r.State != w.state || r.Due != w.state || r.Overdue != w.overdue || !sameTime(r.LastRotated, w.last) ||
			!sameTime(r.NextDue, w.last.Add(90*day)) || r.DaysUntilDue == nil || *r.DaysUntilDue != w.days || r.Interval != "90d" {
			t.Errorf("%s: %+v (days %v), want %s, last %v, %d days", w.id, r, r.DaysUntilDue, w.state, w.last, w.days)
		}
		if r.NextDue.Location() != time.UTC || r.LastRotated.Location() != time.UTC {
			t.Errorf("%s: times not in UTC: %v %v", w.id, r.LastRotated, r.NextDue)
		}
	}
	if r := rows["snowflake"]; r.State != "in_progress" || r.Due != "unknown" || r.Overdue || r.Done != 1 || !sameTime(r.StartedAt, daysAgo(2)) || r.NextDue != nil {
		t.Errorf("snowflake: %+v", r)
	}
	if r := rows["activecampaign"]; r.State != "unknown" || r.Overdue || r.DaysUntilDue != nil {
		t.Errorf("never rotated: %+v", r)
	}

	out := c.mustRun("status")
	for _, want := range []string{"NEXT DUE", "2026-02-28 (10 days overdue)", "due today", "(in 10 days)", "(today)"} {
		if !strings.Contains(out, want) {
			t.Errorf("plain status lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "Awin ") && !strings.Contains(line, "overdue") || strings.HasPrefix(line, "Axon") && !strings.Contains(line, "rotated") {
			t.Errorf("row %q", line)
		}
	}
}

func TestStatusCheck(t *testing.T) {
	c := newCLI(t).at(testClock)
	out, errOut, code := c.run("status", "--check")
	if code != 0 || out != "" || errOut != "" {
		t.Errorf("nothing recorded: exit %d, %q %q", code, out, errOut)
	}
	c.mustRun("rotated", "awin", "--on", daysAgo(89).Format("2006-01-02"))
	c.at(daysAgo(7)).mustRun("check", "snowflake", "1") // exactly 7 days ago: not yet stale
	if out, errOut, code := c.at(testClock).run("status", "--check"); code != 0 || out != "" || errOut != "" {
		t.Errorf("nothing due: exit %d, %q %q", code, out, errOut)
	}

	// A minute later the rotation has been in progress for over 7 days.
	c.at(testClock.Add(time.Minute))
	_, errOut, code = c.run("status", "--check")
	if code != exitFailed || !strings.Contains(errOut, "Snowflake (snowflake) has had a rotation in progress for 7d") || !strings.Contains(errOut, "rotatetui reset snowflake") {
		t.Errorf("stale rotation: exit %d, %q", code, errOut)
	}
	if strings.Contains(errOut, "Awin") {
		t.Errorf("awin is not overdue yet: %q", errOut)
	}

	// Two days later awin is overdue too; --json still prints the rows.
	c.mustRun("reset", "snowflake")
	c.at(testClock.Add(2 * day))
	out, errOut, code = c.run("status", "--check", "--json")
	if code != exitFailed || !strings.Contains(errOut, "Awin (awin) is overdue by 1 day") || strings.Contains(errOut, "Snowflake") {
		t.Errorf("overdue: exit %d, %q", code, errOut)
	}
	if !strings.HasPrefix(out, "[") {
		t.Errorf("--check --json printed no JSON: %q", out)
	}
}

func TestHistoryNewestFirst(t *testing.T) {
	c := newCLI(t)
	c.at(daysAgo(20)).mustRun("--actor", "bob@desk", "check", "awin", "1")
	c.at(daysAgo(19)).mustRun("reset", "awin", "--join")
	c.at(daysAgo(10)).mustRun("check", "--yes", "awin", "1", "2", "--actor", "alice@laptop")
	c.at(daysAgo(10).Add(28*time.Minute)).mustRun("check", "--join", "awin", "3")
	c.at(daysAgo(1)).mustRun("check", "--yes", "awin", "2")
	c.at(testClock)

	out := c.mustRun("history", "Awin")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || !strings.Contains(lines[0], "Awin (awin): 3 rotations") {
		t.Fatalf("history:\n%s", out)
	}
	for i, want := range []string{"OUTCOME", "in progress  2026-03-09 15:00  -", "completed    2026-02-28 15:00  2026-02-28 15:28  28m       3     0        3      alice@laptop", "abandoned    2026-02-18 15:00  2026-02-19 15:00  1d"} {
		if !strings.HasPrefix(lines[i+1], want) {
			t.Errorf("line %d = %q, want prefix %q", i+1, lines[i+1], want)
		}
	}
	if !strings.Contains(lines[4], "bob@desk") {
		t.Errorf("abandoned row: %q", lines[4])
	}

	out = c.mustRun("history", "awin", "--json")
	var h historyJSON
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatal(err)
	}
	if h.ID != "awin" || len(h.Rotations) != 3 || h.Rotations[0].Outcome != state.InProgress || h.Rotations[1].Outcome != state.Completed ||
		h.Rotations[2].Outcome != state.Abandoned || h.Rotations[1].Duration != "28m" || h.Rotations[1].Steps[2].Actor != "cli@test" {
		t.Errorf("history --json: %+v", h)
	}

	if out := c.mustRun("history", "axon"); !strings.Contains(out, "Axon (AppLovin) (axon): 0 rotations") {
		t.Errorf("no history: %q", out)
	}
	if _, errOut, code := c.run("history", "snow"); code != exitUsage || !strings.Contains(errOut, `no source "snow"; did you mean: Snowflake (snowflake)`) {
		t.Errorf("unknown source: %d %q", code, errOut)
	}
	if _, errOut, code := c.run("history"); code != exitUsage || !strings.Contains(errOut, "usage: rotatetui history KEY") {
		t.Errorf("no source: %d %q", code, errOut)
	}
}

func TestReset(t *testing.T) {
	c := newCLI(t).at(testClock)
	if out := c.mustRun("reset", "snowflake"); out != "Snowflake: nothing to reset: no rotation in progress\n" {
		t.Errorf("nothing to reset: %q", out)
	}
	if _, err := os.Stat(c.statePath()); err == nil {
		t.Error("a reset that changes nothing must not create the state file")
	}
	c.at(daysAgo(1)).mustRun("check", "snowflake", "1", "2")
	out := c.at(testClock).mustRun("reset", "SNOWFLAKE")
	if out != "Snowflake: abandoned the rotation started 2026-03-09 15:00 (2/8 steps done); it stays in the history as abandoned\n" {
		t.Errorf("reset: %q", out)
	}
	ss := c.load().Key("snowflake")
	if ss.Current != nil || len(ss.History) != 1 || ss.History[0].Outcome != state.Abandoned || !ss.History[0].FinishedAt.Equal(testClock) {
		t.Errorf("after reset: %+v", ss)
	}
	if rows, _ := c.statusRows(); rows["snowflake"].State != "unknown" {
		t.Errorf("status after reset: %+v", rows["snowflake"])
	}
	c.mustRun("check", "snowflake", "3")
	out = c.mustRun("reset", "snowflake", "--json")
	var r resetJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil || !r.Abandoned || r.Rotation == nil || r.Rotation.Done != 1 {
		t.Errorf("reset --json: %v %s", err, out)
	}
	if _, errOut, code := c.run("reset", "snow"); code != exitUsage || !strings.Contains(errOut, "did you mean: Snowflake (snowflake)") {
		t.Errorf("unknown source: %d %q", code, errOut)
	}
}

func TestRotatedOn(t *testing.T) {
	c := newCLI(t).at(testClock)
	out := c.mustRun("rotated", "snowflake", "--on", "2026-01-02")
	if out != "Snowflake: recorded as rotated on 2026-01-02; next due 2026-04-02 (in 23 days)\n" {
		t.Errorf("rotated: %q", out)
	}
	// Local midnight, stored in UTC.
	want := time.Date(2026, 1, 2, 5, 0, 0, 0, time.UTC)
	if got := c.load().Key("snowflake").LastRotated; got == nil || !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("stored %v, want %v", got, want)
	}
	// RFC 3339 works too, and today is not the future.
	c.mustRun("--on", "2026-01-03T10:00:00+01:00", "rotated", "snowflake")
	if got := c.load().Key("snowflake").LastRotated; !got.Equal(time.Date(2026, 1, 3, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("RFC 3339: stored %v", got)
	}
	c.mustRun("rotated", "awin", "--on", "2026-03-10")

	before := fileHash(t, c.statePath())
	for _, bad := range []struct {
		args []string
		msg  string
	}{
		{[]string{"rotated", "snowflake", "--on", "2026-03-11"}, "--on 2026-03-11 is in the future"},
		{[]string{"rotated", "snowflake", "--on", "2026-03-10T15:01:00-05:00"}, "is in the future"},
		{[]string{"rotated", "snowflake", "--on", "03/01/2026"}, `--on: "03/01/2026" is not a date: use YYYY-MM-DD (e.g. 2026-01-02) or an RFC 3339 time`},
		{[]string{"rotated", "snowflake", "--on", "2026-02-30"}, `"2026-02-30" is not a date`},
		{[]string{"rotated", "snowflake"}, "rotated needs --on DATE"},
		{[]string{"rotated", "snowflake", "2026-01-02"}, "usage: rotatetui rotated KEY --on DATE"},
		{[]string{"rotated", "snow", "--on", "2026-01-02"}, `no source "snow"; did you mean: Snowflake (snowflake)`},
	} {
		if _, errOut, code := c.run(bad.args...); code != exitUsage || !strings.Contains(errOut, bad.msg) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", bad.args, code, errOut, bad.msg)
		}
	}
	if fileHash(t, c.statePath()) != before {
		t.Error("a refused rotated changed the state file")
	}

	// A completed rotation newer than the date given still counts.
	c.at(daysAgo(1)).mustRun("check", "--yes", "awin", "1", "2", "3")
	out = c.at(testClock).mustRun("rotated", "awin", "--on", "2026-02-01")
	if !strings.Contains(out, "the rotation completed on 2026-03-09 15:00 is newer and still counts") {
		t.Errorf("older date: %q", out)
	}
	var row sourceStatusJSON
	if err := json.Unmarshal([]byte(c.mustRun("rotated", "axon", "--on", "2026-03-01", "--json")), &row); err != nil || row.ID != "axon" || row.State != "ok" {
		t.Errorf("rotated --json: %+v %v", row, err)
	}
}

func TestActorPrecedence(t *testing.T) {
	c := newCLI(t).at(testClock)
	t.Setenv("USER", "unix-user")
	host, _ := os.Hostname()
	c.mustRun("check", "snowflake", "1", "--actor", "flag@wins") // flag over ROTATETUI_ACTOR
	c.mustRun("check", "--join", "snowflake", "2")               // ROTATETUI_ACTOR
	t.Setenv("ROTATETUI_ACTOR", "")
	c.mustRun("check", "--join", "snowflake", "3")                                         // $USER@hostname
	c.mustRun("--actor", "first@position", "check", "--join", "snowflake", "show-secrets") // anywhere on the line
	steps := c.load().Key("snowflake").Current.Steps
	for key, want := range map[string]string{"login": "flag@wins", "accountadmin-role": "cli@test", "refresh-secret": "unix-user@" + host, "show-secrets": "first@position"} {
		if steps[key] == nil || steps[key].By != want {
			t.Errorf("%s recorded by %+v, want %q", key, steps[key], want)
		}
	}
	if c.load().Key("snowflake").Current.StartedBy != "flag@wins" {
		t.Error("started_by is not the first actor")
	}
	// The export shows who did each step.
	out := c.mustRun("export", "--format", "csv", "--source", "snowflake")
	for _, want := range []string{",login,Log in to Snowflake and click SYSADMIN.,done,2026-03-10T15:00:00-05:00,flag@wins,", ",cli@test,", ",unix-user@" + host + ",", ",first@position,"} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %q:\n%s", want, out)
		}
	}
}

func TestConfigInterval(t *testing.T) {
	c := newCLI(t).at(testClock)
	c.mustRun("rotated", "awin", "--on", daysAgo(40).Format("2006-01-02"))
	if rows, _ := c.statusRows(); rows["awin"].State != "ok" || rows["awin"].Interval != "90d" {
		t.Errorf("default: %+v", rows["awin"])
	}
	// config.toml's interval beats the built-in catalog's default.
	c.write("config/rotatetui/config.toml", "# team policy\nrotate_every = \"30d\"\n")
	if rows, _ := c.statusRows(); rows["awin"].State != "overdue" || rows["awin"].Interval != "30d" || *rows["awin"].DaysUntilDue != -10 {
		t.Errorf("config 30d: %+v", rows["awin"])
	}
	// A user catalog's interval beats config.toml, and a source's own beats both.
	extra := c.write("extra.toml", `rotate_every = "60d"
[[sources]]
id = "internal"
name = "Internal"
rotate_every = "1w"
[[sources.steps]]
text = "Make a key."
`)
	c.mustRun("rotated", "internal", "--on", daysAgo(8).Format("2006-01-02"), "--catalog", extra)
	rows, _ := c.statusRows("--catalog", extra)
	if rows["awin"].Interval != "60d" || rows["awin"].State != "ok" || rows["internal"].Interval != "7d" || rows["internal"].State != "overdue" {
		t.Errorf("layered: awin %+v, internal %+v", rows["awin"], rows["internal"])
	}
	// Without the built-in catalog and without a config, the default is 90 days.
	_ = os.Remove(filepath.Join(c.home, "config/rotatetui/config.toml"))
	if rows, _ := c.statusRows("--no-builtin", "--catalog", c.write("plain.toml", "[[sources]]\nid = \"p\"\nname = \"P\"\n[[sources.steps]]\ntext = \"t\"\n")); rows["p"].Interval != "90d" {
		t.Errorf("no builtin: %+v", rows["p"])
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tt := range []struct {
		content string
		want    []string
	}{
		{"rotate_every = \"90d\"\n\nrotate_evry = \"30d\"\n", []string{`:3:1: unknown key "rotate_evry" at the top level (known keys: rotate_every, state, verify, check_timeout)`}},
		{"# comment\n  rotate_every = \"3 months\"\n", []string{`:2:3: rotate_every: bad duration "3 months"`}},
		{"rotate_every = 90\n", []string{`:1:1: rotate_every must be a string such as "90d", not an integer`}},
		{"rotate_every = \"0d\"\n", []string{`:1:1: rotate_every: duration "0d" must be longer than zero`}},
		{"rotate_every = \"90d\"\n[schedule]\nx = 1\n", []string{`:2:1: unknown key "schedule"`}},
		{"a = 1\nrotate_every = \"x\"\n", []string{`:1:1: unknown key "a"`, `:2:1: rotate_every: bad duration "x"`}},
		{"rotate_every = \"90d\n", []string{`:1:`, "TOML syntax"}},
	} {
		c := newCLI(t)
		p := c.write("config/rotatetui/config.toml", tt.content)
		for _, args := range [][]string{{"status"}, {"check", "awin", "1"}} {
			_, errOut, code := c.run(args...)
			if code != exitUsage || !strings.Contains(errOut, "rotatetui: config refused:\n"+p+":") {
				t.Errorf("%q %v: exit %d, %q", tt.content, args, code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, p+w) && !strings.Contains(errOut, w) {
					t.Errorf("%q: stderr lacks %q:\n%s", tt.content, w, errOut)
				}
			}
		}
		if _, err := os.Stat(c.statePath()); err == nil {
			t.Errorf("%q: a refused config must change nothing", tt.content)
		}
	}
}

// exportFixture records two rotations and one of a source the catalog no longer has.
func exportFixture(t *testing.T) *cli {
	c := newCLI(t)
	c.at(daysAgo(30)).mustRun("check", "--yes", "awin", "1", "2", "3", "--actor", "alice@laptop")
	c.at(daysAgo(2)).mustRun("check", "snowflake", "1")
	c.apply(
		state.Change{Kind: state.SetNote, Key: "snowflake", Step: "login", At: daysAgo(2), By: "bob", Text: "see \x1b[31mOPS-1\x1b[0m"},
		state.Change{Kind: state.Skip, Key: "snowflake", Step: "show-secrets", At: daysAgo(2), By: "bob", Text: "=HYPERLINK(\"x\")"},
		state.Change{Kind: state.Check, Key: "legacy", Step: "gone", Steps: []string{"gone", "other"}, At: daysAgo(400), By: "carol"},
	)
	c.at(testClock)
	return c
}

func TestExport(t *testing.T) {
	c := exportFixture(t)

	md := c.mustRun("export")
	for _, want := range []string{
		"# Key rotation report: Data source API key rotation", "Generated by rotatetui on 2026-03-10 15:00 -05:00.",
		"3 rotations: 1 completed, 2 in progress, 0 abandoned.",
		"| 1 | legacy | - | 2025-02-03 15:00 -05:00 |", "| 2 | Awin | - | 2026-02-08 15:00 -05:00 | 2026-02-08 15:00 -05:00 | 0s | completed | alice@laptop | 3 | 0 | 0 |",
		"## 3. Snowflake, started 2026-03-08 15:00 -05:00", "see ^[[31mOPS-1^[[0m", "(step no longer in the catalog) `gone`",
		"| 4 | Second command: | skipped | 2026-03-08 15:00 -05:00 | bob |  | =HYPERLINK(\"x\") |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "\x1b") {
		t.Error("markdown holds a raw escape character")
	}

	out := c.mustRun("export", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "source_id,source_name,rotation_started,rotation_finished,outcome,step_number,step_id,step_text,result,time,actor,note,skip_reason,overrides,overridden_by,key_id,key_name,owner,key_retired,proves,established_by,check,check_command_sha256" {
		t.Errorf("header %q", rows[0])
	}
	if len(rows) != 1+1+3+8 {
		t.Errorf("%d rows, want a header and 12 steps:\n%s", len(rows), out)
	}
	var sawSkip bool
	for _, r := range rows[1:] {
		if r[0] == "snowflake" && r[6] == "show-secrets" {
			sawSkip = r[8] == "skipped" && r[12] == `'=HYPERLINK("x")` && r[10] == "bob"
		}
		if r[0] == "snowflake" && r[6] == "login" && r[11] != "see ^[[31mOPS-1^[[0m" {
			t.Errorf("note not made printable: %q", r[11])
		}
	}
	if !sawSkip {
		t.Errorf("skipped step with a formula-looking reason not exported safely:\n%s", out)
	}

	// --since keeps rotations that ended (or last changed) on or after the date.
	out = c.mustRun("export", "--format", "csv", "--since", "2026-03-01")
	if strings.Contains(out, "awin,") || strings.Contains(out, "legacy,") || !strings.Contains(out, "snowflake,") {
		t.Errorf("--since:\n%s", out)
	}
	// --source picks one, by name or id, even one the catalog no longer has.
	out = c.mustRun("--source", "AWIN", "export", "--format=csv")
	if strings.Count(out, "\n") != 4 || strings.Contains(out, "snowflake,") {
		t.Errorf("--source awin:\n%s", out)
	}
	if out := c.mustRun("export", "--source", "legacy", "--format", "csv"); !strings.Contains(out, "legacy,legacy,") || !strings.Contains(out, "(step no longer in the catalog)") {
		t.Errorf("--source legacy:\n%s", out)
	}
	if _, errOut, code := c.run("export", "--source", "snow"); code != exitUsage || !strings.Contains(errOut, "did you mean: Snowflake (snowflake)") {
		t.Errorf("--source snow: %d %q", code, errOut)
	}

	var rep state.JSONReport
	if err := json.Unmarshal([]byte(c.mustRun("export", "--json")), &rep); err != nil || rep.SchemaVersion != 2 || len(rep.Rotations) != 3 {
		t.Errorf("--json: %v %+v", err, rep)
	}
	for _, bad := range []struct {
		args []string
		msg  string
	}{
		{[]string{"export", "--format", "xlsx"}, `unknown export format "xlsx" (use markdown, csv or json)`},
		{[]string{"export", "--json", "--format", "csv"}, "--json and --format csv contradict each other"},
		{[]string{"export", "--since", "yesterday"}, `--since: "yesterday" is not a date`},
		{[]string{"export", "awin"}, "export takes no arguments; to export one source, use --source SOURCE"},
		{[]string{"export", "-o", c.statePath()}, "would overwrite the progress file"},
	} {
		if _, errOut, code := c.run(bad.args...); code != exitUsage || !strings.Contains(errOut, bad.msg) {
			t.Errorf("%v: exit %d %q, want %q", bad.args, code, errOut, bad.msg)
		}
	}
}

func TestExportToFile(t *testing.T) {
	c := exportFixture(t)
	dir := filepath.Join(c.home, "reports")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "rotation-report.md")
	if err := os.WriteFile(path, []byte("an older report, readable by all"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := c.mustRun("export", "-o", path)
	if out != "Wrote 3 rotations (markdown) to "+path+"\n" {
		t.Errorf("stdout %q", out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := c.mustRun("export"); string(data) != want {
		t.Errorf("file differs from stdout export:\n%s", data)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %o, want 600", fi.Mode().Perm())
	}
	c.mustRun("export", "--output="+filepath.Join(dir, "r.csv"), "--format", "csv")
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !reflect.DeepEqual(names, []string{"r.csv", "rotation-report.md"}) {
		t.Errorf("directory holds %q: temp files left behind?", names)
	}
	if _, errOut, code := c.run("export", "-o", filepath.Join(dir, "missing", "x.md")); code != exitFailed || !strings.Contains(errOut, "missing") {
		t.Errorf("missing directory: %d %q", code, errOut)
	}
}

// TestDurationFormatsAgree: the export writes durations exactly as catalogs do.
func TestDurationFormatsAgree(t *testing.T) {
	for _, d := range []time.Duration{time.Second, 90 * time.Second, 28 * time.Minute, 26*time.Hour + 5*time.Minute + time.Second, 90 * day} {
		if got, want := state.FormatDuration(d), catalog.Duration(d).String(); got != want {
			t.Errorf("%v: export writes %q, catalogs %q", d, got, want)
		}
	}
}

func TestLoosePermissionsAreWarnedAbout(t *testing.T) {
	c := newCLI(t)
	if _, _, code := c.run("check", "awin", "1"); code != 0 {
		t.Fatal(code)
	}
	if _, errOut, _ := c.run("status"); strings.Contains(errOut, "warning") {
		t.Errorf("warned about a private file: %q", errOut)
	}
	if err := os.Chmod(c.statePath(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := c.run("status")
	if code != 0 || !strings.Contains(errOut, "warning: state file "+c.statePath()+" has mode 0644") {
		t.Errorf("no warning for a 0644 state file: %q", errOut)
	}
}

// TestHeapLimitWhileLoading: a large catalog bounds the heap at about four times its
// size until lifted; small ones and a lower limit of the user's are left alone.
func TestHeapLimitWhileLoading(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	dir := t.TempDir()
	small, large := filepath.Join(dir, "small.toml"), filepath.Join(dir, "large.toml")
	if err := os.WriteFile(small, make([]byte, 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(large, make([]byte, 8<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	debug.SetMemoryLimit(math.MaxInt64)

	lift, isLarge := limitHeapWhileLoading(totalSize([]string{small}))
	lift()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 || isLarge {
		t.Errorf("a small catalog set the limit to %d (large: %v)", got, isLarge)
	}

	lift, isLarge = limitHeapWhileLoading(totalSize([]string{small, large}))
	if !isLarge {
		t.Error("8 MB of catalogs not large")
	}
	if got, want := debug.SetMemoryLimit(-1), int64(4*(8<<20+1000)+32<<20); got != want {
		t.Errorf("limit while loading %d, want %d", got, want)
	}
	lift()
	lift() // twice is harmless
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit after lifting %d, want none", got)
	}

	debug.SetMemoryLimit(1 << 20) // the user's
	lift, _ = limitHeapWhileLoading(totalSize([]string{large}))
	lift()
	if got := debug.SetMemoryLimit(-1); got != 1<<20 {
		t.Errorf("the user's limit became %d", got)
	}
}

func TestCollectOftenWithLargeCatalogs(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOGC", "300") // the user's
	os.Unsetenv("GOGC")
	collectOftenWithLargeCatalogs(collectOftenFrom)
	if got := debug.SetGCPercent(100); got != 25 {
		t.Errorf("GC percent %d, want 25", got)
	}
	collectOftenWithLargeCatalogs(collectOftenFrom - 1) // 10,000 sources are 2.5 MB
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent %d below %d bytes of catalogs, want 100", got, collectOftenFrom)
	}
	t.Setenv("GOGC", "300")
	collectOftenWithLargeCatalogs(collectOftenFrom)
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("a GOGC of the user's was overridden: %d", got)
	}
}

// TestOnlyWritingCommandsCleanTempFiles: a temp file left by a killed save is removed
// by the next command that may save, and left alone by those that only read (they
// start faster without reading the directory).
func TestOnlyWritingCommandsCleanTempFiles(t *testing.T) {
	c := newCLI(t)
	c.mustRun("check", "snowflake", "1")
	stray := filepath.Join(filepath.Dir(c.statePath()), ".state.json.tmp-0123456789abcdef")
	if err := os.WriteFile(stray, []byte("half a save"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"status"}, {"status", "--json"}, {"history", "snowflake"}, {"catalog", "--json"}} {
		c.mustRun(args...)
		if _, err := os.Stat(stray); err != nil {
			t.Fatalf("%v removed the temp file: %v", args, err)
		}
	}
	c.mustRun("uncheck", "snowflake", "1")
	if _, err := os.Stat(stray); !os.IsNotExist(err) {
		t.Errorf("uncheck left the temp file behind: %v", err)
	}
}

// TestMistypedCommandIsRefused: a first word close to a command that matches no source
// is a typo of the command, not a filter for the list.
func TestMistypedCommandIsRefused(t *testing.T) {
	c := newCLI(t)
	for _, tt := range []struct{ args []string }{
		{[]string{"statsu"}},
		{[]string{"Statsu", "--json"}},
		{[]string{"chek", "snowflake", "1"}},
		{[]string{"--state", filepath.Join(c.home, "s.json"), "rotatd", "awin"}},
	} {
		_, errOut, code := c.run(tt.args...)
		want := map[string]string{"statsu": "status", "Statsu": "status", "chek": "check", "--state": "rotated"}[tt.args[0]]
		if code != exitUsage || !strings.Contains(errOut, "; did you mean "+want+"?") || !strings.Contains(errOut, "unknown command ") {
			t.Errorf("%v: exit %d, %q; want 2 and a suggestion of %s", tt.args, code, errOut, want)
		}
	}
	if _, errOut, _ := c.run("statsu"); !strings.HasPrefix(errOut, "rotatetui: unknown command statsu; did you mean status?\n") {
		t.Errorf("message: %q", errOut)
	}
	if _, err := os.Stat(c.statePath()); err == nil {
		t.Error("a refused command line created the state file")
	}
	// A word close to a command that matches a source, and a word close to no
	// command, are filters for the list (which needs a terminal the tests have not).
	statsu := c.write("statsu.toml", "[[sources]]\nid = \"statsu\"\nname = \"Statsu Analytics\"\n[[sources.steps]]\ntext = \"t\"\n")
	for _, args := range [][]string{{"--catalog", statsu, "statsu"}, {"snow"}, {"xyzzy"}} {
		if _, errOut, _ := c.run(args...); strings.Contains(errOut, "unknown command") || !strings.Contains(errOut, "needs a terminal") {
			t.Errorf("%v: %q, want the list (refused for want of a terminal)", args, errOut)
		}
	}
}

func TestUnknownFlagsAndArgumentsAreRefused(t *testing.T) {
	c := newCLI(t)
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"status", "--chek"}, "unknown flag --chek; did you mean --check?"},
		{[]string{"status", "--jsno"}, "unknown flag --jsno; did you mean --json?"},
		{[]string{"export", "--formt", "csv"}, "unknown flag --formt; did you mean --format?"},
		{[]string{"-resume"}, "unknown flag -resume; did you mean --resume?"},
		{[]string{"-r", "extra"}, `--resume opens the most recent unfinished rotation: it takes no QUERY (got "extra")`},
		{[]string{"catalog", "--json", "extra"}, `catalog takes no arguments (got "extra")`},
		{[]string{"--help=yes"}, "--help takes no value"},
		{[]string{"status", "--x\x1b[31m"}, `unknown flag --x`},
	} {
		_, errOut, code := c.run(tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.msg) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tt.args, code, errOut, tt.msg)
		}
		if strings.Contains(errOut, "\x1b") {
			t.Errorf("%v: an escape sequence reached stderr: %q", tt.args, errOut)
		}
	}
	if _, errOut, _ := c.run("--bogus"); strings.Contains(errOut, "did you mean") {
		t.Errorf("a flag close to none has no suggestion: %q", errOut)
	}
}

// statusTable runs the plain status and returns its rows as cells (split at runs of
// two spaces or more), the header first.
func (c *cli) statusTable(args ...string) [][]string {
	c.t.Helper()
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSuffix(c.mustRun(append([]string{"status"}, args...)...), "\n"), "\n") {
		var cells []string
		for _, cell := range strings.Split(line, "  ") {
			if cell = strings.TrimSpace(cell); cell != "" {
				cells = append(cells, cell)
			}
		}
		rows = append(rows, cells)
	}
	return rows
}

func TestStatusNamedSources(t *testing.T) {
	c := newCLI(t).at(testClock)
	c.mustRun("check", "snowflake", "1")
	rows := c.statusTable("awin", "Snowflake", "awin")
	if len(rows) != 3 || rows[1][1] != "awin" || rows[2][1] != "snowflake" || rows[2][2] != "in progress" {
		t.Errorf("status awin Snowflake awin: %q, want awin then snowflake, once each", rows)
	}
	out := c.mustRun("status", "snowflake", "--json")
	var got []sourceStatusJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 1 || got[0].ID != "snowflake" || got[0].Done != 1 {
		t.Errorf("status snowflake --json: %v %+v", err, got)
	}
	_, errOut, code := c.run("status", "awin", "snow")
	if code != exitUsage || !strings.Contains(errOut, `no source "snow"; did you mean: Snowflake (snowflake)`) {
		t.Errorf("unknown source: %d %q", code, errOut)
	}
	// --check looks at the sources named only.
	c.at(daysAgo(100)).mustRun("check", "--yes", "awin", "1", "2", "3")
	c.at(testClock)
	if _, _, code := c.run("status", "--check", "snowflake"); code != exitOK {
		t.Errorf("status --check snowflake: exit %d, want 0 (awin is overdue, not snowflake)", code)
	}
	if _, _, code := c.run("status", "--check", "snowflake", "awin"); code != exitFailed {
		t.Errorf("status --check snowflake awin: exit %d, want 1", code)
	}
}

// TestStatusTableIsInListOrder: the plain table has an ID column and is sorted as the
// source list is (ui's orderSources).
func TestStatusTableIsInListOrder(t *testing.T) {
	c := newCLI(t)
	c.at(daysAgo(100)).mustRun("check", "--yes", "awin", "1", "2", "3") // overdue 10 days
	c.at(daysAgo(3)).mustRun("check", "snowflake", "1")                 // in progress, touched 3 days ago
	c.at(daysAgo(1)).mustRun("check", "clockify", "1")                  // in progress, touched yesterday
	c.at(testClock)
	c.mustRun("rotated", "adjust", "--on", daysAgo(95).Format("2006-01-02"))      // overdue 5 days
	c.mustRun("rotated", "bigcommerce", "--on", daysAgo(80).Format("2006-01-02")) // due in 10 days
	c.mustRun("rotated", "appsflyer", "--on", daysAgo(90).Format("2006-01-02"))   // due today
	c.mustRun("rotated", "axon", "--on", daysAgo(1).Format("2006-01-02"))         // ok: with the rest

	rows := c.statusTable()
	if want := []string{"SOURCE", "ID", "STATE", "PROGRESS", "LAST ROTATED", "NEXT DUE"}; !reflect.DeepEqual(rows[0], want) {
		t.Fatalf("header %q, want %q", rows[0], want)
	}
	var ids []string
	for _, r := range rows[1:] {
		ids = append(ids, r[1])
	}
	if want := []string{"clockify", "snowflake", "awin", "adjust", "appsflyer", "bigcommerce"}; !reflect.DeepEqual(ids[:6], want) {
		t.Errorf("first rows %q, want %q", ids[:6], want)
	}
	// Then the rest by name, whatever their case, axon (rotated yesterday) among them.
	rest := rows[7:]
	for i := 1; i < len(rest); i++ {
		if strings.ToLower(rest[i-1][0]) > strings.ToLower(rest[i][0]) {
			t.Errorf("%q before %q: the rest is not by name", rest[i-1][0], rest[i][0])
		}
	}
	if len(rows) != 52 {
		t.Errorf("%d rows, want the header and 51 sources", len(rows))
	}
	// JSON keeps the catalog's order, which scripts may rely on.
	out := c.mustRun("status", "--json")
	var got []sourceStatusJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil || got[0].ID == "clockify" {
		t.Errorf("status --json reordered: %v, first %q", err, got[0].ID)
	}
}

func TestRotatedSeveralSourcesTodayAndYesterday(t *testing.T) {
	c := newCLI(t).at(testClock)
	out := c.mustRun("rotated", "awin", "Adjust", "--on", "today")
	if !strings.Contains(out, "Awin: recorded as rotated on 2026-03-10; next due") || !strings.Contains(out, "Adjust: recorded as rotated on 2026-03-10") {
		t.Errorf("rotated awin Adjust --on today: %q", out)
	}
	today := time.Date(2026, 3, 10, 0, 0, 0, 0, testZone)
	st := c.load()
	for _, id := range []string{"awin", "adjust"} {
		if got := st.Key(id).LastRotated; got == nil || !got.Equal(today) {
			t.Errorf("%s: last rotated %v, want %v", id, got, today)
		}
	}
	var rows []sourceStatusJSON
	if err := json.Unmarshal([]byte(c.mustRun("rotated", "axon", "awin", "--on", "Yesterday", "--json")), &rows); err != nil || len(rows) != 2 || rows[0].ID != "axon" || rows[1].ID != "awin" {
		t.Fatalf("rotated axon awin --json: %v %+v", err, rows)
	}
	if !sameTime(rows[0].LastRotated, today.AddDate(0, 0, -1)) || !sameTime(rows[1].LastRotated, today.AddDate(0, 0, -1)) {
		t.Errorf("yesterday: %v %v", rows[0].LastRotated, rows[1].LastRotated)
	}
	// One source unknown: nothing is recorded.
	before := fileHash(t, c.statePath())
	for _, bad := range []struct {
		args []string
		msg  string
	}{
		{[]string{"rotated", "snowflake", "snow", "--on", "today"}, `no source "snow"`},
		{[]string{"rotated", "snowflake", "today"}, "usage: rotatetui rotated KEY --on DATE (today is a date: give it as --on today)"},
		{[]string{"rotated", "--on", "today"}, "usage: rotatetui rotated KEY... --on DATE"},
	} {
		if _, errOut, code := c.run(bad.args...); code != exitUsage || !strings.Contains(errOut, bad.msg) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", bad.args, code, errOut, bad.msg)
		}
	}
	if fileHash(t, c.statePath()) != before {
		t.Error("a refused rotated changed the state file")
	}
}

// TestDatesSayWhatIsWrong: a date whose month or day does not exist says which.
func TestDatesSayWhatIsWrong(t *testing.T) {
	c := newCLI(t).at(testClock)
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"rotated", "awin", "--on", "2026-13-45"}, `--on: "2026-13-45" is not a date: month 13 does not exist`},
		{[]string{"rotated", "awin", "--on", "2026-00-10"}, `"2026-00-10" is not a date: month 0 does not exist`},
		{[]string{"rotated", "awin", "--on", "2026-01-45"}, `"2026-01-45" is not a date: January has 31 days`},
		{[]string{"rotated", "awin", "--on", "2026-02-30"}, `"2026-02-30" is not a date: February has 28 days in 2026`},
		{[]string{"rotated", "awin", "--on", "2026-04-31"}, `"2026-04-31" is not a date: April has 30 days`},
		{[]string{"rotated", "awin", "--on", "2026-03-00"}, `"2026-03-00" is not a date: day 0 does not exist`},
		{[]string{"rotated", "awin", "--on", "2026-13-01T10:00:00Z"}, `month 13 does not exist`},
		{[]string{"export", "--since", "2025-02-29"}, `--since: "2025-02-29" is not a date: February has 28 days in 2025`},
		{[]string{"rotated", "awin", "--on", "2026-0x-01"}, `"2026-0x-01" is not a date: use YYYY-MM-DD (e.g. 2026-01-02)`},
	} {
		if _, errOut, code := c.run(tt.args...); code != exitUsage || !strings.Contains(errOut, tt.msg) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tt.args, code, errOut, tt.msg)
		}
	}
	// A leap year's 29 February exists.
	c.mustRun("rotated", "awin", "--on", "2024-02-29")
}

// TestConfigDurationSaysWhichUnits: a duration in words names the unit and the right
// ones, at the file, line and column of the value's key.
func TestConfigDurationSaysWhichUnits(t *testing.T) {
	c := newCLI(t)
	p := c.write("config/rotatetui/config.toml", "rotate_every = \"3 months\"\n")
	_, errOut, code := c.run("status")
	want := p + `:1:1: rotate_every: bad duration "3 months": unknown unit "months": use d, h or m, e.g. "90d"`
	if code != exitUsage || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, %q; want 2 and %q", code, errOut, want)
	}
}

// runInput runs the command line with stdin given, as a terminal (interactive) or not.
func (c *cli) runInput(stdin string, interactive bool, args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = runWithInput(strings.NewReader(stdin), interactive, args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// stateHash is the hash of the state file, or zero when there is none.
func (c *cli) stateHash() [32]byte {
	c.t.Helper()
	if _, err := os.Stat(c.statePath()); err != nil {
		return [32]byte{}
	}
	return fileHash(c.t, c.statePath())
}

// TestCheckRefusesAStepStillWaiting: as on screen, a step after a wait (Appsflyer's new
// token works 30 minutes after step 4) is refused until the wait is over, unless
// --force; checking the step with the wait from the command line starts it.
func TestCheckRefusesAStepStillWaiting(t *testing.T) {
	c := newCLI(t).at(testClock)
	c.mustRun("check", "appsflyer", "1", "2", "3", "4")
	rec := c.load().Key("appsflyer").Current.Steps["create-token"]
	if rec == nil || rec.WaitUntil == nil || !rec.WaitUntil.Equal(testClock.Add(30*time.Minute)) {
		t.Fatalf("step 4's wait: %+v, want until %v", rec, testClock.Add(30*time.Minute))
	}
	before := c.stateHash()
	c.at(testClock.Add(time.Minute))
	_, errOut, code := c.run("check", "appsflyer", "5")
	if want := "rotatetui: step 5 of Appsflyer is possible from 15:30, in 29 min: the wait after step 4 has not passed.\nNothing was checked. To check it anyway, add --force.\n"; code != exitFailed || errOut != want {
		t.Errorf("check during the wait: exit %d, %q; want 1 and %q", code, errOut, want)
	}
	// Steps given on one line wait for each other: 6 waits on nothing, but 5 does.
	if _, errOut, code := c.run("check", "appsflyer", "6", "5"); code != exitFailed || !strings.Contains(errOut, "step 5 of Appsflyer is possible from 15:30") {
		t.Errorf("check 6 5: exit %d, %q", code, errOut)
	}
	if c.stateHash() != before {
		t.Fatal("a refused check changed the state file")
	}
	out, errOut, code := c.run("check", "appsflyer", "5", "--force")
	if code != 0 || !strings.Contains(out, "Appsflyer: checked step 5") || !strings.Contains(out, "step 5 was checked before its wait ended (at 15:30), as --force asked") {
		t.Errorf("--force: exit %d, %q %q", code, out, errOut)
	}
	// The record says the wait was overridden, and by whom.
	if rec := c.load().Key("appsflyer").Current.Steps["delete-old-token"]; rec == nil || !slices.Equal(rec.Overrides, []state.Override{state.OverrideWait}) || rec.OverriddenBy == "" {
		t.Errorf("step 5 after --force: %+v, want the wait recorded as overridden", rec)
	}
	// Once the wait is over, no --force is needed, and nothing is overridden.
	c.at(testClock.Add(31*time.Minute)).mustRun("uncheck", "appsflyer", "5")
	c.mustRun("check", "appsflyer", "5")
	if rec := c.load().Key("appsflyer").Current.Steps["delete-old-token"]; rec == nil || len(rec.Overrides) != 0 {
		t.Errorf("step 5 after its wait: %+v, want no override", rec)
	}

	// A wait that starts on the same line: 4 then 5 (a fresh rotation).
	d := newCLI(t).at(testClock)
	_, errOut, code = d.run("check", "appsflyer", "1", "2", "3", "4", "5")
	if code != exitFailed || !strings.Contains(errOut, "step 5 of Appsflyer is possible from 15:30, in 30 min") {
		t.Errorf("check 1-5 at once: exit %d, %q", code, errOut)
	}
	if d.stateHash() != ([32]byte{}) {
		t.Error("a refused check created the state file")
	}
	if _, _, code := d.run("uncheck", "appsflyer", "1", "--force"); code != exitUsage {
		t.Errorf("uncheck --force: exit %d, want 2 (--force belongs to check)", code)
	}
}

// TestCheckAsksBeforeRevokingWithoutANewKey: a revoke step while no create step is
// done asks y/N on a terminal and needs --yes elsewhere; a skipped create step is no
// new key.
func TestCheckAsksBeforeRevokingWithoutANewKey(t *testing.T) {
	c := newCLI(t).at(testClock)
	_, errOut, code := c.run("check", "awin", "1", "2")
	want := "rotatetui: step 2 of Awin replaces the key in one action: the old key stops working at once, and the connection is down until you update it with the new key.\nNothing was checked. To check step 2 anyway, add --yes.\n"
	if code != exitFailed || errOut != want {
		t.Errorf("without a terminal: exit %d, %q; want 1 and %q", code, errOut, want)
	}
	if c.stateHash() != ([32]byte{}) {
		t.Fatal("a refused check created the state file")
	}
	// On a terminal it asks; anything but y is no.
	for _, answer := range []string{"\n", "n\n", "maybe\n", ""} {
		_, errOut, code := c.runInput(answer, true, "check", "awin", "1", "2")
		if code != exitFailed || !strings.Contains(errOut, "Check step 2 anyway? [y/N] ") || !strings.HasSuffix(errOut, "rotatetui: nothing was checked.\n") {
			t.Errorf("answer %q: exit %d, %q", answer, code, errOut)
		}
	}
	if c.stateHash() != ([32]byte{}) {
		t.Fatal("a check answered no created the state file")
	}
	if out, _, code := c.runInput("y\n", true, "check", "awin", "1", "2"); code != 0 || !strings.Contains(out, "checked step 2") {
		t.Errorf("answer y: exit %d, %q", code, out)
	}
	awin := c.load().Key("awin").Current
	for key, want := range map[string][]state.Override{awin.StepKeys[0]: nil, awin.StepKeys[1]: {state.OverrideCaution}} {
		if rec := awin.Steps[key]; rec == nil || !slices.Equal(rec.Overrides, want) {
			t.Errorf("awin step %s: %+v, want overrides %v", key, rec, want)
		}
	}
	if out, _, code := c.run("check", "--yes", "axon", "3", "4"); code != 0 || !strings.Contains(out, "Axon (AppLovin): 2/6 steps done") {
		t.Errorf("--yes: exit %d, %q", code, out)
	}
	// A create step checked first, on the same line or before, guards the revoke.
	c.mustRun("check", "bigcommerce", "3", "5")
	c.mustRun("check", "mixpanel", "3")
	c.mustRun("check", "mixpanel", "4")

	// A skipped create step is no new key.
	keys := []string{}
	for _, st := range c.catalogSource("omnisend").Steps {
		keys = append(keys, st.Key)
	}
	c.apply(state.Change{Kind: state.Skip, Key: "omnisend", Step: keys[1], Steps: keys, At: testClock, By: "cli@test", Text: "made by the vendor"})
	_, errOut, code = c.run("check", "omnisend", "3")
	if want := "step 3 of Omnisend revokes the old key, and no new key exists yet (step 2, which creates it, was skipped): whatever still uses it stops working now.\nNothing was checked. To check step 3 anyway, add --yes."; code != exitFailed || !strings.Contains(errOut, want) {
		t.Errorf("after a skipped create: exit %d, %q; want %q", code, errOut, want)
	}
}

// catalogSource is a source of the built-in catalog.
func (c *cli) catalogSource(id string) *catalog.Source {
	c.t.Helper()
	cat, err := catalog.Builtin()
	if err != nil {
		c.t.Fatal(err)
	}
	src, _ := cat.Lookup(id)
	if src == nil {
		c.t.Fatalf("no source %s", id)
	}
	return src
}

func TestHelpDescribesForceAndYes(t *testing.T) {
	out, _, _ := newCLI(t).run("--help")
	for _, want := range []string{"check --force", "check --yes", "check --note TEXT", "[--note TEXT]"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help does not describe %q", want)
		}
	}
}
