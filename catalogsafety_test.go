//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Tests of how catalogs and config.toml are read: never a special file, never more than
// the size limit.

// mkfifo makes a named pipe at p, and at the end of the test opens it for writing
// once, so a read that waits on it (the bug) is let go.
func mkfifo(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
}

// runWithin runs the command line, failing the test if it has not ended after d.
func (c *cli) runWithin(d time.Duration, args ...string) (stdout, stderr string, code int) {
	c.t.Helper()
	type result struct {
		out, errOut string
		code        int
	}
	done := make(chan result, 1)
	go func() {
		out, errOut, code := c.run(args...)
		done <- result{out, errOut, code}
	}()
	select {
	case r := <-done:
		return r.out, r.errOut, r.code
	case <-time.After(d):
		c.t.Fatalf("rotatetui %s still running after %v: it hangs", strings.Join(args, " "), d)
		return "", "", 0
	}
}

// A named pipe given as a catalog, as the user's catalog.toml or as config.toml is
// refused at once, by name, with exit 2: reading it would wait for a writer for ever.
func TestCatalogAndConfigFIFOsAreRefusedAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		fifo func(c *cli) string // makes the pipe where it is read, returns its path
		args []string
	}{
		{"--catalog", func(c *cli) string { return filepath.Join(c.home, "cat.toml") }, []string{"--catalog", "CAT"}},
		{"catalog.toml", func(c *cli) string { return filepath.Join(c.home, "config", "rotatetui", "catalog.toml") }, nil},
		{"config.toml", func(c *cli) string { return filepath.Join(c.home, "config", "rotatetui", "config.toml") }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			p := tc.fifo(c)
			mkfifo(t, p)
			args := []string{"status"}
			for _, a := range tc.args {
				args = append(args, strings.ReplaceAll(a, "CAT", p))
			}
			_, errOut, code := c.runWithin(5*time.Second, args...)
			if code != exitUsage || !strings.Contains(errOut, p+": cannot read: is a named pipe (FIFO), not a regular file") {
				t.Errorf("exit %d, want 2 and the pipe named:\n%s", code, errOut)
			}
			if _, err := os.Stat(c.statePath()); err == nil {
				t.Error("a refused catalog changed something on disk")
			}
		})
	}
	c := newCLI(t)
	p := filepath.Join(c.home, "v.toml")
	mkfifo(t, p)
	if out, _, code := c.runWithin(5*time.Second, "validate", p); code != exitFailed || !strings.Contains(out, p+": cannot read: is a named pipe") {
		t.Errorf("validate of a pipe: exit %d\n%s", code, out)
	}
}

// A catalog or config.toml over --max-catalog-size is refused with a message naming the
// flag; a larger limit lets it be read.
func TestMaxCatalogSizeFlag(t *testing.T) {
	c := newCLI(t)
	cat := c.write("cat.toml", "version = 1\n[[sources]]\nid = \"a\"\nname = \"A\"\n[[sources.steps]]\ntext = \"Do it.\"\n")
	_, errOut, code := c.run("status", "--catalog", cat, "--max-catalog-size", "32")
	if code != exitUsage || !strings.Contains(errOut, cat+": cannot read: is larger than") || !strings.Contains(errOut, "--max-catalog-size") {
		t.Errorf("exit %d, want 2 naming the file and --max-catalog-size:\n%s", code, errOut)
	}
	if out, _, code := c.run("validate", cat, "--max-catalog-size=32"); code != exitFailed || !strings.Contains(out, "--max-catalog-size") {
		t.Errorf("validate over the limit: exit %d\n%s", code, out)
	}
	if _, errOut, code := c.run("status", "--catalog", cat, "--max-catalog-size", "1K"); code != exitOK {
		t.Errorf("under the limit: exit %d\n%s", code, errOut)
	}
	cfg := c.write("config/rotatetui/config.toml", "rotate_every = \"60d\"\n"+strings.Repeat("# padding\n", 10))
	if _, errOut, code := c.run("status", "--max-catalog-size", "64"); code != exitUsage || !strings.Contains(errOut, cfg+": cannot read: is larger than") {
		t.Errorf("config.toml over the limit: exit %d\n%s", code, errOut)
	}
}
