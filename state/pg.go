package state

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// PGStore keeps the state in a PostgreSQL database, for a team sharing one live
// rotation log (see [Backend] for what every store does, and pg_schema.go for the
// tables). Each batch of changes is one transaction: the rows of the keys it touches
// are locked (SELECT … FOR UPDATE), the changes are applied by [Change.Apply], as the
// file store applies them, and the rows, one event per change that took effect and a
// notification to every watcher are written before it commits. What the caller is told
// was saved is committed.
//
// The journal is local, as with the file store: a batch is journaled in the user's
// state directory before its transaction starts, so a rotatetui killed while it waits
// for the server leaves its changes for the next save on this machine to make. Rescue
// files go there too (RescuePath).
//
// A PGStore connects when first used, and keeps a few connections open until Close.
// No message it returns holds the password.
type PGStore struct {
	name     string // Path: the URL as given, without its password
	cfg      *pgx.ConnConfig
	password string // to redact from every error
	passfile string // the password file libpq's conventions name (passfileFor)
	jr       *Store // the local journal: a file store whose file is never written
	pool     *connPool

	migrateMu sync.Mutex
	migrated  bool

	// retryDelays are the waits between attempts of a transaction the server could not
	// run (it is down, restarting, or the connection dropped): a save fails only once
	// they are spent, and the UI then keeps retrying on its own schedule.
	retryDelays []time.Duration
}

var _ Backend = (*PGStore)(nil)

// ErrUnreachable is wrapped by the error of a database store's save or read that
// failed because the server could not be reached, or the connection broke, through
// every retry.
var ErrUnreachable = errors.New("the database server cannot be reached")

// ErrNoTLS is the refusal of a server that offers no TLS while the URL's sslmode
// requires it: the server is up, and retrying will not help.
var ErrNoTLS = errors.New("the database server does not offer TLS, which the URL's sslmode requires")

// pgNotifyChannel is the channel every save notifies and every Watch listens on.
const pgNotifyChannel = "rotatetui_state"

// IsPGURL reports whether spec names a PostgreSQL database rather than a file.
func IsPGURL(spec string) bool {
	return strings.HasPrefix(spec, "postgres://") || strings.HasPrefix(spec, "postgresql://")
}

// connStringKeywords are libpq's connection-string keywords that a file name is most
// unlikely to start with ("host=…", "dbname=…").
var connStringKeywords = []string{"host", "hostaddr", "port", "dbname", "user", "password", "passfile", "sslmode", "service", "connect_timeout", "application_name", "options", "target_session_attrs"}

// IsConnString reports whether spec is a libpq keyword/value connection string
// ("host=db port=5432 dbname=rot"), which rotatetui does not take: it would otherwise be
// a file name, the password it may hold included.
func IsConnString(spec string) bool {
	for _, field := range strings.Fields(spec) {
		key, _, found := strings.Cut(field, "=")
		if found && slices.Contains(connStringKeywords, strings.ToLower(key)) {
			return true
		}
	}
	return false
}

// URLPassword reports whether the URL spec carries a password.
func URLPassword(spec string) bool {
	u, err := url.Parse(spec)
	if err == nil {
		_, has := u.User.Password()
		return has || u.Query().Has("password")
	}
	return strings.Contains(spec, "password=") || strings.Contains(spec, "@") && strings.Count(strings.SplitN(spec, "@", 2)[0], ":") > 1
}

