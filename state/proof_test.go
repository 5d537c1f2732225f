package state

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// proofKeys are a source's steps with the proof steps, as catalog.WithProof makes them.
var proofKeys = []string{"a", ProofNewStep, ProofOldStep}

func testRun(fact string, exit int) *CheckRun {
	return &CheckRun{Fact: fact, ExitCode: exit, DurationMS: 120, CommandSHA256: strings.Repeat("ab", 32), Output: "HTTP 401"}
}

func run(step string, min int, r *CheckRun) Change {
	return Change{Kind: RunCheck, Key: "src", Step: step, Steps: proofKeys, At: at(min), By: "alice@laptop", Run: r}
}

func pch(kind ChangeKind, step string, min int, text string) Change {
	return Change{Kind: kind, Key: "src", Step: step, Steps: proofKeys, At: at(min), By: "alice@laptop", Text: text}
}

func TestARotationWithProofStepsCompletesOnlyWhenBothAreHandled(t *testing.T) {
	s := New()
	mustApply(t, s, pch(Check, "a", 1, ""), run(ProofNewStep, 2, testRun(FactNewKey, 0)))
	if s.Keys["src"].Current == nil {
		t.Fatal("completed without Old key refused")
	}
	// A failing run records the attempt and leaves the step open.
	mustApply(t, s, run(ProofOldStep, 3, testRun(FactOldKey, 0)))
	cur := s.Keys["src"].Current
	if cur == nil || cur.Checked(ProofOldStep) || cur.Steps[ProofOldStep].Run == nil {
		t.Fatalf("a failing run: %+v", cur)
	}
	// A passing run checks it, and the rotation is complete.
	mustApply(t, s, run(ProofOldStep, 4, testRun(FactOldKey, 22)))
	last := s.Keys["src"].LastCompleted()
	if s.Keys["src"].Current != nil || last == nil {
		t.Fatal("not completed by the passing run")
	}
	rec := last.Steps[ProofOldStep]
	if rec.CheckedAt == nil || !rec.CheckedAt.Equal(at(4)) || rec.Run.ExitCode != 22 || !rec.Run.At.Equal(at(4)) || rec.Run.By != "alice@laptop" {
		t.Errorf("old key step %+v run %+v", rec, rec.Run)
	}
	p := ProofOf(last, "")
	if p.NewKey.How != ByCheck || p.OldKey.How != ByCheck || !p.Proven() {
		t.Errorf("proof %+v", p)
	}
}

func TestSkippedProofCompletesButProvesNothing(t *testing.T) {
	s := New()
	mustApply(t, s, pch(Check, "a", 1, ""), pch(Check, ProofNewStep, 2, ""), pch(SetNote, ProofNewStep, 2, "dashboard shows the sync at 14:02"),
		pch(Skip, ProofOldStep, 3, "provider has no API"))
	last := s.Keys["src"].LastCompleted()
	if last == nil {
		t.Fatal("not completed")
	}
	p := ProofOf(last, "")
	if p.NewKey.How != ByHand || p.NewKey.Rec.Note == "" || p.OldKey.How != BySkip || p.OldKey.Rec.SkipReason != "provider has no API" || p.Proven() {
		t.Errorf("proof %+v", p)
	}
}

func TestARotationStartedBeforeProofStepsCompletesAsBefore(t *testing.T) {
	// The caller (catalog.WithProof) gives a rotation that started without proof
	// steps its steps as they were; its proof says so.
	s := New()
	mustApply(t, s, ch(Check, "a", 1), ch(Check, "b", 2), ch(Check, "c", 3))
	last := s.Keys["src"].LastCompleted()
	if last == nil {
		t.Fatal("not completed")
	}
	if p := ProofOf(last, ""); p.NewKey.How != NotShown || p.OldKey.How != NotShown || p.NewKey.Step != "" {
		t.Errorf("proof %+v", p)
	}
	// A source's verify step stands for New key works.
	if p := ProofOf(last, "b"); p.NewKey.How != ByHand || p.NewKey.Step != "b" {
		t.Errorf("with verify step b: %+v", p.NewKey)
	}
}

func TestARunOnACheckedStepChangesNothing(t *testing.T) {
	s := New()
	mustApply(t, s, pch(Check, ProofNewStep, 1, ""))
	changed, err := run(ProofNewStep, 2, testRun(FactNewKey, 1)).Apply(s)
	if changed || err != nil || s.Keys["src"].Current.Steps[ProofNewStep].Run != nil {
		t.Errorf("changed %v, %v: %+v", changed, err, s.Keys["src"].Current.Steps[ProofNewStep])
	}
}

