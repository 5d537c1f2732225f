package state

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Texts already in a state file that look like secrets (written by hand, or by an older
// version) are listed by where they are and never exported.

// fakeToken is a GitHub-token-shaped string, made up at run time.
var fakeToken = "ghp_" + strings.Repeat("aB3dE5gH7j", 4)[:36]

// suspectState holds a secret in every kind of text a state file has.
func suspectState() *State {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rot := Rotation{StartedAt: at, UpdatedAt: at, FinishedAt: &at, Outcome: Completed, StartedBy: "Tr0ub4dor&3",
		FinishedBy: "alice@laptop", StepKeys: []string{"a", "b"}, Steps: map[string]*StepRecord{
			"a": {CheckedAt: &at, By: "alice@laptop", Note: "new key " + fakeToken, NotedAt: &at,
				Overrides: []Override{OverrideCaution}, OverriddenBy: "root@" + fakeToken},
			"b": {SkippedAt: &at, SkipReason: "the new password is Tr0ub4dor&3", By: "jenkins@build-agent-07"},
		}}
	return &State{Version: Version, Keys: map[string]*KeyState{
		"src": {History: []Rotation{rot}, LastRotated: &at, LastRotatedBy: "sk-" + strings.Repeat("Zx9", 10),
			Placeholders: map[string]string{"subdomain": "acme", "token": fakeToken}},
	}}
}

func TestSuspectTextsSayWhereNeverWhat(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var got []string
	for _, s := range SuspectTexts(suspectState()) {
		if s.What == "" {
			t.Errorf("%+v says not what it looks like", s)
		}
		if s.Step == "" && s.Field == "actor" && s.Started != nil && !s.Started.Equal(at) {
			t.Errorf("%+v: wrong rotation", s)
		}
		got = append(got, s.Source+"/"+s.Step+"/"+s.Field)
	}
	want := []string{"src//value of {token}", "src//actor", "src//actor", "src/a/actor", "src/a/note", "src/b/skip reason"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("suspects:\n got %q\nwant %q", got, want)
	}
	if s := SuspectTexts(New()); len(s) != 0 {
		t.Errorf("an empty state: %v", s)
	}
}

// Every format of the export shows Withheld for each such text, and never the text.
func TestExportWithholdsSecretLookingTexts(t *testing.T) {
	st := suspectState()
	ss := st.Keys["src"]
	src := ExportSource{ID: "src", Name: "Src", InCatalog: true, Steps: []ExportStepInfo{{"a", "A"}, {"b", "B"}}}
	e := &Export{GeneratedAt: exportClock,
		Rotations:      []ExportRotation{NewExportRotation(src, &ss.History[0], func(s string) string { return s })},
		RecordedByHand: []ExportManual{{SourceID: "src", SourceName: "Src", LastRotated: *ss.LastRotated, By: ss.LastRotatedBy}}}
	for name, write := range map[string]func(*bytes.Buffer, *Export) error{
		"markdown": func(b *bytes.Buffer, e *Export) error { return WriteMarkdown(b, e) },
		"csv":      func(b *bytes.Buffer, e *Export) error { return WriteCSV(b, e) },
		"json":     func(b *bytes.Buffer, e *Export) error { return WriteJSON(b, e) },
	} {
		var b bytes.Buffer
		if err := write(&b, e); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, secret := range []string{fakeToken, "Tr0ub4dor", ss.LastRotatedBy} {
			if strings.Contains(out, secret) {
				t.Errorf("%s export holds %q:\n%s", name, secret, out)
			}
		}
		if !strings.Contains(out, Withheld) || !strings.Contains(out, "jenkins@build-agent-07") || !strings.Contains(out, "alice@laptop") {
			t.Errorf("%s export: want %q in place of each secret, and the ordinary actors kept:\n%s", name, Withheld, out)
		}
	}
}

func TestActorLooksLikeSecret(t *testing.T) {
	for _, ok := range []string{"alice@laptop", "cli@test", "jenkins@build-agent-07", "runner@fv-az1234-567",
		"user@DESKTOP-7H2K9QX", "root@3f9a2b7c1d4e", "deploy@ci-7f8e9d0c1b2a3f4e", "alice.smith@example.com",
		"Alice Smith (ops)", "bob@MacBook-Pro-2.local", "alice", Withheld} {
		if what, secret := ActorLooksLikeSecret(ok); secret {
			t.Errorf("%q refused as %s", ok, what)
		}
	}
	for _, bad := range []string{fakeToken, "Tr0ub4dor&3", "alice@" + fakeToken, fakeToken + "@laptop", "p@ssW0rd!x",
		"mongodb+srv://admin:hunter2@cluster0.example.net", "x7Kp9Qm2Lw4Zr8Tn"} {
		if _, secret := ActorLooksLikeSecret(bad); !secret {
			t.Errorf("%q passed", bad)
		}
	}
}
