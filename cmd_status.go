package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// cmd_status.go: `rotatetui status [KEY...] [--json] [--check]`, where every key (or
// those named) stands.

// sourceStatusJSON is one element of `status --json`, a key's. Times are RFC 3339 in
// UTC, or null. For a source without declared keys (its implicit key) id and
// source_id are the source's id, name its name, and key_name and owner "": what
// they were before keys.
type sourceStatusJSON struct {
	keyNameJSON
	// State is "in_progress" while a rotation is (state.Status.InProgress), else the
	// schedule state (Due).
	State       string     `json:"state"`
	Done        int        `json:"done"`
	Total       int        `json:"total"`
	StartedAt   *time.Time `json:"started_at"` // of the rotation in progress
	UpdatedAt   *time.Time `json:"updated_at"` // of the rotation in progress
	LastRotated *time.Time `json:"last_rotated"`
	NextDue     *time.Time `json:"next_due"`
	Overdue     bool       `json:"overdue"`
	// Due is the schedule state even while a rotation is in progress: overdue,
	// due_today, due_soon, ok or unknown (never rotated).
	Due string `json:"due"`
	// DaysUntilDue counts local calendar days to next_due: negative when overdue,
	// 0 on the day; null when never rotated.
	DaysUntilDue *int   `json:"days_until_due"`
	Interval     string `json:"interval"` // e.g. "90d"
	// Proof is how the rotation in progress, else the last completed one, has
	// established the facts that prove it; null when the key has neither.
	Proof *statusProofJSON `json:"proof"`
}

// statusProofJSON is how a rotation established its two facts. Of the progress file's
// texts it holds only the notes and skip reasons of the steps that establish them
// (with --json alone: the table and --check show none, and do not pay for the secret
// guard), withheld where they look like secrets, as the export withholds them.
type statusProofJSON struct {
	Rotation  string         `json:"rotation"` // "in_progress" or "last_completed"
	StartedAt time.Time      `json:"started_at"`
	NewKey    statusFactJSON `json:"new_key"`
	OldKey    statusFactJSON `json:"old_key"`
	Proven    bool           `json:"proven"` // both facts established, by a check or by hand
}

// statusFactJSON is how one fact was established: how is "check", "hand",
// "skipped" or "none"; check is the run that did, or the last that failed.
type statusFactJSON struct {
	How   state.How        `json:"how"`
	Step  string           `json:"step"` // "" when the rotation has no step for it
	Time  *time.Time       `json:"time"`
	Check *statusCheckJSON `json:"check"`
	// Note says how it was verified by hand (or anything noted on the step);
	// SkipReason why it was skipped. "" when none.
	Note       string `json:"note"`
	SkipReason string `json:"skip_reason"`
}

// statusCheckJSON is a check command's run, without its actor or output line.
type statusCheckJSON struct {
	Passed        bool      `json:"passed"`
	ExitCode      int       `json:"exit_code"`
	TimedOut      bool      `json:"timed_out"`
	DurationMS    int64     `json:"duration_ms"`
	Time          time.Time `json:"time"`
	CommandSHA256 string    `json:"command_sha256"`
}

// proofOf is the status JSON of how r established its facts; src is the key's source.
func proofOf(src *catalog.Source, r *state.Rotation, which string) *statusProofJSON {
	p := state.ProofOf(r, verifyStepKey(src))
	return &statusProofJSON{Rotation: which, StartedAt: r.StartedAt.UTC(), NewKey: factJSON(p.NewKey), OldKey: factJSON(p.OldKey), Proven: p.Proven()}
}

// verifyStepKey is the key of src's step of kind verify that stands for "New key
// works", "" when it has none.
func verifyStepKey(src *catalog.Source) string {
	if i := src.VerifyStep(); i >= 0 {
		return src.Steps[i].Key
	}
	return ""
}

func factJSON(f state.FactProof) statusFactJSON {
	out := statusFactJSON{How: f.How, Step: f.Step}
	if rec := f.Rec; rec != nil {
		out.Note, out.SkipReason = catalog.Printable(state.WithholdText(rec.Note)), catalog.Printable(state.WithholdText(rec.SkipReason))
		switch {
		case rec.CheckedAt != nil:
			out.Time = utcPtr(rec.CheckedAt)
		case rec.SkippedAt != nil:
			out.Time = utcPtr(rec.SkippedAt)
		}
		if r := rec.Run; r != nil {
			out.Check = &statusCheckJSON{Passed: r.Passed(), ExitCode: r.ExitCode, TimedOut: r.TimedOut, DurationMS: r.DurationMS,
				Time: r.At.UTC(), CommandSHA256: r.CommandSHA256}
		}
	}
	return out
}

