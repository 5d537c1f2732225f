package state

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// The database's schema is created and migrated by rotatetui itself: pgMigrations[v]
// takes a database at schema version v to v+1, and the schema version this build
// writes is len(pgMigrations). Every table's name starts with rotatetui_, so the
// database can be shared with other things.
//
//   - rotatetui_schema: one row, the schema version and the format version (Version)
//     of the JSON the rows hold; a database ahead of this build in either is refused.
//   - rotatetui_keys: one row per key, its KeyState as JSON exactly as the file store
//     writes it under "keys", so a field added to KeyState, Rotation or StepRecord
//     needs no new column.
//   - rotatetui_events: every change that took effect, one row each, written in the
//     transaction that made it; a trigger refuses UPDATE, DELETE and TRUNCATE.
//   - rotatetui_claims (version 2): the rotation in progress of each key, by whom. Its
//     primary key is what decides when two people start the same key at once: the
//     second transaction to insert fails, and is retried on the state the first left.
var pgMigrations = []string{
	// 1: keys and their append-only history.
	`CREATE TABLE rotatetui_schema (
		version integer NOT NULL,
		state_format integer NOT NULL
	);
	CREATE TABLE rotatetui_keys (
		key_id text PRIMARY KEY,
		state jsonb NOT NULL,
		updated_at timestamptz NOT NULL DEFAULT now()
	);
	CREATE TABLE rotatetui_events (
		id bigserial PRIMARY KEY,
		recorded_at timestamptz NOT NULL DEFAULT now(),
		at timestamptz NOT NULL,
		actor text NOT NULL,
		key_id text NOT NULL,
		step text NOT NULL,
		kind text NOT NULL,
		change jsonb NOT NULL
	);
	CREATE INDEX rotatetui_events_key ON rotatetui_events (key_id, id);
	CREATE FUNCTION rotatetui_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		RAISE EXCEPTION 'rotatetui_events is append-only: % refused', TG_OP;
	END $$;
	CREATE TRIGGER rotatetui_events_append_only
		BEFORE UPDATE OR DELETE OR TRUNCATE ON rotatetui_events
		FOR EACH STATEMENT EXECUTE FUNCTION rotatetui_events_append_only();`,
	// 2: claims, filled from the rotations already in progress.
	`CREATE TABLE rotatetui_claims (
		key_id text PRIMARY KEY,
		started_at timestamptz NOT NULL,
		started_by text NOT NULL,
		claimed_at timestamptz NOT NULL DEFAULT now()
	);
	INSERT INTO rotatetui_claims (key_id, started_at, started_by)
		SELECT key_id, (state->'current'->>'started_at')::timestamptz, coalesce(state->'current'->>'started_by', '')
		FROM rotatetui_keys WHERE jsonb_typeof(state->'current') = 'object';`,
}

// pgSchemaVersion is the schema version this build creates and reads.
var pgSchemaVersion = len(pgMigrations)

// pgSchemaLock is the advisory lock key that serialises migrations, so two first
// starts do not both create the tables.
const pgSchemaLock int64 = 0x726f7461746575 // "rotateu"

// migrate brings the database's schema up to this build's, under the advisory lock, in
// one transaction: a failed migration leaves the schema as it was. A schema or format
// newer than this build's is refused with [ErrNewerVersion].
func (s *PGStore) migrate(ctx context.Context, conn *pgx.Conn) error {
	if schemaCurrent(ctx, conn) {
		return nil
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", pgSchemaLock); err != nil {
		return err
	}
	version, format := 0, currentVersion
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT to_regclass('rotatetui_schema') IS NOT NULL").Scan(&exists); err != nil {
		return err
	}
	if exists {
		err := tx.QueryRow(ctx, "SELECT version, state_format FROM rotatetui_schema").Scan(&version, &format)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("the table rotatetui_schema is empty: this database was not set up by rotatetui, or was damaged; fix it by hand")
		}
		if err != nil {
			return err
		}
	}
	if err := newerSchema(version, format); err != nil {
		return err
	}
	if version == pgSchemaVersion {
		return nil // nothing to write: the lock ends with the transaction
	}
	for v := version; v < pgSchemaVersion; v++ {
		if _, err := tx.Exec(ctx, pgMigrations[v]); err != nil {
			return fmt.Errorf("migrating the database schema from version %d to %d: %w", v, v+1, err)
		}
	}
	if version == 0 {
		_, err = tx.Exec(ctx, "INSERT INTO rotatetui_schema (version, state_format) VALUES ($1, $2)", pgSchemaVersion, currentVersion)
	} else {
		_, err = tx.Exec(ctx, "UPDATE rotatetui_schema SET version = $1", pgSchemaVersion)
	}
	if err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// schemaCurrent reports whether the database's schema is this build's and its format
// one this build reads: every start but the first and those after an upgrade. It is
// one query, without the lock or a transaction, since a current schema is never
// changed by another start; anything else (no table yet, another version, an error)
// goes the way of migrate's transaction, which decides under the lock.
func schemaCurrent(ctx context.Context, conn *pgx.Conn) bool {
	var version, format int
	err := conn.QueryRow(ctx, "SELECT version, state_format FROM rotatetui_schema").Scan(&version, &format)
	return err == nil && version == pgSchemaVersion && format <= currentVersion
}

// newerSchema refuses a schema or a format newer than this build's with
// [ErrNewerVersion]: writing into it would drop what the newer build added.
func newerSchema(version, format int) error {
	if version > pgSchemaVersion || format > currentVersion {
		return fmt.Errorf("%w (database schema version %d, state format %d; this build reads up to schema %d, format %d); upgrade rotatetui",
			ErrNewerVersion, version, format, pgSchemaVersion, currentVersion)
	}
	return nil
}

// pgSchemaShared reads the schema row under a share lock: a save or a copy reads it in
// its transaction, so a newer rotatetui migrating the database (which updates the row)
// waits for the transaction, or the transaction waits for the migration and sees its
// version. A process that started before the migration is then refused as a fresh one
// is, rather than writing rows the newer build would misread.
const pgSchemaShared = "SELECT version, state_format FROM rotatetui_schema FOR SHARE"

// checkSchemaRow scans the schema row of row and refuses a newer one, as a
// [*FileError] naming the database: the migration done at the first use is not enough
// for a process that runs for hours.
func (s *PGStore) checkSchemaRow(row pgx.Row) error {
	var version, format int
	err := row.Scan(&version, &format)
	if errors.Is(err, pgx.ErrNoRows) {
		err = errors.New("the table rotatetui_schema is empty: this database was damaged; fix it by hand")
		return &FileError{Path: s.name, Problem: err.Error(), Err: err}
	}
	if err != nil {
		return err
	}
	if err := newerSchema(version, format); err != nil {
		return &FileError{Path: s.name, Problem: err.Error(), Err: err}
	}
	return nil
}
