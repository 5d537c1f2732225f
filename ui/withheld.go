package ui

import (
	"maps"

	"github.com/rotatetui/rotatetui/state"
)

// withheldTexts says which texts of the progress file on a checklist look like
// secrets (written by hand, or by a version whose guard let them through): they are
// shown as state.Withheld, by the rule the export follows. The detector costs tens
// of microseconds a text, so it runs once each time the checklist takes a new state,
// not on every frame. A text that is not in the sets is shown as it is: what is typed
// on screen was refused already if it looked like a secret.
type withheldTexts struct {
	texts  map[string]bool // notes, skip reasons, placeholder values (state.WithholdText)
	actors map[string]bool // who did a step (state.WithholdActor)
}

// findWithheld looks through the texts of rot (nil: none) and values.
func findWithheld(rot *state.Rotation, values map[string]string) withheldTexts {
	var w withheldTexts
	for _, v := range values {
		w.texts = markIf(w.texts, v, state.WithholdText(v) != v)
	}
	if rot == nil {
		return w
	}
	for _, rec := range rot.Steps {
		if rec == nil {
			continue
		}
		for _, t := range []string{rec.Note, rec.SkipReason} {
			w.texts = markIf(w.texts, t, t != "" && state.WithholdText(t) != t)
		}
		w.actors = markIf(w.actors, rec.By, rec.By != "" && state.WithholdActor(rec.By) != rec.By)
	}
	return w
}

// markIf adds s to set when cond holds, making the set on first use.
func markIf(set map[string]bool, s string, cond bool) map[string]bool {
	if !cond {
		return set
	}
	if set == nil {
		set = map[string]bool{}
	}
	set[s] = true
	return set
}

// text is s as shown: state.Withheld when it looks like a secret.
func (w withheldTexts) text(s string) string {
	if w.texts[s] {
		return state.Withheld
	}
	return s
}

// actor is who did a step, as shown.
func (w withheldTexts) actor(s string) string {
	if w.actors[s] {
		return state.Withheld
	}
	return s
}

// values is values as the steps show them; values itself when none is withheld.
func (w withheldTexts) values(values map[string]string) map[string]string {
	var shown map[string]string
	for name, v := range values {
		if w.texts[v] {
			if shown == nil {
				shown = maps.Clone(values)
			}
			shown[name] = state.Withheld
		}
	}
	if shown == nil {
		return values
	}
	return shown
}
