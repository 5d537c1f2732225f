// Package pgtest runs a throwaway PostgreSQL server for tests, from the machine's own
// packages: initdb and pg_ctl (from PATH or /usr/lib/postgresql/*/bin) in a temporary
// directory, listening only on a unix socket in it, never on the network. As root, the
// server runs as the postgres user (through runuser), since PostgreSQL refuses to run
// as root. One server serves a whole test package (start it lazily with [Server.URL],
// stop it from TestMain with [Server.Stop]); each test gets a fresh database.
//
// A test binary that dies without calling Stop (a panic in a test, a SIGKILL) would
// leave its server running and its directory behind for good: a small watchdog,
// started with the server in a process group of its own (so a signal to the test's
// group does not reach it), looks once a second whether the test process is still
// there, and when it is gone stops the server and removes the directory.
//
// Outside CI, a test that needs the server skips with a clear message when the
// binaries are absent; when CI is set it fails instead, so a CI run can never pass
// without having run them.
package pgtest

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Server is a throwaway server, started on first use.
type Server struct {
	once     sync.Once
	dir      string // holds the data directory and the socket
	bin      string
	runAs    string // "postgres" when running as root, else ""
	err      error
	skip     string
	dbs      atomic.Int64
	mu       sync.Mutex
	stopped  bool
	watchdog *os.Process // stops the server if the test process dies without Stop
}

// The superuser every test connects as (over the socket, trust authentication).
const superuser = "rotatetui_test"

// findBin finds the directory of initdb and pg_ctl.
func findBin() string {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				p = real // /usr/local/bin links to the version's directory, which has psql
			}
			return filepath.Dir(p)
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	return ""
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// start runs initdb and pg_ctl start.
func (s *Server) start() {
	s.bin = findBin()
	if s.bin == "" {
		s.skip = "PostgreSQL is not installed (no initdb and pg_ctl in PATH or /usr/lib/postgresql/*/bin): install the postgresql package to run the database tests"
		return
	}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			s.skip = "running as root, and there is no postgres user to run the server as"
			return
		}
		s.runAs = "postgres"
	}
	// Short, so the socket's path stays under the 107 bytes a unix socket allows.
	dir, err := os.MkdirTemp("", "rtpg-")
	if err != nil {
		s.err = err
		return
	}
	s.dir = dir
	if s.runAs != "" {
		u, _ := user.Lookup(s.runAs)
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			s.err = err
			return
		}
	}
	data := filepath.Join(dir, "data")
	if err := s.startWatchdog(); err != nil {
		s.err = fmt.Errorf("starting the watchdog of the server: %v", err)
		_ = os.RemoveAll(dir)
		return
	}
	if out, err := s.run("initdb", "-D", data, "-U", superuser, "-A", "trust", "-E", "UTF8", "--no-locale", "-N"); err != nil {
		s.err = fmt.Errorf("initdb: %v\n%s", err, out)
		return
	}
	if out, err := s.pgStart(); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		s.err = fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
		return
	}
}

// watchdogScript is what the watchdog runs, with sh: $1 the test process's pid, $2
// the server's directory, $3 pg_ctl, $4 the user to run it as ("" for this one). The
// pid is looked at once a second; once it is gone, the server (if it still runs) is
// stopped at once and the directory removed. A pid reused within that second would
// only keep the server a while longer.
const watchdogScript = `while kill -0 "$1" 2>/dev/null; do sleep 1; done
if [ -f "$2/data/postmaster.pid" ]; then
	if [ -n "$4" ]; then runuser -u "$4" -- "$3" -D "$2/data" -m immediate -w stop
	else "$3" -D "$2/data" -m immediate -w stop; fi
fi
rm -rf "$2"`

// startWatchdog starts the watchdog of s's directory, in a process group of its own
// and with no terminal or pipe of the test's (go test waits for its pipes to close).
func (s *Server) startWatchdog() error {
	cmd := exec.Command("/bin/sh", "-c", watchdogScript, "pgtest-watchdog", strconv.Itoa(os.Getpid()), s.dir, filepath.Join(s.bin, "pg_ctl"), s.runAs)
	cmd.Dir = "/"
	cmd.SysProcAttr = ownGroup()
	if err := cmd.Start(); err != nil {
		return err
	}
	s.watchdog = cmd.Process
	go func() { _ = cmd.Wait() }() // reaped when Stop ends it
	return nil
}

