package catalog

import (
	"strings"
	"time"
)

// Settings is config.toml: the user's preferences that belong to neither a catalog
// nor the progress file. It is read by the same strict decoder as catalogs, so its
// problems are reported the same way (file:line:col, every one, unknown keys too).
type Settings struct {
	RotateEvery Duration // the default rotation interval; zero when unset
	// State is where progress is kept when neither --state nor $ROTATETUI_STATE says:
	// a file, or a postgres:// URL; "" when unset.
	State string
	// Verify says whether rotations have the proof steps and whether they may be
	// skipped (see WithProof); "" when unset, which is VerifyOffered.
	Verify Verify
	// CheckTimeout is how long a check command may run before its process group is
	// killed; zero when unset (DefaultCheckTimeout).
	CheckTimeout time.Duration
}

// DefaultCheckTimeout is how long a check command may run when config.toml sets no
// check_timeout.
const DefaultCheckTimeout = 30 * time.Second

// maxCheckTimeout is the longest check_timeout accepted: a check that needs longer
// is no check to wait for on a checklist.
const maxCheckTimeout = 3600

// ParseSettings decodes config.toml. On failure the error is an *Error.
func ParseSettings(name string, data []byte) (Settings, error) {
	p := &parser{file: name, data: data}
	var s Settings
	if raw := p.decode(); raw != nil {
		t := table{p: p, f: raw}
		s.RotateEvery = t.duration("rotate_every")
		s.State, _ = t.str("state")
		if v, ok := t.str("verify"); ok {
			s.Verify = Verify(v)
			if !contains(verifyNames(), v) {
				p.problemAt("verify", "verify must be one of %s, not %q", strings.Join(verifyNames(), ", "), Printable(v))
				s.Verify = ""
			}
		}
		if n, ok := t.int("check_timeout"); ok {
			if n < 1 || n > maxCheckTimeout {
				p.problemAt("check_timeout", "check_timeout is a number of seconds from 1 to %d, not %d", maxCheckTimeout, n)
			} else {
				s.CheckTimeout = time.Duration(n) * time.Second
			}
		}
		t.rejectUnknown("rotate_every", "state", "verify", "check_timeout")
	}
	if err := p.err(); err != nil {
		return Settings{}, err
	}
	return s, nil
}

func verifyNames() []string {
	names := make([]string, len(Verifies))
	for i, v := range Verifies {
		names[i] = string(v)
	}
	return names
}
