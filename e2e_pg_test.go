package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rotatetui/rotatetui/state"
)

// The real binary on a PostgreSQL database (the throwaway server of main_pg_test.go):
// several processes at once, a client killed with SIGKILL while its transaction
// waits, a server restarted under a running checklist, two people on one key.

// pgSandbox is a sandbox whose every rotatetui uses a fresh database; store opens it
// as the test's own client.
func pgSandbox(t *testing.T) (s *sandbox, store func() state.Backend, url string) {
	t.Helper()
	url = pgServer.URL(t)
	s = newSandbox(t)
	// A save while the server is down fails after one short retry, so the screen
	// says so (and retries on its own schedule) without two seconds of waiting.
	s.env = append(s.env, "ROTATETUI_STATE="+url, "ROTATETUI_TEST_PG_RETRY=50ms")
	return s, func() state.Backend {
		t.Helper()
		db, err := state.NewPGStore(url, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		return db
	}, url
}

// TestEndToEndDatabaseKeepsConcurrentChecks: four processes checking 50 distinct steps
// each at once, one `rotatetui check` per step, keep all 200 on the database.
func TestEndToEndDatabaseKeepsConcurrentChecks(t *testing.T) {
	s, store, _ := pgSandbox(t)
	for _, e := range s.checkFourTimesFifty() {
		t.Error(e)
	}
	cur := loadStore(t, store()).Key("big").Current
	n := 0
	for _, rec := range cur.Steps {
		if rec.CheckedAt != nil {
			n++
		}
	}
	if n != 200 {
		t.Errorf("the database holds %d of 200 checks", n)
	}
}

// TestEndToEndDatabaseKilledClientLosesNothing: a check the screen shows, whose
// transaction waits on a row another client holds locked, survives a SIGKILL of the
// checklist: the next rotatetui on that machine saves it.
func TestEndToEndDatabaseKilledClientLosesNothing(t *testing.T) {
	s, store, url := pgSandbox(t)
	if _, stderr, code := s.run("check", "snowflake", "1"); code != 0 {
		t.Fatalf("check: exit %d: %s", code, stderr)
	}
	term := s.start("snowflake")
	term.waitFor("1/8")

	// Another client holds Snowflake's row: the checklist's save waits for it.
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "SELECT 1 FROM rotatetui_keys WHERE key_id = 'snowflake' FOR UPDATE"); err != nil {
		t.Fatal(err)
	}
	term.keys("Space")
	term.waitFor("2/8")
	waitForJournal(t, filepath.Join(s.home, "state", "rotatetui"))
	if err := exec.Command("kill", "-9", fmt.Sprint(term.pid())).Run(); err != nil {
		t.Fatal(err)
	}
	term.exited()
	_ = tx.Rollback(ctx)
	if checkedIn(t, store(), "snowflake", "accountadmin-role") {
		t.Fatal("the killed client's transaction committed: the test shows nothing")
	}
	// The next command that writes, on this machine, saves what the killed one journaled.
	if _, stderr, code := s.run("check", "snowflake", "3"); code != 0 {
		t.Fatalf("check: exit %d: %s", code, stderr)
	}
	cur := loadStore(t, store()).Key("snowflake").Current
	for _, step := range []string{"login", "accountadmin-role", "refresh-secret"} {
		if !cur.Checked(step) {
			t.Errorf("step %s is not on the database after the kill and the next run", step)
		}
	}
}

// waitForJournal waits until the journal under dir holds an entry.
func waitForJournal(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		var found bool
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.Contains(p, "journal") && !strings.Contains(filepath.Base(p), ".tmp") {
				found = true
			}
			return nil
		})
		if found {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no journal entry appeared under %s", dir)
}

// TestEndToEndDatabaseServerRestartUnderTheChecklist: with the server down, a check
// stays on screen, the status line says it is not saved and retried; once the server
// is back it is saved without a key press, and what another client saved meanwhile
// shows up.
func TestEndToEndDatabaseServerRestartUnderTheChecklist(t *testing.T) {
	s, store, _ := pgSandbox(t)
	term := s.start("snowflake")
	term.waitFor("0/8")
	term.keys("Enter") // check, and on to step 2
	term.waitFor("1/8", "› 2. [ ]")
	db := store()
	waitUntil(t, 10*time.Second, func() bool { return checkedIn(t, db, "snowflake", "login") }, "the first check was never saved")
	pgServer.Down(t)
	up := sync.OnceFunc(func() { pgServer.Up(t) })
	t.Cleanup(up) // the next tests need the server, whatever happens here
	term.keys("Space")
	term.waitFor("2/8", "Not saved", "cannot be reached")
	up()
	waitUntil(t, 20*time.Second, func() bool { return checkedIn(t, store(), "snowflake", "accountadmin-role") },
		"the check made while the server was down was never saved")
	term.waitGone("Not saved")
	// The screen catches up with another client's check (its listener reconnected).
	if _, stderr, code := s.run("check", "snowflake", "3"); code != 0 {
		t.Fatalf("check: exit %d: %s", code, stderr)
	}
	term.waitFor("3/8")
	term.keys("q")
	if code := term.exited(); code != 0 {
		t.Errorf("exit %d after the server came back", code)
	}
}

// TestEndToEndDatabaseTwoPeopleOnOneKey is TestEndToEndTwoPeopleOnOneKey on a database:
// each screen shows the other's check as it is committed (LISTEN/NOTIFY).
func TestEndToEndDatabaseTwoPeopleOnOneKey(t *testing.T) {
	s, store, _ := pgSandbox(t)
	db := store()
	twoPeopleOnOneKey(t, s, func() *state.State { return loadStore(t, db) })
}

// TestEndToEndDatabaseQuitWhileTheServerIsDown: what the checklist could not save
// before quitting goes to a rescue file, and `rotatetui restore` puts it back into the
// database once the server is back.
func TestEndToEndDatabaseQuitWhileTheServerIsDown(t *testing.T) {
	s, store, _ := pgSandbox(t)
	term := s.start("snowflake")
	term.waitFor("0/8")
	pgServer.Down(t)
	up := sync.OnceFunc(func() { pgServer.Up(t) })
	t.Cleanup(up)
	term.keys("Space")
	term.waitFor("1/8", "Not saved")
	term.keys("q")
	term.waitFor("rotatetui restore")
	screen := term.screen()
	if code := term.exited(); code == 0 {
		t.Errorf("exit 0 though a change could not be saved:\n%s", screen)
	}
	up()
	if ks := loadStore(t, store()).Key("snowflake"); ks != nil {
		t.Fatalf("the check reached the database though the server was down: %+v", ks.Current)
	}
	out, stderr, code := s.run("restore")
	if code != 0 {
		t.Fatalf("restore: exit %d\n%s%s", code, out, stderr)
	}
	if ks := loadStore(t, store()).Key("snowflake"); ks == nil || !ks.Current.Checked("login") {
		t.Fatalf("after restore the database holds %+v\nrestore said:\n%s%s\nthe screen at quit:\n%s", ks, out, stderr, screen)
	}
}

// checkedIn reports whether step of key is checked in the rotation in progress that
// store holds now.
func checkedIn(t *testing.T, store state.Backend, key, step string) bool {
	t.Helper()
	ks := loadStore(t, store).Key(key)
	return ks != nil && ks.Current.Checked(step)
}

// waitUntil polls cond every 50 ms until it holds, failing with why after timeout.
func waitUntil(t *testing.T, timeout time.Duration, cond func() bool, why string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(why)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
