package state

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rotatetui/rotatetui/state/pgtest"
)

// The contract every store keeps, run against the file store and the PostgreSQL store
// alike: what is saved reads back, concurrent writers lose nothing, data that cannot
// be read is refused and left as it is, rescue files go back where they came from,
// two people starting one key at once leave one rotation, and text is stored verbatim.

// pgServer is the throwaway server of this package's tests, started by the first test
// that needs it.
var pgServer pgtest.Server

func TestMain(m *testing.M) {
	code := m.Run()
	pgServer.Stop()
	os.Exit(code)
}

// kind is one kind of store under contract.
type kind struct {
	name string
	// target makes a new, empty store's location for t: a file path or a database URL.
	target func(t *testing.T) string
	// open opens a store on a location (several may share one, as processes do).
	open func(t *testing.T, target string) Backend
	// corrupt puts data no store can read into the store at target, as a person editing
	// it by hand might, and returns a function reporting whether it is still there as
	// it was put.
	corrupt func(t *testing.T, target string) (unchanged func() bool)
}

var fileKind = kind{
	name:   "file",
	target: func(t *testing.T) string { return filepath.Join(t.TempDir(), "state.json") },
	open:   func(t *testing.T, target string) Backend { return NewStore(target) },
	corrupt: func(t *testing.T, target string) func() bool {
		bad := []byte(`{"version": 2, "keys": {"k": {"current": {"outcome": "in_progress"}}}}`)
		if err := os.WriteFile(target, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		return func() bool {
			got, err := os.ReadFile(target)
			return err == nil && string(got) == string(bad)
		}
	},
}

var pgKind = kind{
	name:   "postgres",
	target: func(t *testing.T) string { return pgServer.URL(t) },
	open:   openPG,
	corrupt: func(t *testing.T, target string) func() bool {
		s := openPG(t, target)
		if _, err := s.Load(); err != nil { // creates the schema
			t.Fatal(err)
		}
		db := dbName(target)
		pgServer.SQL(t, db, `INSERT INTO rotatetui_keys (key_id, state) VALUES ('k', '{"current": {"outcome": "in_progress"}}')`)
		return func() bool {
			return pgServer.SQL(t, db, "SELECT state::text FROM rotatetui_keys WHERE key_id = 'k'") == `{"current": {"outcome": "in_progress"}}`
		}
	},
}

func openPG(t *testing.T, target string) Backend {
	t.Helper()
	s, err := NewPGStore(target, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// dbName is the database of a test URL.
func dbName(target string) string {
	rest := target[strings.Index(target, "@/")+2:]
	return rest[:strings.Index(rest, "?")]
}

var kinds = []kind{fileKind, pgKind}

// forEachKind runs test against every kind of store.
func forEachKind(t *testing.T, test func(t *testing.T, k kind)) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) { test(t, k) })
	}
}

var contractT0 = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

func steps(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("s%03d", i)
	}
	return out
}

func TestContractRoundTrip(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kind) {
		target := k.target(t)
		s := k.open(t, target)
		st, err := s.Load()
		if err != nil || len(st.Keys) != 0 {
			t.Fatalf("a new store: %v, %v; want empty", st, err)
		}
		all := steps(3)
		until := contractT0.Add(time.Hour)
		changes := []Change{
			{Kind: Check, Key: "snowflake/prod", Step: "s000", Steps: all, At: contractT0, By: "ana"},
			{Kind: SetWait, Key: "snowflake/prod", Step: "s000", Steps: all, At: contractT0, By: "ana", Until: &until},
			{Kind: SetNote, Key: "snowflake/prod", Step: "s001", Steps: all, At: contractT0.Add(time.Minute), By: "bo", Text: "new key made"},
			{Kind: Skip, Key: "snowflake/prod", Step: "s002", Steps: all, At: contractT0.Add(2 * time.Minute), By: "bo", Text: "no staging"},
			{Kind: SetPlaceholder, Key: "github", Name: "org", Text: "acme", At: contractT0},
			{Kind: RecordRotated, Key: "github", At: contractT0, By: "ana"},
		}
		saved, applied, err := s.ApplyEach(changes...)
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range applied {
			if !a {
				t.Errorf("change %d did not apply", i)
			}
		}
		again, err := k.open(t, target).Load()
		if err != nil {
			t.Fatal(err)
		}
		want, _ := encode(saved)
		got, _ := encode(again)
		if string(got) != string(want) {
			t.Fatalf("read back:\n%s\nwant (as saved):\n%s", got, want)
		}
		cur := again.Key("snowflake/prod").Current
		if done, _ := cur.Progress(all); done != 2 || cur.Steps["s001"].Note != "new key made" || !cur.Steps["s000"].WaitUntil.Equal(until) {
			t.Fatalf("read back %+v; want s000 checked with its wait, s002 skipped, a note on s001", cur)
		}
	})
}

