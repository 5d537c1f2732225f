package state

import (
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode"
)

// proof.go: the record of a check command run on a proof step (see catalog.WithProof,
// whose step keys are ProofNewStep and ProofOldStep), and how each of the two facts
// that prove a rotation was established: by a check, by hand, skipped, or not at all.

// The keys of rotatetui's own proof steps, as catalog.ProofNewStep and
// catalog.ProofOldStep (the state package knows nothing of catalogs; a test in
// package main keeps the two the same). They hold a dot, which no catalog step key
// can.
const (
	ProofNewStep = "rotatetui.new-key-works"
	ProofOldStep = "rotatetui.old-key-refused"
)

// ProofStepText is the text an export shows for a proof step.
func ProofStepText(key string) string {
	switch key {
	case ProofNewStep:
		return "New key works"
	case ProofOldStep:
		return "Old key refused"
	}
	return ""
}

// The facts a check run can establish, as CheckRun.Fact.
const (
	FactNewKey = "new" // the connection works with the new key: check_new exited 0
	FactOldKey = "old" // the old key is refused: check_old failed
)

// CheckRun is one run of a key's check command on a step. Nothing of the command's
// output is kept beyond Output, one line that does not look like a secret.
type CheckRun struct {
	Fact string    `json:"fact"` // FactNewKey or FactOldKey
	At   time.Time `json:"at"`   // when it ended
	By   string    `json:"by,omitempty"`
	// ExitCode is the command's exit status, -1 when a signal or the time limit
	// ended it.
	ExitCode   int   `json:"exit_code"`
	TimedOut   bool  `json:"timed_out,omitempty"`
	DurationMS int64 `json:"duration_ms"`
	// CommandSHA256 is the hex sha256 of the command as run (placeholders filled),
	// so a later reader can tell which command established the fact without the
	// file holding it.
	CommandSHA256 string `json:"command_sha256"`
	Output        string `json:"output,omitempty"` // the last line of output, guarded; "" when none or withheld
	// RefusedBy are the exit statuses that prove the old key refused, as the key's
	// check_old_exit said when it ran; empty: the default rule (see Passed).
	RefusedBy []int `json:"refused_by,omitempty"`
}

// OldKeyStillWorks reports whether the run is a check_old that succeeded: the
// provider accepted the old key, the revoke did not take. It is worse than a check that
// proves nothing, and every screen says so.
func (r *CheckRun) OldKeyStillWorks() bool {
	return r != nil && r.Fact == FactOldKey && !r.TimedOut && r.ExitCode == 0
}

// Passed reports whether the run establishes its fact: check_new exited 0, or
// check_old failed as a refused key makes a command fail. With RefusedBy (the key's
// check_old_exit), only those statuses prove refusal; without, any status from 1 to
// 125 but 2. A time-out, a signal, 126 or 127 (the shell could not run the command:
// not found, not executable) and 2 (sh's own status for a syntax error or a misused
// builtin) prove nothing about the old key.
func (r *CheckRun) Passed() bool {
	if r == nil || r.TimedOut {
		return false
	}
	switch r.Fact {
	case FactNewKey:
		return r.ExitCode == 0
	case FactOldKey:
		if len(r.RefusedBy) > 0 {
			return slices.Contains(r.RefusedBy, r.ExitCode)
		}
		return r.ExitCode >= 1 && r.ExitCode <= 125 && r.ExitCode != 2
	}
	return false
}

// Outcome says in words what the run showed: "passed (exit 0)", "failed (exit 22)",
// "timed out".
func (r *CheckRun) Outcome() string {
	verdict := "failed"
	if r.Passed() {
		verdict = "passed"
	}
	switch {
	case r.TimedOut:
		return verdict + " (timed out after " + FormatDuration(time.Duration(r.DurationMS)*time.Millisecond) + ")"
	case r.ExitCode < 0:
		return verdict + " (killed by a signal)"
	}
	return fmt.Sprintf("%s (exit %d)", verdict, r.ExitCode)
}

func (r *CheckRun) clone() *CheckRun {
	if r == nil {
		return nil
	}
	c := *r
	c.RefusedBy = slices.Clone(r.RefusedBy)
	return &c
}

