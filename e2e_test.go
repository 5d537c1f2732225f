package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The end-to-end tests build the real binary and drive it in a real terminal (tmux),
// reading the screen as a user would. Each test has its own HOME and XDG directories,
// so nothing touches the real home directory.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds rotatetui once per test run, with its test hooks compiled in (they do
// nothing unless a test sets their environment variable).
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rotatetui-e2e-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "rotatetui")
		out, err := exec.Command("go", "build", "-ldflags", "-X main.testHooks=on", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// sandbox is a private home for one test.
type sandbox struct {
	t    *testing.T
	home string
	env  []string
}

func newSandbox(t *testing.T) *sandbox {
	home := t.TempDir()
	return &sandbox{t: t, home: home, env: []string{
		"HOME=" + home,
		"XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"ROTATETUI_ACTOR=e2e@test",
		"ROTATETUI_STATE=",
		// These tests count the catalog's steps; e2e_proof_test.go runs with proof steps.
		"ROTATETUI_TEST_VERIFY=off",
	}}
}

func (s *sandbox) statePath() string {
	return filepath.Join(s.home, "state", "rotatetui", "state.json")
}

// holdLock takes the state file's lock as another process would and keeps it until
// the returned func releases it; meanwhile the binary's saves give up after 300ms
// (ROTATETUI_TEST_LOCK_TIMEOUT), so a test need not wait long for "Not saved".
func (s *sandbox) holdLock() (release func()) {
	s.t.Helper()
	s.env = append(s.env, "ROTATETUI_TEST_LOCK_TIMEOUT=300ms")
	unlock := lockStateFile(s.t, s.statePath())
	return func() {
		s.t.Helper()
		if err := unlock(); err != nil {
			s.t.Fatal(err)
		}
	}
}

// checkUnsaved opens Snowflake in a terminal, checks its first step and waits until
// the screen says the save gave up on the lock holdLock holds.
func (s *sandbox) checkUnsaved() *terminal {
	s.t.Helper()
	term := s.start("snowflake")
	term.waitFor("0/8")
	term.keys("Space")
	term.waitFor("1/8", "Not saved")
	return term
}

// run runs the binary without a terminal and returns stdout, stderr and the exit code.
func (s *sandbox) run(args ...string) (string, string, int) {
	s.t.Helper()
	cmd := exec.Command(binary(s.t), args...)
	cmd.Env = append(os.Environ(), s.env...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		code = exitErr.ExitCode()
	} else if err != nil {
		s.t.Fatalf("run %v: %v", args, err)
	}
	return stdout.String(), stderr.String(), code
}

// terminal is a tmux session on a private server running the binary.
type terminal struct {
	t          *testing.T
	socket     string
	name       string
	statusFile string // where the wrapping shell writes the exit status
}

func requireTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed; .ci/run must install it")
		}
		t.Skip("tmux is not installed")
	}
}