func TestUndoingAPassingRunForgetsIt(t *testing.T) {
	s := New()
	mustApply(t, s, pch(Check, "a", 1, ""), run(ProofOldStep, 2, testRun(FactOldKey, 0)), run(ProofNewStep, 3, testRun(FactNewKey, 0)))
	mustApply(t, s, pch(Uncheck, ProofNewStep, 4, ""))
	rec := s.Keys["src"].Current.Steps[ProofNewStep]
	if rec != nil {
		t.Errorf("unchecked step keeps %+v", rec)
	}
	// A failed attempt stays through a skip.
	mustApply(t, s, pch(Skip, ProofOldStep, 5, "no API"))
	if r := s.Keys["src"].Current.Steps[ProofOldStep].Run; r == nil || r.ExitCode != 0 {
		t.Errorf("failed attempt dropped by a skip: %+v", r)
	}
}

func TestRunPassesByTheFactsRule(t *testing.T) {
	for _, tc := range []struct {
		fact    string
		exit    int
		timeout bool
		want    bool
	}{
		{FactNewKey, 0, false, true}, {FactNewKey, 1, false, false}, {FactNewKey, 0, true, false},
		{FactOldKey, 22, false, true}, {FactOldKey, 1, false, true}, {FactOldKey, 0, false, false},
		{FactOldKey, 127, false, false}, {FactOldKey, 126, false, false}, {FactOldKey, -1, false, false}, {FactOldKey, 22, true, false},
		{FactOldKey, 2, false, false}, // sh: a syntax error
	} {
		r := testRun(tc.fact, tc.exit)
		r.TimedOut = tc.timeout
		if r.Passed() != tc.want {
			t.Errorf("%s exit %d timeout %v: passed %v, want %v", tc.fact, tc.exit, tc.timeout, r.Passed(), tc.want)
		}
	}
}

// TestRefusedByIsTheOnlyProof: with the key's check_old_exit recorded, only those
// statuses prove the old key refused: a DNS failure (curl 6) proves nothing.
func TestRefusedByIsTheOnlyProof(t *testing.T) {
	for exit, want := range map[int]bool{22: true, 6: false, 1: false, 0: false, 2: false} {
		r := testRun(FactOldKey, exit)
		r.RefusedBy = []int{22}
		if r.Passed() != want {
			t.Errorf("refused_by [22], exit %d: passed %v", exit, r.Passed())
		}
	}
	bad := testRun(FactOldKey, 22)
	bad.RefusedBy = []int{0}
	if bad.validate() == nil {
		t.Error("refused_by [0] validates")
	}
	if r := testRun(FactNewKey, 0); r.validate() != nil {
		t.Error(r.validate())
	} else if r.RefusedBy = []int{22}; r.validate() == nil {
		t.Error("refused_by on a check_new run validates")
	}
}

func TestARunWithSecretOutputIsRefused(t *testing.T) {
	r := testRun(FactNewKey, 0)
	r.Output = "token: ghp_" + strings.Repeat("aB3", 12)
	_, err := run(ProofNewStep, 1, r).Apply(New())
	if !errors.Is(err, ErrInvalidChange) || !strings.Contains(err.Error(), "never stores secrets") {
		t.Errorf("got %v", err)
	}
	bad := testRun(FactNewKey, 0)
	bad.Output = "two\nlines"
	if _, err := run(ProofNewStep, 1, bad).Apply(New()); !errors.Is(err, ErrInvalidChange) {
		t.Errorf("two lines: %v", err)
	}
	if _, err := (Change{Kind: Check, Key: "src", Step: "a", At: at(1), Run: testRun(FactNewKey, 0)}).Apply(New()); !errors.Is(err, ErrInvalidChange) {
		t.Errorf("a check carrying a run: %v", err)
	}
}

func TestRunsRoundTripAndBadRunsAreRefused(t *testing.T) {
	store, path := newTestStore(t)
	if _, err := store.Apply(pch(SetNote, "a", 1, "hello"), run(ProofOldStep, 2, testRun(FactOldKey, 22))); err != nil {
		t.Fatal(err)
	}
	st, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if r := st.Keys["src"].Current.Steps[ProofOldStep].Run; r == nil || r.ExitCode != 22 || r.Output != "HTTP 401" {
		t.Fatalf("run read back as %+v", r)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ from, to, want string }{
		"unknown fact":   {`"fact": "old"`, `"fact": "older"`, `steps["rotatetui.old-key-refused"].run: fact "older"`},
		"bad hash":       {`"command_sha256": "abab`, `"command_sha256": "ABAB`, "command_sha256"},
		"passed open":    {`"checked_at"`, `"noted_at"`, "run passed, but the step is not checked"},
		"bad exit":       {`"exit_code": 22`, `"exit_code": 999`, "exit_code 999"},
		"control output": {`"output": "HTTP 401"`, `"output": "HTTP\u001b[31m"`, "output holds a line break"},
	} {
		bad := strings.Replace(string(good), tc.from, tc.to, 1)
		if bad == string(good) {
			t.Fatalf("%s: %q not in the file:\n%s", name, tc.from, good)
		}
		if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := store.Load()
		var ferr *FileError
		if !errors.As(err, &ferr) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
		after, _ := os.ReadFile(path)
		if string(after) != bad {
			t.Errorf("%s: the refused file was changed", name)
		}
	}
}

