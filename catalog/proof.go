package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// proof.go: the two facts that prove a rotation, the new key works and the old key is
// refused, as steps of rotatetui's own appended to a source's steps, and the verify
// setting of config.toml that says whether they are shown and whether they may be
// skipped. The check commands that can establish them are a key's (Key.CheckNew,
// Key.CheckOld, read only from the user's own keys file).

// Verify is config.toml's verify setting.
type Verify string

// The verify settings. The zero Verify means VerifyOffered.
const (
	// VerifyOffered: the proof steps are there and may be skipped with a reason.
	VerifyOffered Verify = "offered"
	// VerifyRequired: the proof steps are there and cannot be skipped.
	VerifyRequired Verify = "required"
	// VerifyOff: no proof steps.
	VerifyOff Verify = "off"
)

// Verifies lists the verify settings, the default first.
var Verifies = []Verify{VerifyOffered, VerifyRequired, VerifyOff}

// Or is v, or VerifyOffered when v is unset.
func (v Verify) Or() Verify {
	if v == "" {
		return VerifyOffered
	}
	return v
}

// Fact is one of the two facts that prove a rotation.
type Fact string

// The facts.
const (
	FactNone   Fact = ""
	FactNewKey Fact = "new" // the connection works with the new key
	FactOldKey Fact = "old" // the old key is refused
)

// The keys of the proof steps. A catalog step key is a lower-case slug or "t-<hex>",
// never with a dot, so these can never be a catalog step's. state.ProofNewStep and
// state.ProofOldStep are the same strings (a test in package main keeps them so).
const (
	ProofNewStep = "rotatetui.new-key-works"
	ProofOldStep = "rotatetui.old-key-refused"
)

// proofSteps are the steps WithProof appends.
var proofSteps = [...]Step{
	{Key: ProofNewStep, Text: "New key works: confirm that the connection now uses the new key (v runs the key's check_new, if it has one).", Proves: FactNewKey},
	{Key: ProofOldStep, Text: "Old key refused: confirm that the provider refuses the old key (v runs the key's check_old, if it has one).", Proves: FactOldKey},
}

// IsProofStep reports whether key is the key of one of rotatetui's proof steps.
func IsProofStep(key string) bool { return key == ProofNewStep || key == ProofOldStep }

// VerifyStep is the index of the source's own step that stands as the evidence that
// the new key works: its last step of kind verify ("check the Last Used timestamp"),
// or -1 when it has none.
func (s *Source) VerifyStep() int {
	for i := len(s.Steps) - 1; i >= 0; i-- {
		if s.Steps[i].Kind == KindVerify {
			return i
		}
	}
	return -1
}

// WithProof returns the source as a rotation of it runs: its steps, then the proof
// steps, with Proves set on each step that establishes a fact. A source with a step
// of kind verify gets only "Old key refused": its verify step stands as the evidence
// for "New key works" (and is marked so). started is the step keys of the rotation
// in progress as it started (Rotation.StepKeys), nil when none is: a rotation keeps
// the proof steps it started with, so one started before proof steps existed, or
// while verify was off, ends as it would have then. With VerifyOff, or when the
// rotation started without them, s itself is returned. The copy shares nothing that
// callers may change with s.
func (s *Source) WithProof(v Verify, started []string) *Source {
	if v.Or() == VerifyOff || started != nil && !slices.ContainsFunc(started, IsProofStep) {
		return s
	}
	vi := s.VerifyStep()
	c := *s
	c.Steps = make([]Step, len(s.Steps), len(s.Steps)+len(proofSteps))
	copy(c.Steps, s.Steps)
	if vi >= 0 {
		c.Steps[vi].Proves = FactNewKey
	} else {
		c.Steps = append(c.Steps, proofSteps[0])
	}
	c.Steps = append(c.Steps, proofSteps[1])
	return &c
}

// ProofStepCount is how many steps WithProof adds to s with setting v, for a source
// whose rotation has not started: what a list row counts without copying the source.
func (s *Source) ProofStepCount(v Verify) int {
	switch {
	case v.Or() == VerifyOff:
		return 0
	case s.VerifyStep() >= 0:
		return 1
	}
	return 2
}

// SkipRefused says why step i of s (as WithProof returned it) cannot be skipped with
// setting v, or "" when it can: with verify = "required", a step that establishes a
// fact must be done. The checklist and `rotatetui skip` ask this one question.
func (s *Source) SkipRefused(i int, v Verify) string {
	if v.Or() != VerifyRequired || i < 0 || i >= len(s.Steps) || s.Steps[i].Proves == FactNone {
		return ""
	}
	return fmt.Sprintf("step %d cannot be skipped: it proves that the %s, and config.toml sets verify = \"required\"; check it, with a note on how you verified it, or run its check command",
		i+1, s.Steps[i].Proves.Phrase())
}

// Phrase is the fact in words: "new key works", "old key is refused".
func (f Fact) Phrase() string {
	switch f {
	case FactNewKey:
		return "new key works"
	case FactOldKey:
		return "old key is refused"
	}
	return ""
}

// CheckCommand is the key's check command for fact f: CheckNew or CheckOld.
func (k *Key) CheckCommand(f Fact) string {
	switch f {
	case FactNewKey:
		return k.CheckNew
	case FactOldKey:
		return k.CheckOld
	}
	return ""
}

// CheckField is the keys.toml field that holds the check command for f.
func (f Fact) CheckField() string {
	if f == FactOldKey {
		return "check_old"
	}
	return "check_new"
}

// RevokeCaution is what to say before a check of the old key's refusal runs on a
// rotation of s (as WithProof returned it) whose handled steps handled tells: that
// the source's revoke steps (kind revoke) not handled yet are not done, so that a
// refusal now may be the provider's doing (the key expired, was never valid, the
// check asks the wrong account) rather than the revoke's; "" when every revoke step
// is handled, or s has none. It only cautions: the check still runs.
func (s *Source) RevokeCaution(handled func(i int) bool) string {
	var open []string
	for i, st := range s.Steps {
		if st.Kind == KindRevoke && !handled(i) {
			open = append(open, fmt.Sprint(i+1))
		}
	}
	switch len(open) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("step %s, which revokes the old key, is not done yet: a refusal now may not be the revoke's doing", open[0])
	}
	return fmt.Sprintf("steps %s and %s, which revoke the old key, are not done yet: a refusal now may not be the revokes' doing",
		strings.Join(open[:len(open)-1], ", "), open[len(open)-1])
}