// start opens a 100x30 terminal running rotatetui with args; when it exits, its exit
// status is written to a file the test can read.
func (s *sandbox) start(args ...string) *terminal {
	s.t.Helper()
	requireTmux(s.t)
	term := &terminal{
		t:          s.t,
		socket:     fmt.Sprintf("rotatetui-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()),
		name:       "e2e",
		statusFile: filepath.Join(s.t.TempDir(), "status"),
	}
	quoted := []string{"env"}
	for _, e := range s.env {
		quoted = append(quoted, shellQuote(e))
	}
	quoted = append(quoted, shellQuote(binary(s.t)))
	for _, a := range args {
		quoted = append(quoted, shellQuote(a))
	}
	// The shell records the exit status (tmux 3.3 does not always) and keeps the pane
	// open so the last screen can still be read.
	script := strings.Join(quoted, " ") + "; echo $? > " + shellQuote(term.statusFile) + "; sleep 600"
	term.tmux("new-session", "-d", "-s", term.name, "-x", "100", "-y", "30", "sh", "-c", script)
	s.t.Cleanup(term.close)
	return term
}

// startShell opens a 100x30 terminal running an interactive bash, with job control,
// in the sandbox's environment: the program is then typed in, as a person runs it.
func (s *sandbox) startShell() *terminal {
	s.t.Helper()
	requireTmux(s.t)
	bash, err := exec.LookPath("bash")
	if err != nil {
		s.t.Skip("bash is not installed")
	}
	term := &terminal{
		t:      s.t,
		socket: fmt.Sprintf("rotatetui-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()),
		name:   "e2e",
	}
	// No history file: bash would write it into the sandbox's HOME as it exits.
	args := []string{"new-session", "-d", "-s", term.name, "-x", "100", "-y", "30", "env", "PS1=e2e-shell$ ", "HISTFILE="}
	args = append(args, s.env...)
	term.tmux(append(args, bash, "--norc", "--noprofile", "-i")...)
	s.t.Cleanup(term.close)
	term.waitFor("e2e-shell$")
	return term
}

// close ends the tmux server and waits for every process that ran in its pane to be
// gone. A process still exiting (bash writing its history, rotatetui saving on the
// hangup) would otherwise write into the sandbox while the test removes it.
func (term *terminal) close() {
	out, err := exec.Command("tmux", "-L", term.socket, "list-panes", "-a", "-F", "#{pane_pid}").Output()
	var pids []int
	if err == nil {
		for _, field := range strings.Fields(string(out)) {
			if pid, err := strconv.Atoi(field); err == nil {
				pids = append(pids, processTree(pid)...)
			}
		}
	}
	_ = exec.Command("tmux", "-L", term.socket, "kill-server").Run()
	deadline := time.Now().Add(10 * time.Second)
	for _, pid := range pids {
		for running(pid) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// processTree is pid and all its descendants, from /proc.
func processTree(pid int) []int {
	tree := []int{pid}
	children, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	for _, field := range strings.Fields(string(children)) {
		if child, err := strconv.Atoi(field); err == nil {
			tree = append(tree, processTree(child)...)
		}
	}
	return tree
}

// running reports whether pid is alive: a zombie has finished all it will write.
func running(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses and may hold spaces.
	end := strings.LastIndexByte(string(stat), ')')
	return end < 0 || end+2 >= len(stat) || stat[end+2] != 'Z'
}

// groupRunning reports whether a process of the process group pgid is running (a
// zombie, killed and waiting to be reaped, is not), from /proc.
func groupRunning(pgid int) bool {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		end := strings.LastIndexByte(string(stat), ')')
		if err != nil || end < 0 {
			continue
		}
		// After the name: state, ppid, pgrp.
		fields := strings.Fields(string(stat[end+1:]))
		if len(fields) >= 3 && fields[2] == strconv.Itoa(pgid) && fields[0] != "Z" {
			return true
		}
	}
	return false
}

func (term *terminal) tmux(args ...string) string {
	term.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", term.socket}, args...)...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (term *terminal) screen() string {
	return term.tmux("capture-pane", "-p", "-t", term.name)
}

// keys types into the terminal; each argument is a tmux key name or literal text.
func (term *terminal) keys(keys ...string) {
	term.t.Helper()
	for _, k := range keys {
		term.tmux("send-keys", "-t", term.name, k)
	}
}

// waitFor waits until the screen shows every one of want, failing with the screen.
func (term *terminal) waitFor(want ...string) string {
	term.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		screen := term.screen()
		missing := ""
		for _, w := range want {
			if !strings.Contains(screen, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return screen
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("screen never showed %q:\n%s", missing, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitGone waits until the screen no longer shows text, failing with the screen.
func (term *terminal) waitGone(text string) {
	term.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Contains(term.screen(), text) {
		if time.Now().After(deadline) {
			term.t.Fatalf("screen still shows %q:\n%s", text, term.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// exited waits for the program to end and returns its exit status (128+n when it was
// killed by signal n, as the shell reports it).
func (term *terminal) exited() int {
	term.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		data, err := os.ReadFile(term.statusFile)
		if err == nil && strings.HasSuffix(string(data), "\n") {
			var code int
			if _, err := fmt.Sscanf(string(data), "%d", &code); err != nil {
				term.t.Fatalf("exit status %q: %v", data, err)
			}
			return code
		}
		time.Sleep(50 * time.Millisecond)
	}
	term.t.Fatalf("program did not exit:\n%s", term.screen())
	return -1
}

// signal sends sig to rotatetui and returns its exit status, once it has ended.
func (term *terminal) signal(sig syscall.Signal) int {
	term.t.Helper()
	if err := syscall.Kill(term.pid(), sig); err != nil {
		term.t.Fatal(err)
	}
	return term.exited()
}

// pid is the process id of rotatetui: the child of the pane's shell.
func (term *terminal) pid() int {
	term.t.Helper()
	var shell int
	out := term.tmux("list-panes", "-t", term.name, "-F", "#{pane_pid}")
	if _, err := fmt.Sscanf(out, "%d", &shell); err != nil {
		term.t.Fatalf("pane pid %q: %v", out, err)
	}
	children, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", shell, shell))
	var pid int
	if err != nil {
		term.t.Fatalf("children of %d: %v", shell, err)
	}
	if _, err := fmt.Sscanf(string(children), "%d", &pid); err != nil {
		term.t.Fatalf("no child of the pane shell (%q)", children)
	}
	return pid
}

// stateFile is the part of the state file the tests read.
type stateFile struct {
	Version int `json:"version"`
	Sources map[string]struct {
		Current *struct {
			Steps map[string]struct {
				CheckedAt *time.Time `json:"checked_at"`
			} `json:"steps"`
		} `json:"current"`
		History []struct {
			Outcome string `json:"outcome"`
		} `json:"history"`
	} `json:"keys"` // by key id: a source's implicit key has its id
}

func (s *sandbox) readState() stateFile {
	s.t.Helper()
	data, err := os.ReadFile(s.statePath())
	if err != nil {
		s.t.Fatalf("state file: %v", err)
	}
	var st stateFile
	if err := json.Unmarshal(data, &st); err != nil {
		s.t.Fatalf("state file does not parse: %v\n%s", err, data)
	}
	return st
}

func (s *sandbox) checked(source, step string) bool {
	st := s.readState()
	src, ok := st.Sources[source]
	if !ok || src.Current == nil {
		return false
	}
	rec, ok := src.Current.Steps[step]
	return ok && rec.CheckedAt != nil
}

// waitChecked waits until the state file records the check (saves run off the UI loop).
func (s *sandbox) waitChecked(source, step string) {
	s.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !fileExists(s.statePath()) || !s.checked(source, step) {
		if time.Now().After(deadline) {
			s.t.Fatalf("%s/%s never reached the state file", source, step)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TestEndToEndPickCheckQuitResume walks the main loop of the product in a real
// terminal: open the list, filter, open Snowflake, check two steps, quit, and come
// back days later to resume where it stopped.
func TestEndToEndPickCheckQuitResume(t *testing.T) {
	s := newSandbox(t)

	// 1. The full list of the built-in catalog.
	term := s.start()
	term.waitFor("51 sources", "ActiveCampaign", "type / to filter")

	// 2. Filter as you type.
	term.keys("/", "snow")
	screen := term.waitFor("1 of 51", "Snowflake")
	if strings.Contains(screen, "ActiveCampaign") {
		t.Errorf("filter did not narrow the list:\n%s", screen)
	}

	// 3. Open the checklist.
	term.keys("Enter")
	term.waitFor("Snowflake · Data warehouse", "0/8", "1. [ ] Log in to Snowflake")

	// 4. Check steps 1 and 2 (enter checks and moves on), then quit.
	term.keys("Enter")
	term.waitFor("1. [x] Log in", "1/8")
	term.keys("Enter")
	term.waitFor("2. [x] Click Change", "2/8", "› 3. [ ]")
	s.waitChecked("snowflake", "login")
	s.waitChecked("snowflake", "accountadmin-role")
	term.keys("q")
	if code := term.exited(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	info, err := os.Stat(s.statePath())
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("state file mode %o, want 600", perm)
	}
	if dir, _ := os.Stat(filepath.Dir(s.statePath())); dir.Mode().Perm() != 0o700 {
		t.Errorf("state dir mode %o, want 700", dir.Mode().Perm())
	}

	// 5. Later: Snowflake is pinned on top, in progress, the cursor on it.
	term = s.start()
	screen = term.waitFor("in progress 2/8", "press enter to resume")
	lines := strings.Split(screen, "\n")
	var firstRow string
	for _, l := range lines {
		if strings.Contains(l, "›") {
			firstRow = l
			break
		}
	}
	if !strings.Contains(firstRow, "Snowflake") {
		t.Errorf("cursor is not on Snowflake:\n%s", screen)
	}
	term.keys("Enter")
	term.waitFor("1. [x] Log in", "2. [x] Click Change", "› 3. [ ] Run the following")
	term.keys("q")
	term.exited()

	// --resume opens it directly; a query with one match opens its checklist.
	term = s.start("--resume")
	term.waitFor("Snowflake · Data warehouse", "2/8", "› 3. [ ]")
	term.keys("q")
	term.exited()
	term = s.start("snow")
	term.waitFor("Snowflake · Data warehouse", "2/8")
	term.keys("C-c")
	term.exited()
}

// TestEndToEndKillRightAfterACheck checks a box and kills the program with SIGKILL as
// soon as the check is on disk: the file must be whole and hold the check.
func TestEndToEndKillRightAfterACheck(t *testing.T) {
	s := newSandbox(t)
	term := s.start("snowflake")
	term.waitFor("0/8")
	term.keys("Space")
	s.waitChecked("snowflake", "login")
	if err := exec.Command("kill", "-9", fmt.Sprint(term.pid())).Run(); err != nil {
		t.Fatal(err)
	}
	if code := term.exited(); code != 128+9 {
		t.Errorf("exit status %d, want 137 (SIGKILL)", code)
	}
	if !s.checked("snowflake", "login") {
		t.Error("the check was lost")
	}
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(s.statePath()), ".*tmp*"))
	for _, m := range matches {
		t.Logf("left behind (cleaned on next start): %s", m)
	}
}

// TestEndToEndCompletingARotation checks every step of a source in the terminal.
func TestEndToEndCompletingARotation(t *testing.T) {
	s := newSandbox(t)
	term := s.start("awin")
	term.waitFor("Awin", "0/3")
	term.keys("Enter")
	term.waitFor("1/3")
	// Step 2 revokes the old key before a new one exists: the checklist asks first.
	term.keys("Enter")
	term.waitFor("Step 2 revokes the old key")
	term.keys("y", "Enter")
	term.waitFor("Rotation complete", "3/3")
	term.keys("Escape")
	term.waitFor("✓ today")
	term.keys("q")
	term.exited()
	st := s.readState()
	if h := st.Sources["awin"].History; len(h) != 1 || h[0].Outcome != "completed" {
		t.Errorf("history = %+v", h)
	}
}

// concurrentChecks runs 4 processes, each checking its own 50 steps of one source with
// one `rotatetui check` per step, and returns how many checks the file holds at the end.
func concurrentChecks(t *testing.T, locking bool) int {
	s := newSandbox(t)
	if !locking {
		s.env = append(s.env, "ROTATETUI_TEST_NO_LOCK=1")
	}
	errs := s.checkFourTimesFifty()
	for _, e := range errs {
		// Without the lock, failed saves are part of the damage being demonstrated
		// (one process's start-up clean-up can remove another's temp file).
		if locking {
			t.Error(e)
		}
	}
	st := s.readState()
	n := 0
	if cur := st.Sources["big"].Current; cur != nil {
		for _, rec := range cur.Steps {
			if rec.CheckedAt != nil {
				n++
			}
		}
	}
	return n
}

// checkFourTimesFifty runs 4 processes at once, each checking its own 50 steps of
// source "big" (201 steps, so the rotation stays open) with one `rotatetui check` per
// step, and returns the failures.
func (s *sandbox) checkFourTimesFifty() []string {
	s.t.Helper()
	var b strings.Builder
	b.WriteString("[[sources]]\nid = \"big\"\nname = \"Big\"\n")
	for i := 1; i <= 201; i++ {
		fmt.Fprintf(&b, "[[sources.steps]]\nid = \"s%d\"\ntext = \"Step %d.\"\n", i, i)
	}
	cat := filepath.Join(s.home, "big.toml")
	if err := os.WriteFile(cat, []byte(b.String()), 0o600); err != nil {
		s.t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 200)
	for p := 0; p < 4; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for i := 1; i <= 50; i++ {
				step := fmt.Sprintf("s%d", p*50+i)
				if _, stderr, code := s.run("--no-builtin", "--catalog", cat, "check", "big", step); code != 0 {
					errs <- fmt.Sprintf("check %s: exit %d: %s", step, code, stderr)
				}
			}
		}(p)
	}
	wg.Wait()
	close(errs)
	var failed []string
	for e := range errs {
		failed = append(failed, e)
	}
	return failed
}

// TestEndToEndNoLostUpdatesBetweenProcesses: four rotatetui processes checking steps at
// once lose nothing. The same run with the lock switched off (a hook compiled only into
// test builds) must lose checks, which shows the test can see a loss.
func TestEndToEndNoLostUpdatesBetweenProcesses(t *testing.T) {
	if got := concurrentChecks(t, true); got != 200 {
		t.Errorf("with locking: the file holds %d of 200 checks", got)
	}
	if testing.Short() {
		return
	}
	if got := concurrentChecks(t, false); got == 200 {
		t.Errorf("without locking no check was lost: the test cannot see lost updates")
	} else {
		t.Logf("without locking: %d of 200 checks survived", got)
	}
}

// TestEndToEndSeesChangesFromAnotherProcess: a running rotatetui shows checks made by
// `rotatetui check` in another terminal, without a key press.
func TestEndToEndSeesChangesFromAnotherProcess(t *testing.T) {
	s := newSandbox(t)
	term := s.start()
	term.waitFor("51 sources")
	if _, stderr, code := s.run("check", "snowflake", "1", "2", "3"); code != 0 {
		t.Fatalf("check: %d %s", code, stderr)
	}
	term.waitFor("in progress 3/8", "changed by another rotatetui")
	// And the running one's own changes keep the other's. The cursor stayed on the
	// source it was on; Snowflake moved to the top.
	term.keys("g", "Enter")
	term.waitFor("3/8", "› 4. [ ]")
	term.keys("Space")
	term.waitFor("4/8")
	s.waitChecked("snowflake", "show-secrets")
	if !s.checked("snowflake", "login") {
		t.Error("the other process's check was lost")
	}
	term.keys("q")
	term.exited()
}

// TestEndToEndCorruptStateShowsAnErrorScreen: a state file that cannot be read is named
// on screen, and left byte for byte as it was.
func TestEndToEndCorruptStateShowsAnErrorScreen(t *testing.T) {
	s := newSandbox(t)
	if err := os.MkdirAll(filepath.Dir(s.statePath()), 0o700); err != nil {
		t.Fatal(err)
	}
	corrupt := []byte(`{"version": 1, "sources": {"snowflake": {"current": `)
	if err := os.WriteFile(s.statePath(), corrupt, 0o600); err != nil {
		t.Fatal(err)
	}
	term := s.start()
	term.waitFor("cannot use its progress file", "state.json", "left exactly as it is", "q quits")
	term.keys("q")
	if code := term.exited(); code != exitFailed {
		t.Errorf("exit status %d, want %d", code, exitFailed)
	}
	if data, _ := os.ReadFile(s.statePath()); string(data) != string(corrupt) {
		t.Error("the corrupt file was changed")
	}
}

// TestEndToEndRotateThenStatusAndExport: half a rotation from the command line, the
// rest in the terminal, then the schedule and the audit export show it: rotated now,
// next due one interval later, every step done by the recorded actor.
func TestEndToEndRotateThenStatusAndExport(t *testing.T) {
	s := newSandbox(t)
	cat := filepath.Join(s.home, "config", "rotatetui", "catalog.toml")
	if err := os.MkdirAll(filepath.Dir(cat), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cat, []byte(`[[sources]]
id = "short"
name = "Short Service"
category = "Internal"
rotate_every = "30d"

  [[sources.steps]]
  id = "create"
  text = "Create a new key."
  kind = "create"

  [[sources.steps]]
  id = "update"
  text = "Update the connection with the new key."

  [[sources.steps]]
  id = "verify"
  text = "Check that data still arrives."
  kind = "verify"

  [[sources.steps]]
  id = "revoke"
  text = "Delete the old key."
  kind = "revoke"
`), 0o600); err != nil {
		t.Fatal(err)
	}
	before := time.Now()

	out, stderr, code := s.run("check", "short", "1", "2")
	if code != 0 || !strings.Contains(out, "Short Service: 2/4 steps done") {
		t.Fatalf("check: exit %d\n%s%s", code, out, stderr)
	}
	term := s.start("short")
	term.waitFor("Short Service", "2/4", "› 3. [ ] Check that data")
	term.keys("Enter")
	term.waitFor("3. [x] Check that data", "3/4")
	term.keys("Enter")
	term.waitFor("Rotation complete", "4/4")
	term.keys("q")
	if code := term.exited(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	after := time.Now()

	out, stderr, code = s.run("status", "--json")
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, stderr)
	}
	var rows []sourceStatusJSON
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	var row *sourceStatusJSON
	for i := range rows {
		if rows[i].ID == "short" {
			row = &rows[i]
		}
	}
	if row == nil {
		t.Fatalf("no row for short:\n%s", out)
	}
	if row.LastRotated == nil || row.LastRotated.Before(before.Truncate(time.Second)) || row.LastRotated.After(after) {
		t.Fatalf("last_rotated %v, want between %v and %v", row.LastRotated, before, after)
	}
	if today := row.LastRotated.Local().Format("2006-01-02"); today != before.Format("2006-01-02") && today != after.Format("2006-01-02") {
		t.Errorf("last rotated on %s, not today", today)
	}
	if row.State != "ok" || row.Overdue || row.Interval != "30d" || row.DaysUntilDue == nil || *row.DaysUntilDue != 30 ||
		row.NextDue == nil || !row.NextDue.Equal(row.LastRotated.Add(30*24*time.Hour)) {
		t.Errorf("status row %+v (days %v), want ok, next due 30 days after %v", row, row.DaysUntilDue, row.LastRotated)
	}

	out, stderr, code = s.run("export", "--format", "csv")
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v\n%s", err, out)
	}
	if len(records) != 1+4 {
		t.Fatalf("%d rows, want a header and one per step:\n%s", len(records), out)
	}
	for i, r := range records[1:] {
		// source_id, ..., outcome, step_number, step_id, step_text, result, time, actor
		if r[0] != "short" || r[4] != "completed" || r[5] != fmt.Sprint(i+1) || r[8] != "done" || r[9] == "" || r[10] != "e2e@test" {
			t.Errorf("row %d: %q", i+1, r)
		}
	}
}

// TestUIRefusesWithoutATerminal: started from a script, the full-screen checklist
// would draw where nobody sees it or wait for keys that never come. It says what to use
// instead and exits with a usage error, touching nothing.
func TestUIRefusesWithoutATerminal(t *testing.T) {
	s := newSandbox(t)
	stdout, stderr, code := s.run("snow")
	if code != exitUsage || stdout != "" ||
		!strings.Contains(stderr, "needs a terminal, but standard input and output are not terminals") ||
		!strings.Contains(stderr, "status, check, uncheck") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if fileExists(s.statePath()) || fileExists(filepath.Dir(s.statePath())) {
		t.Error("the refused start created the state file or its directory")
	}
	// The commands still work the same way.
	if _, _, code := s.run("status"); code != 0 {
		t.Errorf("status without a terminal: exit %d", code)
	}

	// A terminal that cannot draw a screen.
	s.env = append(s.env, "TERM=dumb")
	term := s.start()
	term.waitFor("this terminal (TERM=dumb) cannot draw one", "Use the commands: status")
	if code := term.exited(); code != exitUsage {
		t.Errorf("TERM=dumb: exit %d", code)
	}
}

// TestNotTerminalsNamesWhichOne: the message names what is not a terminal.
func TestNotTerminalsNamesWhichOne(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if got := notTerminals(r, w); got != "standard input and output are not terminals" {
		t.Errorf("two pipes: %q", got)
	}
}

// TestEndToEndSuspendAndResume: ctrl+z hands the terminal back to the shell in its
// normal mode, and fg brings the checklist back, drawn whole and working. Without a
// shell to bring it back (a terminal running the program itself), it says so and
// carries on.
func TestEndToEndSuspendAndResume(t *testing.T) {
	s := newSandbox(t)
	term := s.startShell()
	term.keys(shellQuote(binary(t))+" snowflake", "Enter")
	term.waitFor("Snowflake · Data warehouse", "0/8")
	term.keys("Enter")
	term.waitFor("1/8")

	term.keys("C-z")
	term.waitGone("Snowflake · Data warehouse")
	term.waitFor("Stopped")
	// The shell has the terminal in canonical mode again; the echo shows it ran (the
	// arithmetic keeps the typed line from matching).
	term.keys("stty -a | grep -q -w icanon && echo canonical-$((40+2))", "Enter")
	term.waitFor("canonical-42")

	// Stopped longer than the program's own wait for the continue: it must still know
	// it was stopped.
	term.keys("sleep 0.5; fg", "Enter")
	screen := term.waitFor("Snowflake · Data warehouse", "1/8", "1. [x] Log in")
	if strings.Contains(screen, "canonical-42") || strings.Contains(screen, "Not suspended") {
		t.Errorf("the checklist came back over the shell's lines, or thinks it never stopped:\n%s", screen)
	}
	term.keys("Enter")
	term.waitFor("2/8")
	s.waitChecked("snowflake", "accountadmin-role")
	term.keys("q")
	term.waitGone("Snowflake · Data warehouse")
	term.keys("echo exited-$((40+2))", "Enter")
	term.waitFor("exited-42")

	// No shell: the stop would be ignored and nothing would continue the program.
	alone := s.start("snowflake")
	alone.waitFor("Snowflake · Data warehouse", "2/8")
	alone.keys("C-z")
	alone.waitFor("Not suspended: no shell with job control could bring it back.")
	alone.keys("Enter")
	alone.waitFor("3/8")
	alone.keys("q")
	if code := alone.exited(); code != 0 {
		t.Errorf("exit status %d after an ignored ctrl+z", code)
	}
}

// TestEndToEndSignalsEndLikeQuit: SIGTERM, SIGHUP and SIGINT end the program as q does,
// the terminal put back, and the exit status says which signal it was.
func TestEndToEndSignalsEndLikeQuit(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT} {
		s := newSandbox(t)
		term := s.start("snowflake")
		term.waitFor("0/8")
		term.keys("Space")
		s.waitChecked("snowflake", "login")
		if code := term.signal(sig); code != 128+int(sig) {
			t.Errorf("%v: exit status %d, want %d", sig, code, 128+int(sig))
		}
		term.waitGone("Snowflake · Data warehouse") // the alternate screen is left
		if !s.checked("snowflake", "login") {
			t.Errorf("%v: the check was lost", sig)
		}
	}
}

// TestEndToEndHangupKeepsWhatCouldNotBeSaved: the terminal goes away while a save
// cannot be made (another process holds the lock). The check is kept in a rescue file,
// not lost with the process, and restore saves it once the lock is free.
func TestEndToEndHangupKeepsWhatCouldNotBeSaved(t *testing.T) {
	s := newSandbox(t)
	release := s.holdLock()

	term := s.checkUnsaved()
	if code := term.signal(syscall.SIGHUP); code != exitUnsaved {
		t.Errorf("exit status %d, want %d (changes kept in a rescue file)", code, exitUnsaved)
	}
	rescues, _ := filepath.Glob(s.statePath() + ".rescue-*.json")
	if len(rescues) != 1 {
		t.Fatalf("rescue files: %q\n%s", rescues, term.screen())
	}

	release()
	out, errOut, code := s.run("restore")
	if code != 0 || !strings.Contains(out, "Snowflake: checked step 1") {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}
	if !s.checked("snowflake", "login") {
		t.Error("the rescued check is not in the state file after restore")
	}
}
