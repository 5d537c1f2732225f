package main

import (
	"strings"
	"testing"
	"time"
)

// oldStateFile is a state file as versions before rotations without work were dropped
// could leave it: awin and bigcommerce each hold a current rotation with no step
// handled and no note (bigcommerce's has a wait and an actor only), started weeks before
// testClock; awin was also rotated by hand 100 days before it. Snowflake is really in
// progress.
const oldStateFile = `{
  "version": 1,
  "sources": {
    "awin": {
      "current": {"started_at": "2026-02-01T09:00:00Z", "updated_at": "2026-03-10T09:00:00Z", "outcome": "in_progress",
        "step_keys": ["api-credentials", "revoke-token", "reconnect"]},
      "last_rotated": "2025-11-30T05:00:00Z"
    },
    "bigcommerce": {
      "current": {"started_at": "2026-02-01T09:00:00Z", "updated_at": "2026-02-01T09:00:00Z", "outcome": "in_progress",
        "step_keys": ["x"], "steps": {"x": {"wait_until": "2026-02-02T09:00:00Z", "by": "bo@laptop"}}}
    },
    "snowflake": {
      "current": {"started_at": "2026-03-09T09:00:00Z", "updated_at": "2026-03-09T09:00:00Z", "outcome": "in_progress",
        "step_keys": ["login"], "steps": {"login": {"checked_at": "2026-03-09T09:00:00Z"}}}
    }
  }
}
`

// TestStatusOfARotationWithoutWork: such a rotation is not in progress in status, in
// its JSON, nor for status --check, and is not pinned in the table's order.
func TestStatusOfARotationWithoutWork(t *testing.T) {
	c := newCLI(t).at(testClock)
	c.write("state/rotatetui/state.json", oldStateFile)

	jsonWithoutEmptyRotations(t, c)
	tableWithoutEmptyRotations(t, c)

	// Only awin's lateness is a problem: no rotation is stuck.
	_, errOut, code := c.at(testClock.Add(30*day)).run("status", "--check", "awin", "bigcommerce")
	if code != exitFailed || strings.Contains(errOut, "in progress") || !strings.Contains(errOut, "Awin (awin) is overdue by 40 days") || !strings.Contains(errOut, "1 problem") {
		t.Errorf("status --check: exit %d, %q", code, errOut)
	}
	if got := c.load().Key("awin").Current; got == nil || !got.StartedAt.Equal(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("status changed the file: awin's current rotation is %+v", got)
	}
}

// jsonWithoutEmptyRotations checks status --json of oldStateFile: only snowflake is in
// progress.
func jsonWithoutEmptyRotations(t *testing.T, c *cli) {
	t.Helper()
	rows, raw := c.statusRows()
	if r := rows["awin"]; r.State != "overdue" || r.StartedAt != nil || r.UpdatedAt != nil || r.Done != 0 || r.Total != 3 || *r.DaysUntilDue != -10 {
		t.Errorf("awin: %+v, want overdue by 10 days, not in progress", r)
	}
	if r := rows["bigcommerce"]; r.State != "unknown" || r.StartedAt != nil || raw["bigcommerce"]["started_at"] != nil {
		t.Errorf("bigcommerce: %+v, want unknown, not in progress", r)
	}
	if r := rows["snowflake"]; r.State != "in_progress" || r.Done != 1 {
		t.Errorf("snowflake: %+v, want in progress, 1 done", r)
	}
}

// tableWithoutEmptyRotations checks the status table of oldStateFile: only snowflake is
// in progress and pinned, then awin, overdue.
func tableWithoutEmptyRotations(t *testing.T, c *cli) {
	t.Helper()
	var ids []string
	for _, r := range c.statusTable()[1:] {
		ids = append(ids, r[1])
		if r[2] == "in progress" && r[1] != "snowflake" {
			t.Errorf("%s is in progress in the table: %q", r[1], r)
		}
	}
	if strings.Join(ids[:2], " ") != "snowflake awin" || ids[2] == "bigcommerce" {
		t.Errorf("order %q...: want snowflake (in progress), awin (overdue), then the rest by name", ids[:3])
	}
}
