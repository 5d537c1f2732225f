package state

import (
	"errors"
	"testing"
	"time"
)

func TestLooksLikeSecret(t *testing.T) {
	secrets := []string{
		"AKIAIOSFODNN7EXAMPLE",
		"new key ghp_16C7e42F292c6912E7710c838347Ae178B4a",
		"sk_live_4eC39HqLyjWDarjtT1zdp7dc",
		"sk-proj-abcdefghijklmnopqrstuvwxyz012345",
		"xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx",
		"AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
		"-----BEGIN RSA PRIVATE KEY-----",
		"password: hunter2hunter2",
		"api_key=0123456789abcdef",
		"used 9f8e7d6c5b4a39281706f5e4d3c2b1a0ZZqq",
		"Qm9vdHN0cmFwU2VjcmV0S2V5MTIzNDU2Nzg5MA==",
	}
	for _, s := range secrets {
		if what, ok := LooksLikeSecret(s); !ok {
			t.Errorf("%q not recognised as a secret", s)
		} else if what == "" {
			t.Errorf("%q: no description", s)
		}
	}
	notes := []string{
		"ticket OPS-2379",
		"used the staging account",
		"asked Maria (platform team) on 2026-03-14, she rotated it",
		"https://app.example.com/settings/api-keys",
		"Supermetrics App integration refreshed; secret stored in 1Password vault Ops",
		"acme-production-eu-west-1",
		"the key name is reporting-connector-2026",
		"Internationalization",
		"",
	}
	for _, s := range notes {
		if what, ok := LooksLikeSecret(s); ok {
			t.Errorf("%q wrongly taken for %s", s, what)
		}
	}
}

func TestSecretsAreNeverStored(t *testing.T) {
	st := New()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []Change{
		{Kind: SetNote, Source: "s", Step: "a", Steps: []string{"a"}, At: at, Text: "new key AKIAIOSFODNN7EXAMPLE"},
		{Kind: Skip, Source: "s", Step: "a", Steps: []string{"a"}, At: at, Text: "sk_live_4eC39HqLyjWDarjtT1zdp7dc"},
		{Kind: SetPlaceholder, Source: "s", Name: "subdomain", At: at, Text: "ghp_16C7e42F292c6912E7710c838347Ae178B4a"},
	} {
		if _, err := c.Apply(st); !errors.Is(err, ErrInvalidChange) {
			t.Errorf("%s with a secret: err = %v", c.Kind, err)
		}
	}
	if len(st.Sources) != 0 {
		t.Errorf("state changed: %+v", st.Sources)
	}
}

func TestReopenUndoesACompletion(t *testing.T) {
	st := New()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	keys := []string{"a", "b"}
	for _, c := range []Change{
		{Kind: Check, Source: "s", Step: "a", Steps: keys, At: t0},
		{Kind: Check, Source: "s", Step: "b", Steps: keys, At: t0.Add(time.Minute)},
	} {
		if _, err := c.Apply(st); err != nil {
			t.Fatal(err)
		}
	}
	if st.Source("s").Current != nil {
		t.Fatal("not completed")
	}
	wrong := t0.Add(time.Hour)
	if changed, _ := (Change{Kind: Reopen, Source: "s", At: t0, Started: &wrong}).Apply(st); changed {
		t.Error("reopened a rotation that did not start then")
	}
	changed, err := Change{Kind: Reopen, Source: "s", At: t0.Add(2 * time.Minute), Started: &t0}.Apply(st)
	if err != nil || !changed {
		t.Fatalf("reopen: %v %v", changed, err)
	}
	ss := st.Source("s")
	if ss.Current == nil || ss.Current.Outcome != InProgress || ss.Current.FinishedAt != nil || len(ss.History) != 0 {
		t.Fatalf("after reopen: %+v", ss)
	}
	if _, err := (Change{Kind: Uncheck, Source: "s", Step: "b", Steps: keys, At: t0.Add(3 * time.Minute)}).Apply(st); err != nil {
		t.Fatal(err)
	}
	if done, _ := ss.Current.Progress(keys); done != 1 {
		t.Errorf("done = %d after undoing the last check", done)
	}
	if err := st.validate(); err != nil {
		t.Errorf("reopened state does not validate: %v", err)
	}
}

// TestEveryEventRecordsWhoDidIt: completing, abandoning and recording a date by hand
// each keep the actor, for the audit export.
func TestEveryEventRecordsWhoDidIt(t *testing.T) {
	st := New()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	keys := []string{"a"}
	for _, c := range []Change{
		{Kind: Check, Source: "done", Step: "a", Steps: keys, At: t0, By: "alice@laptop"},
		{Kind: Check, Source: "dropped", Step: "a", Steps: []string{"a", "b"}, At: t0, By: "alice@laptop"},
		{Kind: Reset, Source: "dropped", At: t0, By: "bob@desk"},
		{Kind: RecordRotated, Source: "manual", At: t0, By: "carol@ops"},
	} {
		if _, err := c.Apply(st); err != nil {
			t.Fatal(err)
		}
	}
	if by := st.Source("done").History[0].FinishedBy; by != "alice@laptop" {
		t.Errorf("completed by %q", by)
	}
	if by := st.Source("dropped").History[0].FinishedBy; by != "bob@desk" {
		t.Errorf("abandoned by %q", by)
	}
	if by := st.Source("manual").LastRotatedBy; by != "carol@ops" {
		t.Errorf("date recorded by %q", by)
	}
	data, err := encode(st)
	if err != nil {
		t.Fatal(err)
	}
	back, _, err := decode(data)
	if err != nil || back.Source("manual").LastRotatedBy != "carol@ops" || back.Source("dropped").History[0].FinishedBy != "bob@desk" {
		t.Errorf("actors lost in the file: %v", err)
	}
}

// TestResetOnlyAbandonsTheRotationItNames: a reset made while looking at an older
// rotation must not abandon a newer one started meanwhile (by another instance).
func TestResetOnlyAbandonsTheRotationItNames(t *testing.T) {
	st := New()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	t1 := t0.Add(time.Hour)
	keys := []string{"a", "b"}
	for _, c := range []Change{
		{Kind: Check, Source: "s", Step: "a", Steps: keys, At: t0},
		{Kind: Reset, Source: "s", At: t0.Add(time.Minute)},        // another instance resets...
		{Kind: Check, Source: "s", Step: "a", Steps: keys, At: t1}, // ...and starts again
	} {
		if _, err := c.Apply(st); err != nil {
			t.Fatal(err)
		}
	}
	stale := Change{Kind: Reset, Source: "s", At: t1.Add(time.Minute), Started: &t0}
	if changed, err := stale.Apply(st); err != nil || changed {
		t.Fatalf("a reset of the old rotation changed the new one: %v %v", changed, err)
	}
	if cur := st.Source("s").Current; cur == nil || !cur.StartedAt.Equal(t1) {
		t.Fatal("the newer rotation was abandoned")
	}
	current := Change{Kind: Reset, Source: "s", At: t1.Add(time.Minute), Started: &t1}
	if changed, err := current.Apply(st); err != nil || !changed || st.Source("s").Current != nil {
		t.Fatalf("a reset naming the current rotation did nothing: %v %v", changed, err)
	}
}
