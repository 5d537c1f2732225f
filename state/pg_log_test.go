package state

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"
)

// TestPGLogTellsTheHistory: the state replayed from the event log is the state the
// keys table holds, after every kind of change, a copy and a concurrent start; and a
// row changed by hand is named, while the log still tells what was recorded.
func TestPGLogTellsTheHistory(t *testing.T) {
	target := pgServer.URL(t)
	s := openPG(t, target).(*PGStore)
	all := steps(3)
	at := func(min int) time.Time { return contractT0.Add(time.Duration(min) * time.Minute) }
	started := at(0)
	for _, batch := range [][]Change{
		{{Kind: Check, Key: "k", Step: all[0], Steps: all, At: at(0), By: "ana"}},
		{{Kind: SetNote, Key: "k", Step: all[0], Steps: all, At: at(1), By: "bo", Text: "it's done; DROP TABLE x; --"}},
		{{Kind: Skip, Key: "k", Step: all[1], Steps: all, At: at(2), By: "ana", Text: "no access"}},
		{{Kind: Check, Key: "k", Step: all[2], Steps: all, At: at(3), By: "ana"}}, // completes
		{{Kind: Reopen, Key: "k", At: at(4), By: "ana", Started: &started}},
		{{Kind: Uncheck, Key: "k", Step: all[2], Steps: all, At: at(5), By: "ana"}},
		{{Kind: Reset, Key: "k", At: at(6), By: "ana"}},
		{{Kind: SetPlaceholder, Key: "k", Name: "org", Text: "acme", At: at(7)}},
		{{Kind: RecordRotated, Key: "other", At: at(8), By: "cy"}},
		{{Kind: Check, Key: "k", Step: all[0], Steps: all, At: at(9), By: "bo"}},
	} {
		if _, err := s.Apply(batch...); err != nil {
			t.Fatal(err)
		}
	}
	copied := New()
	if _, err := (Change{Kind: Check, Key: "copied", Step: all[0], Steps: all, At: at(10), By: "dee"}).Apply(copied); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(copied, true, "ana"); err != nil { // into a store that holds progress already
		t.Fatal(err)
	}
	if who := pgServer.SQL(t, dbName(target), "SELECT actor FROM rotatetui_events WHERE kind = 'copy'"); who != "ana" {
		t.Errorf("the copy's event is by %q, want ana: who copied", who)
	}
	loaded, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	logged, differ, damaged, err := s.Logged()
	if err != nil {
		t.Fatal(err)
	}
	if len(differ) > 0 || len(damaged) > 0 || !reflect.DeepEqual(normalKeys(logged), normalKeys(loaded)) {
		t.Fatalf("the log tells another state (differ %v):\nlog   %+v\ntable %+v", differ, logged.Keys["k"], loaded.Keys["k"])
	}
	if h := logged.Key("k").History; len(h) != 1 || h[0].Outcome != Abandoned {
		t.Fatalf("the log's history of k: %+v, want the reopened rotation abandoned", h)
	}

	// Someone with write access to the table rewrites k's history away.
	pgServer.SQL(t, dbName(target), `UPDATE rotatetui_keys SET state = state - 'history' WHERE key_id = 'k'`)
	logged, differ, damaged, err = s.Logged()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(differ, []string{"k"}) || len(damaged) > 0 {
		t.Errorf("differ = %v, damaged = %v, want [k] and none", differ, damaged)
	}
	if h := logged.Key("k").History; len(h) != 1 {
		t.Errorf("after the table was changed, the log's history of k is %+v", h)
	}

	// A row no build could read: Load refuses it, the log still tells everything.
	pgServer.SQL(t, dbName(target), `UPDATE rotatetui_keys SET state = '{"bogus": 1}' WHERE key_id = 'other'`)
	if _, err := s.Load(); !errors.Is(err, ErrDamagedRow) {
		t.Fatalf("Load of a damaged row: %v; want ErrDamagedRow", err)
	}
	logged, differ, damaged, err = s.Logged()
	if err != nil {
		t.Fatalf("Logged with a damaged row: %v", err)
	}
	if !slices.Equal(differ, []string{"k"}) || !slices.Equal(damaged, []string{"other"}) {
		t.Errorf("differ = %v, damaged = %v, want [k] and [other]", differ, damaged)
	}
	if logged.Key("other").LastRotated == nil {
		t.Error("the log lost the damaged key's date rotated by hand")
	}
}

// normalKeys is st's keys as their rows store them, for comparing a replayed state
// with a loaded one.
func normalKeys(st *State) map[string]*KeyState {
	out := map[string]*KeyState{}
	for id, ks := range st.Keys {
		if n := normalKey(ks); n != nil {
			out[id] = n
		}
	}
	return out
}
