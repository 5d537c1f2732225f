package state

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/export")

// exportClock is the fixed "now" of the export tests, five hours west of UTC. The
// recorded times are in that zone too, so every renderer must convert them itself.
var exportClock = time.Date(2026, 3, 10, 15, 0, 0, 0, minusFive)

func exportAt(daysAgo, minutes int) time.Time {
	return exportClock.Add(time.Duration(-daysAgo)*day + time.Duration(minutes)*time.Minute)
}

// exportFixture is a history with every case a report must show: a completed rotation
// with a skipped step, notes and text that Markdown and spreadsheets would
// misinterpret; an abandoned one; one in progress with a step the catalog has since
// dropped; a source no longer in the catalog; two declared keys of one source, one
// with an owner and one retired; and dates recorded by hand, for a source and a key.
func exportFixture(t *testing.T) *Export {
	t.Helper()
	s := New()
	awinKeys := []string{"api-credentials", "revoke-token", "reconnect"}
	snowKeys := []string{"login", "role", "old-step"}
	shopKeys := []string{"api-key", "revoke"}
	c := func(kind ChangeKind, src, step string, keys []string, at time.Time, by, text string) Change {
		return Change{Kind: kind, Key: src, Step: step, Steps: keys, At: at, By: by, Text: text}
	}
	mustApply(t, s,
		// Awin: abandoned 20 days ago, then completed 10 days ago.
		c(Check, "awin", "api-credentials", awinKeys, exportAt(20, 0), "bob@desk", ""),
		Change{Kind: Reset, Key: "awin", At: exportAt(20, 5), By: "bob@desk"},
		c(Check, "awin", "api-credentials", awinKeys, exportAt(10, 0), "alice@laptop", ""),
		c(SetNote, "awin", "api-credentials", awinKeys, exportAt(10, 1), "alice@laptop", "ticket OPS-12 | see <b>wiki</b>\nsecond line"),
		c(Skip, "awin", "revoke-token", awinKeys, exportAt(10, 2), "alice@laptop", "-old token already revoked"),
		// Checked before the wait had passed.
		withOverrides(c(Check, "awin", "reconnect", awinKeys, exportAt(10, 28), "@carol", ""), OverrideWait),
		// Snowflake: in progress for 2 days; "old-step" is no longer in the catalog.
		// Its first step overrode both rules, then someone else noted on it.
		withOverrides(c(Check, "snowflake", "login", snowKeys, exportAt(2, 0), "alice@laptop", ""), OverrideWait, OverrideCaution),
		c(SetNote, "snowflake", "login", snowKeys, exportAt(2, 1), "bob@desk", "asked | Bob"),
		c(Check, "snowflake", "old-step", snowKeys, exportAt(2, 3), "alice@laptop", ""),
		c(SetNote, "snowflake", "role", snowKeys, exportAt(2, 4), "alice@laptop", "=waiting for the DBA"),
		// A source that was removed from the catalog, completed long ago.
		c(Check, "legacy", "only", []string{"only"}, exportAt(400, 0), "dave@old", ""),
		Change{Kind: RecordRotated, Key: "adjust", At: time.Date(2026, 2, 1, 5, 0, 0, 0, time.UTC)},
		// Two keys of Shopware: de, owned by ana, completed; at, since retired, abandoned.
		c(Check, "shopware/de", "api-key", shopKeys, exportAt(5, 0), "ana@desk", ""),
		c(Check, "shopware/de", "revoke", shopKeys, exportAt(5, 3), "ana@desk", ""),
		c(Check, "shopware/at", "api-key", shopKeys, exportAt(30, 0), "bob@desk", ""),
		Change{Kind: Reset, Key: "shopware/at", At: exportAt(30, 1), By: "bob@desk"},
		Change{Kind: RecordRotated, Key: "shopware/at", At: time.Date(2026, 1, 15, 5, 0, 0, 0, time.UTC)},
	)
	awin := ExportSource{ID: "awin", Name: "Awin", InCatalog: true, Key: ExportKey{ID: "awin"}, Steps: []ExportStepInfo{
		{"api-credentials", `Click on the "API credentials" link in your user menu.`},
		{"revoke-token", "Click Revoke my API token."},
		{"reconnect", "=HYPERLINK(\"https://example.com\") reconnect & check"},
	}}
	snow := ExportSource{ID: "snowflake", Name: "Snowflake", InCatalog: true, Key: ExportKey{ID: "snowflake"}, Steps: []ExportStepInfo{
		{"login", "Log in to Snowflake and click SYSADMIN."},
		{"role", "Select the ACCOUNTADMIN role | then continue."},
	}}
	legacy := ExportSource{ID: "legacy", Name: "legacy", InCatalog: false, Key: ExportKey{ID: "legacy"}}
	shopSteps := []ExportStepInfo{{"api-key", "Create an API key in the shop's admin."}, {"revoke", "Delete the old key."}}
	shopDE := ExportSource{ID: "shopware", Name: "Shopware", InCatalog: true, Steps: shopSteps, Key: ExportKey{ID: "shopware/de", Name: "de", Owner: "ana"}}
	shopAT := ExportSource{ID: "shopware", Name: "Shopware", InCatalog: true, Steps: shopSteps, Key: ExportKey{ID: "shopware/at", Name: "at", Retired: true}}
	id := func(s string) string { return s }

	e := &Export{Title: "Data source API key rotation", GeneratedAt: exportClock, Location: minusFive}
	e.Rotations = append(e.Rotations, NewExportRotation(legacy, &s.Keys["legacy"].History[0], id))
	e.Rotations = append(e.Rotations, NewExportRotation(shopAT, &s.Keys["shopware/at"].History[0], id))
	for i := range s.Keys["awin"].History {
		e.Rotations = append(e.Rotations, NewExportRotation(awin, &s.Keys["awin"].History[i], id))
	}
	e.Rotations = append(e.Rotations, NewExportRotation(shopDE, &s.Keys["shopware/de"].History[0], id))
	e.Rotations = append(e.Rotations, NewExportRotation(snow, s.Keys["snowflake"].Current, id))
	e.RecordedByHand = []ExportManual{
		{SourceID: "adjust", SourceName: "Adjust", Key: ExportKey{ID: "adjust"}, LastRotated: *s.Keys["adjust"].LastRotated},
		{SourceID: "shopware", SourceName: "Shopware", Key: shopAT.Key, LastRotated: *s.Keys["shopware/at"].LastRotated},
	}
	return e
}

