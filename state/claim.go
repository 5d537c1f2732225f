package state

import (
	"fmt"
	"time"
)

// claim.go: who holds a key. Starting a rotation claims the key for the person who
// started it (Rotation.StartedBy): in a team sharing one store, someone else who opens
// it is told so before acting on it, and `rotatetui check` needs --join. The rule is
// here, once, for the list, the checklist and the commands alike; it needs nothing
// but what every store records, so the file store and the database store agree.

// Claim is a rotation in progress on a key, held by the person who started it.
type Claim struct {
	By        string    // who started the rotation
	StartedAt time.Time // when
	// Step is the first step of the rotation not handled yet (from 1), of Total; Step
	// is Total+1 when every step is handled.
	Step, Total int
}

// ClaimOn is the claim on a key: its rotation in progress with work in it
// ([Rotation.HasWork]), with who started it. steps are the key's step keys in the
// catalog's order. Nil when nothing is in progress, or when the rotation does not say
// who started it (files written before actors were recorded): nobody can be told
// about a holder nobody knows.
func ClaimOn(ss *KeyState, steps []string) *Claim {
	cur := ss.current()
	if !cur.HasWork() || cur.StartedBy == "" {
		return nil
	}
	c := &Claim{By: cur.StartedBy, StartedAt: cur.StartedAt, Total: len(steps), Step: len(steps) + 1}
	for i, k := range steps {
		if !cur.Handled(k) {
			c.Step = i + 1
			break
		}
	}
	return c
}

// claimedByOther reports whether the key's rotation in progress was started by
// someone other than by: ClaimOn(ss, steps).HeldByOther(by), without the steps.
func claimedByOther(ss *KeyState, by string) bool {
	cur := ss.current()
	return cur.HasWork() && cur.StartedBy != "" && by != "" && cur.StartedBy != by
}

// HeldByOther reports whether acting on the key as actor means acting on someone
// else's rotation: there is a claim and it is not actor's. An empty actor holds
// nothing and is held off by nothing (tests, files without actors).
func (c *Claim) HeldByOther(actor string) bool {
	return c != nil && actor != "" && c.By != actor
}

// Describe says who holds the key and how far they are, for a person about to act on
// it: "ana@laptop started rotating Snowflake · prod 12 min ago, step 3 of 8". title is
// how the key is shown; the texts are the caller's to make printable. An actor that
// looks like a secret is withheld ([WithholdActor]), as everywhere it is shown.
func (c *Claim) Describe(title string, now time.Time) string {
	where := fmt.Sprintf("step %d of %d", c.Step, c.Total)
	if c.Step > c.Total {
		where = fmt.Sprintf("all %d steps handled", c.Total)
	}
	return fmt.Sprintf("%s started rotating %s %s, %s", WithholdActor(c.By), title, Since(now, c.StartedAt), where)
}

// Since says how long before now t was, as a person says it: "just now", "12 min
// ago", "3 h ago", "2 days ago".
func Since(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
}
