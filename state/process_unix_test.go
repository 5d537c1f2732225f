//go:build unix

package state

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The tests in this file run copies of the test binary as child processes
// (the helper-process pattern): locks and crashes only mean something across
// processes.

const helperEnv = "ROTATETUI_STATE_HELPER"

// helper starts the test binary as a child running TestHelperSaver in mode.
func helper(t *testing.T, mode, path string, env ...string) (*exec.Cmd, *bufio.Reader, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSaver$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, "ROTATETUI_STATE_PATH="+path)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, bufio.NewReader(stdout), stdin
}

func expectLine(t *testing.T, r *bufio.Reader, want string) {
	t.Helper()
	line, err := r.ReadString('\n')
	if strings.TrimSpace(line) != want {
		t.Fatalf("child said %q (%v), want %q", line, err, want)
	}
}

// TestHelperSaver is not a test: it is the body of the child processes.
func TestHelperSaver(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("helper process for the multi-process tests")
	}
	path := os.Getenv("ROTATETUI_STATE_PATH")
	store := NewStore(path)
	die := func(err error) {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(2)
	}
	// A check that never completes its rotation: "final" is never checked.
	check := func(key string, i int) error {
		_, err := store.Apply(Change{Kind: Check, Key: "src", Step: key, Steps: []string{key, "final"}, At: at(i), By: mode})
		return err
	}
	switch mode {
	case "saver":
		// Checks s<start>, s<start+1>, ... until killed, acknowledging each
		// step on stdout only once Apply has returned.
		start, _ := strconv.Atoi(os.Getenv("ROTATETUI_STATE_START"))
		fmt.Println("ready")
		for i := start; ; i++ {
			if err := check(fmt.Sprintf("s%d", i), i); err != nil {
				die(err)
			}
			fmt.Println(i) // os.Stdout is unbuffered: one write per ack
		}
	case "worker":
		id := os.Getenv("ROTATETUI_STATE_WORKER")
		if os.Getenv("ROTATETUI_STATE_NOLOCK") != "" {
			// Same read-modify-write, without the lock. The delay between
			// read and write stands in for a slower disk, so the loss the
			// test expects does not depend on scheduling luck.
			store.noLock = true
			store.raceDelay = time.Millisecond
		}
		fmt.Println("ready")
		if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
			die(err)
		}
		for i := range 50 {
			if err := check(fmt.Sprintf("w%s-%d", id, i), i); err != nil {
				die(err)
			}
		}
		os.Exit(0)
	case "journaled", "journaled-kept":
		// Saves a check and a note while another process holds the lock: the first
		// waits for as long as it takes, the second (which keeps its journal entry when
		// a save fails, as the UI does) gives up at once and would retry later.
		opts := []Option{WithLockTimeout(time.Hour)}
		if mode == "journaled-kept" {
			opts = []Option{WithLockTimeout(50 * time.Millisecond), WithJournalKept()}
		}
		store = NewStore(path, opts...)
		fmt.Println("saving")
		_, err := store.Apply(
			Change{Kind: Check, Key: "src", Step: "j1", Steps: []string{"j1", "final"}, At: at(1), By: mode},
			Change{Kind: SetNote, Key: "src", Step: "j1", Steps: []string{"j1", "final"}, At: at(1), Text: "evidence: OPS-1"},
		)
		fmt.Println("failed:", err != nil)
		time.Sleep(time.Hour)
	case "journal-behind":
		// As the UI does while another process holds the lock: a check's save waits for
		// it (journaled first), and a note made meanwhile is journaled without saving.
		store = NewStore(path, WithLockTimeout(time.Hour), WithJournalKept())
		steps := []string{"j1", "final"}
		go store.Apply(Change{Kind: Check, Key: "src", Step: "j1", Steps: steps, At: at(1), By: mode})
		fmt.Println("saving")
		waitForEntry(path)
		err := store.Journal(Change{Kind: SetNote, Key: "src", Step: "j1", Steps: steps, At: at(2), By: mode, Text: "evidence: OPS-2"})
		fmt.Println("journaled:", err == nil)
		time.Sleep(time.Hour)
	case "holder":
		if _, err := (OSFS{}).Lock(path+".lock", time.Second); err != nil {
			die(err)
		}
		fmt.Println("locked")
		time.Sleep(time.Hour)
	}
	die(fmt.Errorf("unknown mode %q", mode))
}