// redactURL is spec without its password, for people: the user name stays.
func redactURL(spec string) string {
	u, err := url.Parse(spec)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	if q := u.Query(); q.Has("password") {
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// NewPGStore returns a store for the database spec names (a postgres:// URL; what it
// leaves out comes from libpq's environment variables, PGHOST, PGUSER, PGDATABASE,
// PGSSLMODE, PGPASSFILE, and ~/.pgpass, as pgx reads them). localDir is the user's
// state directory, where the journal and rescue files go. opts configure the journal
// as they do a file store's (WithJournalKept), and the retries (WithRetryDelays). It
// does no I/O.
func NewPGStore(spec, localDir string, opts ...Option) (*PGStore, error) {
	name := redactURL(spec)
	cfg, err := pgx.ParseConfig(spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", name, redact(err.Error(), ""))
	}
	s := &PGStore{name: name, cfg: cfg, password: cfg.Password, passfile: passfileFor(spec),
		retryDelays: []time.Duration{100 * time.Millisecond, 400 * time.Millisecond, 1500 * time.Millisecond}}
	s.jr = NewStore(filepath.Join(localDir, s.localName()), opts...)
	if s.jr.pgRetry != nil {
		s.retryDelays = s.jr.pgRetry
	}
	s.pool = &connPool{connect: s.connect, idle: make(chan *pgx.Conn, pgMaxConns), slots: make(chan struct{}, pgMaxConns)}
	return s, nil
}

// localName is the file name the database's rescue files and journal are named
// after: the database, and a hash of where it is, so two databases of one name on
// two servers are kept apart.
func (s *PGStore) localName() string {
	where := fmt.Sprintf("%s\x00%d\x00%s\x00%s", s.cfg.Host, s.cfg.Port, s.cfg.Database, s.cfg.User)
	sum := sha256.Sum256([]byte(where))
	db := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s.cfg.Database)
	if len(db) > 40 {
		db = db[:40]
	}
	return "postgres-" + db + "-" + hex.EncodeToString(sum[:4]) + ".json"
}

// Path is the database's URL as given, without its password.
func (s *PGStore) Path() string { return s.name }

// RescuePath is the local name of the database's rescue files and journal.
func (s *PGStore) RescuePath() string { return s.jr.Path() }

// PermissionWarning warns of a connection to another machine that may not be
// encrypted: sslmode=disable never encrypts, and allow and prefer (prefer is libpq's
// and pgx's default) fall back to plaintext without a word when TLS fails, and never
// check the server's certificate, so anyone on the path can read or answer in the
// server's place. The mode is read back from the attempts pgx will make (its
// Fallbacks), which is what the URL, PGSSLMODE and the defaults decided together.
func (s *PGStore) PermissionWarning() string {
	var warnings []string
	for _, w := range []string{s.plaintextWarning(), passfileWarning(s.passfile)} {
		if w != "" {
			warnings = append(warnings, w)
		}
	}
	return strings.Join(warnings, "; ")
}

// passfileFor is the password file libpq's conventions name for the URL spec: its
// passfile, else $PGPASSFILE, else ~/.pgpass ("" without a home).
func passfileFor(spec string) string {
	if u, err := url.Parse(spec); err == nil && u.Query().Get("passfile") != "" {
		return u.Query().Get("passfile")
	}
	if p := os.Getenv("PGPASSFILE"); p != "" {
		return p
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".pgpass")
	}
	return ""
}

// passfileWarning warns of a password file others can read or write, which libpq
// itself would refuse to use; "" when there is none or it is private.
func passfileWarning(path string) string {
	if path == "" {
		return ""
	}
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 == 0 {
		return ""
	}
	return fmt.Sprintf("the password file %s can be read or written by other users (mode %04o), who can then log in to the database as you (libpq itself refuses such a file): chmod 600 %s", path, fi.Mode().Perm(), path)
}

// plaintextWarning warns of a connection to another machine that may not be
// encrypted, "" when every one is local or encrypted.
func (s *PGStore) plaintextWarning() string {
	attempts := append([]*pgconn.FallbackConfig{{Host: s.cfg.Host, Port: s.cfg.Port, TLSConfig: s.cfg.TLSConfig}}, s.cfg.Fallbacks...)
	for i := 0; i < len(attempts); {
		// The attempts of one host are next to each other: [nil] for disable, [nil, TLS]
		// for allow, [TLS, nil] for prefer, [TLS] for the others.
		host := attempts[i]
		var modes []bool // TLS or not, in the order tried
		for ; i < len(attempts) && attempts[i].Host == host.Host && attempts[i].Port == host.Port; i++ {
			modes = append(modes, attempts[i].TLSConfig != nil)
		}
		if localHost(host.Host) || !slices.Contains(modes, false) {
			continue
		}
		mode := "disable"
		switch {
		case len(modes) == 2 && modes[0]:
			mode = "prefer"
		case len(modes) == 2:
			mode = "allow"
		}
		if mode == "disable" {
			return fmt.Sprintf("the connection to %s is not encrypted (sslmode=disable): anyone on the network can read which keys were rotated when; use sslmode=require (or verify-full)", host.Host)
		}
		return fmt.Sprintf("the connection to %s may not be encrypted (sslmode=%s falls back to plaintext without a word, and never checks the server's certificate): anyone on the network can read which keys were rotated when; use sslmode=require (or verify-full)", host.Host, mode)
	}
	return ""
}