// statusOf is the JSON row of state.StatusOf for the key, whose recorded progress is
// ss.
func statusOf(ref keyRef, ss *state.KeyState, interval catalog.Duration, at time.Time) sourceStatusJSON {
	src := ref.src
	st := state.StatusOf(ss, src, time.Duration(interval), at)
	due := st.Due
	s := sourceStatusJSON{keyNameJSON: ref.json(), State: string(due.State), Done: st.Done, Total: len(src.Steps),
		LastRotated: utcPtr(due.LastRotated), NextDue: utcPtr(due.NextDue), Overdue: due.State == state.DueOverdue,
		Due: string(due.State), Interval: catalog.Duration(st.Interval).String()}
	if days, ok := due.DaysUntil(); ok {
		s.DaysUntilDue = &days
	}
	if st.InProgress {
		s.State = "in_progress"
		started, updated := st.StartedAt, st.UpdatedAt
		s.StartedAt, s.UpdatedAt = &started, &updated
		s.Proof = proofOf(src, ss.Current, "in_progress")
	} else if last := ss.LastCompleted(); last != nil {
		s.Proof = proofOf(src, last, "last_completed")
	}
	return s
}

// plainState is how the STATE column of `status` words each state.
var plainState = map[string]string{
	"in_progress": "in progress", "overdue": "overdue", "due_today": "due today",
	"due_soon": "due soon", "ok": "rotated", "unknown": "unknown",
}

func nextDueText(r sourceStatusJSON) string {
	if r.NextDue == nil || r.DaysUntilDue == nil {
		return "-"
	}
	date := local(*r.NextDue).Format(dateLayout)
	switch days := *r.DaysUntilDue; {
	case days < 0:
		return fmt.Sprintf("%s (%s overdue)", date, plural(-days, "day", "days"))
	case days == 0:
		return date + " (today)"
	default:
		return fmt.Sprintf("%s (in %s)", date, plural(days, "day", "days"))
	}
}

// runStatus prints where every key stands, or only the keys named (in the order
// named): as a table, as JSON, or (--check) only what needs doing, on stderr, with
// exit status 1.
func runStatus(e *env) int {
	at := e.now()
	refs, code, ok := e.keysOrAll(e.opts.args)
	if !ok {
		return code
	}
	table := !e.opts.json && !e.opts.check // with --check, a quiet run means all is well (cron mails only output)
	if table && len(e.opts.args) == 0 {
		e.sortAsList(refs, at)
	}
	if e.opts.requireProof && !e.opts.check || e.opts.since != "" && !e.opts.requireProof {
		return e.fail(exitUsage, "--require-proof goes with --check, and --since with --require-proof: rotatetui status --check --require-proof [--since 7d]")
	}
	rows := make([]sourceStatusJSON, 0, len(refs))
	for _, ref := range refs {
		rows = append(rows, e.statusRow(ref, at))
	}
	switch {
	case e.opts.json:
		if code := e.printJSON(rows); code != exitOK {
			return code
		}
	case table:
		e.statusTable(rows)
	}
	if !e.opts.check {
		return exitOK
	}
	unproven := 0
	if e.opts.requireProof {
		var code int
		if unproven, code = e.requireProof(refs, at); code != exitOK {
			return code
		}
	}
	return e.statusCheck(rows, at, unproven)
}

// statusRow is where ref stands at time at, with the proof steps counted.
func (e *env) statusRow(ref keyRef, at time.Time) sourceStatusJSON {
	ss := e.st.Key(ref.key.ID)
	if current(ss).HasWork() {
		// Only a rotation under way needs its steps as it has them: the others
		// count the proof steps a new rotation would have, without a copy.
		ref = e.withProof(ref)
	}
	row := statusOf(ref, ss, e.sched.interval(ref.key, ref.src), at)
	if !current(ss).HasWork() {
		row.Total += ref.src.ProofStepCount(e.cfg.Verify)
	}
	return row
}

// defaultProofWindow is how far back status --require-proof looks without --since.
const defaultProofWindow = "7d"

