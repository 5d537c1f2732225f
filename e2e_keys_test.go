package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// e2eKeysFile declares two Snowflake accounts.
const e2eKeysFile = `version = 1

[[keys]]
source = "snowflake"
name = "prod"
owner = "ana"
values = { account = "xy12345" }

[[keys]]
source = "snowflake"
name = "eu"
`

// writeKeysFile puts keys.toml where rotatetui reads it: in the sandbox's
// XDG_CONFIG_HOME.
func (s *sandbox) writeKeysFile(text string) {
	s.t.Helper()
	dir := filepath.Join(s.home, "config", "rotatetui")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "keys.toml"), []byte(text), 0o600); err != nil {
		s.t.Fatal(err)
	}
}

// keyEntry is what these tests read of a key's entry in the state file.
type keyEntry struct {
	Current *struct {
		Steps map[string]struct {
			CheckedAt *time.Time `json:"checked_at"`
		} `json:"steps"`
	} `json:"current"`
}

// readKeyEntries reads the state file's entries by id, whichever its format: version
// 1 keeps them under "sources", version 2 under "keys".
func (s *sandbox) readKeyEntries() map[string]keyEntry {
	s.t.Helper()
	data, err := os.ReadFile(s.statePath())
	if err != nil {
		s.t.Fatalf("state file: %v", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		s.t.Fatalf("state file does not parse: %v\n%s", err, data)
	}
	raw, ok := top["keys"]
	if !ok {
		raw = top["sources"]
	}
	var entries map[string]keyEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		s.t.Fatalf("state file's entries: %v\n%s", err, data)
	}
	return entries
}

// keyChecked reports whether the state file records step as checked in key id's
// rotation in progress.
func (s *sandbox) keyChecked(id, step string) bool {
	if !fileExists(s.statePath()) {
		return false
	}
	e, ok := s.readKeyEntries()[id]
	if !ok || e.Current == nil {
		return false
	}
	rec, ok := e.Current.Steps[step]
	return ok && rec.CheckedAt != nil
}

// waitKeyChecked waits until the state file records the check (saves run off the UI
// loop).
func (s *sandbox) waitKeyChecked(id, step string) {
	s.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !s.keyChecked(id, step) {
		if time.Now().After(deadline) {
			s.t.Fatalf("%s step %s never reached the state file", id, step)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestEndToEndTwoKeysOfOneSource: with two Snowflake keys in keys.toml, the list has a
// row for each; a check on prod is prod's alone, eu opens at 0/8, and the state file
// holds each key's progress under its id.
func TestEndToEndTwoKeysOfOneSource(t *testing.T) {
	s := newSandbox(t)
	s.writeKeysFile(e2eKeysFile)

	term := s.start()
	term.waitFor("52 keys")
	term.keys("/", "snow")
	screen := term.waitFor("2 of 52", "Snowflake · prod", "Snowflake · eu")
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, "Snowflake") && !strings.Contains(l, "Snowflake · ") {
			t.Errorf("the source is listed besides its keys: %q", l)
		}
	}

	// Open prod (its keys are listed in the file's order) and check step 1.
	term.keys("Enter")
	term.waitFor("Snowflake · prod · Data warehouse", "owner ana · account = xy12345", "0/8")
	term.keys("Enter")
	term.waitFor("1. [x] Log in", "1/8")
	s.waitKeyChecked("snowflake/prod", "login")

	// Back, then eu: nothing done there.
	term.keys("Escape")
	term.waitFor("in progress 1/8")
	term.keys("j", "Enter")
	screen = term.waitFor("Snowflake · eu · Data warehouse", "0/8", "1. [ ] Log in")
	if strings.Contains(screen, "owner ana") {
		t.Errorf("eu shows prod's owner:\n%s", screen)
	}
	term.keys("Space")
	term.waitFor("1. [x] Log in", "1/8")
	s.waitKeyChecked("snowflake/eu", "login")
	term.keys("q")
	if code := term.exited(); code != 0 {
		t.Fatalf("exit status %d", code)
	}

	entries := s.readKeyEntries()
	for _, id := range []string{"snowflake/prod", "snowflake/eu"} {
		if e, ok := entries[id]; !ok || e.Current == nil || len(e.Current.Steps) != 1 {
			t.Errorf("%s's entry: %+v", id, e)
		}
	}
	if _, ok := entries["snowflake"]; ok {
		t.Error("progress was recorded under the source's id")
	}

	// A key id on the command line opens that key.
	term = s.start("snowflake/prod")
	term.waitFor("Snowflake · prod · Data warehouse", "1/8", "› 2. [ ]")
	term.keys("q")
	term.exited()
}
