package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rotatetui/rotatetui/state"
)

// twoSnowflakeKeys declares two keys of one source; prod has an owner and its own
// interval.
const twoSnowflakeKeys = `version = 1

[[keys]]
source = "snowflake"
name = "prod"
owner = "ana"
rotate_every = "30d"

[[keys]]
source = "snowflake"
name = "eu"
`

// newTwoKeysCLI is a CLI whose keys.toml declares snowflake/prod and snowflake/eu.
func newTwoKeysCLI(t *testing.T) *cli {
	c := newCLI(t)
	c.write("config/rotatetui/keys.toml", twoSnowflakeKeys)
	c.at(testClock)
	return c
}

// TestSourceWithSeveralKeysIsRefusedListingThem: a source named where a key is
// needed, when it has several, is an error that lists them, exit 2, and nothing is
// written.
func TestSourceWithSeveralKeysIsRefusedListingThem(t *testing.T) {
	c := newTwoKeysCLI(t)
	const want = "rotatetui: snowflake has 2 keys: snowflake/prod, snowflake/eu; name one\n"
	for _, args := range [][]string{
		{"check", "snowflake", "1"}, {"check", "Snowflake", "1"}, {"uncheck", "snowflake", "1"},
		{"status", "snowflake"}, {"history", "snowflake"}, {"reset", "snowflake"},
		{"rotated", "snowflake", "--on", "today"}, {"export", "--source", "snowflake"},
	} {
		out, errOut, code := c.run(args...)
		if code != exitUsage || errOut != strings.Replace(want, "rotatetui: ", "rotatetui: "+map[bool]string{true: "--source: "}[args[0] == "export"], 1) || out != "" {
			t.Errorf("%v: exit %d, %q %q; want 2 and %q", args, code, out, errOut, want)
		}
	}
	if _, err := os.Stat(c.statePath()); !os.IsNotExist(err) {
		t.Errorf("a refused command wrote the state file (%v)", err)
	}
	// A key id, in any case, and with the source's name, is the key.
	if out := c.mustRun("check", "Snowflake/PROD", "1"); !strings.HasPrefix(out, "Snowflake · prod: checked step 1: ") {
		t.Errorf("check Snowflake/PROD said %q", out)
	}
	// A typo names the near keys.
	_, errOut, code := c.run("check", "snowflake/prd", "1")
	if code != exitUsage || !strings.Contains(errOut, `no key or source "snowflake/prd"; did you mean: Snowflake · prod (snowflake/prod), Snowflake · eu (snowflake/eu)`) {
		t.Errorf("typo: exit %d, %q", code, errOut)
	}
}

