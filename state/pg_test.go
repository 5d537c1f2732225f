package state

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Tests of what only the PostgreSQL store has: its events table, its schema
// migrations, and a server that goes away.

func TestPGEventsAppendOnly(t *testing.T) {
	target := pgServer.URL(t)
	s := openPG(t, target)
	all := steps(2)
	if _, err := s.Apply(
		Change{Kind: Check, Key: "k", Step: all[0], Steps: all, At: contractT0, By: "ana"},
		Change{Kind: Check, Key: "k", Step: all[0], Steps: all, At: contractT0, By: "ana"}, // a no-op: no event
		Change{Kind: SetNote, Key: "k", Step: all[1], Steps: all, At: contractT0, By: "bo", Text: "it's done"},
	); err != nil {
		t.Fatal(err)
	}
	db := dbName(target)
	got := pgServer.SQL(t, db, "SELECT actor || ' ' || key_id || ' ' || step || ' ' || kind FROM rotatetui_events ORDER BY id")
	if want := "ana k s000 check\nbo k s001 note"; got != want {
		t.Fatalf("events:\n%s\nwant one per change that took effect:\n%s", got, want)
	}
	if got := pgServer.SQL(t, db, "SELECT change->>'text' FROM rotatetui_events WHERE kind = 'note'"); got != "it's done" {
		t.Fatalf("the note's event holds %q", got)
	}
	for _, sql := range []string{
		"UPDATE rotatetui_events SET actor = 'mallory'",
		"DELETE FROM rotatetui_events",
		"TRUNCATE rotatetui_events",
	} {
		out, err := pgServer.TrySQL(db, sql)
		if err == nil || !strings.Contains(out, "append-only") {
			t.Errorf("%s: %v %q; want it refused as append-only", sql, err, out)
		}
	}
	if got := pgServer.SQL(t, db, "SELECT count(*) FROM rotatetui_events WHERE actor <> 'mallory'"); got != "2" {
		t.Fatalf("events after the refused statements: %s, want 2", got)
	}
}

func TestPGMigratesOlderSchema(t *testing.T) {
	target := pgServer.URL(t)
	db := dbName(target)
	// A database as schema version 1 left it, with a rotation in progress.
	pgServer.SQL(t, db, pgMigrations[0])
	pgServer.SQL(t, db, fmt.Sprintf("INSERT INTO rotatetui_schema VALUES (1, %d)", Version))
	pgServer.SQL(t, db, `INSERT INTO rotatetui_keys (key_id, state) VALUES ('k', '{"current": {"started_at": "2026-05-01T09:00:00Z", "updated_at": "2026-05-01T09:00:00Z", "outcome": "in_progress", "started_by": "ana", "step_keys": ["a", "b"], "steps": {"a": {"checked_at": "2026-05-01T09:00:00Z", "by": "ana"}}}}')`)

	s := openPG(t, target)
	st, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !st.Key("k").Current.Checked("a") {
		t.Fatal("the rotation recorded before the migration is gone")
	}
	if v := pgServer.SQL(t, db, "SELECT version FROM rotatetui_schema"); v != fmt.Sprint(pgSchemaVersion) {
		t.Fatalf("schema version %s after opening; want %d", v, pgSchemaVersion)
	}
	if c := pgServer.SQL(t, db, "SELECT key_id || ' ' || started_by FROM rotatetui_claims"); c != "k ana" {
		t.Fatalf("claims after migrating: %q; want the rotation in progress", c)
	}
	// A second person starting it now is refused by the claim, and retried into it.
	if _, err := openPG(t, target).Apply(Change{Kind: Check, Key: "k", Step: "b", Steps: []string{"a", "b", "c"}, At: contractT0.Add(time.Hour), By: "bo"}); err != nil {
		t.Fatal(err)
	}
}

