// Package state records progress on key-rotation checklists, key by key, in one
// human-readable JSON file.
//
// # File format
//
// The file is a single JSON object, indented for people to read and diff:
//
//	{
//	  "version": 2,
//	  "keys": {
//	    "github": {
//	      "current": {"started_at": "...", "outcome": "in_progress", "step_keys": [...], "steps": {...}},
//	      "history": [{"outcome": "completed", "finished_at": "...", ...}],
//	      "last_rotated": "...",
//	      "placeholders": {"org": "acme"}
//	    },
//	    "snowflake/prod": {...}
//	  }
//	}
//
// Entries are keyed by key id ("snowflake/prod", see catalog.Key; a source with no
// declared key has one implicit key whose id is the source's, "github") and steps by
// the source's step key, so the file survives reordering of the catalog. Times are
// RFC 3339. No secret is ever written: [Change.Apply] refuses a note, skip reason or
// placeholder value that [LooksLikeSecret], and callers judge actors with
// [ActorLooksLikeSecret].
//
// Version 1 had "sources", keyed by source id, where version 2 has "keys": it is
// read as the entries of the sources' implicit keys, whose ids are the same, and
// saved as version 2 after the backup state.json.v1 (see Guarantees). A build that
// reads only version 1 refuses a version-2 file as written by a newer rotatetui.
//
// # Guarantees
//
// The record of what a person did to production credentials must never be lost
// or corrupted, so:
//
//   - [Store.Apply] is the only write path. It holds an exclusive lock on a
//     sidecar file (state.json.lock), re-reads the file, applies the changes
//     and replaces the file atomically (temp file in the same directory,
//     fsync, rename, fsync of the directory). A crash at any point leaves
//     either the old or the new file, never a mix, and two processes never
//     overwrite each other's changes.
//   - Before a save waits for the lock, its batch is journaled: written, fsynced
//     and held locked in a file of its own in .state.json.journal beside the
//     file. A process killed before its save is made leaves the entry unlocked;
//     [Store.Load] shows its changes and the next save (or [Store.Recover])
//     makes them, as a restore would, never over what was recorded since. With
//     [WithJournalKept] the entry of a failed save is kept until a later save
//     succeeds or [Store.Forget]. The journal is best effort: when it cannot be
//     written the save goes on without it, and a batch is journaled only when its
//     save starts.
//   - A file that cannot be understood (empty, truncated, not JSON, invalid
//     UTF-8, wrong shape, unknown fields, a key given twice, newer version) is
//     refused with a [*FileError] and its bytes are never touched: repairing
//     it is a human decision.
//   - A state, lock or rescue file that is not a regular file (a named pipe, a
//     device, a directory) is refused at once, and a state file larger than the
//     limit ([DefaultMaxFileSize], [WithMaxFileSize]) is refused before it is read.
//   - A state file that is a symbolic link is read, locked beside and replaced
//     where it points, and stays a link; a link to nothing is refused, and the
//     lock is never opened through a link.
//   - Rescue files ([WriteRescue]) are written only into directories that are
//     ours (beside the state file, or a 0700 per-user directory in the
//     temporary directory); [ScanRescues] finds only files that are ours, with
//     mode 0600, in such a directory (and names those it ignored), [ReadRescue]
//     reads only files that are ours with mode 0600, and journal entries are
//     trusted as ScanRescues trusts rescue files.
//   - Files of an older format version are migrated in memory; before the first
//     write in the new format, the original bytes are kept as state.json.v<N>.
//   - Files and temp files are created 0600 and the directory 0700, so nobody
//     else can read which credentials were rotated when.
//   - History is append-only: finished rotations are never dropped.
//   - A text already in a file that looks like a secret (written by hand or by an
//     older version) is never exported: [NewExportRotation] and the renderers
//     show [Withheld], and [SuspectTexts] says where such texts are.
package state

import (
	"maps"
	"slices"
	"time"
)

// Version is the file format version this build writes. Files with a higher
// version are refused rather than risk dropping fields we don't know about.
const Version = 2

// currentVersion is Version, as a variable so tests can pretend a newer format
// exists and exercise the migration path.
var currentVersion = Version

