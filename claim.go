package main

import (
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// claim.go: the commands that act on a key's rotation (check, uncheck, reset) leave
// someone else's rotation alone unless told --join (see state.Claim). The refusal up
// front reads the store as it was when the command started; the guard each change
// carries (state.Change.IfUnclaimed) holds at the instant of the save, so a rotation
// someone started a moment after is not acted on either.

// refuseClaimed refuses, without --join, to act on a key whose rotation in progress
// someone else started, saying who and how far they are.
func (e *env) refuseClaimed(ref keyRef, ss *state.KeyState) (int, bool) {
	claim := state.ClaimOn(ss, ref.src.StepKeys())
	if e.opts.join || !claim.HeldByOther(actor(e.opts)) {
		return exitOK, true
	}
	return e.fail(exitFailed, "%s.\nNothing was recorded. To act on their rotation, add --join (what you do is recorded as %s).",
		catalog.PrintableLine(claim.Describe(ref.title(), e.now())), catalog.PrintableLine(actor(e.opts))), false
}

// unlessJoined guards the changes against a rotation someone else holds, unless
// --join was given.
func (e *env) unlessJoined(changes []state.Change) {
	for i := range changes {
		changes[i].IfUnclaimed = !e.opts.join
	}
}

// lostClaimRace fails when, by the time the changes were saved, someone else had
// started the key's rotation (after is the state the save left): the guarded changes
// were no-ops.
func (e *env) lostClaimRace(ref keyRef, after *state.KeyState) (int, bool) {
	claim := state.ClaimOn(after, ref.src.StepKeys())
	if e.opts.join || !claim.HeldByOther(actor(e.opts)) {
		return exitOK, true
	}
	return e.fail(exitFailed, "%s, just before your change was saved.\nNothing was recorded. To act on their rotation, add --join.",
		catalog.PrintableLine(claim.Describe(ref.title(), e.now()))), false
}
