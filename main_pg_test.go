package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rotatetui/rotatetui/state"
	"github.com/rotatetui/rotatetui/state/pgtest"
)

// The commands on a PostgreSQL database: --state, $ROTATETUI_STATE and config.toml
// select it, a password on the command line is refused, and state copy moves
// everything both ways.

// pgServer is the throwaway server of this package's tests, started by the first test
// that needs it.
var pgServer pgtest.Server

func TestMain(m *testing.M) {
	code := m.Run()
	pgServer.Stop()
	os.Exit(code)
}

func TestStateSelectsDatabase(t *testing.T) {
	c := newCLI(t)
	url := pgServer.URL(t)
	c.mustRun("check", "snowflake", "1", "--state", url)
	// The same database through the environment and through config.toml.
	t.Setenv("ROTATETUI_STATE", url)
	if out := c.mustRun("status", "snowflake"); !strings.Contains(out, "1/") {
		t.Fatalf("status through $ROTATETUI_STATE does not show the check:\n%s", out)
	}
	t.Setenv("ROTATETUI_STATE", "")
	c.write("config/rotatetui/config.toml", "state = \""+url+"\"\n")
	c.mustRun("check", "snowflake", "2")
	if _, err := os.Stat(c.statePath()); err == nil {
		t.Fatal("a state file was written though config.toml names a database")
	}
	s, err := state.NewPGStore(url, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if cur := st.Key("snowflake").Current; !cur.Checked(cur.StepKeys[0]) || !cur.Checked(cur.StepKeys[1]) || cur.StartedBy != "cli@test" {
		t.Fatalf("the database holds %+v", cur)
	}
}

func TestStatePasswordOnCommandLineRefused(t *testing.T) {
	c := newCLI(t)
	for _, args := range [][]string{
		{"status", "--state", "postgres://ana:hunter2@db.example/rot"},
		{"state", "copy", c.statePath(), "postgresql://ana:hunter2@db.example/rot"},
	} {
		out, errOut, code := c.run(args...)
		if code != exitUsage || !strings.Contains(errOut, ".pgpass") || strings.Contains(out+errOut, "hunter2") {
			t.Errorf("%v: exit %d\n%s%s\nwant it refused with a pointer to .pgpass, without the password", args, code, out, errOut)
		}
	}
}

func TestStateCopyBothWays(t *testing.T) {
	c := newCLI(t)
	c.mustRun("check", "snowflake", "1", "2")
	c.mustRun("rotated", "awin", "--on", "2026-01-02")
	before, err := os.ReadFile(c.statePath())
	if err != nil {
		t.Fatal(err)
	}
	url := pgServer.URL(t)
	out := c.mustRun("state", "copy", c.statePath(), url)
	if !strings.Contains(out, "snowflake: 0 finished rotations, one in progress (started by cli@test)") || !strings.Contains(out, "Copied 2 keys") {
		t.Fatalf("copy to the database says:\n%s", out)
	}
	// Into a store that is not empty: refused, and nothing changes.
	_, errOut, code := c.run("state", "copy", c.statePath(), url)
	if code != exitUsage || !strings.Contains(errOut, "already holds progress") || !strings.Contains(errOut, "Nothing was copied") {
		t.Fatalf("copy into a non-empty database: exit %d %s", code, errOut)
	}
	back := filepath.Join(c.home, "back.json")
	c.mustRun("state", "copy", url, back)
	after, err := os.ReadFile(back)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Fatalf("file → database → file changed it:\n%s\nwant:\n%s", after, before)
	}
	_, errOut, code = c.run("state", "copy", url, back)
	if code != exitUsage || !strings.Contains(errOut, "already holds progress") {
		t.Fatalf("copy into a non-empty file: exit %d %s", code, errOut)
	}
	if again, _ := os.ReadFile(back); string(again) != string(before) {
		t.Fatal("a refused copy changed the file")
	}
	c.mustRun("state", "copy", url, back, "--overwrite")
}