// pgStart starts the server on the data directory, listening only on the socket in
// s.dir, with durability off: a test server's data need not survive a crash of the
// machine.
func (s *Server) pgStart() ([]byte, error) {
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories=%s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100", s.dir)
	return s.run("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-l", filepath.Join(s.dir, "log"), "-o", opts, "-w", "-t", "60", "start")
}

// run runs a PostgreSQL program as the server's user.
func (s *Server) run(prog string, args ...string) ([]byte, error) {
	path := filepath.Join(s.bin, prog)
	var cmd *exec.Cmd
	if s.runAs != "" {
		cmd = exec.Command("runuser", append([]string{"-u", s.runAs, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = "/"
	return cmd.CombinedOutput()
}

// ready starts the server if need be, and skips or fails t when there is none.
func (s *Server) ready(t testing.TB) {
	t.Helper()
	s.once.Do(s.start)
	switch {
	case s.err != nil:
		t.Fatalf("throwaway PostgreSQL server: %v", s.err)
	case s.skip != "" && os.Getenv("CI") != "":
		t.Fatalf("CI is set, so the database tests must run: %s", s.skip)
	case s.skip != "":
		t.Skip(s.skip)
	}
}

// URL creates a fresh database for t and returns its URL (no password: the socket
// trusts its user). The database is dropped when t ends.
func (s *Server) URL(t testing.TB) string {
	t.Helper()
	s.ready(t)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), s.dbs.Add(1))
	s.SQL(t, "postgres", "CREATE DATABASE "+name)
	t.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.stopped {
			_, _ = s.psql("postgres", "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		}
	})
	return s.DBURL(name)
}

// DBURL is the URL of database name on the server.
func (s *Server) DBURL(name string) string {
	return fmt.Sprintf("postgres://%s@/%s?host=%s&sslmode=disable", superuser, name, url.QueryEscape(s.dir))
}

// Dir is the directory that holds the server's socket.
func (s *Server) Dir() string { return s.dir }

// SQL runs sql in database db with psql, failing t if it fails, and returns its output
// (unaligned, tuples only).
func (s *Server) SQL(t testing.TB, db, sql string) string {
	t.Helper()
	out, err := s.psql(db, sql)
	if err != nil {
		t.Fatalf("psql %s: %v\n%s", db, err, out)
	}
	return strings.TrimSpace(out)
}

// TrySQL is SQL that returns the error instead of failing.
func (s *Server) TrySQL(db, sql string) (string, error) {
	out, err := s.psql(db, sql)
	return strings.TrimSpace(out), err
}

func (s *Server) psql(db, sql string) (string, error) {
	cmd := exec.Command(filepath.Join(s.bin, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", s.dir, "-U", superuser, "-d", db, "-c", sql)
	cmd.Env = append(os.Environ(), "PGSSLMODE=disable")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Restart stops the server and starts it again, as a server restart under a running
// client does; wait is how long it stays down.
func (s *Server) Restart(t testing.TB, down time.Duration) {
	t.Helper()
	s.Down(t)
	time.Sleep(down)
	s.Up(t)
}

// Down stops the server (fast shutdown: open connections are closed), as a server
// that goes away under its clients; Up starts it again on the same data.
func (s *Server) Down(t testing.TB) {
	t.Helper()
	if out, err := s.run("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-m", "fast", "-w", "stop"); err != nil {
		t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

// Up starts the server Down stopped.
func (s *Server) Up(t testing.TB) {
	t.Helper()
	if out, err := s.pgStart(); err != nil {
		t.Fatalf("pg_ctl start: %v\n%s", err, out)
	}
}

// Stop stops the server and removes its directory. Call it from TestMain after the
// tests ran; it does nothing when no test started the server.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = true
	if s.dir == "" {
		return
	}
	_, _ = s.run("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop")
	_ = os.RemoveAll(s.dir)
	if s.watchdog != nil {
		_ = s.watchdog.Kill() // its work is done; it would only wait for this process
	}
}
