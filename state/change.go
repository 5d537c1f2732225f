package state

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ChangeKind names a user action.
type ChangeKind string

// The user actions. Check, Skip and SetNote start a rotation when the source has
// none, because touching a step is how a person begins rotating; a change that
// leaves a rotation with no work in it (see [Rotation.HasWork]) makes it vanish.
const (
	Check          ChangeKind = "check"
	Uncheck        ChangeKind = "uncheck"
	Skip           ChangeKind = "skip" // Text = reason
	Unskip         ChangeKind = "unskip"
	SetNote        ChangeKind = "note"        // Text = note ("" clears)
	Reset          ChangeKind = "reset"       // abandon Current (moved to History as Abandoned, or dropped if it has no work); with Started, only that rotation
	RecordRotated  ChangeKind = "rotated"     // sets LastRotated = At
	SetPlaceholder ChangeKind = "placeholder" // Name, Text = value ("" removes it)
	SetWait        ChangeKind = "wait"        // Step's WaitUntil = Until (nil clears)
	// Reopen undoes a completion: the completed rotation that started at Started,
	// if it is the newest in the history and nothing is in progress, becomes the
	// current rotation again.
	Reopen ChangeKind = "reopen"
	// RunCheck records a check command's run (Run) on a proof step: a passing run
	// checks it, a failing one is kept as the latest attempt (see recordRun).
	RunCheck ChangeKind = "run"
)

// A Change is one user action. It is plain data (JSON-serialisable) so it can
// be re-applied on top of a freshly re-read file, and written to a rescue file
// when saving fails.
type Change struct {
	Kind  ChangeKind `json:"kind"`
	Key   string     `json:"source"`
	Step  string     `json:"step,omitempty"`  // step key
	Steps []string   `json:"steps,omitempty"` // ALL step keys of the source in catalog order (needed to start a rotation and detect completion)
	At    time.Time  `json:"at"`
	By    string     `json:"by,omitempty"`
	Text  string     `json:"text,omitempty"`
	Name  string     `json:"name,omitempty"`
	Until *time.Time `json:"until,omitempty"`
	// Started identifies a rotation by its start time: the one to reopen (Reopen), or
	// the only one a Reset may abandon, so a reset made on an old view of the file can
	// never abandon a newer rotation started meanwhile by another instance.
	Started *time.Time `json:"started,omitempty"`
	// IfMark and IfNote guard an undo: the change applies only while the step is still
	// what the action being undone left it (its check or skip, its note), and is a
	// no-op otherwise. An undo is made on this instance's view of the file; without
	// the guards it would overwrite what another instance recorded on the step since.
	// A step change with Started also applies only to the rotation that started then.
	// It never starts another one; it starts that one again only if it vanished
	// because its work was all undone (it is neither current nor in the history).
	IfMark *Mark   `json:"if_mark,omitempty"`
	IfNote *string `json:"if_note,omitempty"`
	// OnlyIfLatest makes the change a no-op when what it would overwrite was recorded
	// after At: a note written later, a step checked or skipped later, a later rotation
	// date. Restore sets it, so that a change rescued hours ago never puts an old note
	// or mark back over one made since.
	OnlyIfLatest bool `json:"only_if_latest,omitempty"`
	// Overrides are the safety rules the person set aside to make this check: a wait
	// that had not passed, a caution they confirmed. Only a Check carries them; they
	// are recorded on the step, with who set them aside, for as long as it stays
	// checked.
	Overrides []Override `json:"overrides,omitempty"`
	// IfUnclaimed makes a step change or a reset a no-op while the key's rotation in
	// progress was started by someone other than By (see [Claim]): a person who has
	// not said they join another's rotation never acts on it unknowingly, even when
	// the other started it a moment after they looked. The command line sets it
	// unless --join is given, the checklist until its user has agreed to join.
	IfUnclaimed bool `json:"if_unclaimed,omitempty"`
	// Run is the check command's run that a RunCheck records; its At and By are the
	// change's.
	Run *CheckRun `json:"run,omitempty"`
}

// Override names a safety rule a person set aside when checking a step.
type Override string

// The rules a check can override.
const (
	// OverrideWait: the step was checked before the wait of an earlier step had
	// passed (--force on the command line).
	OverrideWait Override = "wait"
	// OverrideCaution: the step was checked although rotatetui cautioned against it,
	// such as revoking the old key before a new one exists (confirmed with y, or
	// --yes on the command line).
	OverrideCaution Override = "caution"
)