func TestPGNewerSchemaRefused(t *testing.T) {
	for _, row := range []string{
		fmt.Sprintf("%d, %d", pgSchemaVersion+1, Version),
		fmt.Sprintf("%d, %d", pgSchemaVersion, Version+1),
	} {
		target := pgServer.URL(t)
		db := dbName(target)
		if _, err := openPG(t, target).Load(); err != nil {
			t.Fatal(err)
		}
		pgServer.SQL(t, db, "DELETE FROM rotatetui_schema; INSERT INTO rotatetui_schema VALUES ("+row+")")
		_, err := openPG(t, target).Load()
		if !errors.Is(err, ErrNewerVersion) || !strings.Contains(err.Error(), "written by a newer rotatetui") {
			t.Fatalf("schema row (%s): %v; want it refused as written by a newer rotatetui", row, err)
		}
		if _, err := openPG(t, target).Apply(Change{Kind: Check, Key: "k", Step: "a", At: contractT0}); !errors.Is(err, ErrNewerVersion) {
			t.Fatalf("a save on a newer schema: %v", err)
		}
		if n := pgServer.SQL(t, db, "SELECT count(*) FROM rotatetui_keys"); n != "0" {
			t.Fatal("a save went through on a newer schema")
		}
	}
}

// A store that migrated the database at its first use, and keeps running while a newer
// rotatetui migrates it further, is refused as a fresh one is: its saves, copies and
// reads, with nothing written.
func TestPGNewerSchemaUnderARunningStore(t *testing.T) {
	for _, update := range []string{
		fmt.Sprintf("UPDATE rotatetui_schema SET version = %d", pgSchemaVersion+1),
		fmt.Sprintf("UPDATE rotatetui_schema SET state_format = %d", Version+1),
	} {
		target := pgServer.URL(t)
		db := dbName(target)
		s := openPG(t, target)
		all := steps(2)
		if _, err := s.Apply(Change{Kind: Check, Key: "k", Step: all[0], Steps: all, At: contractT0, By: "ana"}); err != nil {
			t.Fatal(err)
		}
		pgServer.SQL(t, db, update)
		_, err := s.Apply(Change{Kind: Check, Key: "k", Step: all[1], Steps: all, At: contractT0, By: "ana"})
		if !errors.Is(err, ErrNewerVersion) || !strings.Contains(err.Error(), "written by a newer rotatetui") {
			t.Fatalf("%s, then a save: %v; want it refused as written by a newer rotatetui", update, err)
		}
		from := New()
		if _, err := (&Change{Kind: Check, Key: "other", Step: all[0], Steps: all, At: contractT0}).Apply(from); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Import(from, false, "ana"); !errors.Is(err, ErrNewerVersion) {
			t.Fatalf("%s, then a copy into it: %v; want ErrNewerVersion", update, err)
		}
		if _, err := s.Load(); !errors.Is(err, ErrNewerVersion) {
			t.Fatalf("%s, then a read: %v; want ErrNewerVersion", update, err)
		}
		if n := pgServer.SQL(t, db, "SELECT count(*) FROM rotatetui_events"); n != "1" {
			t.Fatalf("%s: %s events; want the one saved before, nothing after", update, n)
		}
		if n := pgServer.SQL(t, db, "SELECT count(*) FROM rotatetui_keys"); n != "1" {
			t.Fatalf("%s: %s keys; want the one saved before", update, n)
		}
	}
}