func TestContractConcurrentWriters(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kind) {
		target := k.target(t)
		all := steps(201) // one more than will be checked: the rotation stays open
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for w := range 4 {
			s := k.open(t, target) // a store each, as processes have
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 50 {
					step := all[w*50+i]
					_, err := s.Apply(Change{Kind: Check, Key: "k", Step: step, Steps: all, At: contractT0.Add(time.Duration(w*50+i) * time.Second), By: fmt.Sprint("w", w)})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		st, err := k.open(t, target).Load()
		if err != nil {
			t.Fatal(err)
		}
		cur := st.Key("k").Current
		if done, _ := cur.Progress(all[:200]); done != 200 {
			t.Fatalf("%d of 200 checks kept", done)
		}
		if len(st.Key("k").History) != 0 {
			t.Fatalf("more than one rotation: %d in the history", len(st.Key("k").History))
		}
	})
}

func TestContractBadDataRefused(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kind) {
		target := k.target(t)
		unchanged := k.corrupt(t, target)
		s := k.open(t, target)
		_, err := s.Load()
		var fe *FileError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "started_at is missing") {
			t.Fatalf("Load: %v; want a *FileError saying started_at is missing", err)
		}
		if _, err := s.Apply(Change{Kind: Check, Key: "k", Step: "a", At: contractT0}); !errors.As(err, &fe) {
			t.Fatalf("Apply: %v; want a *FileError", err)
		}
		if !unchanged() {
			t.Fatal("the data that could not be read was changed")
		}
	})
}

func TestContractInvalidChangeSavesNothing(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kind) {
		target := k.target(t)
		s := k.open(t, target)
		_, err := s.Apply(
			Change{Kind: Check, Key: "k", Step: "a", At: contractT0},
			Change{Kind: SetNote, Key: "k", Step: "a", At: contractT0, Text: "ghp_" + strings.Repeat("a1B2", 9)},
		)
		if !errors.Is(err, ErrInvalidChange) {
			t.Fatalf("a batch with a secret in it: %v; want ErrInvalidChange", err)
		}
		if st, _ := s.Load(); st.Key("k") != nil {
			t.Fatal("half the batch was saved")
		}
	})
}

func TestContractHistoryKept(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kind) {
		target := k.target(t)
		s := k.open(t, target)
		all := steps(1)
		for i := range 3 {
			at := contractT0.Add(time.Duration(i) * time.Hour)
			if _, err := s.Apply(Change{Kind: Check, Key: "k", Step: all[0], Steps: all, At: at, By: "ana"}); err != nil {
				t.Fatal(err)
			}
		}
		st, err := k.open(t, target).Load()
		if err != nil {
			t.Fatal(err)
		}
		if h := st.Key("k").History; len(h) != 3 || !h[2].StartedAt.Equal(contractT0.Add(2*time.Hour)) {
			t.Fatalf("history: %+v; want 3 rotations, oldest first", h)
		}
	})
}