func (o Override) known() bool { return o == OverrideWait || o == OverrideCaution }

// normalOverrides returns list sorted and without repeats, nil when empty, so that the
// same overrides are always recorded the same way.
func normalOverrides(list []Override) []Override {
	if len(list) == 0 {
		return nil
	}
	return slices.Compact(slices.Sorted(slices.Values(list)))
}

// Mark is whether a step is checked or skipped, and when: a zero Mark is an open
// step.
type Mark struct {
	CheckedAt  *time.Time `json:"checked_at,omitempty"`
	SkippedAt  *time.Time `json:"skipped_at,omitempty"`
	SkipReason string     `json:"skip_reason,omitempty"`
}

// MarkOf returns the Mark of a step record (nil: a step nobody touched).
func MarkOf(r *StepRecord) Mark {
	if r == nil {
		return Mark{}
	}
	return Mark{CheckedAt: cloneTime(r.CheckedAt), SkippedAt: cloneTime(r.SkippedAt), SkipReason: r.SkipReason}
}

// recordedAfter reports whether the step holds something a change of kind k would
// overwrite that was recorded after t: its note for a note, its check or skip for the
// others.
func (r *StepRecord) recordedAfter(k ChangeKind, t time.Time) bool {
	after := func(p *time.Time) bool { return p != nil && p.After(t) }
	switch k {
	case SetNote:
		return after(r.NotedAt)
	case Check, Uncheck, Skip, Unskip, RunCheck:
		return after(r.CheckedAt) || after(r.SkippedAt)
	}
	return false
}

// Equal reports whether two marks are the same check or skip, at the same times.
func (m Mark) Equal(o Mark) bool {
	return timeEqual(m.CheckedAt, o.CheckedAt) && timeEqual(m.SkippedAt, o.SkippedAt) && m.SkipReason == o.SkipReason
}

// ErrInvalidChange is wrapped by the errors Change.Apply returns for a change
// that makes no sense (a bug in the caller, not a problem with the file).
var ErrInvalidChange = errors.New("invalid change")

func (c Change) invalid(format string, args ...any) error {
	return fmt.Errorf("%w %s on %q: %s", ErrInvalidChange, c.Kind, c.Key, fmt.Sprintf(format, args...))
}

func (c Change) validate() error {
	if c.Key == "" {
		return c.invalid("empty source")
	}
	if c.At.IsZero() {
		// A zero time would be recorded as year 1 and look like real data.
		return c.invalid("zero time")
	}
	if err := c.validateKind(); err != nil {
		return err
	}
	if err := c.validateOverrides(); err != nil {
		return err
	}
	if err := c.validateRun(); err != nil {
		return err
	}
	return c.validateTexts()
}

// validateOverrides checks that only a check (or a check run, which checks the step
// when it passes) sets rules aside, and only known ones.
func (c Change) validateOverrides() error {
	if len(c.Overrides) > 0 && c.Kind != Check && c.Kind != RunCheck {
		return c.invalid("only a check or a check run can override a safety rule")
	}
	for _, o := range c.Overrides {
		if !o.known() {
			return c.invalid("unknown override %q", o)
		}
	}
	return nil
}

// validateRun checks that a check run, and only it, carries a run, and a valid one.
func (c Change) validateRun() error {
	if (c.Run != nil) != (c.Kind == RunCheck) {
		return c.invalid("a check run, and only it, carries a run")
	}
	if c.Run != nil {
		if err := c.Run.validate(); err != nil {
			return c.invalid("run: %v", err)
		}
		if what, secret := LooksLikeSecret(c.Run.Output); secret {
			return c.invalid("the run's output looks like %s; rotatetui never stores secrets", what)
		}
	}
	return nil
}

// validateTexts refuses texts no store may keep: a NUL, or a credential.
func (c Change) validateTexts() error {
	if strings.ContainsRune(c.Text, 0) || strings.ContainsRune(c.Name, 0) || strings.ContainsRune(c.By, 0) {
		// No text needs one, and a database store could not keep it (PostgreSQL's
		// jsonb refuses \u0000): refused alike by every store.
		return c.invalid("the text contains a NUL character")
	}
	if c.Kind == SetNote || c.Kind == Skip || c.Kind == SetPlaceholder {
		// The file must never hold a credential, whoever asks.
		if what, secret := LooksLikeSecret(c.Text); secret {
			return c.invalid("the text looks like %s; rotatetui never stores secrets", what)
		}
	}
	return nil
}