func TestPGWarnsOfPlaintext(t *testing.T) {
	t.Setenv("PGSSLMODE", "")
	for _, tt := range []struct {
		url, want string // want: the sslmode the warning names; "" for no warning
	}{
		{"postgres://u@db.example.com/x", "prefer"}, // libpq's default
		{"postgres://u@db.example.com/x?sslmode=prefer", "prefer"},
		{"postgres://u@db.example.com/x?sslmode=allow", "allow"},
		{"postgres://u@db.example.com/x?sslmode=disable", "disable"},
		{"postgres://u@db.example.com/x?sslmode=require", ""},
		{"postgres://u@db.example.com/x?sslmode=verify-full", ""},
		{"postgres://u@127.0.0.1/x", ""},
		{"postgres://u@127.0.0.2/x?sslmode=disable", ""},
		{"postgres://u@[::1]/x?sslmode=disable", ""},
		{"postgres://u@localhost/x?sslmode=disable", ""},
		{"postgres://u@/x?host=/run/postgresql", ""},
		// Several hosts: the first that may go unencrypted is named.
		{"postgres://u@localhost,db2.example.com/x?sslmode=prefer", "prefer"},
	} {
		s, err := NewPGStore(tt.url, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		got := s.PermissionWarning()
		if tt.want == "" {
			if got != "" {
				t.Errorf("%s: warned %q; want nothing", tt.url, got)
			}
			continue
		}
		if !strings.Contains(got, "(sslmode="+tt.want) || !strings.Contains(got, "use sslmode=require (or verify-full)") || !strings.Contains(got, "example.com") {
			t.Errorf("%s: warned %q; want a warning naming the host, sslmode=%s and the fix", tt.url, got, tt.want)
		}
	}
	t.Setenv("PGSSLMODE", "prefer")
	if s, _ := NewPGStore("postgres://u@db.example.com/x", t.TempDir()); !strings.Contains(s.PermissionWarning(), "sslmode=prefer") {
		t.Errorf("PGSSLMODE=prefer: warned %q", s.PermissionWarning())
	}
}

// A key's state holding a NUL, which PostgreSQL cannot store, is refused before it is
// sent, naming the key and where in it.
func TestPGRefusesNUL(t *testing.T) {
	at := contractT0
	rot := func(note string) *Rotation {
		return &Rotation{StartedAt: at, UpdatedAt: at, Outcome: InProgress, StepKeys: []string{"a", "b"},
			Steps: map[string]*StepRecord{"b": {CheckedAt: &at, Note: note}}}
	}
	done := func(by string) Rotation {
		r := *rot("")
		r.Outcome, r.FinishedAt, r.FinishedBy = Completed, &at, by
		return r
	}
	for _, tt := range []struct {
		id   string
		ks   *KeyState
		want string
	}{
		{"k", &KeyState{Current: rot("x\x00y")}, `key "k": the rotation in progress, step "b", the field "note" contains a NUL character`},
		{"k", &KeyState{History: []Rotation{done("ana"), done("b\x00o")}}, `key "k": finished rotation 2, the field "finished_by" contains a NUL character`},
		{"k", &KeyState{Placeholders: map[string]string{"account": "a\x00"}}, `key "k": value "account" contains a NUL character`},
		{"k", &KeyState{Placeholders: map[string]string{"acc\x00": "a"}}, `key "k": value "acc\x00" contains a NUL character`},
		{"k\x00", &KeyState{Current: rot("")}, `key "k\x00": its id contains a NUL character`},
	} {
		_, err := encodeKey(tt.id, tt.ks)
		if !errors.Is(err, ErrNUL) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("encodeKey: %v; want ErrNUL and %q", err, tt.want)
		}
	}
	// A backslash and "u0000" is text like any other.
	if _, err := encodeKey("k", &KeyState{Current: rot(`\u0000`)}); err != nil {
		t.Errorf("a note of a backslash and u0000: %v", err)
	}

	target := pgServer.URL(t)
	s := openPG(t, target)
	from := New()
	from.Keys["fine"] = &KeyState{Current: rot("")}
	from.Keys["k"] = &KeyState{Current: rot("x\x00y")}
	if _, err := s.Import(from, false, "ana"); !errors.Is(err, ErrNUL) || !strings.Contains(err.Error(), `key "k"`) {
		t.Fatalf("a copy of a state with a NUL: %v; want ErrNUL naming the key", err)
	}
	if n := pgServer.SQL(t, dbName(target), "SELECT count(*) FROM rotatetui_keys"); n != "0" {
		t.Fatalf("%s keys copied; want none", n)
	}
}

