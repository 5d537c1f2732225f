package ui

import (
	"testing"

	"github.com/charmbracelet/bubbles/help"
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

// TestResolvedColorsRenderTheSame: a colour resolved once for the terminal renders
// exactly as lipgloss renders the colour itself, in every profile, on dark and light
// backgrounds; the palette, Bubbles' help colours and plain 256-colour codes.
func TestResolvedColorsRenderTheSame(t *testing.T) {
	dark := lipgloss.HasDarkBackground()
	defer lipgloss.SetHasDarkBackground(dark)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	p := palette
	colours := []lipgloss.TerminalColor{p.accent, p.subtle, p.faint, p.ok, p.warn, p.bad, p.match, p.text,
		lipgloss.Color("240"), lipgloss.Color("7"), lipgloss.Color("#FF79C6"), lipgloss.AdaptiveColor{Light: "255", Dark: "0"}, lipgloss.NoColor{}}
	hs := help.New().Styles
	for _, s := range []lipgloss.Style{hs.ShortDesc, hs.ShortSeparator, hs.FullDesc} {
		colours = append(colours, s.GetForeground())
	}
	for _, profile := range []termenv.Profile{termenv.Ascii, termenv.ANSI, termenv.ANSI256, termenv.TrueColor} {
		for _, dark := range []bool{true, false} {
			lipgloss.SetColorProfile(profile)
			lipgloss.SetHasDarkBackground(dark)
			for _, c := range colours {
				s := lipgloss.NewStyle().Foreground(c).Background(c).Bold(true)
				if want, got := s.Render("Snowflake"), resolvedStyle(s).Render("Snowflake"); got != want {
					t.Errorf("profile %v, dark %v, %#v: resolved %q, lipgloss %q", profile, dark, c, got, want)
				}
			}
		}
	}
}
