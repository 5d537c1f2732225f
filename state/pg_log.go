package state

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"github.com/jackc/pgx/v5"
)

// pg_log.go: the database's history as its append-only event log tells it. The keys
// table holds each key's state for the screens; anyone with write access to it could
// change a row. The events table cannot be changed (a trigger refuses UPDATE, DELETE
// and TRUNCATE), so the audit export is built from it: every event is replayed, in the
// order the transactions committed them, with Change.Apply, as the saves applied them.

// EventLog is a store whose history is an append-only log of its changes (the
// database store). Logged replays that log: the state it makes, the keys whose rows
// in the store differ from it (edited outside rotatetui), and those whose rows cannot
// be read at all (damaged), which do not stop it. The export is made from the log.
type EventLog interface {
	Logged() (st *State, differ, damaged []string, err error)
}

var _ EventLog = (*PGStore)(nil)

// copyEvent is the change column of a `state copy` event: the key's whole state as it
// was copied in, which the replay takes as it is.
type copyEvent struct {
	Kind  string          `json:"kind"`
	Key   string          `json:"source"`
	State json.RawMessage `json:"state"`
}

// Logged replays every event, in id order, onto an empty state, and compares the
// result with the keys table, in one read-only transaction so both are of one instant.
// A row that cannot be read is listed in damaged, not compared: the log stands in for
// it.
func (s *PGStore) Logged() (st *State, differ, damaged []string, err error) {
	err = s.withConn("read the event log of", func(ctx context.Context, conn *pgx.Conn) error {
		tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(ctx) }()
		st, err = s.replayLog(ctx, tx)
		if err != nil {
			return err
		}
		q, err := tx.Query(ctx, "SELECT key_id, state::text FROM rotatetui_keys")
		if err != nil {
			return err
		}
		var rows map[string]*KeyState
		if rows, damaged, err = s.scanRowsAll(q, true); err != nil {
			return err
		}
		differ = differingKeys(st.Keys, rows)
		differ = slices.DeleteFunc(differ, func(id string) bool { return slices.Contains(damaged, id) })
		return tx.Commit(ctx)
	})
	if err != nil {
		return nil, nil, nil, err
	}
	return st, differ, damaged, nil
}

// replayLog applies every event to an empty state.
func (s *PGStore) replayLog(ctx context.Context, tx pgx.Tx) (*State, error) {
	rows, err := tx.Query(ctx, "SELECT id, kind, key_id, change::text FROM rotatetui_events ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	st := New()
	var id int64
	var kind, key string
	var data []byte
	for rows.Next() {
		if err := rows.Scan(&id, &kind, &key, &data); err != nil {
			return nil, err
		}
		if err := replayEvent(st, kind, key, data); err != nil {
			return nil, &FileError{Path: fmt.Sprintf("%s, table rotatetui_events, event %d", s.name, id),
				Problem: "cannot be replayed: " + err.Error(), Err: err}
		}
	}
	return st, rows.Err()
}

// replayEvent applies one event: a copy puts the key's state as it was copied; any
// other is a Change, applied as its save applied it.
func replayEvent(st *State, kind, key string, data []byte) error {
	if kind == "copy" {
		var ev copyEvent
		if err := json.Unmarshal(data, &ev); err != nil {
			return err
		}
		if len(ev.State) == 0 {
			return fmt.Errorf("a copy of key %q without the state copied", key)
		}
		ks, err := decodeKey(key, ev.State)
		if err != nil {
			return err
		}
		st.Keys[key] = ks
		return nil
	}
	var c Change
	if p := decodeStrict(data, &c, true); p != nil {
		return p
	}
	_, err := c.Apply(st)
	return err
}

// differingKeys lists, sorted, the keys whose state in the log and in the table differ.
func differingKeys(logged, table map[string]*KeyState) []string {
	var differ []string
	for id := range table {
		if !reflect.DeepEqual(normalKey(logged[id]), normalKey(table[id])) {
			differ = append(differ, id)
		}
	}
	for id := range logged {
		if _, ok := table[id]; !ok && normalKey(logged[id]) != nil {
			differ = append(differ, id)
		}
	}
	slices.Sort(differ)
	return slices.Compact(differ)
}

// normalKey is ks as its row stores it (an encode and decode), nil for nothing
// recorded, so a state built in memory compares with one read back.
func normalKey(ks *KeyState) *KeyState {
	if ks == nil {
		return nil
	}
	data, err := json.Marshal(ks)
	if err != nil {
		return ks
	}
	out := new(KeyState)
	if json.Unmarshal(data, out) != nil {
		return ks
	}
	if reflect.DeepEqual(out, &KeyState{}) {
		return nil
	}
	return out
}