// requireProof names on stderr each rotation completed in the window (--since) that
// does not have both facts proven, and counts them.
func (e *env) requireProof(refs []keyRef, at time.Time) (int, int) {
	window := e.opts.since
	if window == "" {
		window = defaultProofWindow
	}
	since, err := parseWindow(window, at)
	if err != nil {
		return 0, e.fail(exitUsage, "--since: %v", err)
	}
	problems := 0
	for _, ref := range refs {
		ss := e.st.Key(ref.key.ID)
		if ss == nil {
			continue
		}
		for i := range ss.History {
			r := &ss.History[i]
			if r.Outcome != state.Completed || r.FinishedAt == nil || r.FinishedAt.Before(since) {
				continue
			}
			p := state.ProofOf(r, verifyStepKey(ref.src))
			if p.Proven() {
				continue
			}
			problems++
			e.fail(exitFailed, "%s (%s): the rotation completed %s lacks proof: new key works %s, old key refused %s",
				catalog.PrintableLine(ref.title()), ref.key.ID, local(*r.FinishedAt).Format(dateTimeLayout), howText(p.NewKey), howText(p.OldKey))
		}
	}
	return problems, exitOK
}

// howText says how a fact was established, for --require-proof.
func howText(f state.FactProof) string {
	switch f.How {
	case state.ByCheck:
		return "by a check"
	case state.ByHand:
		return "by hand"
	case state.BySkip:
		return "skipped"
	}
	if f.Step == "" {
		return "not established (the rotation had no step for it)"
	}
	return "not established"
}

// statusTable prints the rows as the plain `status` table: a row per key, with an
// OWNER column when a key has an owner.
func (e *env) statusTable(rows []sourceStatusJSON) {
	owners := slices.ContainsFunc(rows, func(r sourceStatusJSON) bool { return r.Owner != "" })
	var table columns
	table.add(withOwner(owners, "OWNER", "SOURCE", "ID", "STATE", "PROGRESS", "LAST ROTATED", "NEXT DUE")...)
	for _, r := range rows {
		progress, last := "", "-"
		if r.State == "in_progress" {
			progress = strconv.Itoa(r.Done) + "/" + strconv.Itoa(r.Total)
		}
		if r.LastRotated != nil {
			last = local(*r.LastRotated).Format(dateLayout)
		}
		table.add(withOwner(owners, orDash(catalog.PrintableLine(r.Owner)), catalog.PrintableLine(r.Name), catalog.PrintableLine(r.ID),
			plainState[r.State], progress, last, nextDueText(r))...)
	}
	_ = table.writeTo(e.stdout)
}

// withOwner is the cells of a status row, with owner as the third when owners is
// set.
func withOwner(owners bool, owner string, cells ...string) []string {
	if !owners {
		return cells
	}
	return slices.Insert(cells, 2, owner)
}

// sortAsList puts keys in the order of the list without a filter (state.SortAsList,
// as ui's): ties by lower-cased title, then in the order given.
func (e *env) sortAsList(refs []keyRef, at time.Time) {
	status := func(ref keyRef) state.Status {
		return state.StatusOf(e.st.Key(ref.key.ID), ref.src, time.Duration(e.sched.interval(ref.key, ref.src)), at)
	}
	state.SortAsList(refs, status, func(a, b keyRef) int {
		return strings.Compare(strings.ToLower(a.title()), strings.ToLower(b.title()))
	})
}

// statusCheck is `status --check`: it names on stderr each source that is overdue or
// whose rotation has been in progress too long, and returns exitFailed if there is any.
func (e *env) statusCheck(rows []sourceStatusJSON, at time.Time, unproven int) int {
	problems := unproven
	for _, r := range rows {
		name := fmt.Sprintf("%s (%s)", catalog.PrintableLine(r.Name), r.ID)
		if r.Overdue {
			problems++
			e.fail(exitFailed, "%s is overdue by %s: last rotated %s, due %s", name,
				plural(-*r.DaysUntilDue, "day", "days"), local(*r.LastRotated).Format(dateLayout), local(*r.NextDue).Format(dateLayout))
		}
		if r.StartedAt != nil && at.Sub(*r.StartedAt) > staleAfter {
			problems++
			e.fail(exitFailed, "%s has had a rotation in progress for %s (since %s, %d/%d steps done): finish it, or abandon it with 'rotatetui reset %s'",
				name, state.FormatDuration(at.Sub(*r.StartedAt).Truncate(time.Hour)), local(*r.StartedAt).Format(dateTimeLayout), r.Done, r.Total, r.ID)
		}
	}
	if problems > 0 {
		return e.fail(exitFailed, "status --check: %s", plural(problems, "problem", "problems"))
	}
	return exitOK
}
