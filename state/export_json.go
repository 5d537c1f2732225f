package state

import (
	"bytes"
	"encoding/json"
	"io"
	"time"
)

// export_json.go renders an Export as JSON, for scripts; docs/export.md documents its
// schema.

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
	Proof           JSONProof  `json:"proof"`
}

// JSONProof says how each fact that proves the rotation was established.
type JSONProof struct {
	NewKey JSONFact `json:"new_key"`
	OldKey JSONFact `json:"old_key"`
}

// JSONFact is how one fact was established: how is "check", "hand", "skipped" or
// "none"; step and number are the step's ("" and null when the rotation has none);
// check is the run that established it or failed last, null when none.
type JSONFact struct {
	How        How        `json:"how"`
	Step       string     `json:"step"`
	Number     *int       `json:"number"`
	Time       *time.Time `json:"time"`
	Actor      string     `json:"actor"`
	Note       string     `json:"note"`
	SkipReason string     `json:"skip_reason"`
	Check      *JSONCheck `json:"check"`
}

// JSONCheck is a check command's run: never the command or its output, only its exit
// status, duration, time, who ran it, the command's sha256 and one guarded line.
type JSONCheck struct {
	Fact          string    `json:"fact"`
	Passed        bool      `json:"passed"`
	ExitCode      int       `json:"exit_code"`
	TimedOut      bool      `json:"timed_out"`
	DurationMS    int64     `json:"duration_ms"`
	Time          time.Time `json:"time"`
	Actor         string    `json:"actor"`
	CommandSHA256 string    `json:"command_sha256"`
	Output        string    `json:"output"`
}

func jsonCheck(r *CheckRun) *JSONCheck {
	if r == nil {
		return nil
	}
	return &JSONCheck{Fact: r.Fact, Passed: r.Passed(), ExitCode: r.ExitCode, TimedOut: r.TimedOut, DurationMS: r.DurationMS,
		Time: r.At.UTC(), Actor: r.By, CommandSHA256: r.CommandSHA256, Output: r.Output}
}

// JSON is the fact as the JSON export has it.
func (f ExportFact) JSON() JSONFact {
	out := JSONFact{How: f.How, Step: f.Step, Time: utc(f.At), Actor: f.By, Note: f.Note, SkipReason: f.SkipReason, Check: jsonCheck(f.Run)}
	if f.Number > 0 {
		n := f.Number
		out.Number = &n
	}
	return out
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
	Check        *JSONCheck `json:"check"` // the check command's run recorded on the step; null when none
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
		Proof: JSONProof{NewKey: r.Proof.NewKey.JSON(), OldKey: r.Proof.OldKey.JSON()},
	}
	if d, ok := r.Duration(); ok {
		secs := int64(d / time.Second)
		rj.Duration, rj.DurationSeconds = FormatDuration(d), &secs
	}
	for _, s := range r.Steps {
		sj := JSONStep{ID: s.Key, Text: s.Text, InCatalog: s.Number > 0, Result: s.Result, Time: utc(s.At),
			Actor: s.By, Note: s.Note, NotedAt: utc(s.NotedAt), SkipReason: s.SkipReason,
			Overrides: append([]Override{}, s.Overrides...), OverriddenBy: s.OverriddenBy, Check: jsonCheck(s.Run)}
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
