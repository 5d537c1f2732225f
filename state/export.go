package state

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// This file renders the history as audit evidence: a Markdown report, a CSV sheet with
// one row per step, and JSON. The renderers are pure: everything they print comes from
// an [Export] the caller fills, so they can be tested against golden files. The caller
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
	return out
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

// Time layouts of the reports: Markdown is for people, CSV for spreadsheets (RFC 3339,
// which they parse, in local time with its offset); JSON is RFC 3339 in UTC.
const (
	markdownTime = "2006-01-02 15:04 -07:00"
	dateOnly     = "2006-01-02"
)

func (e *Export) mdTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.In(e.loc()).Format(markdownTime)
}

// WriteMarkdown writes a readable report: a header, a summary table with one row per
// rotation, a section per rotation with its steps, and the dates recorded by hand.
func WriteMarkdown(w io.Writer, e *Export) error {
	var b bytes.Buffer
	e.mdHeader(&b)
	e.mdSummary(&b)
	for i, r := range e.Rotations {
		e.mdRotation(&b, i+1, r)
	}
	if len(e.RecordedByHand) > 0 {
		b.WriteString("\n## Rotations recorded by hand\n\n")
		b.WriteString("Dates entered with `rotatetui rotated`, for rotations done outside rotatetui.\n\n")
		b.WriteString("| Source | Key | Last rotated | Recorded by |\n|---|---|---|---|\n")
		for _, m := range e.RecordedByHand {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mdCell(m.SourceName), m.Key.mdCell(), e.mdTime(&m.LastRotated), mdCell(WithholdActor(m.By)))
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// mdHeader writes the title, when the report was made, its filters and counts, and
// how to read it.
func (e *Export) mdHeader(b *bytes.Buffer) {
	title := "Key rotation report"
	if e.Title != "" {
		title += ": " + mdText(e.Title)
	}
	fmt.Fprintf(b, "# %s\n\n", title)
	fmt.Fprintf(b, "Generated by rotatetui on %s.", e.mdTime(&e.GeneratedAt))
	if e.SourceID != "" {
		fmt.Fprintf(b, " Source: %s (`%s`).", mdText(e.SourceName), mdCode(e.SourceID))
	}
	if e.Since != nil {
		fmt.Fprintf(b, " Rotations active since %s.", e.Since.In(e.loc()).Format(dateOnly))
	}
	b.WriteString("\n\n")
	outcomes := map[Outcome]int{}
	for _, r := range e.Rotations {
		outcomes[r.Outcome]++
	}
	fmt.Fprintf(b, "%s: %d completed, %d in progress, %d abandoned. ", plural(len(e.Rotations), "rotation", "rotations"),
		outcomes[Completed], outcomes[InProgress], len(e.Rotations)-outcomes[Completed]-outcomes[InProgress])
	b.WriteString("Times are local, with their offset from UTC; durations are written like 1d2h30m (days of 24 hours).")
	if slices.ContainsFunc(e.Rotations, func(r ExportRotation) bool { return r.Overridden() > 0 }) {
		b.WriteString(" Overridden names the safety rules set aside to check a step, and who did:" +
			" wait (checked before an earlier step's wait had passed), caution (checked against a caution," +
			" such as revoking the old key before a new one existed).")
	}
	b.WriteString("\n")
}

// mdSummary writes the table with one row per rotation.
func (e *Export) mdSummary(b *bytes.Buffer) {
	b.WriteString("\n## Summary\n\n")
	if len(e.Rotations) == 0 {
		b.WriteString("No rotations recorded.\n")
		return
	}
	b.WriteString("| # | Source | Key | Started | Finished | Duration | Outcome | Started by | Done | Skipped | Pending |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for i, r := range e.Rotations {
		done, skipped, pending := r.Counts()
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s | %s | %s | %d | %d | %d |\n", i+1,
			mdCell(r.SourceName), r.Key.mdCell(), e.mdTime(&r.StartedAt), e.mdTime(r.FinishedAt), mdDuration(r),
			outcomeText(r.Outcome), mdCell(r.StartedBy), done, skipped, pending)
	}
}

// mdRotation writes rotation n's section: what it was, then a table of its steps.
func (e *Export) mdRotation(b *bytes.Buffer, n int, r ExportRotation) {
	fmt.Fprintf(b, "\n## %d. %s, started %s\n\n", n, mdText(r.Title()), e.mdTime(&r.StartedAt))
	where := ""
	if !r.SourceInCatalog {
		where = " (source no longer in the catalog)"
	}
	fmt.Fprintf(b, "- Source: %s (`%s`)%s\n", mdText(r.SourceName), mdCode(r.SourceID), where)
	if k := r.Key; k.Name != "" || k.Owner != "" || k.Retired {
		fmt.Fprintf(b, "- Key: %s\n", k.mdLine())
	}
	fmt.Fprintf(b, "- Outcome: %s\n", outcomeText(r.Outcome))
	fmt.Fprintf(b, "- Started: %s by %s\n", e.mdTime(&r.StartedAt), orDash(mdText(r.StartedBy)))
	if r.FinishedAt != nil {
		fmt.Fprintf(b, "- Finished: %s by %s\n", e.mdTime(r.FinishedAt), orDash(mdText(r.FinishedBy)))
	} else {
		fmt.Fprintf(b, "- Last change: %s\n", e.mdTime(&r.UpdatedAt))
	}
	fmt.Fprintf(b, "- Duration: %s\n", mdDuration(r))
	done, skipped, pending := r.Counts()
	fmt.Fprintf(b, "- Steps: %d done, %d skipped, %d pending, of %d\n", done, skipped, pending, len(r.Steps))
	if n := r.Overridden(); n > 0 {
		fmt.Fprintf(b, "- Overridden: %s checked by setting a safety rule aside\n", plural(n, "step", "steps"))
	}
	b.WriteString("\n")
	if len(r.Steps) == 0 {
		b.WriteString("No steps recorded.\n")
		return
	}
	b.WriteString("| # | Step | Result | Time | By | Note | Skip reason | Overridden |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, s := range r.Steps {
		num, text := "-", mdCell(s.Text)
		if s.Number > 0 {
			num = strconv.Itoa(s.Number)
		} else {
			text += " `" + mdCode(s.Key) + "`"
		}
		at := ""
		if s.At != nil {
			at = e.mdTime(s.At)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", num, text, s.Result, at,
			mdCell(s.By), mdCell(s.Note), mdCell(s.SkipReason), mdOverridden(s))
	}
}

// Title is how the rotation's key is shown: "Snowflake · prod", or the source's name
// alone for an implicit key.
func (r ExportRotation) Title() string {
	if r.Key.Name == "" {
		return r.SourceName
	}
	return r.SourceName + " · " + r.Key.Name
}

// retiredLabel is what Markdown writes after a retired key.
const retiredLabel = "(retired)"

// mdCell is the Key cell of a Markdown table: the key's name, "(retired)" after a
// retired key's; "-" for a source's only key.
func (k ExportKey) mdCell() string {
	cell := mdCell(k.Name)
	if k.Retired {
		cell = strings.TrimSpace(cell + " " + retiredLabel)
	}
	return orDash(cell)
}

// mdLine is the Key line of a rotation's section: "prod (`snowflake/prod`), owner
// ana (retired)".
func (k ExportKey) mdLine() string {
	line := "`" + mdCode(k.ID) + "`"
	if k.Name != "" {
		line = mdText(k.Name) + " (" + line + ")"
	}
	if k.Owner != "" {
		line += ", owner " + mdText(k.Owner)
	}
	if k.Retired {
		line += " " + retiredLabel
	}
	return line
}

// mdOverridden is the Overridden cell: "caution, wait by alice@laptop".
func mdOverridden(s ExportStep) string {
	if len(s.Overrides) == 0 {
		return ""
	}
	text := s.overridesText(", ")
	if s.OverriddenBy != "" {
		text += " by " + s.OverriddenBy
	}
	return mdCell(text)
}

func mdDuration(r ExportRotation) string {
	if d, ok := r.Duration(); ok {
		return FormatDuration(d)
	}
	return "-"
}

func outcomeText(o Outcome) string { return strings.ReplaceAll(string(o), "_", " ") }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// mdText escapes text for Markdown prose: HTML is shown, not interpreted, a backslash
// stays a backslash and the text stays on one line.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "&", "&amp;", "<", "&lt;", ">", "&gt;", "|", `\|`,
	"\r\n", " ", "\n", " ", "\t", " ",
)