func TestContractRescueGoesBack(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kind) {
		t.Setenv("TMPDIR", t.TempDir())
		target := k.target(t)
		s := k.open(t, target)
		c := Change{Kind: SetNote, Key: "k", Step: "a", At: contractT0, By: "ana", Text: "kept"}
		path, err := WriteRescueFor(s, []Change{c})
		if err != nil {
			t.Fatal(err)
		}
		found, _, err := ScanRescues(s.RescuePath())
		if err != nil || len(found) != 1 || found[0] != path {
			t.Fatalf("ScanRescues: %v, %v; want [%s]", found, err, path)
		}
		r, err := ReadRescue(path)
		if err != nil {
			t.Fatal(err)
		}
		if !r.For(s.RescuePath()) || r.StoreName() != s.Path() {
			t.Fatalf("the rescue file says it is for %q (%q); the store is %q (%q)", r.StateFile, r.StoreName(), s.RescuePath(), s.Path())
		}
		other := k.open(t, k.target(t))
		if r.For(other.RescuePath()) {
			t.Fatalf("a rescue file of %s is taken for one of %s", s.Path(), other.Path())
		}
		if _, err := s.Apply(r.Changes...); err != nil {
			t.Fatal(err)
		}
		if st, _ := k.open(t, target).Load(); st.Key("k").Current.Steps["a"].Note != "kept" {
			t.Fatal("the rescued note was not restored")
		}
	})
}

func TestContractClaimRace(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kind) {
		target := k.target(t)
		all := steps(20)
		const people = 8
		stores := make([]Backend, people)
		for i := range stores {
			stores[i] = k.open(t, target)
			if _, err := stores[i].Load(); err != nil { // connected and migrated: the race is the save
				t.Fatal(err)
			}
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make([]error, people)
		for i, s := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = s.Apply(Change{Kind: Check, Key: "k", Step: all[i], Steps: all, At: contractT0.Add(time.Duration(i) * time.Millisecond), By: fmt.Sprint("person", i)})
			}()
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		st, err := k.open(t, target).Load()
		if err != nil {
			t.Fatal(err)
		}
		ks := st.Key("k")
		if ks.Current == nil || len(ks.History) != 0 {
			t.Fatalf("want exactly one rotation in progress: %+v", ks)
		}
		if done, _ := ks.Current.Progress(all); done != people {
			t.Fatalf("%d of %d people's checks are in the rotation", done, people)
		}
		if !strings.HasPrefix(ks.Current.StartedBy, "person") {
			t.Fatalf("started by %q", ks.Current.StartedBy)
		}
		if k.name == "postgres" {
			claims := pgServer.SQL(t, dbName(target), "SELECT key_id || ' ' || started_by FROM rotatetui_claims")
			if claims != "k "+ks.Current.StartedBy {
				t.Fatalf("claims: %q; want one, by %s", claims, ks.Current.StartedBy)
			}
		}
	})
}

func TestContractTextVerbatim(t *testing.T) {
	texts := []string{
		`'); DROP TABLE rotatetui_keys; --`,
		`"quoted" and 'single' and \backslash\ and $1 and $$dollar$$`,
		"lines\nand\ttabs, ünïcödé, emoji 🔑, <html>&amp;",
		`{"json": "inside", "current": null}`,
	}
	forEachKind(t, func(t *testing.T, k kind) {
		target := k.target(t)
		s := k.open(t, target)
		for i, text := range texts {
			step := fmt.Sprint("step", i)
			if _, err := s.Apply(Change{Kind: SetNote, Key: "k'; --", Step: step, At: contractT0, By: `o'brien "ob"`, Text: text}); err != nil {
				t.Fatal(err)
			}
		}
		st, err := k.open(t, target).Load()
		if err != nil {
			t.Fatal(err)
		}
		for i, text := range texts {
			rec := st.Key("k'; --").Current.Steps[fmt.Sprint("step", i)]
			if rec.Note != text || rec.By != `o'brien "ob"` {
				t.Errorf("note %d: %q by %q; want %q", i, rec.Note, rec.By, text)
			}
		}
	})
}

func TestContractWatchSeesOtherStores(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kind) {
		target := k.target(t)
		s := k.open(t, target)
		if _, err := s.Load(); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ch, err := s.Watch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond) // listening
		if _, err := k.open(t, target).Apply(Change{Kind: Check, Key: "k", Step: "a", At: contractT0}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatal("no notification of another store's save")
		}
		cancel()
		for range ch { // closed once ctx ends
		}
	})
}