// State is the whole file. Callers treat a *State returned by the package as a
// snapshot: to change the file, send a [Change] through [Store.Apply].
type State struct {
	Version int `json:"version"`
	// Keys is keyed by key id ("snowflake/prod"; a source's implicit key has the
	// source's id).
	Keys map[string]*KeyState `json:"keys"`
}

// KeyState is everything recorded about one key (one credential of a source),
// under its key id.
type KeyState struct {
	Current     *Rotation  `json:"current,omitempty"`      // the unfinished rotation, nil when none
	History     []Rotation `json:"history,omitempty"`      // finished rotations (completed or abandoned), oldest first; never dropped
	LastRotated *time.Time `json:"last_rotated,omitempty"` // recorded by hand for rotations done outside rotatetui
	// LastRotatedBy is who recorded LastRotated.
	LastRotatedBy string            `json:"last_rotated_by,omitempty"`
	Placeholders  map[string]string `json:"placeholders,omitempty"` // values for {name} placeholders in URLs/commands (not secrets)
}

// Outcome says where a rotation stands. It is a string so the file stays
// readable and a typo in a hand-edited file is caught by validation.
type Outcome string

// The outcomes a rotation can have. Current rotations are always InProgress;
// History only holds Completed and Abandoned ones.
const (
	InProgress Outcome = "in_progress"
	Completed  Outcome = "completed"
	Abandoned  Outcome = "abandoned"
)

// Rotation is one run through a source's checklist.
type Rotation struct {
	StartedAt  time.Time              `json:"started_at"`
	UpdatedAt  time.Time              `json:"updated_at"`
	FinishedAt *time.Time             `json:"finished_at,omitempty"`
	Outcome    Outcome                `json:"outcome"`
	StartedBy  string                 `json:"started_by,omitempty"`
	FinishedBy string                 `json:"finished_by,omitempty"` // who completed or abandoned it
	StepKeys   []string               `json:"step_keys"`             // the source's step keys, in order, when the rotation started
	Steps      map[string]*StepRecord `json:"steps,omitempty"`       // by step key
}

// StepRecord is what happened to one step of a rotation.
type StepRecord struct {
	CheckedAt  *time.Time `json:"checked_at,omitempty"`
	SkippedAt  *time.Time `json:"skipped_at,omitempty"`
	SkipReason string     `json:"skip_reason,omitempty"`
	Note       string     `json:"note,omitempty"`
	NotedAt    *time.Time `json:"noted_at,omitempty"`
	WaitUntil  *time.Time `json:"wait_until,omitempty"` // set by the UI when a step with a wait is checked
	By         string     `json:"by,omitempty"`         // actor of the latest change to this step, e.g. "alice@laptop"
	// Overrides are the safety rules set aside to check the step (see [Override]),
	// sorted; they were set aside at CheckedAt, by OverriddenBy, which a later change
	// to the step (a note by someone else) does not overwrite as it does By. Both
	// are cleared when the check is undone or replaced by a skip. Files written
	// before overrides existed have neither.
	Overrides    []Override `json:"overrides,omitempty"`
	OverriddenBy string     `json:"overridden_by,omitempty"`
	// Run is the latest run of a check command on the step (see [CheckRun]): the
	// one that checked it when it passed, else the latest failed attempt. Files
	// written before check commands existed have none.
	Run *CheckRun `json:"run,omitempty"`
}

// Done reports whether the step counts as handled (checked or skipped).
// A nil record is a step nobody touched.
func (r *StepRecord) Done() bool {
	return r != nil && (r.CheckedAt != nil || r.SkippedAt != nil)
}

// empty reports whether the record carries no information, so it can be
// dropped instead of cluttering the file with "{}".
func (r *StepRecord) empty() bool {
	// By alone says nothing: it only qualifies the other fields.
	return r.CheckedAt == nil && r.SkippedAt == nil && r.SkipReason == "" &&
		r.Note == "" && r.NotedAt == nil && r.WaitUntil == nil && len(r.Overrides) == 0 && r.Run == nil
}

func (r *Rotation) step(key string) *StepRecord {
	if r == nil {
		return nil
	}
	return r.Steps[key]
}