// TestTwoKeysOfOneSourceKeepTheirOwnProgress: through the real run, two keys of one
// source have independent progress, history and due dates; the steps are the source's.
func TestTwoKeysOfOneSourceKeepTheirOwnProgress(t *testing.T) {
	c := newTwoKeysCLI(t)
	out := c.mustRun("check", "snowflake/prod", "1")
	if want := "Snowflake · prod: 1/8 steps done\n"; !strings.HasSuffix(out, want) {
		t.Errorf("check prod said %q, want …%q", out, want)
	}
	c.mustRun("check", "snowflake/eu", "1", "2")

	rows, raw := c.statusRows()
	prod, eu := rows["snowflake/prod"], rows["snowflake/eu"]
	if prod.Done != 1 || prod.Total != 8 || eu.Done != 2 || eu.Total != 8 || prod.State != "in_progress" || eu.State != "in_progress" {
		t.Errorf("status: prod %d/%d %s, eu %d/%d %s; want 1/8 and 2/8 in progress", prod.Done, prod.Total, prod.State, eu.Done, eu.Total, eu.State)
	}
	if _, ok := rows["snowflake"]; ok {
		t.Error("status lists the implicit key of a source that declares keys")
	}
	wantRaw := map[string]any{"id": "snowflake/prod", "name": "Snowflake · prod", "key_id": "snowflake/prod", "key_name": "prod", "source_id": "snowflake", "owner": "ana", "interval": "30d"}
	for field, want := range wantRaw {
		if got := raw["snowflake/prod"][field]; got != want {
			t.Errorf("status --json prod %s = %v, want %v", field, got, want)
		}
	}
	if got := raw["snowflake/eu"]["owner"]; got != "" || raw["snowflake/eu"]["interval"] != "90d" {
		t.Errorf("eu: owner %v, interval %v; want \"\" and the source's 90d", got, raw["snowflake/eu"]["interval"])
	}

	// The state file keeps each key's progress under its id; the steps are the source's.
	st := c.load()
	if st.Key("snowflake") != nil || st.Key("snowflake/prod").Current == nil || !st.Key("snowflake/eu").Current.Checked("accountadmin-role") {
		t.Errorf("state file entries: %v", st.Keys)
	}

	// Taking a step back on one key leaves the other alone.
	c.mustRun("uncheck", "snowflake/eu", "2")
	if rows, _ := c.statusRows("snowflake/prod", "snowflake/eu"); rows["snowflake/prod"].Done != 1 || rows["snowflake/eu"].Done != 1 {
		t.Errorf("after uncheck eu 2: prod %d, eu %d; want 1 and 1", rows["snowflake/prod"].Done, rows["snowflake/eu"].Done)
	}

	// A date recorded for eu changes only eu's due date; prod's own interval counts.
	c.mustRun("rotated", "snowflake/eu", "--on", "2026-03-01")
	wantEU := time.Date(2026, 3, 1, 0, 0, 0, 0, testZone).Add(90 * day)
	rows, _ = c.statusRows()
	if !sameTime(rows["snowflake/eu"].NextDue, wantEU) || rows["snowflake/prod"].NextDue != nil || rows["snowflake/prod"].Due != "unknown" {
		t.Errorf("after rotated eu: eu next due %v (want %v); prod %v, %s (want none, unknown)", rows["snowflake/eu"].NextDue, wantEU, rows["snowflake/prod"].NextDue, rows["snowflake/prod"].Due)
	}
	c.mustRun("rotated", "snowflake/prod", "--on", "2026-02-01")
	rows, _ = c.statusRows()
	wantProd := time.Date(2026, 2, 1, 0, 0, 0, 0, testZone).Add(30 * day)
	if !sameTime(rows["snowflake/eu"].NextDue, wantEU) || !sameTime(rows["snowflake/prod"].NextDue, wantProd) {
		t.Errorf("next due: eu %v (want %v), prod %v (want %v)", rows["snowflake/eu"].NextDue, wantEU, rows["snowflake/prod"].NextDue, wantProd)
	}

	// Reset abandons one key's rotation; it goes to that key's history.
	out = c.mustRun("reset", "snowflake/prod", "--json")
	var reset map[string]any
	if err := json.Unmarshal([]byte(out), &reset); err != nil || reset["key_id"] != "snowflake/prod" || reset["key_name"] != "prod" || reset["owner"] != "ana" || reset["abandoned"] != true {
		t.Errorf("reset --json (%v): %s", err, out)
	}
	if out := c.mustRun("history", "snowflake/prod"); !strings.HasPrefix(out, "Snowflake · prod (snowflake/prod, owner ana): 1 rotation; recorded by hand as rotated on 2026-02-01\n") {
		t.Errorf("history prod: %q", out)
	}
	if out := c.mustRun("history", "snowflake/eu"); !strings.HasPrefix(out, "Snowflake · eu (snowflake/eu): 1 rotation; recorded by hand as rotated on 2026-03-01\n") {
		t.Errorf("history eu: %q", out)
	}
	var hist historyJSON
	if err := json.Unmarshal([]byte(c.mustRun("history", "snowflake/eu", "--json")), &hist); err != nil ||
		hist.ID != "snowflake/eu" || hist.Name != "Snowflake · eu" || hist.KeyName != "eu" || hist.SourceID != "snowflake" || len(hist.Rotations) != 1 {
		t.Errorf("history --json (%v): %+v", err, hist)
	}
}

