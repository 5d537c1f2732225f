package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rotatetui/rotatetui/state"
)

// TestEndToEndARotationProvenByCheckCommands rotates a key in a real terminal and
// proves it with its check commands: v on New key works and on Old key refused, each
// after a y/N that shows the command; the rotation completes with both facts
// established by a check, which the export and status say.
func TestEndToEndARotationProvenByCheckCommands(t *testing.T) {
	s := newSandbox(t)
	s.writeKeysFile(`version = 1
[[keys]]
source = "awin"
name = "main"
values = { account = "acme" }
check_new = "echo checking {account}; echo 'HTTP/1.1 200 OK'"
check_old = "echo 'HTTP/1.1 401 Unauthorized' >&2; exit 22"
`)
	if err := os.WriteFile(filepath.Join(s.home, "config", "rotatetui", "config.toml"), []byte("verify = \"offered\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	term := s.start("awin/main")
	term.waitFor("Awin · main", "0/5", "◆ New key works", "◆ Old key refused")
	term.keys("Enter")
	term.waitFor("1/5")
	term.keys("Enter")
	term.waitFor("Step 2 revokes the old key")
	term.keys("y", "Enter")
	term.waitFor("3/5", "v run check")
	term.keys("v")
	term.waitFor("Run check_new? It exits 0 when the new key works:", "$ echo checking acme;")
	term.keys("y")
	term.waitFor("check_new of step 4: passed (exit 0)", "│ HTTP/1.1 200 OK", "4/5")
	term.keys("j", "v")
	term.waitFor("Run check_old?")
	term.keys("y")
	term.waitFor("Rotation complete", "5/5")
	term.keys("q")
	term.exited()

	st, err := state.NewStore(s.statePath()).Load()
	if err != nil {
		t.Fatal(err)
	}
	last := st.Key("awin/main").LastCompleted()
	if last == nil {
		t.Fatal("no completed rotation")
	}
	if p := state.ProofOf(last, ""); p.NewKey.How != state.ByCheck || p.OldKey.How != state.ByCheck || p.OldKey.Rec.Run.ExitCode != 22 {
		t.Errorf("proof %+v %+v", p.NewKey, p.OldKey)
	}
	out, errOut, code := s.run("export", "--format", "json")
	if code != 0 {
		t.Fatalf("export: %d %s", code, errOut)
	}
	var report state.JSONReport
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatal(err)
	}
	if r := report.Rotations[0]; r.Proof.NewKey.How != state.ByCheck || r.Proof.OldKey.Check == nil || r.Proof.OldKey.Check.Output != "HTTP/1.1 401 Unauthorized" {
		t.Errorf("export proof %+v", r.Proof)
	}
	if _, errOut, code := s.run("status", "--check", "--require-proof", "awin/main"); code != 0 {
		t.Errorf("status --check --require-proof: %d %s", code, errOut)
	}
}

// TestEndToEndQuittingKillsARunningCheck: q, Ctrl+C or a TERM while a check command
// runs ends rotatetui, and the check's whole process group with it (a child that
// ignores TERM included): nothing of it runs on under init, with no time limit.
func TestEndToEndQuittingKillsARunningCheck(t *testing.T) {
	for _, quit := range []string{"q", "C-c", "TERM"} {
		t.Run(quit, func(t *testing.T) {
			s := newSandbox(t)
			s.writeKeysFile(`version = 1
[[keys]]
source = "awin"
name = "main"
check_old = "echo $$ > $HOME/pgid; sh -c 'trap \"\" TERM; sleep 400' & echo $! > $HOME/child; echo running; sleep 400"
`)
			if err := os.WriteFile(filepath.Join(s.home, "config", "rotatetui", "config.toml"), []byte("verify = \"offered\"\ncheck_timeout = 600\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			term := s.start("awin/main")
			term.waitFor("Awin · main", "◆ Old key refused")
			term.keys("G", "v")
			term.waitFor("Run check_old?")
			term.keys("y")
			term.waitFor("check_old of step 5: running", "│ running")
			pgid, child := readPIDFile(t, filepath.Join(s.home, "pgid")), readPIDFile(t, filepath.Join(s.home, "child"))
			if err := syscall.Kill(-pgid, 0); err != nil {
				t.Fatalf("the check's group %d is not there while it runs: %v", pgid, err)
			}
			if quit == "TERM" {
				term.signal(syscall.SIGTERM)
			} else {
				term.keys(quit)
				term.exited()
			}
			// Killed, they may wait a while to be reaped: a zombie no longer runs.
			alive := map[int]func() bool{-pgid: func() bool { return groupRunning(pgid) }, child: func() bool { return running(child) }}
			for p, isAlive := range alive {
				deadline := time.Now().Add(5 * time.Second)
				for isAlive() {
					if time.Now().After(deadline) {
						t.Errorf("after %s, %d (a negative number: the group) is still there", quit, p)
						_ = syscall.Kill(p, syscall.SIGKILL)
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
		})
	}
}

// readPIDFile reads the pid a command wrote to path.
func readPIDFile(t *testing.T, path string) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, err := os.ReadFile(path)
		if err == nil && strings.HasSuffix(string(data), "\n") {
			pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
			if err != nil || pid <= 1 {
				t.Fatalf("pid %q in %s: %v", data, path, err)
			}
			return pid
		}
		if time.Now().After(deadline) {
			t.Fatalf("no pid in %s", path)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestEndToEndACheckGetsNoTerminal: in a real terminal, a check that asks for a
// password on /dev/tty fails at once (it has no controlling terminal), rather than
// being stopped until the time limit while what the person types goes to the shell.
func TestEndToEndACheckGetsNoTerminal(t *testing.T) {
	s := newSandbox(t)
	s.writeKeysFile(`version = 1
[[keys]]
source = "awin"
name = "main"
check_new = "if (exec </dev/tty) 2>/dev/null; then echo has-a-terminal; read pw </dev/tty; fi; echo no-terminal; exit 3"
`)
	if err := os.WriteFile(filepath.Join(s.home, "config", "rotatetui", "config.toml"), []byte("verify = \"offered\"\ncheck_timeout = 20\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	term := s.start("verify", "awin/main", "--new", "--yes")
	term.waitFor("no-terminal", "not proven")
	if code := term.exited(); code != exitFailed {
		t.Errorf("exit %d, want 1", code)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v: the check waited on the terminal", took)
	}
	if strings.Contains(term.screen(), "| has-a-terminal") {
		t.Errorf("the check had a terminal:\n%s", term.screen())
	}
}
