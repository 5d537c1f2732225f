package state

import "context"

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
	PermissionWarning() string
	CleanTemp() error
	Close() error
}

var _ Backend = (*Store)(nil)

// RescuePath is the state file's path: its rescue files lie beside it.
func (s *Store) RescuePath() string { return s.path }

// Close does nothing: a file store holds nothing open between calls.
func (s *Store) Close() error { return nil }