// validate checks a run read from a file or carried by a change.
func (r *CheckRun) validate() error {
	switch {
	case r.Fact != FactNewKey && r.Fact != FactOldKey:
		return fmt.Errorf("fact %q, want %q or %q", r.Fact, FactNewKey, FactOldKey)
	case r.ExitCode < -1 || r.ExitCode > 255:
		return fmt.Errorf("exit_code %d is no exit status (-1 to 255)", r.ExitCode)
	case r.DurationMS < 0:
		return fmt.Errorf("duration_ms %d is negative", r.DurationMS)
	case !isSHA256Hex(r.CommandSHA256):
		return fmt.Errorf("command_sha256 %q is not 64 lower-case hex digits", r.CommandSHA256)
	case r.Fact != FactOldKey && len(r.RefusedBy) > 0:
		return errors.New("refused_by goes with fact \"old\" only")
	}
	for _, e := range r.RefusedBy {
		if e < 1 || e > 125 {
			return fmt.Errorf("refused_by holds %d: an exit status that proves refusal is 1 to 125", e)
		}
	}
	for _, c := range r.Output {
		if unicode.IsControl(c) {
			return errors.New("output holds a line break or control character: at most one line is kept")
		}
	}
	return nil
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// recordRun records a check run on the step (Change kind RunCheck). A passing run
// checks it, replacing a skip; a failing one is kept as the latest attempt and
// leaves the step as it was. A checked step keeps the evidence it has: a run on it is
// a no-op.
func (c Change) recordRun(rec *StepRecord, at time.Time) bool {
	if rec.CheckedAt != nil {
		return false
	}
	run := *c.Run
	run.At, run.By = at, c.By
	rec.Run = &run
	if run.Passed() {
		rec.CheckedAt = &at
		rec.SkippedAt, rec.SkipReason = nil, ""
		// A check_old passed before the revoke step was done sets the caution aside,
		// as a check would: the record shows the proof came first.
		rec.Overrides, rec.OverriddenBy = normalOverrides(c.Overrides), ""
		if rec.Overrides != nil {
			rec.OverriddenBy = c.By
		}
	}
	return true
}

// How says how a fact of a rotation was established.
type How string

// The ways a fact is established.
const (
	ByCheck  How = "check"   // a check command passed on its step
	ByHand   How = "hand"    // its step was checked by hand (the note says how)
	BySkip   How = "skipped" // its step was skipped (the reason says why)
	NotShown How = "none"    // nothing establishes it: the step is open, or the rotation has none
)

// FactProof is how one fact of a rotation was established.
type FactProof struct {
	How  How
	Step string // the step that establishes it; "" when the rotation has none
	// Rec is the step's record, nil when nobody touched it. Its Run is the check
	// that established the fact (How ByCheck) or the latest failed attempt.
	Rec *StepRecord
}

// Proven reports whether the fact is established: by a check or by hand.
func (f FactProof) Proven() bool { return f.How == ByCheck || f.How == ByHand }

// Proof is how the two facts of a rotation were established.
type Proof struct {
	NewKey, OldKey FactProof
}

// Proven reports whether both facts are established.
func (p Proof) Proven() bool { return p.NewKey.Proven() && p.OldKey.Proven() }

// ProofOf says how r established each fact. verifyStep is the key of the source's
// step of kind verify that stands for "New key works" when the rotation has no
// ProofNewStep ("" when the source has none).
func ProofOf(r *Rotation, verifyStep string) Proof {
	newStep := ""
	switch {
	case r.hasStep(ProofNewStep):
		newStep = ProofNewStep
	case verifyStep != "":
		newStep = verifyStep
	}
	oldStep := ""
	if r.hasStep(ProofOldStep) {
		oldStep = ProofOldStep
	}
	return Proof{NewKey: factProof(r, newStep), OldKey: factProof(r, oldStep)}
}

// hasStep reports whether the rotation has step key: it started with it, or holds a
// record of it.
func (r *Rotation) hasStep(key string) bool {
	if r == nil {
		return false
	}
	if r.Steps[key] != nil {
		return true
	}
	for _, k := range r.StepKeys {
		if k == key {
			return true
		}
	}
	return false
}

func factProof(r *Rotation, step string) FactProof {
	if step == "" {
		return FactProof{How: NotShown}
	}
	rec := r.step(step)
	f := FactProof{How: NotShown, Step: step, Rec: rec}
	switch {
	case rec == nil:
	case rec.CheckedAt != nil && rec.Run.Passed():
		f.How = ByCheck
	case rec.CheckedAt != nil:
		f.How = ByHand
	case rec.SkippedAt != nil:
		f.How = BySkip
	}
	return f
}