func mdText(s string) string { return mdEscaper.Replace(s) }

// mdCell is mdText for a table cell, where line breaks become <br>.
var mdCellEscaper = strings.NewReplacer(
	`\`, `\\`, "&", "&amp;", "<", "&lt;", ">", "&gt;", "|", `\|`,
	"\r\n", "<br>", "\n", "<br>", "\t", " ",
)

func mdCell(s string) string { return mdCellEscaper.Replace(s) }

// mdCode is for text inside `backticks`: ids are slugs, but a hand-edited state file
// could hold anything.
func mdCode(s string) string { return strings.NewReplacer("`", "'", "\n", " ", "\r", " ").Replace(s) }

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// CSVHeader is the header row of the CSV export. Columns are only ever added at the
// end, so that a sheet reading the earlier ones by position keeps working.
var CSVHeader = []string{"source_id", "source_name", "rotation_started", "rotation_finished", "outcome",
	"step_number", "step_id", "step_text", "result", "time", "actor", "note", "skip_reason",
	"overrides", "overridden_by", "key_id", "key_name", "owner", "key_retired"}

// WriteCSV writes one row per step of every rotation (a rotation with no steps to show
// gets one row with the step columns empty), after a header row. Times are RFC 3339 in
// the export's location. Cells that a spreadsheet would run as a formula are made
// plain text (see csvCell).
func WriteCSV(w io.Writer, e *Export) error {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	_ = cw.Write(CSVHeader)
	tm := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(e.loc()).Format(time.RFC3339)
	}
	for _, r := range e.Rotations {
		rot := []string{r.SourceID, r.SourceName, tm(&r.StartedAt), tm(r.FinishedAt), string(r.Outcome)}
		key := []string{r.Key.ID, r.Key.Name, r.Key.Owner, strconv.FormatBool(r.Key.Retired)}
		if len(r.Steps) == 0 {
			_ = cw.Write(csvRow(slices.Concat(rot, []string{"", "", "", "", "", "", "", "", "", ""}, key)))
		}
		for _, s := range r.Steps {
			num := ""
			if s.Number > 0 {
				num = strconv.Itoa(s.Number)
			}
			_ = cw.Write(csvRow(slices.Concat(rot, []string{num, s.Key, s.Text, string(s.Result), tm(s.At), s.By, s.Note, s.SkipReason,
				s.overridesText(";"), s.OverriddenBy}, key)))
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

func csvRow(cells []string) []string {
	for i, c := range cells {
		cells[i] = csvCell(c)
	}
	return cells
}

// csvCell neutralises spreadsheet formula injection: a cell starting with =, +, -, @,
// a tab or a carriage return would be run as a formula by Excel, LibreOffice or Google
// Sheets, so it gets a leading apostrophe and is shown as the text it is.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// JSONReport is the JSON export (schema_version 2). Every field is always present;
// absent times are null and absent texts "". Times are RFC 3339 in UTC. Source is the
// key id of --source, null without.
type JSONReport struct {
	SchemaVersion  int            `json:"schema_version"`
	GeneratedAt    time.Time      `json:"generated_at"`
	Title          string         `json:"title"`
	Since          *time.Time     `json:"since"`
	Source         *string        `json:"source"`
	Rotations      []JSONRotation `json:"rotations"`
	RecordedByHand []JSONManual   `json:"recorded_by_hand"`
}

// JSONRotation is one rotation in the JSON export: of key KeyID of source SourceID.
// An implicit key has the source's id, and "" as its name.
type JSONRotation struct {
	SourceID        string     `json:"source_id"`
	SourceName      string     `json:"source_name"`
	SourceInCatalog bool       `json:"source_in_catalog"`
	KeyID           string     `json:"key_id"`
	KeyName         string     `json:"key_name"`
	Owner           string     `json:"owner"`
	KeyRetired      bool       `json:"key_retired"`
	Outcome         Outcome    `json:"outcome"`
	StartedAt       time.Time  `json:"started_at"`
	FinishedAt      *time.Time `json:"finished_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	Duration        string     `json:"duration"`
	DurationSeconds *int64     `json:"duration_seconds"`
	StartedBy       string     `json:"started_by"`
	FinishedBy      string     `json:"finished_by"`
	Done            int        `json:"done"`
	Skipped         int        `json:"skipped"`
	Pending         int        `json:"pending"`
	Total           int        `json:"total"`
	Steps           []JSONStep `json:"steps"`
}

// JSONStep is one step of a rotation in the JSON export.
type JSONStep struct {
	Number     *int       `json:"number"`
	ID         string     `json:"id"`
	Text       string     `json:"text"`
	InCatalog  bool       `json:"in_catalog"`
	Result     StepResult `json:"result"`
	Time       *time.Time `json:"time"`
	Actor      string     `json:"actor"`
	Note       string     `json:"note"`
	NotedAt    *time.Time `json:"noted_at"`
	SkipReason string     `json:"skip_reason"`
	// Overrides are the safety rules set aside to check the step, by OverriddenBy:
	// [] and "" when none was.
	Overrides    []Override `json:"overrides"`
	OverriddenBy string     `json:"overridden_by"`
}

// JSONManual is a rotation date recorded by hand, for a key, in the JSON export.
type JSONManual struct {
	SourceID    string    `json:"source_id"`
	SourceName  string    `json:"source_name"`
	KeyID       string    `json:"key_id"`
	KeyName     string    `json:"key_name"`
	Owner       string    `json:"owner"`
	KeyRetired  bool      `json:"key_retired"`
	LastRotated time.Time `json:"last_rotated"`
	RecordedBy  string    `json:"recorded_by"`
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// JSON returns the rotation as it appears in the "rotations" array of the JSON export,
// for other commands that print rotations.
func (r ExportRotation) JSON() JSONRotation {
	done, skipped, pending := r.Counts()
	rj := JSONRotation{
		SourceID: r.SourceID, SourceName: r.SourceName, SourceInCatalog: r.SourceInCatalog,
		KeyID: r.Key.ID, KeyName: r.Key.Name, Owner: r.Key.Owner, KeyRetired: r.Key.Retired,
		Outcome: r.Outcome, StartedAt: r.StartedAt.UTC(), FinishedAt: utc(r.FinishedAt), UpdatedAt: r.UpdatedAt.UTC(),
		StartedBy: r.StartedBy, FinishedBy: r.FinishedBy, Done: done, Skipped: skipped, Pending: pending, Total: len(r.Steps),
		Steps: []JSONStep{},
	}
	if d, ok := r.Duration(); ok {
		secs := int64(d / time.Second)
		rj.Duration, rj.DurationSeconds = FormatDuration(d), &secs
	}
	for _, s := range r.Steps {
		sj := JSONStep{ID: s.Key, Text: s.Text, InCatalog: s.Number > 0, Result: s.Result, Time: utc(s.At),
			Actor: s.By, Note: s.Note, NotedAt: utc(s.NotedAt), SkipReason: s.SkipReason,
			Overrides: append([]Override{}, s.Overrides...), OverriddenBy: s.OverriddenBy}
		if s.Number > 0 {
			n := s.Number
			sj.Number = &n
		}
		rj.Steps = append(rj.Steps, sj)
	}
	return rj
}

// WriteJSON writes the export as one indented JSON object; docs/export.md documents its
// schema.
func WriteJSON(w io.Writer, e *Export) error {
	out := JSONReport{
		SchemaVersion: ExportSchemaVersion, GeneratedAt: e.GeneratedAt.UTC(), Title: e.Title, Since: utc(e.Since),
		Rotations: []JSONRotation{}, RecordedByHand: []JSONManual{},
	}
	if e.SourceID != "" {
		id := e.SourceID
		out.Source = &id
	}
	for _, r := range e.Rotations {
		out.Rotations = append(out.Rotations, r.JSON())
	}
	for _, m := range e.RecordedByHand {
		out.RecordedByHand = append(out.RecordedByHand, JSONManual{SourceID: m.SourceID, SourceName: m.SourceName,
			KeyID: m.Key.ID, KeyName: m.Key.Name, Owner: m.Key.Owner, KeyRetired: m.Key.Retired,
			LastRotated: m.LastRotated.UTC(), RecordedBy: WithholdActor(m.By)})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
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

// Texts that look like secrets. The store refuses a note, skip reason or value that
// looks like a credential, but a state file written by hand or by an older version
// (whose guard let more through) may hold one, in those texts or as an actor. Such a
// text is never exported: the export, history and the screen's history show Withheld
// instead, and SuspectTexts lists where they are, for the person to remove them.

// Withheld is what an export shows instead of a text that looks like a secret.
const Withheld = "[withheld: looks like a secret]"

// WithholdText is text, or Withheld when it looks like a secret (see LooksLikeSecret).
func WithholdText(text string) string {
	if _, secret := LooksLikeSecret(text); secret {
		return Withheld
	}
	return text
}

// WithholdActor is actor, or Withheld when it looks like a secret (see
// ActorLooksLikeSecret).
func WithholdActor(actor string) string {
	if _, secret := ActorLooksLikeSecret(actor); secret {
		return Withheld
	}
	return actor
}

// ActorLooksLikeSecret is LooksLikeSecret for who made a change. An actor is most
// often user@host ($USER@hostname), and host names such as build-agent-07 or
// DESKTOP-7H2K9QX beside the @ read as a password of letters, digits and symbols
// mixed: so when actor is a plain user name, an @ and a host name, each half is
// judged alone. The trade-off: a password of that shape (p@ssw0rd) passes.
func ActorLooksLikeSecret(actor string) (what string, secret bool) {
	if user, host, ok := cutUserHost(actor); ok {
		if what, secret := LooksLikeSecret(user); secret {
			return what, true
		}
		return LooksLikeSecret(host)
	}
	return LooksLikeSecret(actor)
}

// cutUserHost splits user@host at its last @, if user is a plain user name (letters,
// digits, '.', '_', '-', '+') and host a host name (letters, digits, '.', '-').
func cutUserHost(s string) (user, host string, ok bool) {
	i := strings.LastIndexByte(s, '@')
	if i <= 0 || i == len(s)-1 {
		return "", "", false
	}
	user, host = s[:i], s[i+1:]
	return user, host, onlyOf(user, "._-+") && onlyOf(host, ".-")
}

// onlyOf reports whether s holds only ASCII letters, digits and the bytes of extra.
func onlyOf(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(extra, c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// SuspectText is a text in a state file that looks like a secret: where it is, and
// what it looks like, never the text itself.
type SuspectText struct {
	Source string // the source's id
	// Step is the step's key; "" for a text of the source itself (a placeholder value,
	// who recorded a rotation date) or of a rotation (who started or finished it).
	Step string
	// Started is when the rotation the text belongs to started; nil outside rotations.
	Started *time.Time
	Field   string // what the text is: "note", "skip reason", "actor", "value of {name}"
	What    string // what it looks like, e.g. "a GitHub token"
}

// SuspectTexts lists the texts of st that look like secrets (notes, skip reasons,
// placeholder values, actors), by source id, then in the order of the file. Actors,
// which repeat on every step, are judged once each.
func SuspectTexts(st *State) []SuspectText {
	if st == nil {
		return nil
	}
	f := suspectFinder{actors: map[string]verdict{}}
	for _, id := range slices.Sorted(maps.Keys(st.Sources)) {
		f.source(id, st.Sources[id])
	}
	return f.found
}

// suspectFinder collects SuspectTexts, remembering what each actor looked like.
type suspectFinder struct {
	found  []SuspectText
	actors map[string]verdict
}

// verdict is what LooksLikeSecret said of a text.
type verdict struct {
	what   string
	secret bool
}

func (f *suspectFinder) source(id string, ss *SourceState) {
	for _, name := range slices.Sorted(maps.Keys(ss.Placeholders)) {
		f.text(SuspectText{Source: id, Field: "value of {" + name + "}"}, ss.Placeholders[name])
	}
	f.actor(SuspectText{Source: id, Field: "actor"}, ss.LastRotatedBy)
	for i := range ss.History {
		f.rotation(id, &ss.History[i])
	}
	if ss.Current != nil {
		f.rotation(id, ss.Current)
	}
}

func (f *suspectFinder) rotation(id string, r *Rotation) {
	at := SuspectText{Source: id, Started: cloneTime(&r.StartedAt), Field: "actor"}
	f.actor(at, r.StartedBy)
	f.actor(at, r.FinishedBy)
	for _, key := range slices.Sorted(maps.Keys(r.Steps)) {
		rec, step := r.Steps[key], at
		step.Step = key
		f.actor(step, rec.By)
		f.actor(step, rec.OverriddenBy)
		step.Field = "note"
		f.text(step, rec.Note)
		step.Field = "skip reason"
		f.text(step, rec.SkipReason)
	}
}

func (f *suspectFinder) text(at SuspectText, text string) {
	if what, secret := LooksLikeSecret(text); text != "" && secret {
		at.What = what
		f.found = append(f.found, at)
	}
}

func (f *suspectFinder) actor(at SuspectText, actor string) {
	if actor == "" {
		return
	}
	v, seen := f.actors[actor]
	if !seen {
		v.what, v.secret = ActorLooksLikeSecret(actor)
		f.actors[actor] = v
	}
	if v.secret {
		at.What = v.what
		f.found = append(f.found, at)
	}
}