// proofExport is a completed rotation whose facts were established each another way:
// New key works by a check, Old key refused skipped after a failed check; and one by
// hand through the source's verify step.
func proofExport(t *testing.T) *Export {
	t.Helper()
	s := New()
	mustApply(t, s, pch(Check, "a", 1, ""), run(ProofNewStep, 2, testRun(FactNewKey, 0)),
		run(ProofOldStep, 3, testRun(FactOldKey, 0)), pch(Skip, ProofOldStep, 4, "provider has no API"))
	vk := []string{"v", ProofOldStep}
	mustApply(t, s,
		Change{Kind: Check, Key: "axon", Step: "v", Steps: vk, At: at(5), By: "bo"},
		Change{Kind: SetNote, Key: "axon", Step: "v", Steps: vk, At: at(5), By: "bo", Text: "Last Used shows today"},
		Change{Kind: Check, Key: "axon", Step: ProofOldStep, Steps: vk, At: at(6), By: "bo"})
	src := ExportSource{ID: "src", Name: "Src", InCatalog: true, Key: ExportKey{ID: "src"}, Steps: []ExportStepInfo{{"a", "Do it."}}}
	axon := ExportSource{ID: "axon", Name: "Axon", InCatalog: true, Key: ExportKey{ID: "axon"}, VerifyStep: "v",
		Steps: []ExportStepInfo{{"v", "Check the Last Used timestamp."}}}
	id := func(s string) string { return s }
	return &Export{Title: "t", GeneratedAt: at(10), Rotations: []ExportRotation{
		NewExportRotation(src, s.Keys["src"].LastCompleted(), id),
		NewExportRotation(axon, s.Keys["axon"].LastCompleted(), id),
	}}
}

func TestExportSaysHowEachFactWasEstablished(t *testing.T) {
	e := proofExport(t)
	r := e.Rotations[0]
	if len(r.Steps) != 3 || r.Steps[1].Text != "New key works" || r.Steps[1].Number != 2 || r.Steps[2].Text != "Old key refused" {
		t.Fatalf("steps %+v", r.Steps)
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, e); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Rotations []struct {
			Proof JSONProof `json:"proof"`
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	p := got.Rotations[0].Proof
	if p.NewKey.How != ByCheck || p.NewKey.Check == nil || !p.NewKey.Check.Passed || p.NewKey.Step != ProofNewStep || *p.NewKey.Number != 2 {
		t.Errorf("new key: %+v", p.NewKey)
	}
	if p.OldKey.How != BySkip || p.OldKey.SkipReason != "provider has no API" || p.OldKey.Check == nil || p.OldKey.Check.Passed {
		t.Errorf("old key: %+v", p.OldKey)
	}
	a := got.Rotations[1].Proof
	if a.NewKey.How != ByHand || a.NewKey.Step != "v" || a.NewKey.Note != "Last Used shows today" || a.OldKey.How != ByHand {
		t.Errorf("axon: %+v", a)
	}
	buf.Reset()
	if err := WriteMarkdown(&buf, e); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	buf.Reset()
	if err := WriteCSV(&buf, e); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	proofRows := map[string]string{}
	for _, row := range rows[1:] {
		if row[col["proves"]] != "" {
			proofRows[row[col["source_id"]]+" "+row[col["step_id"]]] = row[col["proves"]] + " " + row[col["established_by"]] + " " + row[col["check"]]
		}
	}
	for step, want := range map[string]string{
		"src " + ProofNewStep:  "new_key check passed (exit 0)",
		"src " + ProofOldStep:  "old_key skipped failed (exit 0)",
		"axon v":               "new_key hand ",
		"axon " + ProofOldStep: "old_key hand ",
	} {
		if got := proofRows[step]; got != want {
			t.Errorf("CSV proof columns of %s: %q, want %q (all: %v)", step, got, want, proofRows)
		}
	}
	for _, want := range []string{
		"- New key works: by a check (step 2, 2026-01-02 03:06 +00:00, alice@laptop): passed (exit 0) in 0s, command sha256 `abababababab…`, output: HTTP 401",
		"- Old key refused: skipped (step 3, 2026-01-02 03:08 +00:00, alice@laptop): provider has no API; last check failed (exit 0) in 0s",
		"- New key works: by hand (step 1, 2026-01-02 03:09 +00:00, bo): Last Used shows today",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestASecretLookingCheckOutputInTheFileIsWithheld(t *testing.T) {
	s := New()
	mustApply(t, s, run(ProofNewStep, 1, testRun(FactNewKey, 0)))
	s.Keys["src"].Current.Steps[ProofNewStep].Run.Output = "ghp_" + strings.Repeat("aB3", 12) // written by hand
	src := ExportSource{ID: "src", Name: "Src", InCatalog: true, Key: ExportKey{ID: "src"}}
	r := NewExportRotation(src, s.Keys["src"].Current, func(s string) string { return s })
	if out := r.Proof.NewKey.Run.Output; out != Withheld {
		t.Errorf("exported output %q", out)
	}
	if found := SuspectTexts(s); len(found) != 1 || found[0].Field != "check output" {
		t.Errorf("suspects %+v", found)
	}
}
