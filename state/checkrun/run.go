// Package checkrun runs the check commands that prove a rotation (a key's check_new
// and check_old, from the user's own keys file): `sh -c` in a process group of its
// own, with a time limit after which the whole group is killed, its output read line
// by line for the screen and never kept beyond the one guarded line a record holds.
// It knows nothing of terminals: the UI runs it from a tea.Cmd, the verify command
// from the command line.
package checkrun

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// Spec is a check command to run.
type Spec struct {
	// Command is the command as it runs, its {placeholders} filled by Fill: the text
	// shown before it runs, the text run and the text whose sha256 the record keeps
	// are one and the same.
	Command string
	Values  map[string]string // the key's values (keys.toml), passed as ROTATETUI_VALUE_<NAME>
	Timeout time.Duration     // 0: catalog.DefaultCheckTimeout
	// OnLine, when set, is called with each line of output as it comes, as the
	// command wrote it (the caller makes it printable); from the run's goroutine.
	OnLine func(line string)
}

// Result is how a run ended.
type Result struct {
	ExitCode int // -1 when a signal or the time limit ended it
	TimedOut bool
	Stopped  bool // Stop or KillAll ended it: it proves nothing and is not recorded
	Duration time.Duration
	LastLine string // the last non-empty line of output, as written; never stored as it is
	Err      error  // the command could not be started at all
}

// keptLines is how many lines of output a run keeps for the screen.
const keptLines = 8

// maxLine is the longest line kept: a command that writes megabytes without a line
// break must not fill memory.
const maxLine = 4096

// waitDelay bounds the wait for output after the shell has exited (a child that
// keeps the pipe open) or after the group was killed.
const waitDelay = 2 * time.Second

var placeholderRef = regexp.MustCompile(`(\$?)\{([A-Za-z][A-Za-z0-9_-]*)\}`)

// FillError says which value could not be put into a command, and why.
type FillError struct {
	Name, Value string
	Char        rune // the first character the shell would act on
}

func (e *FillError) Error() string {
	return fmt.Sprintf("the value of {%s} (%q) holds %q, which the shell would act on, so it is not put into the command and nothing was run: "+
		"write \"$%s\" in the command instead of {%s} (the value is passed in that environment variable)",
		e.Name, catalog.PrintableLine(e.Value), e.Char, EnvName(e.Name), e.Name)
}

// shellInert reports whether the shell takes r as it is, wherever it stands in a
// word: letters, digits and . _ : / @ % + = , ~ -.
func shellInert(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._:/@%+=,~-", r)
}

// Fill puts the values into the command's {placeholders}, giving the command as it
// runs. A value is data, never code: one that holds anything but the characters the
// shell takes as they are (shellInert) is refused with a *FillError, before anything
// runs; such a value reaches the command as its ROTATETUI_VALUE_ variable, which the
// shell does not read as code when quoted. ${NAME}, the shell's own expansion, and
// {names} without a value are left as they are.
func Fill(command string, values map[string]string) (string, error) {
	if len(values) == 0 || !strings.Contains(command, "{") {
		return command, nil
	}
	var bad *FillError
	filled := placeholderRef.ReplaceAllStringFunc(command, func(ref string) string {
		m := placeholderRef.FindStringSubmatch(ref)
		v, ok := values[m[2]]
		if !ok || m[1] != "" {
			return ref
		}
		if i := strings.IndexFunc(v, func(r rune) bool { return !shellInert(r) }); i >= 0 && bad == nil {
			r, _ := utf8.DecodeRuneInString(v[i:])
			bad = &FillError{Name: m[2], Value: v, Char: r}
		}
		if bad == nil && (strings.HasPrefix(v, "~") || strings.HasPrefix(v, "-")) {
			// Inert inside a word, but a word's first ~ is a home directory and a
			// first - makes an option of it.
			bad = &FillError{Name: m[2], Value: v, Char: rune(v[0])}
		}
		return v
	})
	if bad != nil {
		return "", bad
	}
	return filled, nil
}

// EnvName is the environment variable a value is passed in: ROTATETUI_VALUE_ and the
// name in capitals, - as _ (account → ROTATETUI_VALUE_ACCOUNT).
func EnvName(name string) string {
	return "ROTATETUI_VALUE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// Env is the environment the command runs in: rotatetui's, without any
// ROTATETUI_VALUE_ variable it had, then the key's values.
func Env(values map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ROTATETUI_VALUE_") {
			env = append(env, kv)
		}
	}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		env = append(env, EnvName(name)+"="+values[name])
	}
	return env
}

// SHA256 is the hex sha256 of the command as run, which the record keeps instead of
// the command.
func SHA256(command string) string {
	sum := sha256.Sum256([]byte(command))
	return hex.EncodeToString(sum[:])
}

