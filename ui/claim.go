package ui

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// claim.go: a key someone else is rotating (state.Claim). The list names the holder;
// the checklist says so up front and asks once, before the first action on their
// rotation, whether to join it. Until the person has joined, every change the screen
// makes carries state.Change.IfUnclaimed, so one that reaches the store after the
// other person started the key is not made on their rotation unknowingly.

// claimOf is the claim on ss that someone other than actor holds, or nil: the one the
// screens tell about.
func claimOf(ss *state.KeyState, steps []string, actor string) *state.Claim {
	if c := state.ClaimOn(ss, steps); c.HeldByOther(actor) {
		return c
	}
	return nil
}

// heldClaim is the claim the checklist tells about, and the start of the rotation
// whose holder the person agreed to join on this screen (zero: none yet).
type heldClaim struct {
	*state.Claim
	joinedStart time.Time
}

// update is the claim to tell about once the state says c (nil: nobody else holds
// the key; finished: the rotation on screen is over): a join is kept for as long as
// the same rotation is on screen.
func (h *heldClaim) update(c *state.Claim, finished bool) *heldClaim {
	if c == nil || finished {
		return nil
	}
	next := &heldClaim{Claim: c}
	if h != nil && h.joinedStart.Equal(c.StartedAt) {
		next.joinedStart = h.joinedStart
	}
	return next
}

// joined reports whether the person agreed to act on the rotation someone else holds
// on this screen (always true when nobody else holds it).
func (m checklistModel) joined() bool {
	return m.claim == nil || m.claim.joinedStart.Equal(m.claim.StartedAt)
}

// claimText is the header's line about the holder, "" when nobody else holds the key.
func (m checklistModel) claimText() string {
	if m.claim == nil {
		return ""
	}
	text := "◆ " + catalog.PrintableLine(m.claim.Describe(m.title(), m.c.now())) + "."
	if m.joined() {
		return text + " You joined it: what you do is recorded as " + catalog.PrintableLine(m.c.actor) + "."
	}
	return text + " You will be asked before you act on it."
}

// joinGated reports whether msg acts on the rotation: the keys that, on someone else's
// rotation, ask first whether to join it.
func joinGated(msg tea.KeyMsg, k *keyMap) bool {
	return key.Matches(msg, k.Toggle, k.ToggleNext, k.Note, k.Skip, k.Reset, k.Verify)
}

// askToJoin asks whether to act on someone else's rotation, keeping the key that was
// pressed to act on once the person says yes.
func (m checklistModel) askToJoin(msg tea.KeyMsg) checklistModel {
	m.prompt = newConfirm(catalog.PrintableLine(m.claim.Describe(m.title(), m.c.now()))+". Act on their rotation? What you do is recorded as "+catalog.PrintableLine(m.c.actor)+".", confirmJoin, m.cursor)
	m.prompt.pending = &msg
	return m
}

// join records that the person joined the rotation on screen and does what they were
// doing when asked.
func (m checklistModel) join(p prompt) (checklistModel, tea.Cmd, event) {
	if m.claim == nil {
		return m, nil, nil // the rotation ended meanwhile: nothing to join
	}
	m.claim = &heldClaim{Claim: m.claim.Claim, joinedStart: m.claim.StartedAt}
	if p.pending == nil {
		return m, nil, nil
	}
	return m.handleKey(*p.pending)
}

// guardClaim makes c a no-op on a rotation someone else holds unless the person
// joined it (see state.Change.IfUnclaimed).
func (m checklistModel) guardClaim(c state.Change) state.Change {
	c.IfUnclaimed = m.claim == nil || !m.joined()
	return c
}

// heldBy is the list's name for who holds the key's rotation in progress when it is
// not this rotatetui's actor, else "".
func heldBy(ss *state.KeyState, src *catalog.Source, actor string) string {
	if c := claimOf(ss, src.StepKeys(), actor); c != nil {
		return state.WithholdActor(c.By)
	}
	return ""
}
