package state

import (
	"bytes"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// export_csv.go renders an Export as a CSV sheet, one row per step, for spreadsheets.

// CSVHeader is the header row of the CSV export. Columns are only ever added at the
// end, so that a sheet reading the earlier ones by position keeps working.
var CSVHeader = []string{"source_id", "source_name", "rotation_started", "rotation_finished", "outcome",
	"step_number", "step_id", "step_text", "result", "time", "actor", "note", "skip_reason",
	"overrides", "overridden_by", "key_id", "key_name", "owner", "key_retired",
	"proves", "established_by", "check", "check_command_sha256"}

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
			_ = cw.Write(csvRow(slices.Concat(rot, []string{"", "", "", "", "", "", "", "", "", ""}, key, []string{"", "", "", ""})))
		}
		for _, s := range r.Steps {
			num := ""
			if s.Number > 0 {
				num = strconv.Itoa(s.Number)
			}
			_ = cw.Write(csvRow(slices.Concat(rot, []string{num, s.Key, s.Text, string(s.Result), tm(s.At), s.By, s.Note, s.SkipReason,
				s.overridesText(";"), s.OverriddenBy}, key, r.proofCells(s))))
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// proofCells are the proof columns of step s of r: on the step that establishes a fact
// (a proof step, or the source's verify step standing for New key works), which fact
// (new_key, old_key) and how it was (check, hand, skipped, none); on any step with a
// check run, the run's outcome and its command's sha256.
func (r ExportRotation) proofCells(s ExportStep) []string {
	proves, how := "", ""
	for _, f := range []struct {
		name string
		fact ExportFact
	}{{"new_key", r.Proof.NewKey}, {"old_key", r.Proof.OldKey}} {
		if f.fact.Step != "" && f.fact.Step == s.Key {
			proves, how = f.name, string(f.fact.How)
		}
	}
	check, sum := "", ""
	if s.Run != nil {
		check, sum = s.Run.Outcome(), s.Run.CommandSHA256
	}
	return []string{proves, how, check, sum}
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