// validateKind checks that the kind is known and the change has what its kind needs.
func (c Change) validateKind() error {
	if _, ok := stepChanges[c.Kind]; ok {
		if c.Step == "" {
			return c.invalid("empty step")
		}
		if len(c.Steps) > 0 && !slices.Contains(c.Steps, c.Step) {
			return c.invalid("step %q is not one of the source's steps %q", c.Step, c.Steps)
		}
		return nil
	}
	switch c.Kind {
	case SetPlaceholder:
		if c.Name == "" {
			return c.invalid("empty placeholder name")
		}
	case Reopen:
		if c.Started == nil {
			return c.invalid("no rotation start time")
		}
	case Reset, RecordRotated:
	default:
		return c.invalid("unknown kind")
	}
	return nil
}

// Apply applies the change to s in place. It is pure and deterministic: every
// recorded time is c.At (or c.Until), never the clock, so re-applying a change
// after re-reading the file records what the person did when they did it.
//
// It returns changed=false and a nil error for a no-op, such as checking an
// already checked step (the first check time is kept), resetting a source
// with no current rotation, or an undo whose guard no longer holds. An invalid
// change returns an error wrapping [ErrInvalidChange] and leaves s untouched.
func (c Change) Apply(s *State) (changed bool, err error) {
	if s == nil {
		return false, c.invalid("nil state")
	}
	if err := c.validate(); err != nil {
		return false, err
	}
	at := c.At.Round(0) // drop the monotonic reading: it is not data
	if !c.guardsHold(s.Keys[c.Key], at) {
		return false, nil
	}
	if apply, ok := sourceChanges[c.Kind]; ok {
		return apply(c, s, at), nil
	}
	return c.applyToStep(s, at), nil
}

// sourceChanges apply the kinds that act on a source as a whole, reporting whether
// they changed anything.
var sourceChanges = map[ChangeKind]func(c Change, s *State, at time.Time) bool{
	RecordRotated:  Change.recordRotated,
	SetPlaceholder: Change.setPlaceholder,
	Reset:          Change.reset,
	Reopen:         Change.reopen,
}

// stepChanges apply the kinds that act on one step of the current rotation to the
// step's record, reporting whether they changed it; a no-op leaves it as it was.
// applyToStep does what is common to them all.
var stepChanges = map[ChangeKind]func(c Change, rec *StepRecord, at time.Time) bool{
	Check:    Change.check,
	Uncheck:  Change.uncheck,
	Skip:     Change.skip,
	Unskip:   Change.unskip,
	SetNote:  Change.setNote,
	SetWait:  Change.setWait,
	RunCheck: Change.recordRun,
}

// guardsHold is the one place the guards a change carries are checked: Started (a
// step change or a reset acts only on the rotation that started then; see
// mayTouch), IfUnclaimed (nobody else holds the key), IfMark and IfNote (the step is still as the undone action left it) and
// OnlyIfLatest (nothing it would overwrite was recorded after it). A change whose
// guards do not hold is a no-op. Reopen's Started names what to reopen, not a guard.
func (c Change) guardsHold(ss *KeyState, at time.Time) bool {
	_, onStep := stepChanges[c.Kind]
	switch {
	case c.Started != nil && (onStep || c.Kind == Reset) && !ss.mayTouch(*c.Started):
		return false // the rotation the change was made for is no longer in progress
	case c.IfUnclaimed && (onStep || c.Kind == Reset) && claimedByOther(ss, c.By):
		return false // someone else holds the key, and By has not joined
	case c.Kind == RecordRotated:
		return !c.OnlyIfLatest || !ss.rotatedAfter(at)
	case onStep:
		return c.stepGuardsHold(ss.current().step(c.Step), at)
	}
	return true
}

// stepGuardsHold is guardsHold for the step's record (nil: a step nobody touched).
func (c Change) stepGuardsHold(rec *StepRecord, at time.Time) bool {
	if rec == nil {
		rec = &StepRecord{}
	}
	if c.IfMark != nil && !MarkOf(rec).Equal(*c.IfMark) || c.IfNote != nil && rec.Note != *c.IfNote {
		return false // another instance changed the step since
	}
	return !c.OnlyIfLatest || !rec.recordedAfter(c.Kind, at)
}

