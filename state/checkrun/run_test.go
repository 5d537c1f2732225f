package checkrun

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

func TestExitStatusAndOutput(t *testing.T) {
	ok := Start(Spec{Command: "echo checking; echo HTTP 200", Timeout: 10 * time.Second}).Wait()
	if ok.ExitCode != 0 || ok.TimedOut || ok.Err != nil || ok.LastLine != "HTTP 200" {
		t.Errorf("exit 0: %+v", ok)
	}
	refused := Start(Spec{Command: "echo 'curl: (22) The requested URL returned error: 401' >&2; exit 22", Timeout: 10 * time.Second}).Wait()
	if refused.ExitCode != 22 || refused.TimedOut || !strings.Contains(refused.LastLine, "401") {
		t.Errorf("exit 22: %+v", refused)
	}
	rec := Record(state.FactOldKey, "exit 22", nil, refused)
	if !rec.Passed() || rec.CommandSHA256 != SHA256("exit 22") || len(rec.CommandSHA256) != 64 {
		t.Errorf("record %+v", rec)
	}
}

func TestValuesArePassedAndFilled(t *testing.T) {
	values := map[string]string{"account": "xy12345", "app-id": "42"}
	cmd := `test "$ROTATETUI_VALUE_ACCOUNT" = xy12345 && test "$ROTATETUI_VALUE_APP_ID" = 42 && echo {account}/{app-id}/${HOME:+home}/{unknown}`
	filled, err := Fill(cmd, values)
	if err != nil {
		t.Fatal(err)
	}
	res := Start(Spec{Command: filled, Values: values, Timeout: 10 * time.Second}).Wait()
	if res.ExitCode != 0 || res.LastLine != "xy12345/42/home/{unknown}" {
		t.Errorf("got %+v", res)
	}
	t.Setenv("ROTATETUI_VALUE_STRAY", "from the parent")
	if res := Start(Spec{Command: `test -z "$ROTATETUI_VALUE_STRAY"`}).Wait(); res.ExitCode != 0 {
		t.Errorf("a ROTATETUI_VALUE_ variable of rotatetui's own environment reached the command: %+v", res)
	}
}

// TestAValueIsNeverCode: a value holding anything the shell acts on is refused by
// Fill, naming the value and the variable to use instead, and nothing runs; values
// made only of characters the shell takes as they are are filled in.
func TestAValueIsNeverCode(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "INJ")
	for _, v := range []string{
		"matomo.example.com$(touch " + marker + ")", "x`touch " + marker + "`", "x;touch " + marker, "x|touch " + marker,
		"x&&touch " + marker, "a b", "x'y", `x"y`, "x>y", "$HOME", "x\\y", "*", "x?", "{a,b}", "x#y", "(x)", "!x",
	} {
		_, err := Fill("curl -fsS https://{host}/index.php", map[string]string{"host": v})
		var fe *FillError
		if !errors.As(err, &fe) || fe.Name != "host" || !strings.Contains(err.Error(), `"$ROTATETUI_VALUE_HOST"`) {
			t.Errorf("Fill with host=%q: %v, want a *FillError naming {host} and $ROTATETUI_VALUE_HOST", v, err)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a value ran as code")
	}
	// A value the command does not use is no concern of Fill's, nor ${host}.
	if got, err := Fill("echo ${host} {account}", map[string]string{"host": "a;b", "account": "ops@example.com:8443/x_y-z.1+2=3,4~%"}); err != nil || got != "echo ${host} ops@example.com:8443/x_y-z.1+2=3,4~%" {
		t.Errorf("Fill = %q, %v", got, err)
	}
}

// TestATimeoutKillsTheWholeGroup: a command that hangs, with a child of its own, is
// ended at the time limit, and nothing of its process group is left.
func TestATimeoutKillsTheWholeGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "child")
	cmd := "sleep 60 & echo $! > " + pidFile + "; echo started; sleep 60"
	start := time.Now()
	res := Start(Spec{Command: cmd, Timeout: 500 * time.Millisecond}).Wait()
	if !res.TimedOut || res.ExitCode != -1 {
		t.Fatalf("got %+v, want a time-out", res)
	}
	if waited := time.Since(start); waited > 10*time.Second {
		t.Errorf("the run took %v after a 500ms limit", waited)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	child, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	// The child was killed; once its parent's group is gone it is reaped by init.
	// Signal 0 says whether it still exists.
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := syscall.Kill(child, 0)
		if errors.Is(err, syscall.ESRCH) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the command's child %d is still there after the time-out (kill 0: %v)", child, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if res.LastLine != "started" {
		t.Errorf("last line %q", res.LastLine)
	}
	if rec := Record(state.FactOldKey, cmd, nil, res); rec.Passed() {
		t.Error("a time-out proved the old key refused")
	}
}

