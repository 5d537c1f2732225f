package state

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Texts that look like secrets. The store refuses a note, skip reason or value that
// looks like a credential, but a state file written by hand or by an older version
// (whose guard let more through) may hold one, in those texts or as an actor. Such a
// text is never exported: the export, history and the screen's history show Withheld
// instead, and SuspectTexts lists where they are, for the person to remove them.

// Withheld is what an export shows instead of a text that looks like a secret.
const Withheld = "[withheld: looks like a secret]"

// WithholdText is text, or Withheld when it looks like a secret (see LooksLikeSecret).
func WithholdText(text string) string {
	if _, secret := LooksLikeSecret(text); secret {
		return Withheld
	}
	return text
}

// WithholdActor is actor, or Withheld when it looks like a secret (see
// ActorLooksLikeSecret).
func WithholdActor(actor string) string {
	if _, secret := ActorLooksLikeSecret(actor); secret {
		return Withheld
	}
	return actor
}

// ActorLooksLikeSecret is LooksLikeSecret for who made a change. An actor is most
// often user@host ($USER@hostname), and host names such as build-agent-07 or
// DESKTOP-7H2K9QX beside the @ read as a password of letters, digits and symbols
// mixed: so when actor is a plain user name, an @ and a host name, each half is
// judged alone. The trade-off: a password of that shape (p@ssw0rd) passes.
func ActorLooksLikeSecret(actor string) (what string, secret bool) {
	if user, host, ok := cutUserHost(actor); ok {
		if what, secret := LooksLikeSecret(user); secret {
			return what, true
		}
		return LooksLikeSecret(host)
	}
	return LooksLikeSecret(actor)
}

// cutUserHost splits user@host at its last @, if user is a plain user name (letters,
// digits, '.', '_', '-', '+') and host a host name (letters, digits, '.', '-').
func cutUserHost(s string) (user, host string, ok bool) {
	i := strings.LastIndexByte(s, '@')
	if i <= 0 || i == len(s)-1 {
		return "", "", false
	}
	user, host = s[:i], s[i+1:]
	return user, host, onlyOf(user, "._-+") && onlyOf(host, ".-")
}

// onlyOf reports whether s holds only ASCII letters, digits and the bytes of extra.
func onlyOf(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(extra, c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// SuspectText is a text in a state file that looks like a secret: where it is, and
// what it looks like, never the text itself.
type SuspectText struct {
	Source string // the source's id
	// Step is the step's key; "" for a text of the source itself (a placeholder value,
	// who recorded a rotation date) or of a rotation (who started or finished it).
	Step string
	// Started is when the rotation the text belongs to started; nil outside rotations.
	Started *time.Time
	Field   string // what the text is: "note", "skip reason", "actor", "value of {name}"
	What    string // what it looks like, e.g. "a GitHub token"
}

// SuspectTexts lists the texts of st that look like secrets (notes, skip reasons,
// placeholder values, actors), by source id, then in the order of the file. Actors,
// which repeat on every step, are judged once each.
func SuspectTexts(st *State) []SuspectText {
	if st == nil {
		return nil
	}
	f := suspectFinder{actors: map[string]verdict{}}
	for _, id := range slices.Sorted(maps.Keys(st.Keys)) {
		f.source(id, st.Keys[id])
	}
	return f.found
}

// suspectFinder collects SuspectTexts, remembering what each actor looked like.
type suspectFinder struct {
	found  []SuspectText
	actors map[string]verdict
}

// verdict is what LooksLikeSecret said of a text.
type verdict struct {
	what   string
	secret bool
}

func (f *suspectFinder) source(id string, ss *KeyState) {
	for _, name := range slices.Sorted(maps.Keys(ss.Placeholders)) {
		f.text(SuspectText{Source: id, Field: "value of {" + name + "}"}, ss.Placeholders[name])
	}
	f.actor(SuspectText{Source: id, Field: "actor"}, ss.LastRotatedBy)
	for i := range ss.History {
		f.rotation(id, &ss.History[i])
	}
	if ss.Current != nil {
		f.rotation(id, ss.Current)
	}
}

func (f *suspectFinder) rotation(id string, r *Rotation) {
	at := SuspectText{Source: id, Started: cloneTime(&r.StartedAt), Field: "actor"}
	f.actor(at, r.StartedBy)
	f.actor(at, r.FinishedBy)
	for _, key := range slices.Sorted(maps.Keys(r.Steps)) {
		rec, step := r.Steps[key], at
		step.Step = key
		f.actor(step, rec.By)
		f.actor(step, rec.OverriddenBy)
		step.Field = "note"
		f.text(step, rec.Note)
		step.Field = "skip reason"
		f.text(step, rec.SkipReason)
		if rec.Run != nil {
			f.actor(step, rec.Run.By)
			step.Field = "check output"
			f.text(step, rec.Run.Output)
		}
	}
}

func (f *suspectFinder) text(at SuspectText, text string) {
	if what, secret := LooksLikeSecret(text); text != "" && secret {
		at.What = what
		f.found = append(f.found, at)
	}
}

func (f *suspectFinder) actor(at SuspectText, actor string) {
	if actor == "" {
		return
	}
	v, seen := f.actors[actor]
	if !seen {
		v.what, v.secret = ActorLooksLikeSecret(actor)
		f.actors[actor] = v
	}
	if v.secret {
		at.What = v.what
		f.found = append(f.found, at)
	}
}