// applyToStep applies a step change: to the step's record (stepChanges), then to
// the rotation, which it starts if there is none and ends if it is complete, or
// drops if no work is left in it.
func (c Change) applyToStep(s *State, at time.Time) bool {
	cur := s.Keys[c.Key].current()
	rec := cur.step(c.Step)
	if rec == nil {
		rec = &StepRecord{}
	}
	if !stepChanges[c.Kind](c, rec, at) {
		return false
	}
	rec.By = c.By
	if cur == nil {
		if !rec.hasWork() {
			return false // a rotation with nothing in it is no rotation
		}
		cur = c.startRotation(s, at)
	}
	cur.UpdatedAt = at
	cur.setStep(c.Step, rec)
	switch {
	case !cur.HasWork():
		// Its only work was just undone: the rotation was never really under way,
		// so it goes, leaving no abandoned attempt in the history.
		s.dropCurrent(c.Key)
	case c.completes(cur):
		s.Keys[c.Key].finish(Completed, at, c.By)
	}
	return true
}

// startRotation makes the source's current rotation the one the change starts: the
// one it names, if that vanished (see mayTouch), or a new one.
func (c Change) startRotation(s *State, at time.Time) *Rotation {
	start := at
	if c.Started != nil {
		start = c.Started.Round(0)
	}
	cur := &Rotation{StartedAt: start, Outcome: InProgress, StartedBy: c.By, StepKeys: slices.Clone(c.Steps)}
	s.source(c.Key).Current = cur
	return cur
}

// setStep records rec as step key's, dropping a record that holds nothing.
func (r *Rotation) setStep(key string, rec *StepRecord) {
	if rec.empty() {
		delete(r.Steps, key)
		if len(r.Steps) == 0 {
			r.Steps = nil
		}
		return
	}
	if r.Steps == nil {
		r.Steps = map[string]*StepRecord{}
	}
	r.Steps[key] = rec
}

// completes reports whether the change, a check, a skip or a check run, left no step of cur open.
// Completion is judged against the catalog as it is now (c.Steps), not as it was
// when the rotation started: a step added since must be done too. Without c.Steps,
// it falls back to the keys recorded at the start.
func (c Change) completes(cur *Rotation) bool {
	if c.Kind != Check && c.Kind != Skip && c.Kind != RunCheck {
		return false
	}
	keys := c.Steps
	if len(keys) == 0 {
		keys = cur.StepKeys
	}
	done, total := cur.Progress(keys)
	return total > 0 && done == total
}

func (c Change) check(rec *StepRecord, at time.Time) bool {
	if rec.CheckedAt != nil {
		return false // the first check time is kept
	}
	rec.CheckedAt = &at
	rec.SkippedAt, rec.SkipReason = nil, ""
	rec.Overrides, rec.OverriddenBy = normalOverrides(c.Overrides), ""
	if rec.Overrides != nil {
		rec.OverriddenBy = c.By
	}
	return true
}

func (c Change) uncheck(rec *StepRecord, _ time.Time) bool {
	if rec.CheckedAt == nil {
		return false
	}
	rec.CheckedAt = nil
	rec.Overrides, rec.OverriddenBy = nil, "" // they qualified the check
	dropPassedRun(rec)
	return true
}

// dropPassedRun forgets the run that checked a step whose check is undone or
// replaced: a passing run stands only for a checked step. A failed attempt stays.
func dropPassedRun(rec *StepRecord) {
	if rec.Run.Passed() {
		rec.Run = nil
	}
}

func (c Change) skip(rec *StepRecord, at time.Time) bool {
	if rec.SkippedAt != nil && rec.SkipReason == c.Text {
		return false
	}
	rec.SkippedAt, rec.SkipReason = &at, c.Text
	rec.CheckedAt = nil
	rec.Overrides, rec.OverriddenBy = nil, "" // they qualified the check
	dropPassedRun(rec)
	return true
}

func (c Change) unskip(rec *StepRecord, _ time.Time) bool {
	if rec.SkippedAt == nil {
		return false
	}
	rec.SkippedAt, rec.SkipReason = nil, ""
	return true
}

func (c Change) setNote(rec *StepRecord, at time.Time) bool {
	if rec.Note == c.Text {
		return false
	}
	rec.Note, rec.NotedAt = c.Text, &at
	if c.Text == "" {
		rec.NotedAt = nil
	}
	return true
}