func TestTheDefaultTimeoutIsThirtySeconds(t *testing.T) {
	if catalog.DefaultCheckTimeout != 30*time.Second {
		t.Errorf("default %v", catalog.DefaultCheckTimeout)
	}
}

func TestOutputIsStreamedAndNeverRecordedAsItIs(t *testing.T) {
	var seen []string
	cmd := `printf 'one\n\033]52;c;aGk=\007two\033[31m\n'; echo "api key: sk_live_` + strings.Repeat("a1B2", 8) + `"`
	res := Start(Spec{Command: cmd, OnLine: func(l string) { seen = append(seen, l) }}).Wait()
	if len(seen) != 3 || seen[0] != "one" {
		t.Fatalf("streamed %q", seen)
	}
	// The screen shows the lines made inert (the caller does it with
	// catalog.PrintableLine); the line is kept only guarded.
	if p := catalog.PrintableLine(seen[1]); strings.ContainsRune(p, 0x1b) || strings.ContainsRune(p, 0x07) {
		t.Errorf("printable line still has escapes: %q", p)
	}
	if got := RecordLine(res.LastLine); got != state.Withheld {
		t.Errorf("a credential-looking line is recorded as %q", got)
	}
	if got := RecordLine(seen[1]); strings.ContainsRune(got, 0x1b) {
		t.Errorf("recorded %q", got)
	}
	long := RecordLine(strings.Repeat("é", 300))
	if len(long) > maxRecorded+len("…") || !strings.HasSuffix(long, "…") {
		t.Errorf("long line recorded as %d bytes", len(long))
	}
	// A record with its guarded line is one the state accepts.
	rec := Record(state.FactNewKey, cmd, nil, res)
	c := state.Change{Kind: state.RunCheck, Key: "k", Step: state.ProofNewStep, At: time.Now(), Run: rec}
	if _, err := c.Apply(state.New()); err != nil {
		t.Errorf("the state refuses the guarded record: %v", err)
	}
}

func TestACommandThatCannotStartProvesNothing(t *testing.T) {
	res := Start(Spec{Command: "no-such-command-rotatetui-test"}).Wait()
	if res.ExitCode != 127 {
		t.Fatalf("got %+v", res)
	}
	if Record(state.FactOldKey, "x", nil, res).Passed() {
		t.Error("exit 127 (command not found) proved the old key refused")
	}
}

func TestNextReportsTheLastLinesThenTheEnd(t *testing.T) {
	r := Start(Spec{Command: "for i in 1 2 3 4 5 6 7 8 9 10; do echo line $i; done"})
	var lines []string
	for {
		l, res := r.Next()
		lines = l
		if res != nil {
			break
		}
	}
	if len(lines) != keptLines || lines[len(lines)-1] != "line 10" {
		t.Errorf("last lines %q", lines)
	}
}

