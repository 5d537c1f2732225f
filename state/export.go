package state

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// export.go is the history as audit evidence: an [Export] the caller fills, with its
// rotations, steps and keys, and what the formats share. The renderers, one file a
// format (export_md.go, export_csv.go, export_json.go), are pure: everything they
// print comes from the Export, so they can be tested against golden files. The caller
// makes every text printable first (catalog.Printable): the renderers add only what
// their format needs (Markdown escaping, CSV quoting and formula neutralising).

// ExportSchemaVersion is the "schema_version" of the JSON export. It changes only when
// a field is removed or changes meaning; new fields may be added without a change.
// Version 2: rotations are a key's (key_id, key_name, owner, key_retired), so a
// source's id no longer names one history, and "source" is the key id of --source.
const ExportSchemaVersion = 2

// StepNoLongerInCatalog is the text exported for a step the rotation recorded that
// the catalog no longer has.
const StepNoLongerInCatalog = "(step no longer in the catalog)"

// StepResult is what became of one step of a rotation.
type StepResult string

// The step results.
const (
	StepDone    StepResult = "done" // checked
	StepSkipped StepResult = "skipped"
	StepPending StepResult = "pending" // neither (yet)
)

// Export is the content of a report.
type Export struct {
	Title       string         // the catalog's title
	GeneratedAt time.Time      // when the report was made
	Location    *time.Location // where times are shown in Markdown and CSV; nil is UTC (JSON is always UTC)
	// Filters that were applied, for the report's header: Since is nil and
	// SourceID "" when not filtered. SourceID is the key id of --source, SourceName
	// the key's title ("Snowflake · prod").
	Since                *time.Time
	SourceID, SourceName string
	Rotations            []ExportRotation // in the order they are printed
	RecordedByHand       []ExportManual   // rotation dates recorded by hand (rotatetui rotated)
}

// ExportRotation is one rotation of one key of a source, with its steps.
type ExportRotation struct {
	SourceID, SourceName string
	SourceInCatalog      bool // false: the source is no longer in the catalog; SourceName is then its id
	Key                  ExportKey
	StartedAt, UpdatedAt time.Time
	FinishedAt           *time.Time // nil while in progress
	Outcome              Outcome
	StartedBy            string
	FinishedBy           string // who completed or abandoned it
	Steps                []ExportStep
	Proof                ExportProof // how each fact that proves the rotation was established
}

// ExportProof is how a rotation's two facts were established (see [ProofOf]).
type ExportProof struct {
	NewKey, OldKey ExportFact
}

// ExportFact is how one fact was established: How, on step Step (its number in the
// export, 0 when the rotation has no such step), at At by By, with the step's note
// or skip reason and the check run that established it or failed last.
type ExportFact struct {
	How        How
	Step       string
	Number     int
	At         *time.Time
	By         string
	Note       string
	SkipReason string
	Run        *CheckRun
}

// ExportStep is one step of a rotation and what became of it.
type ExportStep struct {
	Number     int    // 1-based position in the catalog; 0 when no longer in the catalog
	Key        string // the step key progress is recorded under (its id, when it has one)
	Text       string // the catalog's text now, or StepNoLongerInCatalog
	Result     StepResult
	At         *time.Time // when it was checked or skipped; nil when pending
	By         string     // who made the latest change to the step
	Note       string
	NotedAt    *time.Time
	SkipReason string
	// Overrides are the safety rules set aside to check the step (see [Override]),
	// by OverriddenBy; empty when none was.
	Overrides    []Override
	OverriddenBy string
	// Run is the check command's run recorded on the step (see [CheckRun]), its
	// texts made safe to print; nil when none.
	Run *CheckRun
}

// ExportManual is a rotation date recorded by hand for a rotation of a key done
// outside rotatetui.
type ExportManual struct {
	SourceID, SourceName string
	Key                  ExportKey
	LastRotated          time.Time
	By                   string // who recorded the date; the renderers withhold it if it looks like a secret (WithholdActor)
}