// TestKillDuringSave SIGKILLs a process in a loop of saves at random moments:
// the file must always load, every acknowledged check must be in it, and at
// most one unacknowledged one (killed after the save, before the ack).
func TestKillDuringSave(t *testing.T) {
	iterations := 200
	if testing.Short() {
		iterations = 20
	}
	path := filepath.Join(t.TempDir(), "state.json")
	store := NewStore(path)
	next, acks, unacked := 0, 0, 0
	strays := map[string]bool{} // temp files left by kills mid-save
	for it := range iterations {
		cmd, out, _ := helper(t, "saver", path, fmt.Sprintf("ROTATETUI_STATE_START=%d", next))
		expectLine(t, out, "ready")
		// Let a random number of saves through, then kill at a random
		// moment, so kills land anywhere in a save however slow the machine
		// (or -race) makes each one.
		last := next - 1
		ack := func(line string) {
			n, err := strconv.Atoi(strings.TrimSpace(line))
			if err != nil || n != last+1 {
				t.Fatalf("iteration %d: unexpected output %q after ack %d", it, line, last)
			}
			last = n
			acks++
		}
		for range rand.IntN(3) {
			line, err := out.ReadString('\n')
			if err != nil {
				t.Fatalf("iteration %d: child died: %v", it, err)
			}
			ack(line)
		}
		time.Sleep(time.Duration(rand.IntN(4000)) * time.Microsecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		rest, _ := io.ReadAll(out)
		_ = cmd.Wait()
		for _, f := range strings.Fields(string(rest)) {
			ack(f)
		}

		st, err := store.Load()
		if err != nil {
			t.Fatalf("iteration %d: file unreadable after kill: %v", it, err)
		}
		var cur *Rotation
		if ss := st.Key("src"); ss != nil {
			cur = ss.Current
		}
		if next > 0 && cur == nil {
			t.Fatalf("iteration %d: rotation lost", it)
		}
		n := 0
		if cur != nil {
			n = len(cur.Steps)
		}
		// Steps are s0..s<n-1>, contiguous: nothing acknowledged is missing,
		// nothing from the future.
		for i := range n {
			if !cur.Checked(fmt.Sprintf("s%d", i)) {
				t.Fatalf("iteration %d: s%d missing (acked up to s%d)", it, i, last)
			}
		}
		if n-1 < last || n-1 > last+1 {
			t.Fatalf("iteration %d: file holds s0..s%d, acknowledged s%d", it, n-1, last)
		}
		if n-1 > last {
			unacked++
		}
		next = n
		for _, name := range tempFiles(t, filepath.Dir(path)) {
			strays[name] = true
		}
	}
	if err := store.CleanTemp(); err != nil {
		t.Fatal(err)
	}
	if tmp := tempFiles(t, filepath.Dir(path)); len(tmp) != 0 {
		t.Errorf("CleanTemp left %v", tmp)
	}
	t.Logf("%d kills: %d acknowledged saves, %d saved but killed before the ack, %d killed mid-save leaving a temp file",
		iterations, acks, unacked, len(strays))
	if acks == 0 {
		t.Error("no save was ever acknowledged: the kills came too early to test anything")
	}
}

// runWorkers has 4 processes check 50 distinct steps each, all at once, and
// returns how many of the 200 checks ended up in the file.
func runWorkers(t *testing.T, noLock bool) int {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.json")
	var env []string
	if noLock {
		env = append(env, "ROTATETUI_STATE_NOLOCK=1")
	}
	var cmds []*exec.Cmd
	var starts []io.WriteCloser
	for w := range 4 {
		cmd, out, in := helper(t, "worker", path, append(env, fmt.Sprintf("ROTATETUI_STATE_WORKER=%d", w))...)
		expectLine(t, out, "ready")
		cmds, starts = append(cmds, cmd), append(starts, in)
	}
	for _, in := range starts {
		fmt.Fprintln(in, "go")
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("worker: %v", err)
		}
	}
	st, err := NewStore(path).Load()
	if err != nil {
		t.Fatalf("file unreadable after concurrent saves: %v", err)
	}
	if st.Key("src") == nil || st.Key("src").Current == nil {
		return 0
	}
	return len(st.Key("src").Current.Steps)
}

func TestNoLostUpdates(t *testing.T) {
	if n := runWorkers(t, false); n != 200 {
		t.Errorf("with the lock: %d of 200 checks kept", n)
	}
	// Without the lock the same workload must lose updates; otherwise this
	// test proves nothing about the lock.
	for round := range 3 {
		n := runWorkers(t, true)
		t.Logf("without the lock, round %d: %d of 200 checks kept", round, n)
		if n < 200 {
			return
		}
	}
	t.Error("without the lock no update was lost in 3 rounds: the test cannot tell whether the lock works")
}