// gone waits until process pid no longer exists, failing the test after 5 s.
func gone(t *testing.T, pid int, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		if time.Now().After(deadline) {
			t.Fatalf("%s (pid %d) is still there", what, pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// readPID waits for a command to write its pid to path.
func readPID(t *testing.T, path string) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if data, err := os.ReadFile(path); err == nil && strings.HasSuffix(string(data), "\n") {
			pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
		if time.Now().After(deadline) {
			t.Fatalf("no pid in %s", path)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestKillAllEndsEveryRunAndStartsNoMore: KillAll, as rotatetui calls it when it
// ends, kills the whole group of a check under way (a child that ignores TERM
// included), long before its time limit; the run says it was stopped and proves
// nothing; a run started afterwards runs nothing.
func TestKillAllEndsEveryRunAndStartsNoMore(t *testing.T) {
	saved := running
	running = &registry{runs: map[*Run]struct{}{}}
	t.Cleanup(func() { running = saved })
	dir := t.TempDir()
	pidFile, ran := filepath.Join(dir, "child"), filepath.Join(dir, "ran")
	run := Start(Spec{Command: "sh -c 'trap \"\" TERM; sleep 400' & echo $! > " + pidFile + "; sleep 400", Timeout: time.Hour})
	child := readPID(t, pidFile)
	start := time.Now()
	KillAll()
	res := run.Wait()
	if !res.Stopped || res.TimedOut || res.ExitCode != -1 || time.Since(start) > 10*time.Second {
		t.Errorf("after KillAll: %+v in %v", res, time.Since(start))
	}
	gone(t, child, "the check's child")
	if Record(state.FactOldKey, "x", nil, res).Passed() {
		t.Error("a stopped run proved the old key refused")
	}
	late := Start(Spec{Command: "touch " + ran}).Wait()
	if !errors.Is(late.Err, ErrStopped) {
		t.Errorf("a run after KillAll: %+v", late)
	}
	if _, err := os.Stat(ran); err == nil {
		t.Error("a command ran after KillAll")
	}
}

// TestStopEndsOneRun: Stop kills that run's group; others run on.
func TestStopEndsOneRun(t *testing.T) {
	a := Start(Spec{Command: "sleep 400", Timeout: time.Hour})
	b := Start(Spec{Command: "sleep 0.3; echo done", Timeout: time.Hour})
	a.Stop()
	if res := a.Wait(); !res.Stopped {
		t.Errorf("stopped run: %+v", res)
	}
	if res := b.Wait(); res.Stopped || res.ExitCode != 0 || res.LastLine != "done" {
		t.Errorf("the other run: %+v", res)
	}
}

// TestShowLineWithholdsSecrets: what the screen and stderr show of a line of output
// is inert, and withheld when it looks like a secret.
func TestShowLineWithholdsSecrets(t *testing.T) {
	for _, line := range []string{"> Authorization: Bearer sk_live_51Hx" + strings.Repeat("a1B2", 6), "token=ghp_aBc" + strings.Repeat("d4E5", 9)} {
		if got := ShowLine(line); got != state.Withheld {
			t.Errorf("ShowLine(%q) = %q", line, got)
		}
	}
	if got := ShowLine("HTTP/1.1 401 Unauthorized"); got != "HTTP/1.1 401 Unauthorized" {
		t.Errorf("ShowLine of a plain line: %q", got)
	}
	if got := ShowLine("x\x1b]52;c;aGk=\x07"); strings.ContainsAny(got, "\x1b\x07") {
		t.Errorf("ShowLine left an escape: %q", got)
	}
}

// TestALastLineWithoutABreakIsStreamedToo: printf 'HTTP 403 Forbidden'; exit 7 shows
// its line as it is recorded.
func TestALastLineWithoutABreakIsStreamedToo(t *testing.T) {
	var seen []string
	res := Start(Spec{Command: "echo first; printf 'HTTP 403 Forbidden'; exit 7", OnLine: func(l string) { seen = append(seen, l) }}).Wait()
	if res.LastLine != "HTTP 403 Forbidden" || len(seen) != 2 || seen[1] != "HTTP 403 Forbidden" {
		t.Errorf("streamed %q, result %+v", seen, res)
	}
}

// TestColouredOutputIsShownNotWithheld: a line with escape sequences is judged by the
// secret guard as a person reads it, without them: a coloured status line is shown
// (inert), a secret wrapped in colour is still withheld.
func TestColouredOutputIsShownNotWithheld(t *testing.T) {
	for line, want := range map[string]string{
		"esc \x1b[31mRED\x1b[0m done":                               "esc ^[[31mRED^[[0m done",
		"\x1b]0;title\x07HTTP 200":                                  "^[]0;title^GHTTP 200",
		"token \x1b[1mghp_" + strings.Repeat("a1B2", 9) + "\x1b[0m": state.Withheld,
	} {
		if got := ShowLine(line); got != want {
			t.Errorf("ShowLine(%q) = %q, want %q", line, got, want)
		}
		wantRecorded := want
		if want != state.Withheld {
			wantRecorded = withoutControls(line)
		}
		if got := RecordLine(line); got != wantRecorded {
			t.Errorf("RecordLine(%q) = %q, want %q", line, got, wantRecorded)
		}
		// What is recorded passes the state's own guard, as the change that records it
		// must (a coloured line was recorded spelt out, and refused there).
		if got := RecordLine(line); got != state.Withheld {
			if what, secret := state.LooksLikeSecret(got); secret {
				t.Errorf("RecordLine(%q) = %q, which the state refuses as %s", line, got, what)
			}
		}
	}
}

// TestALeadingTildeOrDashIsNotFilledIn: inert inside a word, ~ and - are not at its
// start (a home directory, an option).
func TestALeadingTildeOrDashIsNotFilledIn(t *testing.T) {
	for _, v := range []string{"~root", "-o/tmp/x"} {
		if _, err := Fill("curl https://{host}/ {host}", map[string]string{"host": v}); err == nil {
			t.Errorf("Fill with %q: no error", v)
		}
	}
	if got, err := Fill("echo {host}", map[string]string{"host": "a-b~c"}); err != nil || got != "echo a-b~c" {
		t.Errorf("Fill inside a word: %q, %v", got, err)
	}
}

// TestWithoutControls: escape sequences go whole, other control characters go, and
// the text around them stays.
func TestWithoutControls(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                         "plain",
		"a\x1b[1;31mred\x1b[0m b":       "ared b",
		"\x1b]0;title\x07after":         "after",
		"\x1b]52;c;aGk=\x1b\\after":     "after",
		"x\x1bMy":                       "xy",
		"tab\there\r\n":                 "tabhere",
		"unterminated \x1b[31":          "unterminated ",
		"unterminated osc \x1b]0;title": "unterminated osc ",
		"ends with \x1b":                "ends with ",
	} {
		if got := withoutControls(in); got != want {
			t.Errorf("withoutControls(%q) = %q, want %q", in, got, want)
		}
	}
}