// Run is a check command under way (see Start).
type Run struct {
	mu      sync.Mutex
	lines   []string // the last keptLines lines, as written
	partial []byte   // the line being written
	last    string   // the last non-empty line
	notify  chan struct{}
	done    chan struct{}
	result  Result
	onLine  func(string)
	ctx     context.Context
	cancel  context.CancelFunc // Stop: ends the run, killing its group
}

// registry holds the runs under way, so that KillAll can end them: a check's process
// group is of its own (the terminal's Ctrl+C does not reach it), so without this a
// check running when rotatetui ends would run on, with no time limit.
type registry struct {
	mu     sync.Mutex
	runs   map[*Run]struct{}
	closed bool // KillAll was called: no run starts any more
}

var running = &registry{runs: map[*Run]struct{}{}}

// add registers r, reporting false once KillAll has been called.
func (g *registry) add(r *Run) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.runs[r] = struct{}{}
	return true
}

func (g *registry) remove(r *Run) {
	g.mu.Lock()
	delete(g.runs, r)
	g.mu.Unlock()
}

// killAll stops every run and waits for each to be gone, at most wait in all.
func (g *registry) killAll(wait time.Duration) {
	g.mu.Lock()
	g.closed = true
	runs := make([]*Run, 0, len(g.runs))
	for r := range g.runs {
		runs = append(runs, r)
	}
	g.mu.Unlock()
	deadline := time.After(wait)
	for _, r := range runs {
		r.Stop()
	}
	for _, r := range runs {
		select {
		case <-r.done:
		case <-deadline:
			return
		}
	}
}

// KillAll ends every check under way, killing each one's whole process group, and
// waits until they are gone; from then on Start runs nothing (its result says so).
// rotatetui calls it as it ends, however it ends (q, Ctrl+C, a signal), so that no
// check outlives it.
func KillAll() { running.killAll(waitDelay + time.Second) }

// ErrStopped is the Err of a run stopped before its command could start.
var ErrStopped = errors.New("rotatetui is ending: the check was not run")

// Start starts the command (Spec.Command, as Fill gave it) and returns at once; Wait
// or Next follow it, Stop ends it. It never reads the terminal: standard input is
// /dev/null.
func Start(spec Spec) *Run {
	ctx, cancel := context.WithCancel(context.Background())
	r := &Run{notify: make(chan struct{}, 1), done: make(chan struct{}), onLine: spec.OnLine, ctx: ctx, cancel: cancel}
	timeout := spec.Timeout
	if timeout <= 0 {
		timeout = catalog.DefaultCheckTimeout
	}
	if !running.add(r) {
		cancel()
		r.finish(Result{ExitCode: -1, Err: ErrStopped})
		close(r.done)
		return r
	}
	go r.run(spec.Command, Env(spec.Values), timeout)
	return r
}

// Stop ends the run: its whole process group is killed, and its result says it was
// stopped (Result.Stopped). It returns at once; Wait waits for the end.
func (r *Run) Stop() { r.cancel() }

