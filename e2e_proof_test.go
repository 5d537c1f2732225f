package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/rotatetui/rotatetui/state"
)

// TestEndToEndARotationProvenByCheckCommands rotates a key in a real terminal and
// proves it with its check commands: v on New key works and on Old key refused, each
// after a y/N that shows the command; the rotation completes with both facts
// established by a check, which the export and status say.
func TestEndToEndARotationProvenByCheckCommands(t *testing.T) {
	s := newSandbox(t)
	s.writeKeysFile(`version = 1
[[keys]]
source = "awin"
name = "main"
values = { account = "acme" }
check_new = "echo checking {account}; echo 'HTTP/1.1 200 OK'"
check_old = "echo 'HTTP/1.1 401 Unauthorized' >&2; exit 22"
`)
	if err := os.WriteFile(filepath.Join(s.home, "config", "rotatetui", "config.toml"), []byte("verify = \"offered\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	term := s.start("awin/main")
	term.waitFor("Awin · main", "0/5", "◆ New key works", "◆ Old key refused")
	term.keys("Enter")
	term.waitFor("1/5")
	term.keys("Enter")
	term.waitFor("Step 2 revokes the old key")
	term.keys("y", "Enter")
	term.waitFor("3/5", "v run check")
	term.keys("v")
	term.waitFor("Run check_new? It exits 0 when the new key works:", "$ echo checking acme;")
	term.keys("y")
	term.waitFor("check_new of step 4: passed (exit 0)", "│ HTTP/1.1 200 OK", "4/5")
	term.keys("j", "v")
	term.waitFor("Run check_old?")
	term.keys("y")
	term.waitFor("Rotation complete", "5/5")
	term.keys("q")
	term.exited()

	st, err := state.NewStore(s.statePath()).Load()
	if err != nil {
		t.Fatal(err)
	}
	last := st.Key("awin/main").LastCompleted()
	if last == nil {
		t.Fatal("no completed rotation")
	}
	if p := state.ProofOf(last, ""); p.NewKey.How != state.ByCheck || p.OldKey.How != state.ByCheck || p.OldKey.Rec.Run.ExitCode != 22 {
		t.Errorf("proof %+v %+v", p.NewKey, p.OldKey)
	}
	out, errOut, code := s.run("export", "--format", "json")
	if code != 0 {
		t.Fatalf("export: %d %s", code, errOut)
	}
	var report state.JSONReport
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatal(err)
	}
	if r := report.Rotations[0]; r.Proof.NewKey.How != state.ByCheck || r.Proof.OldKey.Check == nil || r.Proof.OldKey.Check.Output != "HTTP/1.1 401 Unauthorized" {
		t.Errorf("export proof %+v", r.Proof)
	}
	if _, errOut, code := s.run("status", "--check", "--require-proof", "awin/main"); code != 0 {
		t.Errorf("status --check --require-proof: %d %s", code, errOut)
	}
}