// ExportSource describes a key and its source as the catalog has them now, to build
// an [ExportRotation]. For a source no longer in the catalog, Name is its id,
// InCatalog false and Steps empty.
type ExportSource struct {
	ID, Name  string // the source's
	InCatalog bool
	Steps     []ExportStepInfo // in catalog order
	Key       ExportKey
	// VerifyStep is the key of the step of kind verify that stands for "New key
	// works" (catalog.Source.VerifyStep), "" when the source has none.
	VerifyStep string
}

// ExportKey is the key a rotation rotated: the unit of rotation, of a source (see
// catalog.Key). A source's implicit key has the source's id and no name.
type ExportKey struct {
	ID, Name string // "snowflake/prod", "prod"; the source's id and "" for an implicit key
	Owner    string
	// Retired: the key is no longer in the list (retired in keys.toml, no longer
	// declared, or the implicit key of a source that declares keys since); its
	// history stays.
	Retired bool
}

// ExportStepInfo is one catalog step: its key and (printable) text.
type ExportStepInfo struct {
	Key, Text string
}

// NewExportRotation lists what happened to each step of r: first the source's steps in
// catalog order, then the steps r has a record of that the catalog no longer has (in
// the order the rotation started with, then by key), labelled StepNoLongerInCatalog.
// clean is applied to every text that comes from the state file (notes, skip reasons,
// actors): pass catalog.Printable. A text that looks like a secret is never exported:
// it is replaced by [Withheld] (see [WithholdText], [WithholdActor]).
func NewExportRotation(src ExportSource, r *Rotation, clean func(string) string) ExportRotation {
	out := ExportRotation{
		SourceID: src.ID, SourceName: src.Name, SourceInCatalog: src.InCatalog, Key: src.Key,
		StartedAt: r.StartedAt, UpdatedAt: r.UpdatedAt, FinishedAt: cloneTime(r.FinishedAt),
		Outcome: r.Outcome, StartedBy: clean(WithholdActor(r.StartedBy)), FinishedBy: clean(WithholdActor(r.FinishedBy)),
	}
	inCatalog := map[string]bool{}
	for i, st := range src.Steps {
		inCatalog[st.Key] = true
		out.Steps = append(out.Steps, exportStep(i+1, st.Key, st.Text, r.Steps[st.Key], clean))
	}
	// The proof steps are the rotation's own, after the source's: numbered on, as
	// the checklist numbers them.
	for _, k := range []string{ProofNewStep, ProofOldStep} {
		if r.hasStep(k) && !inCatalog[k] {
			inCatalog[k] = true
			out.Steps = append(out.Steps, exportStep(len(out.Steps)+1, k, ProofStepText(k), r.Steps[k], clean))
		}
	}
	var gone []string
	for _, k := range r.StepKeys {
		if r.Steps[k] != nil && !inCatalog[k] && !slices.Contains(gone, k) {
			gone = append(gone, k)
		}
	}
	var rest []string
	for k := range r.Steps {
		if !inCatalog[k] && !slices.Contains(gone, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range append(gone, rest...) {
		out.Steps = append(out.Steps, exportStep(0, clean(k), StepNoLongerInCatalog, r.Steps[k], clean))
	}
	p := ProofOf(r, src.VerifyStep)
	out.Proof = ExportProof{NewKey: out.fact(p.NewKey), OldKey: out.fact(p.OldKey)}
	return out
}

// fact is f as exported, from the rotation's exported step (texts already safe).
func (r ExportRotation) fact(f FactProof) ExportFact {
	out := ExportFact{How: f.How}
	for _, s := range r.Steps {
		if f.Step != "" && s.Key == f.Step && s.Number > 0 {
			out.Step, out.Number, out.At, out.By = s.Key, s.Number, cloneTime(s.At), s.By
			out.Note, out.SkipReason, out.Run = s.Note, s.SkipReason, s.Run.clone()
		}
	}
	return out
}

// exportRun is a step's run with its texts made safe to print.
func exportRun(r *CheckRun, clean func(string) string) *CheckRun {
	if r == nil {
		return nil
	}
	c := *r
	c.By, c.Output = clean(WithholdActor(r.By)), clean(WithholdText(r.Output))
	c.Fact, c.CommandSHA256 = clean(r.Fact), clean(r.CommandSHA256) // a hand-edited file could hold anything
	return &c
}

func exportStep(n int, key, text string, rec *StepRecord, clean func(string) string) ExportStep {
	s := ExportStep{Number: n, Key: key, Text: text, Result: StepPending}
	if rec == nil {
		return s
	}
	switch {
	case rec.CheckedAt != nil:
		s.Result, s.At = StepDone, cloneTime(rec.CheckedAt)
	case rec.SkippedAt != nil:
		s.Result, s.At = StepSkipped, cloneTime(rec.SkippedAt)
	}
	s.By, s.Note, s.SkipReason = clean(WithholdActor(rec.By)), clean(WithholdText(rec.Note)), clean(WithholdText(rec.SkipReason))
	s.NotedAt = cloneTime(rec.NotedAt)
	for _, o := range rec.Overrides {
		s.Overrides = append(s.Overrides, Override(clean(WithholdText(string(o))))) // a hand-edited file could hold anything
	}
	s.OverriddenBy = clean(WithholdActor(rec.OverriddenBy))
	s.Run = exportRun(rec.Run, clean)
	return s
}

// Overridden counts the rotation's steps that were checked by setting a safety rule
// aside.
func (r ExportRotation) Overridden() int {
	n := 0
	for _, s := range r.Steps {
		if len(s.Overrides) > 0 {
			n++
		}
	}
	return n
}

// overridesText joins the step's overrides with sep: "caution, wait".
func (s ExportStep) overridesText(sep string) string {
	names := make([]string, len(s.Overrides))
	for i, o := range s.Overrides {
		names[i] = string(o)
	}
	return strings.Join(names, sep)
}

// Counts returns how many of the rotation's steps are done, skipped and pending.
func (r ExportRotation) Counts() (done, skipped, pending int) {
	for _, s := range r.Steps {
		switch s.Result {
		case StepDone:
			done++
		case StepSkipped:
			skipped++
		default:
			pending++
		}
	}
	return done, skipped, pending
}

// Duration is how long the rotation took, from start to finish; false while it is in
// progress.
func (r ExportRotation) Duration() (time.Duration, bool) {
	if r.FinishedAt == nil {
		return 0, false
	}
	return r.FinishedAt.Sub(r.StartedAt), true
}

// FormatDuration writes d the way rotatetui writes every duration (the form of
// catalog.Duration.String): days of 24 hours, hours, minutes and seconds, largest
// first, zero units left out, e.g. "1d2h", "28m30s". Sub-second parts are dropped;
// anything under a second is "0s".
func FormatDuration(d time.Duration) string {
	d = d.Truncate(time.Second)
	if d <= 0 {
		return "0s"
	}
	var b strings.Builder
	for _, u := range []struct {
		suffix byte
		size   time.Duration
	}{{'d', 24 * time.Hour}, {'h', time.Hour}, {'m', time.Minute}, {'s', time.Second}} {
		if n := d / u.size; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10))
			b.WriteByte(u.suffix)
			d -= n * u.size
		}
	}
	return b.String()
}

func (e *Export) loc() *time.Location {
	if e.Location == nil {
		return time.UTC
	}
	return e.Location
}

// Title is how the rotation's key is shown: "Snowflake · prod", or the source's name
// alone for an implicit key.
func (r ExportRotation) Title() string {
	if r.Key.Name == "" {
		return r.SourceName
	}
	return r.SourceName + " · " + r.Key.Name
}

// WriteFileAtomic replaces the file at path with data the way the store replaces the
// state file: a temp file created 0600 with O_EXCL in the same directory, written and
// fsynced, renamed over path, then the directory fsynced. A crash leaves either the
// old file or the new one, never a part, and the result has mode 0600. The directory
// must exist.
func WriteFileAtomic(path string, data []byte) error {
	s := NewStore(path)
	_, err := s.replace(path, data)
	return err
}