// A copy with --overwrite waits for the saves running meanwhile, and they for it:
// none of them deadlocks (the server would break the deadlock after a second, and the
// loser would start again), and nothing either commits is lost.
func TestPGImportUnderConcurrentSaves(t *testing.T) {
	target := pgServer.URL(t)
	db := dbName(target)
	all := steps(15)
	keys := []string{"k0", "k1", "k2", "k3"}
	from := New()
	for _, k := range keys {
		if _, err := (Change{Kind: RecordRotated, Key: k, At: contractT0, By: "copy"}).Apply(from); err != nil {
			t.Fatal(err)
		}
	}
	var stores []*PGStore
	for range len(keys) + 1 {
		s, err := NewPGStore(target, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		stores = append(stores, s)
	}
	if _, err := stores[0].Load(); err != nil { // the schema, before the race
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(keys)+1)
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, step := range all {
				// Every save touches every key the copy writes, its own step on one.
				var batch []Change
				for _, other := range keys {
					batch = append(batch, Change{Kind: SetPlaceholder, Key: other, Name: "n" + k, Text: step, At: contractT0})
				}
				batch = append(batch, Change{Kind: Check, Key: k, Step: step, Steps: all, At: contractT0, By: k})
				if _, err := stores[i].Apply(batch...); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 8 {
			if _, err := stores[len(keys)].Import(from, true, "ana"); err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, s := range stores {
		_ = s.Close() // the server counts a backend's deadlocks by the time it exits
	}
	deadlocks := "?"
	for range 50 {
		if deadlocks = pgServer.SQL(t, "postgres", "SELECT deadlocks FROM pg_stat_database WHERE datname = '"+db+"'"); deadlocks != "0" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if deadlocks != "0" {
		t.Errorf("%s deadlocks between the copy and the saves", deadlocks)
	}
	// The checks committed after the last copy are there; a copy replaces the key.
	st, err := openPG(t, target).Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if st.Key(k).LastRotated == nil {
			t.Errorf("key %s lost the copy", k)
		}
	}
}

// A save that has locked its row when a copy starts: the copy waits for it to end,
// rather than taking the table in a mode the save's UPDATE then waits for (a deadlock,
// which the server breaks after a second by failing one of them).
func TestPGImportWaitsForASave(t *testing.T) {
	target := pgServer.URL(t)
	db := dbName(target)
	s := openPG(t, target)
	if _, err := s.Apply(Change{Kind: RecordRotated, Key: "k", At: contractT0}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// The save, by hand, as saveTx makes it: the row locked, then written.
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, "SELECT state FROM rotatetui_keys WHERE key_id = 'k' FOR UPDATE"); err != nil {
		t.Fatal(err)
	}
	from := New()
	if _, err := (Change{Kind: RecordRotated, Key: "k", At: contractT0.Add(time.Hour), By: "copy"}).Apply(from); err != nil {
		t.Fatal(err)
	}
	copied := make(chan error, 1)
	go func() {
		_, err := openPG(t, target).Import(from, true, "ana")
		copied <- err
	}()
	for i := 0; pgServer.SQL(t, db, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()") != "1"; i++ {
		if i == 500 {
			t.Fatal("the copy never waited for the save")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := tx.Exec(ctx, "UPDATE rotatetui_keys SET updated_at = now() WHERE key_id = 'k'"); err != nil {
		t.Fatalf("the save, while a copy waits: %v", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-copied; err != nil {
		t.Fatal(err)
	}
	_ = conn.Close(ctx)
	if n := pgServer.SQL(t, "postgres", "SELECT deadlocks FROM pg_stat_database WHERE datname = '"+db+"'"); n != "0" {
		t.Errorf("%s deadlocks between the copy and the save", n)
	}
}

// Under sslmode=prefer, a server that refuses TLS and then fails: the error says why
// the attempt without TLS failed, without the refused TLS attempt before it.
// tlsRefusingServer listens on loopback, answers a TLS request with "no" and closes
// every connection; it returns its address.
func tlsRefusingServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 8)
			if _, err := io.ReadFull(c, buf); err == nil && binary.BigEndian.Uint32(buf[4:]) == 80877103 { // SSLRequest
				_, _ = c.Write([]byte("N"))
			}
			_ = c.Close()
		}
	}()
	return ln.Addr().String()
}

// TestPGNoTLSWhereSSLModeRequiresIt: a server that offers no TLS, to a URL whose
// sslmode requires it, is refused as such, not as a server that cannot be reached.
func TestPGNoTLSWhereSSLModeRequiresIt(t *testing.T) {
	s, err := NewPGStore("postgres://ana@"+tlsRefusingServer(t)+"/x?sslmode=require&connect_timeout=5", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s.retryDelays = nil
	defer s.Close()
	_, err = s.Load()
	if !errors.Is(err, ErrNoTLS) || errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "does not offer TLS") {
		t.Errorf("the error: %v; want ErrNoTLS", err)
	}
}

func TestPGConnectErrorLeavesOutTheRefusedTLS(t *testing.T) {
	addr := tlsRefusingServer(t)
	s, err := NewPGStore("postgres://ana@"+addr+"/x?sslmode=prefer&connect_timeout=5", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s.retryDelays = nil
	defer s.Close()
	_, err = s.Load()
	if err == nil {
		t.Fatal("a server that closes every connection, and Load worked")
	}
	if strings.Contains(err.Error(), "refused TLS") || !strings.Contains(err.Error(), "failed to connect to `user=ana database=x`: "+addr) {
		t.Errorf("the error: %q; want the attempt without TLS only", err)
	}
	if !errors.Is(err, ErrUnreachable) {
		t.Errorf("the error: %v; want ErrUnreachable", err)
	}
}

func TestPGRedact(t *testing.T) {
	for _, tt := range []struct{ pw, text, want string }{
		// A password of one letter: the words around it stay as they are.
		{"e", "failed to connect to `user=team database=teamdb`: e", "failed to connect to `user=team database=teamdb`: xxxxx"},
		{"e", "cannot parse `postgres://team:e@127.0.0.1:55519/teamdb`: invalid", "cannot parse `postgres://team:xxxxx@127.0.0.1:55519/teamdb`: invalid"},
		{"e", "host=db password=e user=team", "host=db password=xxxxx user=team"},
		{"s3cr3t-pw", "auth failed for s3cr3t-pw, (s3cr3t-pw)", "auth failed for xxxxx, (xxxxx)"},
		{"s3cr3t-pw", "password='s3cr3t-pw' host=x", "password=xxxxx host=x"},
		{"s3cr3t-pw", `password="s3cr3t-pw"&sslmode=disable`, "password=xxxxx&sslmode=disable"},
		{"s3cr3t-pw", "postgresql://ana:s3cr3t-pw@db/x", "postgresql://ana:xxxxx@db/x"},
		// Whatever the password, these forms are taken out.
		{"", "postgres://ana:other@db/x and password=other2", "postgres://ana:xxxxx@db/x and password=xxxxx"},
		{"pw", "a pwd is not a pw", "a pwd is not a xxxxx"},
	} {
		if got := redact(tt.text, tt.pw); got != tt.want {
			t.Errorf("redact(%q, %q) =\n %q\nwant\n %q", tt.text, tt.pw, got, tt.want)
		}
	}
}

func TestPGNeverShowsPassword(t *testing.T) {
	// Not named after the passwords: t.TempDir is named after the test.
	t.Run("ordinary", func(t *testing.T) { testPGNeverShowsPassword(t, "s3cr3t-pw") })
	t.Run("one-letter", func(t *testing.T) { testPGNeverShowsPassword(t, "e") })
}

func testPGNeverShowsPassword(t *testing.T, pw string) {
	s, err := NewPGStore("postgres://ana:"+pw+"@/nodb?host=/nonexistent-dir&sslmode=disable", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s.retryDelays = nil
	defer s.Close()
	_, loadErr := s.Load()
	_, saveErr := s.Apply(Change{Kind: Check, Key: "k", Step: "a", At: contractT0})
	if loadErr == nil || saveErr == nil {
		t.Fatalf("no server, and yet: %v, %v", loadErr, saveErr)
	}
	// A password of one letter is in many words; as a token, or in the URL, it is not.
	shows := func(text string) bool {
		return strings.Contains(text, ":"+pw+"@") || strings.Contains(text, " "+pw+" ") || len(pw) > 1 && strings.Contains(text, pw)
	}
	texts := []string{s.Path(), loadErr.Error(), saveErr.Error()}
	if len(pw) > 1 {
		texts = append(texts, s.RescuePath())
	}
	for _, text := range texts {
		if shows(text) {
			t.Errorf("the password shows in %q", text)
		}
	}
	if !strings.Contains(loadErr.Error(), "failed to connect to `user=ana database=nodb`") {
		t.Errorf("the message was mangled: %q", loadErr)
	}
	if s.Path() != "postgres://ana@/nodb?host=/nonexistent-dir&sslmode=disable" {
		t.Errorf("Path %q", s.Path())
	}
	if _, err := NewPGStore("postgres://ana:"+pw+"@[bad", t.TempDir()); err == nil || shows(err.Error()) {
		t.Errorf("a URL that does not parse: %v", err)
	}
}

func TestPGServerRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("restarts the test server")
	}
	target := pgServer.URL(t)
	s := openPG(t, target).(*PGStore)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := s.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(Change{Kind: Check, Key: "k", Step: "a", At: contractT0}); err != nil {
		t.Fatal(err)
	}
	drain := func() {
		for {
			select {
			case <-ch:
			case <-time.After(300 * time.Millisecond):
				return
			}
		}
	}
	drain()
	// Down for longer than a save retries: it fails, as the UI expects, and keeps its
	// journal entry only if told to.
	done := make(chan struct{})
	go func() { pgServer.Restart(t, 3*time.Second); close(done) }()
	time.Sleep(500 * time.Millisecond)
	s.retryDelays = []time.Duration{100 * time.Millisecond}
	if _, err := s.Apply(Change{Kind: Check, Key: "k", Step: "b", At: contractT0}); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("a save while the server was down: %v; want ErrUnreachable", err)
	}
	<-done
	// Back: the connections that broke are replaced, and the watcher catches up.
	s.retryDelays = []time.Duration{200 * time.Millisecond, time.Second, 2 * time.Second}
	st, err := s.Apply(Change{Kind: Check, Key: "k", Step: "b", At: contractT0})
	if err != nil {
		t.Fatalf("a save after the server came back: %v", err)
	}
	if !st.Key("k").Current.Checked("a") || !st.Key("k").Current.Checked("b") {
		t.Fatal("lost a check across the restart")
	}
	select {
	case <-ch:
	case <-time.After(15 * time.Second):
		t.Fatal("the watcher did not report after reconnecting")
	}
}

// TestPGWarnsOfAPasswordFileOthersCanRead: a ~/.pgpass (or $PGPASSFILE) others can
// read or write is warned of with the chmod, as libpq refuses such a file; a private
// one is not.
func TestPGWarnsOfAPasswordFileOthersCanRead(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("PGPASSFILE", "")
	pass := filepath.Join(home, ".pgpass")
	if err := os.WriteFile(pass, []byte("localhost:5432:rot:ana:pw\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(pass, 0o644); err != nil {
		t.Fatal(err)
	}
	open := func() *PGStore {
		s, err := NewPGStore("postgres://ana@localhost/rot", t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if w := open().PermissionWarning(); !strings.Contains(w, pass) || !strings.Contains(w, "chmod 600 "+pass) || strings.Contains(w, "ana:pw") {
		t.Errorf("a 0644 ~/.pgpass: warning %q", w)
	}
	if err := os.Chmod(pass, 0o600); err != nil {
		t.Fatal(err)
	}
	if w := open().PermissionWarning(); w != "" {
		t.Errorf("a 0600 ~/.pgpass: warning %q, want none", w)
	}
	other := filepath.Join(home, "team.pgpass")
	if err := os.WriteFile(other, []byte("x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(other, 0o660); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PGPASSFILE", other)
	if w := open().PermissionWarning(); !strings.Contains(w, other) {
		t.Errorf("a 0660 $PGPASSFILE: warning %q", w)
	}
}

// TestPGConnectErrorSaysACauseOnce: under sslmode=prefer a server that cannot be
// reached fails both attempts alike; the message gives the cause once.
func TestPGConnectErrorSaysACauseOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connection refused, twice
	s, err := NewPGStore("postgres://ana@"+addr+"/x?sslmode=prefer&connect_timeout=2", t.TempDir(), WithRetryDelays())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Load()
	if err == nil {
		t.Fatal("no error from a port nothing listens on")
	}
	if n := strings.Count(err.Error(), "connection refused"); n != 1 {
		t.Errorf("the cause is said %d times: %q", n, err)
	}
}
