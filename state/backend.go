package state

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// ErrNotEmpty is wrapped by the error of an Import into a store that already holds
// progress, without overwrite: copying over it would replace someone's record.
var ErrNotEmpty = errors.New("already holds progress")

// Backend is a progress store: where the State lives and the one way to change it.
// The JSON file ([*Store], the default) and a PostgreSQL database ([*PGStore], for a
// team) implement it, with the same guarantees, which one contract test suite checks
// against both; the UI and the commands never know which one they have.
//
//   - Load reads the state as it is now; it changes nothing.
//   - Apply and ApplyEach apply a batch of changes to the state as it is now, all or
//     nothing, and return the state as saved (ApplyEach also says which changes took
//     effect). A batch is journaled locally before the save waits for anything, so a
//     kill -9 loses nothing the screen showed as made (see [Store.ApplyEach]).
//   - Journal, Forget and Recover are the journal: changes held back until an earlier
//     save ends, given up on once a rescue file holds them, and saved at start when
//     a killed process left them.
//   - Watch reports that the state may have changed elsewhere, without polling.
//   - Path names the store for people: a file's path, or a database URL without its
//     password. RescuePath is the local file name that the store's rescue files and
//     journal are named after and record as theirs (see [WriteRescue], [ScanRescues]):
//     the state file itself, or, for a database, a name in the user's state directory.
//   - Import copies a whole state in, all or nothing, for `rotatetui state copy`.
//   - PermissionWarning says what the person should know about who else can read it,
//     CleanTemp removes what a crashed save left, Close releases connections.
type Backend interface {
	Load() (*State, error)
	Apply(changes ...Change) (*State, error)
	ApplyEach(changes ...Change) (*State, []bool, error)
	Journal(changes ...Change) error
	Forget()
	Recover() (int, error)
	Watch(ctx context.Context) (<-chan struct{}, error)
	Path() string
	RescuePath() string
	Import(from *State, overwrite bool, by string) (*State, error)
	PermissionWarning() string
	CleanTemp() error
	Close() error
}

var _ Backend = (*Store)(nil)

// RescuePath is the state file's path: its rescue files lie beside it.
func (s *Store) RescuePath() string { return s.path }

// Close does nothing: a file store holds nothing open between calls.
func (s *Store) Close() error { return nil }

// Import copies every key of from into the file, in one save: keys the file has
// that from lacks stay, and keys in both are refused (ErrNotEmpty) unless overwrite,
// when from's replaces the file's. It returns the state as saved. by, who copies, is
// for a store that logs who did what (the database's events); the file keeps the
// states as they are.
func (s *Store) Import(from *State, overwrite bool, _ string) (*State, error) {
	if err := s.fsys.MkdirAll(s.dir(), 0o700); err != nil {
		return nil, s.saveErr("mkdir", s.dir(), err)
	}
	r, err := s.resolved()
	if err != nil {
		return nil, err
	}
	unlock, err := r.fsys.Lock(r.lockPath(), r.lockTimeout)
	if err != nil {
		return nil, r.saveErr("lock", r.lockPath(), err)
	}
	defer unlock()
	st, prev, version, err := r.read()
	if err != nil {
		return nil, err
	}
	if err := importInto(st, from, overwrite, s.path); err != nil {
		return nil, err
	}
	return r.write(st, prev, version)
}

// importInto copies from's keys into st, refusing a non-empty st unless overwrite.
func importInto(st, from *State, overwrite bool, name string) error {
	if len(st.Keys) > 0 && !overwrite {
		return fmt.Errorf("%s %w (%d keys): copying would replace what is recorded there; copy into an empty store, or pass --overwrite to replace the keys both have", name, ErrNotEmpty, len(st.Keys))
	}
	for _, id := range slices.Sorted(maps.Keys(from.Keys)) {
		st.Keys[id] = from.Keys[id].clone()
	}
	return nil
}