// TestStateCopyRefusesNUL: a file the file store reads, whose note holds a NUL (written
// before such changes were refused), cannot go into a database, which cannot store
// one: the copy says which key, step and file, and copies nothing.
func TestStateCopyRefusesNUL(t *testing.T) {
	c := newCLI(t)
	c.mustRun("check", "snowflake", "1", "2")
	c.mustRun("check", "awin", "1")
	data, err := os.ReadFile(c.statePath())
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	cur := raw["keys"].(map[string]any)["snowflake"].(map[string]any)["current"].(map[string]any)
	first := cur["step_keys"].([]any)[1].(string)
	cur["steps"].(map[string]any)[first].(map[string]any)["note"] = "before\x00after"
	if data, err = json.Marshal(raw); err != nil {
		t.Fatal(err)
	}
	c.write("state/rotatetui/state.json", string(data))
	c.mustRun("status") // the file store reads it

	url := pgServer.URL(t)
	_, errOut, code := c.run("state", "copy", c.statePath(), url)
	for _, want := range []string{`key "snowflake"`, fmt.Sprintf("step %q", first), "note", "NUL character", c.statePath(), "Nothing was copied"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the refused copy does not say %q:\n%s", want, errOut)
		}
	}
	if code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	db := url[strings.Index(url, "@/")+2 : strings.Index(url, "?")]
	if n, err := pgServer.TrySQL(db, "SELECT count(*) FROM rotatetui_keys"); err == nil && n != "0" {
		t.Fatalf("%s keys were copied; want none", n)
	}
}

// TestExportDespiteADamagedRow: a key's row no rotatetui can read stops the commands
// that read the table, with advice about that row, but not the export, which is made
// from the event log and names the row it could not read.
func TestExportDespiteADamagedRow(t *testing.T) {
	c, url, db := cliOnTwoRotations(t)
	pgServer.SQL(t, db, `UPDATE rotatetui_keys SET state = '{"bogus": 1}' WHERE key_id = 'awin'`)

	_, errOut, code := c.run("status")
	if code != exitFailed || !strings.Contains(errOut, "bogus") || !strings.Contains(errOut, "rotatetui_keys by hand") || strings.Contains(errOut, "server is up") {
		t.Errorf("status on a damaged row: exit %d\n%s\nwant it refused, with advice about the row", code, errOut)
	}
	out := filepath.Join(c.home, "x.md")
	stdout, errOut, code := c.run("export", "-o", out)
	if code != exitOK {
		t.Fatalf("export on a damaged row: exit %d\n%s%s", code, stdout, errOut)
	}
	if !strings.Contains(errOut, "the row of 1 key in") || !strings.Contains(errOut, "cannot be read") || !strings.HasSuffix(strings.TrimSpace(errOut), "awin") {
		t.Errorf("export does not name the damaged row: %q", errOut)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "ompleted") || !strings.Contains(string(data), "Snowflake") {
		t.Errorf("the export lacks the rotations the log records:\n%s", data)
	}

	// A newer rotatetui's schema: the advice is to upgrade, not to check the server.
	pgServer.SQL(t, db, "UPDATE rotatetui_schema SET version = version + 1")
	_, errOut, code = c.run("status")
	if code != exitFailed || !strings.Contains(errOut, "written by a newer rotatetui") || !strings.Contains(errOut, "upgrade rotatetui") || strings.Contains(errOut, "server is up") {
		t.Errorf("status on a newer schema: exit %d\n%s", code, errOut)
	}
	// A server that is not there, and one that refuses the role.
	_, errOut, _ = c.run("status", "--state", "postgres://nobody@/x?host=/nonexistent-dir&sslmode=disable")
	if !strings.Contains(errOut, "cannot be reached") || !strings.Contains(errOut, "the server is up and that the host and port") {
		t.Errorf("status with no server: %s", errOut)
	}
	_, errOut, _ = c.run("status", "--state", strings.Replace(url, "rotatetui_test@", "nosuchrole@", 1))
	if !strings.Contains(errOut, "pg_hba.conf") || strings.Contains(errOut, "cannot be reached") {
		t.Errorf("status as a role the server does not know: %s", errOut)
	}
}

// TestExportFromTheDatabaseFollowsItsEventLog: a rotation whose row was rewritten by
// hand is still exported as recorded, from the append-only events, and the export
// says which key's row differs.
func TestExportFromTheDatabaseFollowsItsEventLog(t *testing.T) {
	c, _, db := cliOnTwoRotations(t)
	pgServer.SQL(t, db, `UPDATE rotatetui_keys SET state = state - 'history' WHERE key_id = 'awin'`)
	if out := c.mustRun("history", "awin"); strings.Contains(out, "completed") {
		t.Fatalf("the hand edit did not take (history reads the table):\n%s", out)
	}
	out, errOut, code := c.run("export", "--format", "csv")
	if code != exitOK {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "the state of 1 key in") || !strings.Contains(errOut, "differs from its event log") || !strings.HasSuffix(strings.TrimSpace(errOut), "awin") {
		t.Errorf("export does not say the row of awin differs from the log: %q", errOut)
	}
	if !strings.Contains(out, "completed") || !strings.Contains(out, "snowflake") {
		t.Errorf("the export lacks the completed rotation the log records:\n%s", out)
	}
}

