package ui

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// TestPaintRendersLikeLipgloss: for the styles the list paints, a paint gives exactly
// the bytes lipgloss would, in every colour profile.
func TestPaintRendersLikeLipgloss(t *testing.T) {
	defer lipgloss.SetColorProfile(termenv.Ascii)
	for _, profile := range []termenv.Profile{termenv.Ascii, termenv.ANSI, termenv.ANSI256, termenv.TrueColor} {
		lipgloss.SetColorProfile(profile)
		st := newStyles()
		pairs := map[string][2]interface{ Render(...string) string }{
			"cursor": {st.Cursor, st.Paint.Cursor}, "row": {st.Row, st.Paint.Row}, "selected": {st.RowSelected, st.Paint.RowSelected},
			"match": {st.Match, st.Paint.Match}, "category": {st.Category, st.Paint.Category}, "tag": {st.Tag, st.Paint.Tag},
			"warning": {st.Warning, st.Paint.Warning}, "progress": {st.InProgress, st.Paint.InProgress},
			"rotated": {st.Rotated, st.Paint.Rotated}, "error": {st.StatusErr, st.Paint.StatusErr},
		}
		for name, p := range pairs {
			texts := []string{"Snowflake", "› ", "Adobe Commerce (Magento 2)", "✓ 12d ago", "á", " aka "}
			if name == "match" {
				// Underlined text is drawn character by character by lipgloss; the list
				// only ever paints single matched characters with it.
				texts = []string{"S", "á", "ñ", "2"}
			}
			for _, text := range texts {
				if want, got := p[0].Render(text), p[1].Render(text); want != got {
					t.Errorf("profile %v, %s, %q: paint %q, lipgloss %q", profile, name, text, got, want)
				}
			}
		}
	}
}