// localHost reports whether host is this machine: a unix socket's directory, or a
// loopback name or address.
func localHost(host string) bool {
	if strings.HasPrefix(host, "/") || host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CleanTemp removes what a killed process left half written in the local journal.
func (s *PGStore) CleanTemp() error { return nil }

// Close closes the store's connections.
func (s *PGStore) Close() error {
	s.pool.close()
	return nil
}

// Journal writes changes to the local journal without saving them (see [Store.Journal]).
func (s *PGStore) Journal(changes ...Change) error {
	if err := os.MkdirAll(filepath.Dir(s.jr.Path()), 0o700); err != nil {
		return fmt.Errorf("journal of %s: %w", s.name, err)
	}
	return s.jr.Journal(changes...)
}

// Forget drops the local journal entries the store holds (see [Store.Forget]).
func (s *PGStore) Forget() { s.jr.Forget() }

// Load reads every key's row.
func (s *PGStore) Load() (*State, error) {
	var st *State
	err := s.withConn("read", func(ctx context.Context, conn *pgx.Conn) error {
		var err error
		st, err = s.readAll(ctx, conn, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	// Changes a killed process journaled here are shown as the next save will make them.
	if orphans, _ := s.jr.orphans(); len(orphans) > 0 {
		replay(st, orphans)
	}
	return st, nil
}

// Apply is ApplyEach without the report of which changes took effect.
func (s *PGStore) Apply(changes ...Change) (*State, error) {
	st, _, err := s.ApplyEach(changes...)
	return st, err
}

// ApplyEach applies the changes in one transaction, after those a killed process
// journaled on this machine, and returns the state as committed (see [Store.ApplyEach]).
func (s *PGStore) ApplyEach(changes ...Change) (*State, []bool, error) {
	st, applied, _, err := s.save(changes)
	return st, applied, err
}

// Recover saves what processes killed on this machine journaled (see [Store.Recover]).
func (s *PGStore) Recover() (int, error) {
	if found, stray := s.jr.orphans(); len(found) == 0 && len(stray) == 0 {
		return 0, nil
	}
	_, _, n, err := s.save(nil)
	return n, err
}

func (s *PGStore) save(changes []Change) (st *State, applied []bool, replayed int, err error) {
	for i, c := range changes {
		if err := c.validate(); err != nil {
			return nil, nil, 0, fmt.Errorf("save %s: change %d of %d: %w (nothing saved)", s.name, i+1, len(changes), err)
		}
	}
	var own *journalEntry
	if mkErr := os.MkdirAll(filepath.Dir(s.jr.Path()), 0o700); mkErr == nil {
		own = s.jr.journal(changes)
	} else {
		enc, _ := encodeEach(changes)
		own = &journalEntry{changes: enc}
	}
	orphans, stray := s.jr.orphans()
	err = s.withConn("save", func(ctx context.Context, conn *pgx.Conn) error {
		var err error
		st, applied, err = s.saveTx(ctx, conn, orphans, changes)
		return err
	})
	s.jr.settle(own, err)
	if err != nil {
		return nil, nil, 0, err
	}
	removeAll(orphans, stray)
	return st, applied, len(orphans), nil
}

// saveTx is one attempt at the transaction of a save.
func (s *PGStore) saveTx(ctx context.Context, conn *pgx.Conn, orphans []orphan, changes []Change) (*State, []bool, error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = tx.Rollback(ctx) }()

	touched := map[string]bool{}
	for _, c := range changes {
		touched[c.Key] = true
	}
	for _, o := range orphans {
		for _, c := range o.changes {
			touched[c.Key] = true
		}
	}
	ids := slices.Sorted(maps.Keys(touched))
	before, err := s.lockKeys(ctx, tx, ids)
	if err != nil {
		return nil, nil, err
	}
	st := &State{Version: currentVersion, Keys: map[string]*KeyState{}}
	for id, ks := range before {
		st.Keys[id] = ks.clone()
	}
	var events []Change
	replayEach(st, orphans, func(c Change) { events = append(events, c) })
	applied := make([]bool, len(changes))
	for i, c := range changes {
		ch, err := c.Apply(st)
		if err != nil {
			return nil, nil, fmt.Errorf("save %s: change %d of %d: %w (nothing saved)", s.name, i+1, len(changes), err)
		}
		applied[i] = ch
		if ch {
			events = append(events, c)
		}
	}
	others, err := s.writeAndReadOthers(ctx, tx, ids, before, st, events)
	if err != nil {
		return nil, nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, nil, err
	}
	for id, ks := range others {
		st.Keys[id] = ks
	}
	return st, applied, nil
}

// writeAndReadOthers writes what the save changed (the rows of the keys in ids whose
// state changed, their claims, one event per change that took effect, the
// notification; nothing when events is empty) and reads the rows of the other keys, in
// one round trip: a save is then four (BEGIN, the locks, this, COMMIT) whatever it
// writes. An error of any statement (a claim another save made first) is the batch's.
func (s *PGStore) writeAndReadOthers(ctx context.Context, tx pgx.Tx, ids []string, before map[string]*KeyState, st *State, events []Change) (others map[string]*KeyState, err error) {
	b := &pgx.Batch{}
	if len(events) > 0 {
		if err := s.queueKeys(b, ids, before, st); err != nil {
			return nil, err
		}
		if err := s.queueEvents(b, events); err != nil {
			return nil, err
		}
		b.Queue("SELECT pg_notify($1, '')", pgNotifyChannel)
	}
	writes := b.Len()
	b.Queue("SELECT key_id, state::text FROM rotatetui_keys WHERE NOT (key_id = ANY($1))", ids)
	br := tx.SendBatch(ctx, b)
	defer func() {
		if cerr := br.Close(); err == nil && cerr != nil {
			others, err = nil, cerr
		}
	}()
	for range writes {
		if _, err := br.Exec(); err != nil {
			return nil, err
		}
	}
	q, err := br.Query()
	if err != nil {
		return nil, err
	}
	return s.scanRows(q)
}

// lockKeys checks that the schema is still one this build writes (pgSchemaShared) and
// reads and locks the rows of the keys in ids, in one round trip.
func (s *PGStore) lockKeys(ctx context.Context, tx pgx.Tx, ids []string) (rows map[string]*KeyState, err error) {
	b := &pgx.Batch{}
	b.Queue(pgSchemaShared)
	// Locked in key order, so two saves that touch the same keys never deadlock.
	b.Queue("SELECT key_id, state::text FROM rotatetui_keys WHERE key_id = ANY($1) ORDER BY key_id FOR UPDATE", ids)
	br := tx.SendBatch(ctx, b)
	defer func() {
		if cerr := br.Close(); err == nil && cerr != nil {
			rows, err = nil, cerr
		}
	}()
	if err := s.checkSchemaRow(br.QueryRow()); err != nil {
		return nil, err
	}
	q, err := br.Query()
	if err != nil {
		return nil, err
	}
	return s.scanRows(q)
}

// queueKeys queues the writes of the rows of the keys in ids whose state changed, and
// of their claims. A key that had no row is inserted, never upserted: when another save
// inserted it first, the unique violation makes this transaction start again on what
// that one committed, as does a claim another save made first.
func (s *PGStore) queueKeys(b *pgx.Batch, ids []string, before map[string]*KeyState, st *State) error {
	for _, id := range ids {
		old, now := before[id], st.Keys[id]
		if now == nil {
			continue // untouched after all (a no-op on a key with no row)
		}
		data, err := encodeKey(id, now)
		if err != nil {
			return fmt.Errorf("save %s: %w", s.name, err)
		}
		if old != nil {
			if prev, _ := encodeKey(id, old); bytes.Equal(prev, data) {
				continue
			}
			b.Queue("UPDATE rotatetui_keys SET state = $2::jsonb, updated_at = now() WHERE key_id = $1", id, string(data))
		} else {
			b.Queue("INSERT INTO rotatetui_keys (key_id, state) VALUES ($1, $2::jsonb)", id, string(data))
		}
		queueClaim(b, id, old.current(), now.current())
	}
	return nil
}

// queueClaim queues what keeps the key's claim the rotation in progress, if any.
func queueClaim(b *pgx.Batch, id string, old, now *Rotation) {
	if old != nil && now != nil && old.StartedAt.Equal(now.StartedAt) {
		return
	}
	if old != nil {
		b.Queue("DELETE FROM rotatetui_claims WHERE key_id = $1", id)
	}
	if now != nil {
		b.Queue("INSERT INTO rotatetui_claims (key_id, started_at, started_by) VALUES ($1, $2, $3)", id, now.StartedAt, now.StartedBy)
	}
}

// writeClaim keeps the key's claim the rotation in progress, if any.
func writeClaim(ctx context.Context, tx pgx.Tx, id string, old, now *Rotation) error {
	same := old != nil && now != nil && old.StartedAt.Equal(now.StartedAt)
	if same {
		return nil
	}
	if old != nil {
		if _, err := tx.Exec(ctx, "DELETE FROM rotatetui_claims WHERE key_id = $1", id); err != nil {
			return err
		}
	}
	if now != nil {
		_, err := tx.Exec(ctx, "INSERT INTO rotatetui_claims (key_id, started_at, started_by) VALUES ($1, $2, $3)", id, now.StartedAt, now.StartedBy)
		return err
	}
	return nil
}

// queueEvents queues the append of one event per change that took effect.
func (s *PGStore) queueEvents(b *pgx.Batch, events []Change) error {
	n := len(events)
	at, actor, key, step, kind, change := make([]time.Time, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, c := range events {
		data, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("save %s: %w", s.name, err)
		}
		at[i], actor[i], key[i], step[i], kind[i], change[i] = c.At, c.By, c.Key, c.Step, string(c.Kind), string(data)
	}
	b.Queue(`INSERT INTO rotatetui_events (at, actor, key_id, step, kind, change)
		SELECT a, b, c, d, e, f::jsonb FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(a, b, c, d, e, f)`,
		at, actor, key, step, kind, change)
	return nil
}

// encodeKey is the JSON of a key's row, checked to read back as it is: a bug that
// breaks an invariant is refused here rather than written for every later run to refuse.
func encodeKey(id string, ks *KeyState) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ks); err != nil {
		return nil, err
	}
	data := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if strings.ContainsRune(id, 0) {
		return nil, fmt.Errorf("key %q: its id %w", id, ErrNUL)
	}
	if bytes.Contains(data, []byte(`\u0000`)) { // or a text holding a backslash and "u0000"
		var tree any
		if err := json.Unmarshal(data, &tree); err == nil {
			if where := findNUL(tree, nil); where != nil {
				return nil, fmt.Errorf("key %q: %s %w", id, nulPlace(where), ErrNUL)
			}
		}
	}
	if _, err := decodeKey(id, data); err != nil {
		return nil, fmt.Errorf("refusing to write key %q, which would not load: %w", id, err)
	}
	return data, nil
}

// ErrNUL is wrapped by the error of a database store's save or copy of a state holding
// a NUL character: PostgreSQL cannot store one (jsonb and text refuse it), and the file
// store, which can, may hold one written before changes with a NUL were refused. The
// error names the key and where in it.
var ErrNUL = errors.New("contains a NUL character, which PostgreSQL cannot store")

// findNUL is the place, in words, of the first text (or name) of a key's JSON tree
// holding a NUL, nil when none does.
func findNUL(v any, path []string) []string {
	switch v := v.(type) {
	case string:
		if strings.ContainsRune(v, 0) {
			return path
		}
	case []any:
		for i, e := range v {
			if len(path) == 0 {
				return nil // a key's tree is an object
			}
			where := fmt.Sprintf("item %d of %s", i+1, path[len(path)-1])
			if path[len(path)-1] == "history" {
				where = fmt.Sprintf("finished rotation %d", i+1)
			}
			if p := findNUL(e, append(slices.Clone(path[:len(path)-1]), where)); p != nil {
				return p
			}
		}
	case map[string]any:
		parent := ""
		if len(path) > 0 {
			parent = path[len(path)-1]
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			seg := k
			switch parent {
			case "steps":
				seg = fmt.Sprintf("step %q", k)
			case "placeholders":
				seg = fmt.Sprintf("value %q", k)
			}
			next := append(slices.Clone(path), seg)
			if parent == "steps" || parent == "placeholders" {
				next = append(slices.Clone(path[:len(path)-1]), seg)
			}
			if k == "current" && parent == "" {
				next = append(slices.Clone(path), "the rotation in progress")
			}
			if strings.ContainsRune(k, 0) {
				return next
			}
			if p := findNUL(v[k], next); p != nil {
				return p
			}
		}
	}
	return nil
}

// nulPlace words findNUL's path: `the rotation in progress, step "login", the field
// "note"`.
func nulPlace(where []string) string {
	if last := where[len(where)-1]; !strings.Contains(last, " ") {
		where = append(slices.Clone(where[:len(where)-1]), fmt.Sprintf("the field %q", last))
	}
	return strings.Join(where, ", ")
}

// decodeKey reads a key's row as strictly as the file store reads a file: unknown
// fields, wrong shapes and broken invariants are refused.
func decodeKey(id string, data []byte) (*KeyState, error) {
	ks, ok := fastDecodeKey(data)
	if !ok {
		// Declined by the fast reader (a field it does not read, or bad data): the
		// strict decoder reads it, or words what is wrong.
		ks = new(KeyState)
		if p := decodeStrict(data, ks, true); p != nil {
			return nil, p
		}
	}
	if err := validateEntries("keys", map[string]*KeyState{id: ks}); err != nil {
		return nil, err
	}
	return ks, nil
}

// readAll reads every row into a State, after checking in the same round trip that
// the schema is not newer than this build's: a running rotatetui reads again on every
// notification, and rows a newer build wrote would be misread.
func (s *PGStore) readAll(ctx context.Context, conn *pgx.Conn, _ []string) (st *State, err error) {
	b := &pgx.Batch{}
	b.Queue("SELECT version, state_format FROM rotatetui_schema")
	b.Queue("SELECT key_id, state::text FROM rotatetui_keys")
	br := conn.SendBatch(ctx, b)
	defer func() {
		if cerr := br.Close(); err == nil && cerr != nil {
			st, err = nil, cerr
		}
	}()
	if err := s.checkSchemaRow(br.QueryRow()); err != nil {
		return nil, err
	}
	q, err := br.Query()
	if err != nil {
		return nil, err
	}
	rows, err := s.scanRows(q)
	if err != nil {
		return nil, err
	}
	return &State{Version: currentVersion, Keys: rows}, nil
}

// querier is what readRows needs of a connection or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// readRows runs a query of (key_id, state) rows and decodes each; a row that cannot be
// read is refused with a [*FileError] naming the database and the key, and nothing
// else is read.
func (s *PGStore) readRows(ctx context.Context, q querier, sql string, args ...any) (map[string]*KeyState, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return s.scanRows(rows)
}

// scanRows decodes (key_id, state) rows, as readRows does, and closes them.
func (s *PGStore) scanRows(rows pgx.Rows) (map[string]*KeyState, error) {
	out, _, err := s.scanRowsAll(rows, false)
	return out, err
}

// scanRowsAll is scanRows that, when lenient, reads past the rows it cannot decode and
// lists their keys in damaged, for a reader with another source of truth (the event
// log, pg_log.go).
func (s *PGStore) scanRowsAll(rows pgx.Rows, lenient bool) (out map[string]*KeyState, damaged []string, err error) {
	defer rows.Close()
	out = map[string]*KeyState{}
	var id string
	var data []byte
	for rows.Next() {
		if err := rows.Scan(&id, &data); err != nil {
			return nil, nil, err
		}
		ks, err := decodeKey(id, data)
		if err != nil && lenient {
			damaged = append(damaged, id)
			continue
		}
		if err != nil {
			return nil, nil, &FileError{Path: fmt.Sprintf("%s, table rotatetui_keys, key %q", s.name, id),
				Problem: "invalid content: " + err.Error() + "; the rows were left exactly as they are", Err: fmt.Errorf("%w: %w", ErrDamagedRow, err)}
		}
		out[id] = ks
	}
	slices.Sort(damaged)
	return out, damaged, rows.Err()
}

// ErrDamagedRow is wrapped by the [*FileError] of a database store's read that found
// a key's row it cannot decode (changed by hand, or damaged): the other rows, and the
// event log, may still be read.
var ErrDamagedRow = errors.New("a key's row cannot be read")

// ErrAccessDenied is wrapped by the error of a database store's save or read that the
// server refused to let in: a wrong password, a role it does not know, or one that
// pg_hba.conf does not admit.
var ErrAccessDenied = errors.New("the database server refused the role")

// Import copies every key of from into the database in one transaction, with the
// table locked against saves meanwhile (see [Store.Import]); each key copied is one
// event, of kind "copy".
func (s *PGStore) Import(from *State, overwrite bool, by string) (*State, error) {
	var st *State
	err := s.withConn("copy into", func(ctx context.Context, conn *pgx.Conn) error {
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(ctx) }()
		// EXCLUSIVE, which conflicts with the ROW SHARE lock of a save's SELECT … FOR
		// UPDATE: the copy waits for the saves under way and they for it. (SHARE ROW
		// EXCLUSIVE let a save lock its rows first, and the two deadlocked.)
		if _, err := tx.Exec(ctx, "LOCK TABLE rotatetui_keys IN EXCLUSIVE MODE"); err != nil {
			return err
		}
		if err := s.checkSchemaRow(tx.QueryRow(ctx, pgSchemaShared)); err != nil {
			return err
		}
		before, err := s.readRows(ctx, tx, "SELECT key_id, state::text FROM rotatetui_keys")
		if err != nil {
			return err
		}
		st = &State{Version: currentVersion, Keys: maps.Clone(before)}
		if err := importInto(st, from, overwrite, s.name); err != nil {
			return err
		}
		ids := slices.Sorted(maps.Keys(from.Keys))
		for _, id := range ids {
			data, err := encodeKey(id, st.Keys[id])
			if err != nil {
				return fmt.Errorf("copy into %s: %w", s.name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO rotatetui_keys (key_id, state) VALUES ($1, $2::jsonb)
				ON CONFLICT (key_id) DO UPDATE SET state = excluded.state, updated_at = now()`, id, string(data)); err != nil {
				return err
			}
			if err := writeClaim(ctx, tx, id, before[id].current(), st.Keys[id].current()); err != nil {
				return err
			}
			// The event holds the state copied in: the log alone tells the history
			// (pg_log.go).
			if _, err := tx.Exec(ctx, `INSERT INTO rotatetui_events (at, actor, key_id, step, kind, change)
				VALUES (now(), $3, $1, '', 'copy', jsonb_build_object('kind', 'copy', 'source', $1::text, 'state', $2::jsonb))`, id, string(data), by); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, "SELECT pg_notify($1, '')", pgNotifyChannel); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// withConn runs fn on a connection with the schema migrated, and runs it again on a
// fresh connection, after a wait, when the server could not be reached or the
// connection broke, and at once when it lost a race to another transaction (a unique
// violation, a serialization failure or a deadlock): fn is a whole transaction.
func (s *PGStore) withConn(op string, fn func(ctx context.Context, conn *pgx.Conn) error) error {
	ctx := context.Background()
	delays := s.retryDelays
	races := 0
	for {
		err := s.attempt(ctx, fn)
		if err == nil {
			return nil
		}
		switch {
		case ours(err):
			return err
		case lostRace(err) && races < 20:
			races++
			continue
		case transient(err) && len(delays) > 0:
			time.Sleep(delays[0])
			delays = delays[1:]
			continue
		}
		return s.errorf(op, err)
	}
}

// attempt is one try of withConn.
func (s *PGStore) attempt(ctx context.Context, fn func(ctx context.Context, conn *pgx.Conn) error) error {
	conn, err := s.pool.get(ctx)
	if err != nil {
		return err
	}
	err = s.ensureSchema(ctx, conn)
	if err == nil {
		err = fn(ctx, conn)
	}
	s.pool.put(conn, err)
	return err
}

// ensureSchema migrates the schema the first time the store is used.
func (s *PGStore) ensureSchema(ctx context.Context, conn *pgx.Conn) error {
	s.migrateMu.Lock()
	defer s.migrateMu.Unlock()
	if s.migrated {
		return nil
	}
	if err := s.migrate(ctx, conn); err != nil {
		if errors.Is(err, ErrNewerVersion) {
			return &FileError{Path: s.name, Problem: err.Error(), Err: err}
		}
		return err
	}
	s.migrated = true
	return nil
}

// ours reports whether err is this package's refusal, not the server's or the
// connection's: it is final, and says what it means without a prefix.
func ours(err error) bool {
	var fe *FileError
	return errors.Is(err, ErrInvalidChange) || errors.Is(err, ErrNewerVersion) || errors.Is(err, ErrNotEmpty) || errors.Is(err, ErrNUL) || errors.As(err, &fe)
}

// usable reports whether a connection whose use ended with err can be used again:
// the server refused something (the transaction was rolled back), or this package did.
func usable(err error) bool {
	var pe *pgconn.PgError
	return err == nil || ours(err) || errors.As(err, &pe) && !transient(err)
}

// lostRace reports whether err is another transaction winning: run it again.
func lostRace(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "23505", "40001", "40P01": // unique_violation, serialization_failure, deadlock_detected
		return true
	}
	return false
}

// transient reports whether err is the server or the connection failing, rather than
// the server refusing the transaction: worth another attempt after a wait.
func transient(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exception; 57P: the server is shutting down or starting.
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P")
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		pgconn.SafeToRetry(err) || pgconn.Timeout(err) || strings.Contains(err.Error(), "conn closed")
}

// errorf is err as the caller sees it: naming the database, never its password.
func (s *PGStore) errorf(op string, err error) error {
	var pe *pgconn.PgError
	switch {
	case strings.Contains(errorText(err), "server refused TLS connection"):
		// Every attempt was refused so (errorText keeps it only then): sslmode asks
		// for TLS, and the server has none.
		err = fmt.Errorf("%w: %w", ErrNoTLS, err)
	case transient(err):
		err = fmt.Errorf("%w: %w", ErrUnreachable, err)
	case errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "28") || pe.Code == "3D000"):
		// Class 28: invalid authorization (password, role, pg_hba.conf); 3D000: no such
		// database.
		err = fmt.Errorf("%w: %w", ErrAccessDenied, err)
	}
	return &redactedError{msg: op + " " + s.name + ": " + redact(errorText(err), s.password), err: err}
}

// errorText is err's text without the attempts that only say a server refused TLS:
// under sslmode=prefer (the default) every connection error would start with that
// first attempt, before the one that matters, made without TLS. When every attempt
// was refused so, the text is as it is.
func errorText(err error) string {
	text := err.Error()
	var ce *pgconn.ConnectError
	if !errors.As(err, &ce) {
		return text
	}
	joined, ok := ce.Unwrap().(interface{ Unwrap() []error })
	if !ok {
		return text
	}
	var kept []string
	for _, e := range joined.Unwrap() {
		// The refused TLS attempt of sslmode=prefer says nothing of the cause, and the
		// plaintext attempt after a failed TLS one repeats the same cause.
		if msg := e.Error(); !strings.Contains(msg, "server refused TLS connection") && !slices.Contains(kept, msg) {
			kept = append(kept, msg)
		}
	}
	if len(kept) == 0 || len(kept) == len(joined.Unwrap()) {
		return text
	}
	shorter := fmt.Sprintf("failed to connect to `user=%s database=%s`: %s", ce.Config.User, ce.Config.Database, strings.Join(kept, "; "))
	return strings.Replace(text, ce.Error(), shorter, 1)
}

// redactedError is an error whose text had the password taken out.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redact takes out of text the places a password can be: the user info of a URL
// (postgres://user:PASSWORD@host), a password=PASSWORD setting (quoted or not), and
// password itself where it stands as a whole token. Only a whole token: a password
// of one letter replaced inside every word would both mangle the message and, by
// what it replaced, give the password away.
func redact(text, password string) string {
	text = pgURLUserinfo.ReplaceAllString(text, "${1}:xxxxx@")
	text = pgPasswordSetting.ReplaceAllString(text, "${1}xxxxx")
	if password == "" {
		return text
	}
	var b strings.Builder
	for {
		i := strings.Index(text, password)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		end := i + len(password)
		before, _ := utf8.DecodeLastRuneInString(text[:i])
		after, _ := utf8.DecodeRuneInString(text[end:])
		b.WriteString(text[:i])
		if i > 0 && wordRune(before) || end < len(text) && wordRune(after) {
			b.WriteString(password) // part of a longer word: not the password
		} else {
			b.WriteString("xxxxx")
		}
		text = text[end:]
	}
}

// wordRune reports whether r continues a word, so a password found next to it is only
// part of something else.
func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'
}

var (
	// pgURLUserinfo is the user and password of a postgres:// URL.
	pgURLUserinfo = regexp.MustCompile(`((?i:postgres(?:ql)?)://[^:/@\s]*):[^@\s]*@`)
	// pgPasswordSetting is a password setting of a connection string: password=…,
	// unquoted up to a space or an &, or in quotes.
	pgPasswordSetting = regexp.MustCompile(`((?i:password)\s*=\s*)(?:'(?:[^'\\]|\\.)*'|"[^"]*"|[^\s&'"]+)`)
)
