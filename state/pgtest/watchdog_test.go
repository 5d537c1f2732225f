package pgtest

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childEnv makes TestWatchdogChild the child of TestWatchdogStopsOrphanedServer: the
// value says how it dies.
const childEnv = "PGTEST_WATCHDOG_CHILD"

// TestWatchdogChild starts a server, says where it is, and dies without Stop: by a
// panic, or waiting for the SIGKILL its parent sends to its whole process group.
func TestWatchdogChild(t *testing.T) {
	how := os.Getenv(childEnv)
	if how == "" {
		t.Skip("run by TestWatchdogStopsOrphanedServer")
	}
	var s Server
	s.URL(t)
	pid, err := os.ReadFile(filepath.Join(s.Dir(), "data", "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("DIR " + s.Dir() + "\nPID " + strings.SplitN(string(pid), "\n", 2)[0] + "\n")
	if how == "panic" {
		panic("a test panics: TestMain's Stop never runs")
	}
	time.Sleep(time.Minute)
}

// TestWatchdogStopsOrphanedServer: a test binary that starts the server and dies
// without Stop leaves neither a server nor its directory behind for long.
func TestWatchdogStopsOrphanedServer(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		return
	}
	for _, how := range []string{"panic", "kill-group"} {
		t.Run(how, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestWatchdogChild$", "-test.v")
			cmd.Env = append(os.Environ(), childEnv+"="+how)
			cmd.SysProcAttr = ownGroup()
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var dir string
			var pid int
			var said []string
			lines := bufio.NewScanner(out)
			for (dir == "" || pid == 0) && lines.Scan() {
				line := lines.Text()
				said = append(said, line)
				if d, ok := strings.CutPrefix(line, "DIR "); ok {
					dir = d
				}
				if p, ok := strings.CutPrefix(line, "PID "); ok {
					pid, _ = strconv.Atoi(p)
				}
			}
			if dir == "" || pid == 0 {
				_ = cmd.Wait()
				text := strings.Join(said, "\n")
				if strings.Contains(text, "--- SKIP") {
					t.Skip(text)
				}
				t.Fatalf("the child did not start a server:\n%s", text)
			}
			if how == "kill-group" {
				// As a test run stopped by SIGKILL to its group: the watchdog is not in it.
				if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
			}
			go func() { _, _ = io.Copy(io.Discard, out) }()
			_ = cmd.Wait()
			deadline := time.Now().Add(20 * time.Second)
			for {
				_, statErr := os.Stat(dir)
				alive := syscall.Kill(pid, 0) == nil
				if errors.Is(statErr, os.ErrNotExist) && !alive {
					return
				}
				if time.Now().After(deadline) {
					if alive {
						_ = syscall.Kill(pid, syscall.SIGQUIT) // do not leave it behind ourselves
					}
					defer func() { time.Sleep(time.Second); _ = os.RemoveAll(dir) }()
					t.Fatalf("20 s after the test process died: server running %v, directory %s still there: %v", alive, dir, statErr == nil)
				}
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
}