func (r *Run) run(command string, env []string, timeout time.Duration) {
	defer close(r.done)
	defer running.remove(r)
	defer r.cancel()
	ctx, cancel := context.WithTimeout(r.ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	cmd.Env = env
	// A session of its own, which is a process group of its own too, and no
	// controlling terminal: a command that asks for a password on /dev/tty fails at
	// once instead of being stopped by the terminal, and nothing typed to it meant for
	// rotatetui's screen, or left over for the shell, is a password.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	// The time limit and Stop kill the whole group, not only the shell: a curl it
	// started would otherwise run on, holding the output pipe open.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = waitDelay
	w := writer{r}
	cmd.Stdout, cmd.Stderr = w, w
	start := time.Now()
	err := cmd.Start()
	if err != nil {
		if r.ctx.Err() != nil {
			err = ErrStopped
		}
		r.finish(Result{ExitCode: -1, Err: err, Stopped: r.ctx.Err() != nil})
		return
	}
	pgid := cmd.Process.Pid
	err = cmd.Wait()
	// Whatever the shell left running in its group goes with it.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	res := Result{Duration: time.Since(start), ExitCode: cmd.ProcessState.ExitCode()}
	switch {
	case r.ctx.Err() != nil:
		res.Stopped, res.ExitCode = true, -1
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		res.TimedOut, res.ExitCode = true, -1
	}
	r.finish(res)
}

func (r *Run) finish(res Result) {
	r.mu.Lock()
	tail := string(r.partial) // a last line without a line break
	if tail != "" {
		r.addLine(tail)
		r.partial = nil
	}
	res.LastLine = r.last
	r.result = res
	r.mu.Unlock()
	if tail != "" && r.onLine != nil {
		r.onLine(tail)
	}
}

// writer receives the command's output (standard output and error, one pipe).
type writer struct{ r *Run }

func (w writer) Write(p []byte) (int, error) {
	r := w.r
	r.mu.Lock()
	var done []string
	for _, b := range p {
		switch {
		case b == '\n' || b == '\r':
			done = append(done, string(r.partial))
			r.partial = r.partial[:0]
		case len(r.partial) < maxLine:
			r.partial = append(r.partial, b)
		}
	}
	for _, line := range done {
		r.addLine(line)
	}
	r.mu.Unlock()
	if r.onLine != nil {
		for _, line := range done {
			if line != "" {
				r.onLine(line)
			}
		}
	}
	select {
	case r.notify <- struct{}{}:
	default:
	}
	return len(p), nil
}

// addLine keeps line among the last lines; r.mu is held.
func (r *Run) addLine(line string) {
	if strings.TrimSpace(line) == "" {
		return
	}
	r.last = line
	r.lines = append(r.lines, line)
	if len(r.lines) > keptLines {
		r.lines = append(r.lines[:0:0], r.lines[len(r.lines)-keptLines:]...)
	}
}

// Next waits for more output or the end, and returns the last lines so far (as
// written: the caller makes them printable) and, once the command has ended, its
// result.
func (r *Run) Next() (lines []string, res *Result) {
	select {
	case <-r.notify:
	case <-r.done:
	}
	select {
	case <-r.done:
		r.mu.Lock()
		defer r.mu.Unlock()
		out := r.result
		return append([]string(nil), r.lines...), &out
	default:
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lines...), nil
}

// Wait waits for the end and returns the result.
func (r *Run) Wait() Result {
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.result
}

// ShowLine is a line of output as the screen and stderr show it: printable, and
// state.Withheld in place of a line that looks like a secret (a check that prints
// the Authorization header it sent must not put the key on the screen either).
func ShowLine(line string) string {
	if looksSecret(line) {
		return state.Withheld
	}
	return catalog.PrintableLine(line)
}

// looksSecret is the secret guard on a line of output as a person reads it: its
// escape sequences and other control characters taken out, not spelt out (the
// spelling, ^[[31m, looks like a password to the guard, and hid every coloured line).
func looksSecret(line string) bool {
	_, secret := state.LooksLikeSecret(withoutControls(line))
	return secret
}

// withoutControls is s without its terminal escape sequences (CSI, OSC and the
// two-byte ones) and other control characters.
func withoutControls(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == 0x1b:
			i = escapeEnd(s, i)
		case c < 0x20 || c == 0x7f:
			// another control character: dropped
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// escapeEnd is the index of the last byte of the escape sequence that starts at s[i]
// (an ESC): a CSI's final byte (@ to ~), an OSC's BEL or ST (ESC \\), else the byte
// after the ESC.
func escapeEnd(s string, i int) int {
	switch {
	case i+1 < len(s) && s[i+1] == '[':
		for i += 2; i < len(s) && (s[i] < 0x40 || s[i] > 0x7e); i++ {
		}
	case i+1 < len(s) && s[i+1] == ']':
		for i += 2; i < len(s) && s[i] != 0x07; i++ {
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 1
			}
		}
	default:
		i++
	}
	return i
}

// maxRecorded is the longest output line a record keeps.
const maxRecorded = 200

// RecordLine is what a record keeps of a run's last line of output: its text without
// escape sequences or control characters, at most maxRecorded bytes, and
// state.Withheld in place of one that looks like a secret.
func RecordLine(line string) string {
	if looksSecret(line) {
		return state.Withheld
	}
	// Kept as the text a person read, without its escape sequences: spelt out
	// (^[[31m), the line would look to the state's own guard like a password.
	line = strings.TrimSpace(catalog.PrintableLine(withoutControls(line)))
	if len(line) > maxRecorded {
		cut := maxRecorded
		for cut > 0 && !utf8Start(line[cut]) {
			cut--
		}
		line = line[:cut] + "…"
	}
	return line
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// Record is the state's record of a run of command (as it ran: Fill's text) for fact
// (state.FactNewKey or state.FactOldKey); refusedBy is the key's check_old_exit, the
// statuses that alone prove the old key refused (nil: the default rule, see
// state.CheckRun.Passed). The change that records it sets its time and actor.
func Record(fact, command string, refusedBy []int, res Result) *state.CheckRun {
	rec := &state.CheckRun{
		Fact: fact, ExitCode: res.ExitCode, TimedOut: res.TimedOut, DurationMS: res.Duration.Milliseconds(),
		CommandSHA256: SHA256(command), Output: RecordLine(res.LastLine),
	}
	if fact == state.FactOldKey && len(refusedBy) > 0 {
		rec.RefusedBy = append([]int(nil), refusedBy...)
	}
	return rec
}
