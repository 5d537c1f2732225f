package ui

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/atotto/clipboard"
	"github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/rotatetui/rotatetui/catalog"
)

// Effects are the things the checklist does to the world outside the terminal window,
// and the timers the UI starts. They run in commands, never in Update; tests replace
// them.
type Effects struct {
	// Terminal receives OSC 52 clipboard writes and the bell. Default: os.Stdout, the
	// terminal the program draws on (each write is one whole sequence, so it cannot
	// tear a frame).
	Terminal io.Writer
	// SystemClipboard also copies to the desktop clipboard when one is reachable; its
	// error is ignored, because OSC 52 is the copy that works everywhere.
	SystemClipboard func(string) error
	// OpenURL opens a URL in a browser, or returns errNoBrowser.
	OpenURL func(string) error
	// Tick starts a timer whose command returns fn's message after d. Default:
	// tea.Tick. Tests replace it to see the timers started (countdowns, save retries,
	// the forced quit) and fire them when they choose, instead of waiting.
	Tick func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd
}

// errNoBrowser says there is no browser to open a URL with (e.g. over SSH).
var errNoBrowser = errors.New("no browser here")

// noBrowser is errNoBrowser with the reason ("no display", "SSH session"). It is one
// error, not errors.Join's two, whose message "no browser here\nno display" read on
// the status line as "no browser here no display".
type noBrowser struct{ why string }

func (e noBrowser) Error() string        { return "no browser here (" + e.why + ")" }
func (e noBrowser) Is(target error) bool { return target == errNoBrowser }

// noBrowserText is what the status line says when there is no browser, with the
// reason when err gives one.
func noBrowserText(err error) string {
	var nb noBrowser
	if errors.As(err, &nb) {
		return "No browser here (" + nb.why + ")"
	}
	return "No browser here"
}

func defaultEffects() Effects {
	return Effects{Terminal: os.Stdout, SystemClipboard: clipboard.WriteAll, OpenURL: openInBrowser, Tick: tea.Tick}
}

func (e Effects) withDefaults() Effects {
	d := defaultEffects()
	if e.Terminal == nil {
		e.Terminal = d.Terminal
	}
	if e.SystemClipboard == nil {
		e.SystemClipboard = d.SystemClipboard
	}
	if e.OpenURL == nil {
		e.OpenURL = d.OpenURL
	}
	if e.Tick == nil {
		e.Tick = d.Tick
	}
	return e
}

// statusMsg is sent by the effect commands to say what happened, in the status line.
type statusMsg struct {
	text  string
	isErr bool
	// source is the checklist it is about (see forSource), "" when it is about no
	// screen: said after that checklist was left, it is dropped.
	source string
}

// forSource marks the statusMsg cmd returns as about the checklist of source id.
func forSource(id string, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		if s, ok := msg.(statusMsg); ok {
			s.source = id
			return s
		}
		return msg
	}
}

// copyCmd puts text on the clipboard: OSC 52 through the terminal (works over SSH and
// inside tmux) and the system clipboard where there is one.
func copyCmd(fx Effects, text, what string) tea.Cmd {
	return func() tea.Msg {
		if _, err := osc52.New(text).WriteTo(fx.Terminal); err != nil {
			return statusMsg{text: "Could not copy: " + err.Error(), isErr: true}
		}
		_ = fx.SystemClipboard(text)
		return statusMsg{text: "Copied " + what + "."}
	}
}

// openCmd opens url in the browser, or copies it where there is no browser.
func openCmd(fx Effects, url string) tea.Cmd {
	return func() tea.Msg {
		err := fx.OpenURL(url)
		site := "the link"
		if host := linkHost(url); host != "" {
			site = host
		}
		switch {
		case err == nil:
			return statusMsg{text: "Opened " + site + " in the browser: " + url}
		case errors.Is(err, errNoBrowser):
			if _, werr := osc52.New(url).WriteTo(fx.Terminal); werr != nil {
				return statusMsg{text: "No browser here, and the URL could not be copied: " + werr.Error(), isErr: true}
			}
			_ = fx.SystemClipboard(url)
			return statusMsg{text: noBrowserText(err) + "; copied the link to " + site + " instead."}
		default:
			return statusMsg{text: "Could not open the browser: " + err.Error(), isErr: true}
		}
	}
}

// bellCmd rings the terminal bell once.
func bellCmd(fx Effects) tea.Cmd {
	return func() tea.Msg {
		_, _ = io.WriteString(fx.Terminal, "\a")
		return nil
	}
}

// waitTickMsg drives a countdown on the checklist; gen tells stale tickers apart.
type waitTickMsg struct{ gen int }

// tickEvery schedules the next countdown tick.
func tickEvery(fx Effects, gen int) tea.Cmd {
	return fx.Tick(time.Second, func(time.Time) tea.Msg { return waitTickMsg{gen: gen} })
}

// openInBrowser starts the platform's URL opener, detached. It refuses up front where
// no browser can appear: an SSH session or a Linux machine without a display.
func openInBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		if os.Getenv("SSH_CONNECTION") != "" {
			return noBrowser{"SSH session"}
		}
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
			if os.Getenv("SSH_CONNECTION") != "" {
				return noBrowser{"SSH session"}
			}
			return noBrowser{"no display"}
		}
		path, err := exec.LookPath("xdg-open")
		if err != nil {
			return noBrowser{"no xdg-open"}
		}
		cmd = exec.Command(path, url)
	}
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }() // reap it; the browser outlives us
	return nil
}

// placeholderRef matches a {name} in a step's command or URL. It is compiled when a
// checklist first needs it, not at start-up, which the non-interactive commands (that
// never show a checklist) would pay for too.
var placeholderRef = lazyRegexp(`\{([A-Za-z][A-Za-z0-9_-]*)\}`)

// lazyRegexp returns a function that compiles expr the first time it is called and
// returns the same *regexp.Regexp from then on.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// placeholdersIn lists the {names} in s, in order, each once.
func placeholdersIn(s ...string) []string {
	var names []string
	seen := map[string]bool{}
	for _, text := range s {
		for _, m := range placeholderRef().FindAllStringSubmatch(text, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				names = append(names, m[1])
			}
		}
	}
	return names
}

// fill replaces every {name} that has a value. Values come from the progress file,
// which a person may have edited, so they are made terminal-safe like catalog text
// before they reach the screen or the clipboard.
func fill(s string, values map[string]string) string {
	if len(values) == 0 || !strings.Contains(s, "{") {
		return s
	}
	return placeholderRef().ReplaceAllStringFunc(s, func(ref string) string {
		if v, ok := values[ref[1:len(ref)-1]]; ok {
			return catalog.PrintableLine(v)
		}
		return ref
	})
}

// describeCopy says what was copied, in the words a person would use.
func describeCopy(command, url string) string {
	switch {
	case command != "":
		if looksLikeSQL(command) {
			n := strings.Count(strings.TrimSpace(command), ";")
			if n <= 1 {
				return "1 SQL statement"
			}
			return plural(n, "SQL statement", "SQL statements")
		}
		return "the command"
	case url != "":
		return "the URL"
	}
	return "the step's text"
}

// sqlStart recognises a command that is SQL; compiled on first use, like placeholderRef.
var sqlStart = lazyRegexp(`(?i)^\s*(select|alter|create|drop|grant|revoke|insert|update|delete|show|use|describe)\b`)

func looksLikeSQL(s string) bool { return sqlStart().MatchString(s) }