func (c Change) setWait(rec *StepRecord, _ time.Time) bool {
	if timeEqual(rec.WaitUntil, c.Until) {
		return false
	}
	rec.WaitUntil = nil
	if c.Until != nil {
		u := c.Until.Round(0)
		rec.WaitUntil = &u
	}
	return true
}

func (c Change) recordRotated(s *State, at time.Time) bool {
	if ss := s.Keys[c.Key]; ss != nil && ss.LastRotated != nil && ss.LastRotated.Equal(at) {
		return false
	}
	ss := s.source(c.Key)
	ss.LastRotated, ss.LastRotatedBy = &at, c.By
	return true
}

func (c Change) setPlaceholder(s *State, _ time.Time) bool {
	ss := s.Keys[c.Key]
	if old, ok := ss.placeholder(c.Name); ok && old == c.Text {
		return false
	}
	if c.Text == "" {
		if ss == nil || ss.Placeholders == nil {
			return false
		}
		delete(ss.Placeholders, c.Name)
		if len(ss.Placeholders) == 0 {
			ss.Placeholders = nil
		}
		return true
	}
	ss = s.source(c.Key)
	if ss.Placeholders == nil {
		ss.Placeholders = map[string]string{}
	}
	ss.Placeholders[c.Name] = c.Text
	return true
}

func (c Change) reset(s *State, at time.Time) bool {
	ss := s.Keys[c.Key]
	if ss.current() == nil {
		return false
	}
	if !ss.Current.HasWork() {
		// Nothing to keep: an abandoned rotation with nothing done would be a ghost
		// in the history.
		s.dropCurrent(c.Key)
		return true
	}
	ss.finish(Abandoned, at, c.By)
	return true
}

func (c Change) reopen(s *State, at time.Time) bool {
	ss := s.Keys[c.Key]
	if ss == nil || ss.Current != nil || len(ss.History) == 0 {
		return false
	}
	last := ss.History[len(ss.History)-1]
	if last.Outcome != Completed || !last.StartedAt.Equal(*c.Started) {
		return false
	}
	ss.History = ss.History[:len(ss.History)-1]
	if len(ss.History) == 0 {
		ss.History = nil
	}
	last.Outcome, last.FinishedAt, last.FinishedBy, last.UpdatedAt = InProgress, nil, "", at
	ss.Current = &last
	return true
}

// current is the source's current rotation, nil when none. Nil-safe.
func (ss *KeyState) current() *Rotation {
	if ss == nil {
		return nil
	}
	return ss.Current
}

// rotatedAfter reports whether the rotation date recorded by hand is after t.
// Nil-safe.
func (ss *KeyState) rotatedAfter(t time.Time) bool {
	return ss != nil && ss.LastRotated != nil && ss.LastRotated.After(t)
}

// placeholder is the value of placeholder name, if it has one. Nil-safe.
func (ss *KeyState) placeholder(name string) (string, bool) {
	if ss == nil {
		return "", false
	}
	v, ok := ss.Placeholders[name]
	return v, ok
}

// source returns the KeyState for id, creating it when absent.
func (s *State) source(id string) *KeyState {
	if s.Keys == nil {
		s.Keys = map[string]*KeyState{}
	}
	ss := s.Keys[id]
	if ss == nil {
		ss = &KeyState{}
		s.Keys[id] = ss
	}
	return ss
}

// mayTouch reports whether a change made for the rotation that started at started
// may act on ss: that rotation is the current one, or, when none is, it vanished
// because its work was undone (dropCurrent), which leaves it neither current nor in
// the history. Undoing that undo, or restoring a change made in it, brings it back
// rather than lose the work. Nil-safe.
func (ss *KeyState) mayTouch(started time.Time) bool {
	if ss == nil {
		return true
	}
	if ss.Current != nil {
		return ss.Current.StartedAt.Equal(started)
	}
	return !slices.ContainsFunc(ss.History, func(r Rotation) bool { return r.StartedAt.Equal(started) })
}

// dropCurrent removes the current rotation of source id without a trace: not in the
// history. The source's entry stays, even empty, as callers may hold on to it.
func (s *State) dropCurrent(id string) {
	s.Keys[id].Current = nil
}

// finish moves Current to History with the given outcome.
func (ss *KeyState) finish(o Outcome, at time.Time, by string) {
	r := ss.Current
	r.Outcome, r.FinishedBy = o, by
	r.UpdatedAt = at
	r.FinishedAt = &at
	ss.History = append(ss.History, *r)
	ss.Current = nil
}

func timeEqual(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}