// HasWork reports whether the rotation holds something a person did: a step checked
// or skipped, a note, or a check command run. A rotation without work is not under way, and is never kept
// (see [Change.Apply]): it is neither in progress nor worth a place in the history.
// A note counts because it is the person's own words, which are never dropped; a
// wait does not, because it only says when the step after a check may follow, and
// who changed a step last says nothing alone. Nil-safe.
func (r *Rotation) HasWork() bool {
	if r == nil {
		return false
	}
	for _, rec := range r.Steps {
		if rec.hasWork() {
			return true
		}
	}
	return false
}

func (r *StepRecord) hasWork() bool { return r.Done() || r != nil && (r.Note != "" || r.Run != nil) }

// Checked reports whether step key was checked (not merely skipped). It is
// nil-safe so the UI can ask about a source with no current rotation.
func (r *Rotation) Checked(key string) bool {
	rec := r.step(key)
	return rec != nil && rec.CheckedAt != nil
}

// Handled reports whether step key was checked or skipped. Nil-safe.
func (r *Rotation) Handled(key string) bool {
	return r.step(key).Done()
}

// Progress counts how many of keys are handled. The caller passes the
// catalog's current keys, which may differ from StepKeys if the catalog changed
// since the rotation started. Nil-safe.
func (r *Rotation) Progress(keys []string) (done, total int) {
	for _, k := range keys {
		if r.Handled(k) {
			done++
		}
	}
	return done, len(keys)
}

// New returns an empty state of the current version, as a missing file reads.
func New() *State {
	return &State{Version: currentVersion, Keys: map[string]*KeyState{}}
}

// Key returns the recorded state of key id (a source's id for its implicit key),
// or nil if nothing was recorded. Nil-safe so callers can chain without checks.
func (s *State) Key(id string) *KeyState {
	if s == nil {
		return nil
	}
	return s.Keys[id]
}

// LastCompleted returns the newest completed rotation in History, or nil.
// Abandoned rotations are skipped: they say nothing about when the key was
// last actually rotated.
func (ss *KeyState) LastCompleted() *Rotation {
	if ss == nil {
		return nil
	}
	for i := len(ss.History) - 1; i >= 0; i-- {
		if ss.History[i].Outcome == Completed {
			return &ss.History[i]
		}
	}
	return nil
}

// Clone returns a deep copy, so the UI can keep immutable snapshots while
// later changes are applied to another copy. Nil-safe.
func (s *State) Clone() *State {
	if s == nil {
		return nil
	}
	return &State{Version: s.Version, Keys: cloneMap(s.Keys, (*KeyState).clone)}
}

// cloneMap copies m with each value copied by clone; nil stays nil, so a copy encodes
// as its original does.
func cloneMap[K comparable, V any](m map[K]V, clone func(V) V) map[K]V {
	if m == nil {
		return nil
	}
	c := make(map[K]V, len(m))
	for k, v := range m {
		c[k] = clone(v)
	}
	return c
}

func (ss *KeyState) clone() *KeyState {
	if ss == nil {
		return nil
	}
	c := &KeyState{
		LastRotated:   cloneTime(ss.LastRotated),
		LastRotatedBy: ss.LastRotatedBy,
		Placeholders:  maps.Clone(ss.Placeholders),
	}
	if ss.Current != nil {
		cur := ss.Current.clone()
		c.Current = &cur
	}
	if ss.History != nil {
		c.History = make([]Rotation, len(ss.History))
		for i := range ss.History {
			c.History[i] = ss.History[i].clone()
		}
	}
	return c
}

func (r *Rotation) clone() Rotation {
	c := *r
	c.FinishedAt = cloneTime(r.FinishedAt)
	c.StepKeys = slices.Clone(r.StepKeys)
	c.Steps = cloneMap(r.Steps, (*StepRecord).clone)
	return c
}

func (r *StepRecord) clone() *StepRecord {
	if r == nil {
		return nil
	}
	c := *r
	c.CheckedAt = cloneTime(r.CheckedAt)
	c.SkippedAt = cloneTime(r.SkippedAt)
	c.NotedAt = cloneTime(r.NotedAt)
	c.WaitUntil = cloneTime(r.WaitUntil)
	c.Overrides = slices.Clone(r.Overrides)
	c.Run = r.Run.clone()
	return &c
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}
