package ui

import (
	"strings"
	"testing"

	"github.com/rotatetui/rotatetui/state"
)

// Issue 15 / issue 20 item 9: a value that stands in a link's host name takes only
// what a host name can hold, typed in or read from the progress file, and o says
// which site it opens.
func TestHostPlaceholderTakesOnlyAHostName(t *testing.T) {
	fx := &fakeEffects{}
	store := newMemStore()
	m := openSource(t, store, fx, "smarp", nil)
	m = press(t, m, "o")
	for value, why := range map[string]string{
		"a/b c":                    `Refused: {subdomain} goes in the link's host name, and "/" is not a letter, digit, "-" or "."`,
		"evil.example/login?next=": `"/" is not a letter, digit, "-" or "."`,
		"acme..eu":                 `a host name cannot begin or end with ".", nor have two in a row`,
		"acme@evil.example":        `"@" is not a letter`,
	} {
		m = typeText(t, m, value)
		m = press(t, m, "enter")
		if m.checklist.prompt.kind != promptValue || !strings.Contains(m.checklist.prompt.problem, why) {
			t.Errorf("%q: prompt %v, problem %q, want %q", value, m.checklist.prompt.kind, m.checklist.prompt.problem, why)
		}
		if ss := store.snapshot().Key("smarp"); ss != nil && len(ss.Placeholders) > 0 {
			t.Fatalf("%q was saved: %v", value, ss.Placeholders)
		}
		for range value {
			m = deliver(t, m, keyBackspace())
		}
	}
	if len(fx.opened) != 0 {
		t.Fatalf("opened %q", fx.opened)
	}
	m = typeText(t, m, "acme-corp.eu")
	m = press(t, m, "enter")
	want := "https://acme-corp.eu.smarpshare.com/#/profile/settings"
	if len(fx.opened) != 1 || fx.opened[0] != want {
		t.Fatalf("opened %q, want %q", fx.opened, want)
	}
	if !strings.Contains(m.View(), "Opened acme-corp.eu.smarpshare.com in the browser") {
		t.Errorf("the status does not name the host:\n%s", m.View())
	}
	// The host is said as soon as o is pressed, before the browser answers.
	next, _ := m.Update(keyMsg("o"))
	if !strings.Contains(next.(Model).View(), "Opening acme-corp.eu.smarpshare.com…") {
		t.Errorf("no host before opening:\n%s", next.(Model).View())
	}
}

// A value in the progress file that would send the link to another site is not used:
// the link shows its placeholder, and o asks for the value again, saying why.
func TestSavedValueThatMovesTheHostIsAskedAgain(t *testing.T) {
	store := newMemStore()
	if _, err := store.Apply(state.Change{Kind: state.SetPlaceholder, Key: "smarp", Name: "subdomain", Text: "evil.example/login?next=", At: fixedNow}); err != nil {
		t.Fatal(err)
	}
	fx := &fakeEffects{}
	m := openSource(t, store, fx, "smarp", nil)
	if strings.Contains(m.View(), "evil.example") || !strings.Contains(m.View(), "https://{subdomain}.smarpshare.com") {
		t.Errorf("the saved value is used on screen:\n%s", m.View())
	}
	m = press(t, m, "o")
	if len(fx.opened) != 0 || m.checklist.prompt.kind != promptValue {
		t.Fatalf("o used the saved value (opened %q)", fx.opened)
	}
	if !strings.Contains(m.View(), "The saved value of {subdomain} is not used: it goes in the link's host name") {
		t.Errorf("the prompt does not say why it asks again:\n%s", m.View())
	}
	if strings.Contains(m.checklist.prompt.input.Value(), "evil") {
		t.Error("the refused value is offered again")
	}
	m = typeText(t, m, "acme")
	m = press(t, m, "enter")
	if len(fx.opened) != 1 || fx.opened[0] != "https://acme.smarpshare.com/#/profile/settings" {
		t.Errorf("opened %q", fx.opened)
	}
	if got := store.snapshot().Key("smarp").Placeholders["subdomain"]; got != "acme" {
		t.Errorf("saved %q", got)
	}
}

func TestHostValueProblem(t *testing.T) {
	for value, ok := range map[string]bool{
		"acme": true, "acme-corp": true, "eu.acme": true, "A1": true,
		".acme": false, "acme.": false, "a b": false, "a:8080": false, "ü": false,
		strings.Repeat("a", 63): true, strings.Repeat("a", 64): false,
	} {
		if got := hostValueProblem(value) == ""; got != ok {
			t.Errorf("hostValueProblem(%q) = %q", value, hostValueProblem(value))
		}
	}
	if got := urlAuthority("https://{a}.example.com{b}/x/{c}?d={d}"); got != "https://{a}.example.com{b}" {
		t.Errorf("urlAuthority = %q", got)
	}
}
