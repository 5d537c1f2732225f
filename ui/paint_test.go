package ui

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
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

// TestNoColorKeepsAttributes: under NO_COLOR (the package's tests render as Run does
// then, without colour) matched letters are still underlined and bold, the filter's
// cursor is still in reverse video, and a custom source's badge is bracketed; and no
// colour is drawn.
func TestNoColorKeepsAttributes(t *testing.T) {
	cat := builtin(t)
	cat.Sources[0].Origin = "my-catalog.toml"
	m := newTestModel(t, newMemStore(), Options{Catalog: cat, NoColor: true})
	m = press(t, m, "/")
	m = typeText(t, m, strings.ToLower(cat.Sources[0].Name[:3]))
	row := m.sources.rowView(0, 76)
	if !strings.Contains(row, "\x1b[1;4") {
		t.Errorf("matched letters neither underlined nor bold: %q", row)
	}
	if !strings.Contains(ansi.Strip(row), "[custom]") {
		t.Errorf("badge not bracketed: %q", ansi.Strip(row))
	}
	view := m.View()
	if !strings.Contains(view, "\x1b[7m") {
		t.Errorf("the filter's cursor is not in reverse video:\n%q", view)
	}
	for _, sgr := range regexp.MustCompile(`\x1b\[[0-9;]*m`).FindAllString(view, -1) {
		for _, p := range strings.Split(strings.Trim(sgr, "\x1b[m"), ";") {
			if n, _ := strconv.Atoi(p); n >= 30 && n <= 49 || n >= 90 && n <= 107 {
				t.Fatalf("colour %q drawn under NO_COLOR", sgr)
			}
		}
	}
}

// TestNoColorOnTheChecklist: under NO_COLOR the checklist's title badge is bracketed,
// and the cursor of each of its text inputs (a skip reason, a placeholder's value, the
// note box) is in reverse video; no colour is drawn.
func TestNoColorOnTheChecklist(t *testing.T) {
	cat := builtin(t)
	smarp, _ := cat.Lookup("smarp")
	smarp.Origin = "my-catalog.toml"
	m := newTestModel(t, newMemStore(), Options{Catalog: cat, NoColor: true, Query: "smarp", Effects: (&fakeEffects{}).effects()})
	if title := ansi.Strip(strings.SplitN(m.View(), "\n", 2)[0]); !strings.Contains(title, "Smarp") || !strings.Contains(title, "[custom]") {
		t.Errorf("the title's badge is not bracketed: %q", title)
	}
	for _, keys := range [][]string{{"s"}, {"e"}, {"n"}} {
		opened := press(t, m, keys...)
		if opened.checklist.prompt.kind == noPrompt {
			t.Fatalf("%v opened no prompt", keys)
		}
		view := opened.View()
		if !strings.Contains(view, "\x1b[7m") {
			t.Errorf("after %v the text cursor is not in reverse video:\n%q", keys, view)
		}
		for _, sgr := range regexp.MustCompile(`\x1b\[[0-9;]*m`).FindAllString(view, -1) {
			for _, p := range strings.Split(strings.Trim(sgr, "\x1b[m"), ";") {
				if n, _ := strconv.Atoi(p); n >= 30 && n <= 49 || n >= 90 && n <= 107 {
					t.Fatalf("after %v, colour %q drawn under NO_COLOR", keys, sgr)
				}
			}
		}
	}
}