func withOverrides(c Change, list ...Override) Change {
	c.Overrides = list
	return c
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "export", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./state -run Export -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (rerun with -update after a deliberate change):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestExportGoldens(t *testing.T) {
	for _, tt := range []struct {
		name  string
		write func(*bytes.Buffer, *Export) error
	}{
		{"report.md.golden", func(b *bytes.Buffer, e *Export) error { return WriteMarkdown(b, e) }},
		{"report.csv.golden", func(b *bytes.Buffer, e *Export) error { return WriteCSV(b, e) }},
		{"report.json.golden", func(b *bytes.Buffer, e *Export) error { return WriteJSON(b, e) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b, exportFixture(t)); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, b.Bytes())
		})
	}
	t.Run("empty.md.golden", func(t *testing.T) {
		since := time.Date(2026, 3, 1, 0, 0, 0, 0, minusFive)
		var b bytes.Buffer
		e := &Export{Title: "Ours", GeneratedAt: exportClock, Location: minusFive, Since: &since, SourceID: "awin", SourceName: "Awin"}
		if err := WriteMarkdown(&b, e); err != nil {
			t.Fatal(err)
		}
		golden(t, "empty.md.golden", b.Bytes())
	})
}

func TestNewExportRotationListsCatalogStepsThenDroppedOnes(t *testing.T) {
	at := exportAt(1, 0)
	r := &Rotation{StartedAt: at, UpdatedAt: at, Outcome: InProgress, StepKeys: []string{"b", "gone-1", "a"},
		Steps: map[string]*StepRecord{
			"a":      {CheckedAt: &at, By: "x\x1b[31m"},
			"zz":     {Note: "recorded, never in StepKeys", NotedAt: &at},
			"gone-1": {SkippedAt: &at, SkipReason: "n/a"},
		}}
	src := ExportSource{ID: "s", Name: "S", InCatalog: true, Steps: []ExportStepInfo{{"a", "A"}, {"b", "B"}}}
	got := NewExportRotation(src, r, func(s string) string { return strings.ReplaceAll(s, "\x1b", "^[") })
	var summary []string
	for _, s := range got.Steps {
		summary = append(summary, strings.Join([]string{s.Key, s.Text, string(s.Result), s.By}, "/"))
	}
	want := []string{"a/A/done/x^[[31m", "b/B/pending/", "gone-1/" + StepNoLongerInCatalog + "/skipped/", "zz/" + StepNoLongerInCatalog + "/pending/"}
	if !reflect.DeepEqual(summary, want) {
		t.Errorf("steps:\n got %q\nwant %q", summary, want)
	}
	if got.Steps[0].Number != 1 || got.Steps[1].Number != 2 || got.Steps[2].Number != 0 {
		t.Errorf("numbers: %+v", got.Steps)
	}
	if done, skipped, pending := got.Counts(); done != 1 || skipped != 1 || pending != 2 {
		t.Errorf("counts %d %d %d", done, skipped, pending)
	}
}

func TestCSVCellNeutralisesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=1+2": "'=1+2", "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"": "", "plain": "plain", "a=b": "a=b", "2026-01-02": "2026-01-02", "'quoted": "'quoted",
	} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCSVReadsBack: the CSV parses as CSV, with the documented header, one row per
// step, and the same number of cells in every row.
func TestCSVReadsBack(t *testing.T) {
	e := exportFixture(t)
	e.Rotations = append(e.Rotations, ExportRotation{SourceID: "empty", SourceName: "Empty", StartedAt: exportClock, UpdatedAt: exportClock, Outcome: Abandoned})
	var b bytes.Buffer
	if err := WriteCSV(&b, e); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Key columns come after the others, then the proof columns: the positions of the earlier ones are as before.
	if strings.Join(rows[0], ",") != "source_id,source_name,rotation_started,rotation_finished,outcome,step_number,step_id,step_text,result,time,actor,note,skip_reason,overrides,overridden_by,key_id,key_name,owner,key_retired,proves,established_by,check,check_command_sha256" {
		t.Errorf("header %q", rows[0])
	}
	steps := 1 // the rotation with no steps still gets a row
	for _, r := range e.Rotations {
		steps += len(r.Steps)
	}
	if len(rows)-1 != steps {
		t.Errorf("%d rows, want %d", len(rows)-1, steps)
	}
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
	if last := rows[len(rows)-1]; len(last) != len(CSVHeader) || last[0] != "empty" || last[6] != "" {
		t.Errorf("step-less rotation row %q", last)
	}
	var retired, owned bool
	for _, row := range rows[1:] {
		retired = retired || row[15] == "shopware/at" && row[16] == "at" && row[18] == "true"
		owned = owned || row[15] == "shopware/de" && row[17] == "ana" && row[18] == "false"
	}
	if !retired || !owned {
		t.Errorf("key columns: a row of the retired key %v, of the owned key %v", retired, owned)
	}
}

func TestJSONExportSchema(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, exportFixture(t)); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["schema_version"] != float64(2) {
		t.Errorf("schema_version %v", got["schema_version"])
	}
	rot := got["rotations"].([]any)[1].(map[string]any)
	for _, k := range []string{"source_id", "source_name", "source_in_catalog", "key_id", "key_name", "owner", "key_retired", "outcome", "started_at", "finished_at", "updated_at", "duration", "duration_seconds", "started_by", "done", "skipped", "pending", "total", "steps"} {
		if _, ok := rot[k]; !ok {
			t.Errorf("rotation lacks %q", k)
		}
	}
	step := rot["steps"].([]any)[0].(map[string]any)
	for _, k := range []string{"number", "id", "text", "in_catalog", "result", "time", "actor", "note", "noted_at", "skip_reason", "overrides", "overridden_by"} {
		if _, ok := step[k]; !ok {
			t.Errorf("step lacks %q", k)
		}
	}
	if s := rot["started_at"].(string); !strings.HasSuffix(s, "Z") {
		t.Errorf("started_at %q is not UTC", s)
	}
	keys := map[string]string{}
	for _, r := range got["rotations"].([]any) {
		r := r.(map[string]any)
		keys[r["key_id"].(string)] = fmt.Sprint(r["source_id"], "|", r["key_name"], "|", r["owner"], "|", r["key_retired"])
	}
	for id, want := range map[string]string{"awin": "awin|||false", "shopware/de": "shopware|de|ana|false", "shopware/at": "shopware|at||true"} {
		if keys[id] != want {
			t.Errorf("rotation of key %s: %q, want %q", id, keys[id], want)
		}
	}
	manual := got["recorded_by_hand"].([]any)[1].(map[string]any)
	if manual["key_id"] != "shopware/at" || manual["key_name"] != "at" || manual["key_retired"] != true {
		t.Errorf("recorded by hand of a key: %v", manual)
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 400 * time.Millisecond: "0s", -time.Minute: "0s", 90 * time.Second: "1m30s",
		28 * time.Minute: "28m", 26*time.Hour + 5*time.Minute + 1500*time.Millisecond: "1d2h5m1s", 90 * day: "90d",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.md")
	if err := os.WriteFile(path, []byte("old, readable by all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || string(data) != "new" {
		t.Fatalf("content %q, %v", data, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %o, want 600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	if err := WriteFileAtomic(filepath.Join(dir, "missing", "x.md"), []byte("x")); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}
