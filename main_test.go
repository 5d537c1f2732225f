package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

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
	for _, flag := range []string{"--catalog", "--no-builtin", "--state", "--resume", "--json", "--help", "--version"} {
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
	// Completing a rotation from the command line.
	if out, _, _ := c.run("check", "awin", "1", "2", "3"); !strings.Contains(out, "Awin: rotation complete") {
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
	unsaved := []state.Change{{Kind: state.Check, Source: "snowflake", Step: "login", Steps: []string{"login", "x"}, At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}
	var stderr bytes.Buffer
	if saveUnsaved(store, unsaved, &stderr) {
		t.Fatal("reported success for a save that cannot work")
	}
	msg := stderr.String()
	if !strings.Contains(msg, "1 change could not be saved") || !strings.Contains(msg, "they are kept in ") {
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
	if !saveUnsaved(store, nil, &stderr) {
		t.Error("nothing unsaved must be a success")
	}
}