func TestLockFileInodeStable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	store := NewStore(path)
	var ino uint64
	for i := range 100 {
		if _, err := store.Apply(Change{Kind: Check, Key: "src", Step: fmt.Sprint(i), At: at(i)}); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path + ".lock")
		if err != nil {
			t.Fatal(err)
		}
		got := fi.Sys().(*syscall.Stat_t).Ino
		if i > 0 && got != ino {
			t.Fatalf("apply %d: lock inode %d, was %d", i, got, ino)
		}
		ino = got
	}
}

func TestKilledLockHolderDoesNotBlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	cmd, out, _ := helper(t, "holder", path)
	expectLine(t, out, "locked")

	done := make(chan error, 1)
	go func() {
		_, err := NewStore(path).Apply(ch(Check, "a", 1))
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Apply finished (%v) while another process held the lock", err)
	case <-time.After(300 * time.Millisecond):
	}

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("Apply went through %v after the holder was killed", time.Since(killed))
	case <-time.After(time.Second):
		t.Fatal("Apply still blocked 1s after the lock holder was killed")
	}
}

// TestModesIndependentOfUmask runs with umask 0, so the expected modes can only
// come from how the files are created, not from the usual 022.
func TestModesIndependentOfUmask(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	store, path := newTestStore(t)
	if _, err := store.Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, path + ".lock": 0o600, filepath.Dir(path): 0o700} {
		if got := perm(t, p); got != want {
			t.Errorf("%s: mode %04o, want %04o", p, got, want)
		}
	}
	rescue, err := WriteRescue(path, []Change{ch(Check, "b", 2)})
	if err != nil {
		t.Fatal(err)
	}
	if got := perm(t, rescue); got != 0o600 {
		t.Errorf("rescue file mode %04o", got)
	}
}

// TestJournaledChangesSurviveKillWhileLockBusy: what a process was saving while
// another held the lock is not lost when it is killed -9, waiting for the lock or
// between the attempts of a save that timed out: the next Load shows it, and the next
// save (here Recover) puts it in the file.
func TestJournaledChangesSurviveKillWhileLockBusy(t *testing.T) {
	for _, mode := range []string{"journaled", "journaled-kept"} {
		t.Run(mode, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if _, err := NewStore(path).Apply(ch(Check, "a", 0)); err != nil {
				t.Fatal(err)
			}
			holder, hout, _ := helper(t, "holder", path)
			expectLine(t, hout, "locked")
			saver, sout, _ := helper(t, mode, path)
			expectLine(t, sout, "saving")
			if mode == "journaled-kept" {
				expectLine(t, sout, "failed: true")
			} else {
				waitForJournalEntry(t, path)
			}
			kill(t, saver, holder)
			store := expectRecovered(t, path, "evidence: OPS-1", 1)
			if n, err := store.Recover(); err != nil || n != 0 {
				t.Errorf("a second Recover = %d, %v", n, err)
			}
		})
	}
}

// kill SIGKILLs each helper process and reaps it.
func kill(t *testing.T, procs ...*exec.Cmd) {
	t.Helper()
	for _, p := range procs {
		if err := p.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = p.Wait()
	}
}

// expectRecovered checks the state file at path after its writers were killed with
// batches journaled: Load already shows step j1 checked with note, Recover saves the
// batches (as many as want), and the file then holds them with no journal entry left.
// It returns the store, for a caller to go on with.
func expectRecovered(t *testing.T, path, note string, want int) *Store {
	t.Helper()
	store := NewStore(path)
	st, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if rec := st.Key("src").Current.Steps["j1"]; rec == nil || rec.CheckedAt == nil || rec.Note != note {
		t.Fatalf("after the kill, Load does not show the journaled check and note: %+v", rec)
	}
	if n, err := store.Recover(); err != nil || n != want {
		t.Fatalf("Recover = %d, %v; want %d batches saved", n, err, want)
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), note) || !strings.Contains(string(data), `"j1"`) {
		t.Fatalf("the state file does not hold the check and the note after Recover (%v):\n%s", err, data)
	}
	if left := journalNames(t, path); len(left) != 0 {
		t.Errorf("journal entries left after they were saved: %v", left)
	}
	return store
}

// waitForJournalEntry waits until a batch has been journaled for the state file.
func waitForJournalEntry(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		for _, n := range journalNames(t, path) {
			if strings.HasSuffix(n, ".json") {
				return
			}
		}
	}
	t.Fatal("no journal entry 5s after the save began waiting for the lock")
}

// waitForEntry waits, in a helper process, until the journal of the state file at path
// has an entry: the save that wrote it is waiting for the lock.
func waitForEntry(path string) {
	dir := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".journal")
	for {
		names, _ := os.ReadDir(dir)
		for _, n := range names {
			if strings.HasSuffix(n.Name(), ".json") {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
}