// TestRestoreCommandKeepsWhereTheStoreCameFrom: the command printed to restore rescue
// files spells --state only when --state was given; a database named by
// $ROTATETUI_STATE (which may carry its password) is restored by plain `rotatetui
// restore`, which finds it the same way, while --state URL would override it.
func TestRestoreCommandKeepsWhereTheStoreCameFrom(t *testing.T) {
	url := pgServer.URL(t)
	db, err := state.NewPGStore(url, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fromEnv := &env{store: db}
	if got := fromEnv.restoreCommand(); got != "rotatetui restore" {
		t.Errorf("a database from the environment: %q, want plain rotatetui restore", got)
	}
	fromFlag := &env{store: db, opts: options{statePath: url}}
	if got := fromFlag.restoreCommand(); !strings.HasPrefix(got, "rotatetui restore --state ") || !strings.Contains(got, "postgres://") {
		t.Errorf("a database from --state: %q, want it spelled out", got)
	}
}

// TestAConnectionStringIsNeitherAFileNorEchoed: a libpq keyword/value string is
// refused wherever the store is named, without a file made of it and without
// repeating it (it may hold a password).
func TestAConnectionStringIsNeitherAFileNorEchoed(t *testing.T) {
	c := newCLI(t)
	dsn := "host=127.0.0.1 port=5432 user=team password=hunter2 dbname=teamdb"
	cwd := t.TempDir()
	t.Chdir(cwd)
	for _, tt := range []struct {
		name  string
		args  []string
		setup func()
	}{
		{"--state", []string{"check", "awin", "1", "--state", dsn}, func() {}},
		{"$ROTATETUI_STATE", []string{"check", "awin", "1"}, func() { t.Setenv("ROTATETUI_STATE", dsn) }},
		{"state copy", []string{"state", "copy", c.statePath(), dsn}, func() { t.Setenv("ROTATETUI_STATE", "") }},
	} {
		tt.setup()
		out, errOut, code := c.run(tt.args...)
		if code != exitUsage || !strings.Contains(errOut, "libpq connection string") || strings.Contains(out+errOut, "hunter2") {
			t.Errorf("%s: exit %d\n%s%s\nwant it refused, without the password", tt.name, code, out, errOut)
		}
	}
	if entries, _ := os.ReadDir(cwd); len(entries) > 0 {
		t.Errorf("files were made in the working directory: %v", entries)
	}
}

// TestSSLModeRequireAgainstAServerWithoutTLS: the advice under the refusal of a
// server that offers no TLS is about TLS, not about the server being down. (The test
// server listens on a unix socket only, where no TLS is asked: the error is made.)
func TestSSLModeRequireAgainstAServerWithoutTLS(t *testing.T) {
	db, err := state.NewPGStore("postgres://ana@db.example.com/rot?sslmode=require", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	refused := fmt.Errorf("read postgres://ana@db.example.com/rot: %w: failed to connect to `user=ana database=rot`: db.example.com:5432 (10.0.0.1): tls error: server refused TLS connection", state.ErrNoTLS)
	if got := loadAdvice(db, refused); !strings.Contains(got, "does not offer TLS") || strings.Contains(got, "Check that the server is up") {
		t.Errorf("advice %q", got)
	}
}

// cliOnTwoRotations is a CLI on a fresh database (also its $ROTATETUI_STATE) holding a
// completed rotation of awin and one of Snowflake in progress; db is the database's
// name, for SQL by hand.
func cliOnTwoRotations(t *testing.T) (c *cli, url, db string) {
	c = newCLI(t)
	url = pgServer.URL(t)
	t.Setenv("ROTATETUI_STATE", url)
	c.mustRun("check", "--yes", "awin", "1", "2", "3") // a completed rotation
	c.mustRun("check", "snowflake", "1")
	return c, url, url[strings.Index(url, "@/")+2 : strings.Index(url, "?")]
}