// TestStatusTableShowsKeysAndOwners: a row per key, titled with the key's name, its id
// in ID, and an OWNER column once a key has an owner.
func TestStatusTableShowsKeysAndOwners(t *testing.T) {
	c := newTwoKeysCLI(t)
	c.mustRun("check", "snowflake/eu", "1")
	out := c.mustRun("status", "snowflake/eu", "snowflake/prod", "adjust")
	want := "SOURCE            ID              OWNER  STATE        PROGRESS  LAST ROTATED  NEXT DUE\n" +
		"Snowflake · eu    snowflake/eu    -      in progress  1/8       -             -\n" +
		"Snowflake · prod  snowflake/prod  ana    unknown                -             -\n" +
		"Adjust            adjust          -      unknown                -             -\n"
	if out != want {
		t.Errorf("status table:\n%s\nwant:\n%s", out, want)
	}
	if out := c.mustRun("status", "adjust"); strings.Contains(out, "OWNER") {
		t.Errorf("an OWNER column without owners:\n%s", out)
	}
}

// TestRetiredKeyLeavesTheListKeepsItsHistory: a retired key is no longer listed nor
// takes new work, its history stays; its source, with one live key left, means that
// key again.
func TestRetiredKeyLeavesTheListKeepsItsHistory(t *testing.T) {
	c := newTwoKeysCLI(t)
	c.mustRun("check", "snowflake/eu", "1")
	c.mustRun("key", "retire", "snowflake/eu")
	if rows, _ := c.statusRows(); rows["snowflake/eu"].ID != "" || rows["snowflake/prod"].ID == "" {
		t.Errorf("status lists eu after it was retired, or lost prod")
	}
	for _, args := range [][]string{{"check", "snowflake/eu", "2"}, {"rotated", "snowflake/eu", "--on", "today"}} {
		_, errOut, code := c.run(args...)
		if code != exitUsage || !strings.Contains(errOut, "Snowflake · eu (snowflake/eu) is retired: its history stays, but it takes no new rotation") {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
	if out := c.mustRun("history", "snowflake/eu"); !strings.HasPrefix(out, "Snowflake · eu (snowflake/eu, retired): 1 rotation\n") {
		t.Errorf("history of the retired key: %q", out)
	}
	if out := c.mustRun("check", "snowflake", "1"); !strings.HasPrefix(out, "Snowflake · prod: checked step 1") {
		t.Errorf("check snowflake with one live key said %q", out)
	}
}

// TestEntryOfASourceBeforeItHadKeysStaysReachable: what was recorded for a source
// before keys were declared for it (its implicit key's entry) is shown by its exact
// id, as retired; the source's name still asks which key.
func TestEntryOfASourceBeforeItHadKeysStaysReachable(t *testing.T) {
	c := newCLI(t)
	c.at(testClock)
	c.mustRun("check", "snowflake", "1")
	c.write("config/rotatetui/keys.toml", twoSnowflakeKeys)
	if out := c.mustRun("history", "snowflake"); !strings.HasPrefix(out, "Snowflake (snowflake, retired): 1 rotation\n") {
		t.Errorf("history snowflake: %q", out)
	}
	if _, errOut, code := c.run("check", "snowflake", "2"); code != exitUsage || !strings.Contains(errOut, "snowflake has 2 keys") {
		t.Errorf("check snowflake: exit %d %q", code, errOut)
	}
}

// TestExportListsEachKeyOfASource: the export has each key's rotations with its id,
// name and owner, a retired key's too, labelled retired; --source takes a key.
func TestExportListsEachKeyOfASource(t *testing.T) {
	c := newTwoKeysCLI(t)
	c.mustRun("check", "snowflake/prod", "1")
	c.mustRun("check", "snowflake/eu", "1", "2")
	c.mustRun("rotated", "snowflake/eu", "--on", "2026-03-01")
	c.mustRun("key", "retire", "snowflake/eu")

	var rep state.JSONReport
	if err := json.Unmarshal([]byte(c.mustRun("export", "--json")), &rep); err != nil || len(rep.Rotations) != 2 {
		t.Fatalf("export --json (%v): %+v", err, rep)
	}
	got := map[string]state.JSONRotation{}
	for _, r := range rep.Rotations {
		got[r.KeyID] = r
	}
	if r := got["snowflake/prod"]; r.SourceID != "snowflake" || r.KeyName != "prod" || r.Owner != "ana" || r.KeyRetired || r.Done != 1 {
		t.Errorf("prod's rotation: %+v", r)
	}
	if r := got["snowflake/eu"]; r.KeyName != "eu" || !r.KeyRetired || r.Done != 2 {
		t.Errorf("eu's rotation: %+v", r)
	}
	if len(rep.RecordedByHand) != 1 || rep.RecordedByHand[0].KeyID != "snowflake/eu" || !rep.RecordedByHand[0].KeyRetired {
		t.Errorf("recorded by hand: %+v", rep.RecordedByHand)
	}

	md := c.mustRun("export")
	for _, want := range []string{"| Snowflake | prod | ", "| Snowflake | eu (retired) | ", "## 1. Snowflake · prod, started", "- Key: prod (`snowflake/prod`), owner ana\n", "- Key: eu (`snowflake/eu`) (retired)\n"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	out := c.mustRun("export", "--format", "csv", "--source", "snowflake/eu")
	if strings.Contains(out, "snowflake/prod") || strings.Count(out, ",snowflake/eu,eu,,true,,,,\n") != 8 {
		t.Errorf("--source snowflake/eu:\n%s", out)
	}
}

// TestVersion1ProgressFileThroughTheCommandLine: a progress file of rotatetui before
// keys reads as it did (status), and the first command that saves keeps its bytes as
// state.json.v1 and writes version 2; the next save leaves the backup alone.
func TestVersion1ProgressFileThroughTheCommandLine(t *testing.T) {
	c := newCLI(t)
	c.at(testClock)
	v1 := `{
  "version": 1,
  "sources": {
    "snowflake": {
      "current": {"started_at": "2026-03-09T10:00:00Z", "updated_at": "2026-03-09T10:00:00Z", "outcome": "in_progress",
        "step_keys": ["login"], "steps": {"login": {"checked_at": "2026-03-09T10:00:00Z", "by": "ana@old"}}},
      "placeholders": {"account": "xy12345"}
    },
    "awin": {"last_rotated": "2026-01-02T00:00:00Z"}
  }
}
`
	c.write("state/rotatetui/state.json", v1)
	rows, _ := c.statusRows("snowflake", "awin")
	if rows["snowflake"].Done != 1 || rows["snowflake"].State != "in_progress" || rows["awin"].LastRotated == nil {
		t.Errorf("version-1 file read as %+v", rows)
	}
	if _, err := os.Stat(c.statePath() + ".v1"); !os.IsNotExist(err) {
		t.Errorf("status wrote a backup (%v)", err)
	}
	c.mustRun("check", "snowflake", "2")
	if b, err := os.ReadFile(c.statePath() + ".v1"); err != nil || string(b) != v1 {
		t.Fatalf("backup (%v):\n%s\nwant the file as it was", err, b)
	}
	saved, _ := os.ReadFile(c.statePath())
	if !strings.Contains(string(saved), `"version": 2,`) || !strings.Contains(string(saved), `"keys": {`) || c.load().Key("snowflake").Placeholders["account"] != "xy12345" {
		t.Errorf("saved:\n%s", saved)
	}
	if rows, _ := c.statusRows("snowflake"); rows["snowflake"].Done != 2 {
		t.Errorf("after check 2: %d done, want 2", rows["snowflake"].Done)
	}
	c.mustRun("uncheck", "snowflake", "2")
	if b, _ := os.ReadFile(c.statePath() + ".v1"); string(b) != v1 {
		t.Error("a second save changed the backup")
	}
}
