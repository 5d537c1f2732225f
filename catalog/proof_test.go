package catalog

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func stepKeysOf(s *Source) []string { return s.StepKeys() }

func TestWithProofAppendsTheProofSteps(t *testing.T) {
	c := keysTestCatalog(t)
	adjust, _ := c.Lookup("adjust")
	for _, v := range []Verify{"", VerifyOffered, VerifyRequired} {
		got := adjust.WithProof(v, nil)
		want := append(adjust.StepKeys(), ProofNewStep, ProofOldStep)
		if !slices.Equal(stepKeysOf(got), want) {
			t.Errorf("verify %q: steps %v, want %v", v, stepKeysOf(got), want)
		}
		if got.Steps[1].Proves != FactNewKey || got.Steps[2].Proves != FactOldKey || got.Steps[0].Proves != FactNone {
			t.Errorf("verify %q: proves %q %q %q", v, got.Steps[0].Proves, got.Steps[1].Proves, got.Steps[2].Proves)
		}
		if n := adjust.ProofStepCount(v); n != 2 {
			t.Errorf("verify %q: ProofStepCount %d, want 2", v, n)
		}
	}
	if len(adjust.Steps) != 1 {
		t.Errorf("WithProof changed the source: %d steps", len(adjust.Steps))
	}
	if got := adjust.WithProof(VerifyOff, nil); got != adjust || adjust.ProofStepCount(VerifyOff) != 0 {
		t.Errorf("verify off: got a copy with %d steps, want the source itself", len(got.Steps))
	}
}

func TestWithProofKeepsTheStepsTheRotationStartedWith(t *testing.T) {
	c := keysTestCatalog(t)
	adjust, _ := c.Lookup("adjust")
	// Started before proof steps existed (or while verify was off): none are added,
	// so it completes as it would have.
	if got := adjust.WithProof(VerifyRequired, adjust.StepKeys()); got != adjust {
		t.Errorf("an old rotation got proof steps: %v", stepKeysOf(got))
	}
	// Started with them: they stay.
	started := append(adjust.StepKeys(), ProofNewStep, ProofOldStep)
	if got := adjust.WithProof(VerifyOffered, started); len(got.Steps) != 3 {
		t.Errorf("a rotation started with proof steps lost them: %v", stepKeysOf(got))
	}
}

func TestAVerifyStepStandsForNewKeyWorks(t *testing.T) {
	src := &Source{ID: "axon", Name: "Axon", Steps: []Step{
		{Key: "create", Text: "Create.", Kind: KindCreate},
		{Key: "last-used", Text: "Check the Last Used timestamp.", Kind: KindVerify},
		{Key: "revoke", Text: "Revoke.", Kind: KindRevoke},
	}}
	got := src.WithProof(VerifyOffered, nil)
	if want := []string{"create", "last-used", "revoke", ProofOldStep}; !slices.Equal(stepKeysOf(got), want) {
		t.Fatalf("steps %v, want %v", stepKeysOf(got), want)
	}
	if got.Steps[1].Proves != FactNewKey || src.Steps[1].Proves != FactNone {
		t.Errorf("verify step proves %q (source's %q), want new on the copy only", got.Steps[1].Proves, src.Steps[1].Proves)
	}
	if src.ProofStepCount(VerifyOffered) != 1 {
		t.Errorf("ProofStepCount %d, want 1", src.ProofStepCount(VerifyOffered))
	}
	// Proof steps never collide with a catalog step: their keys are no slug.
	for _, k := range []string{ProofNewStep, ProofOldStep} {
		if isSlug(k) || derivedKeyPattern().MatchString(k) {
			t.Errorf("%s could be a catalog step key", k)
		}
	}
}

func TestSkipRefusedOnlyWhenRequired(t *testing.T) {
	c := keysTestCatalog(t)
	adjust, _ := c.Lookup("adjust")
	p := adjust.WithProof(VerifyRequired, nil)
	if why := p.SkipRefused(1, VerifyRequired); !strings.Contains(why, "step 2 cannot be skipped: it proves that the new key works") || !strings.Contains(why, `verify = "required"`) {
		t.Errorf("required, proof step: %q", why)
	}
	if why := p.SkipRefused(0, VerifyRequired); why != "" {
		t.Errorf("required, catalog step: %q", why)
	}
	if why := p.SkipRefused(2, VerifyOffered); why != "" {
		t.Errorf("offered: %q", why)
	}
}

func TestSettingsVerifyAndCheckTimeout(t *testing.T) {
	s, err := ParseSettings("config.toml", []byte("verify = \"required\"\ncheck_timeout = 45\n"))
	if err != nil || s.Verify != VerifyRequired || s.CheckTimeout != 45*time.Second {
		t.Fatalf("got %+v, %v", s, err)
	}
	if s, err := ParseSettings("config.toml", []byte("")); err != nil || s.Verify.Or() != VerifyOffered || s.CheckTimeout != 0 {
		t.Fatalf("empty: got %+v, %v", s, err)
	}
	for file, want := range map[string]string{
		"verify = \"maybe\"\n":        `config.toml:1:1: verify must be one of offered, required, off, not "maybe"`,
		"check_timeout = 0\n":         "config.toml:1:1: check_timeout is a number of seconds from 1 to 3600, not 0",
		"\ncheck_timeout = \"30s\"\n": "config.toml:2:1: check_timeout must be an integer, not a string",
	} {
		_, err := ParseSettings("config.toml", []byte(file))
		var cerr *Error
		if !errors.As(err, &cerr) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", file, err, want)
		}
	}
}

const checkKeysFile = `version = 1
[[keys]]
source = "adjust"
name = "app"
check_new = "curl -fsS -H \"Authorization: Bearer $(op read op://ops/adjust/new)\" https://api.adjust.com/me"
check_old = "curl -fsS -o /dev/null https://api.adjust.com/me?app={app}"
`

func TestCheckCommandsAreReadFromTheKeysFile(t *testing.T) {
	keys, err := ParseKeys("keys.toml", []byte(checkKeysFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(keys[0].CheckNew, "curl -fsS -H \"Authorization") || !strings.Contains(keys[0].CheckOld, "{app}") {
		t.Errorf("commands %q, %q", keys[0].CheckNew, keys[0].CheckOld)
	}
	if keys[0].CheckCommand(FactOldKey) != keys[0].CheckOld || keys[0].CheckCommand(FactNewKey) != keys[0].CheckNew {
		t.Error("CheckCommand does not pick the fact's command")
	}
	bad := "version = 1\n[[keys]]\nsource = \"adjust\"\nname = \"app\"\ncheck_new = \"\"\ncheck_old = \"a\\nb\"\n"
	_, err = ParseKeys("keys.toml", []byte(bad))
	for _, want := range []string{"keys.toml:5:1: empty check_new", "keys.toml:6:1: check_old holds a line break"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	}
}

func TestACatalogWithCheckCommandsIsRefused(t *testing.T) {
	file := keysCatalog + "\n[[keys]]\nsource = \"adjust\"\nname = \"app\"\ncheck_old = \"curl -f https://example.com\"\n"
	_, err := Parse("team.toml", []byte(file))
	want := "team.toml:31:1: check_old is refused in a catalog: check commands run on your machine, so they are read only from your own keys file ($XDG_CONFIG_HOME/rotatetui/keys.toml"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v\nwant %q", err, want)
	}
	// Told the keys file, it names it.
	_, err = ParseFor("team.toml", []byte(file), "/home/ana/.config/rotatetui/keys.toml")
	want = "team.toml:31:1: check_old is refused in a catalog: check commands run on your machine, so they are read only from your own keys file, /home/ana/.config/rotatetui/keys.toml"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v\nwant %q", err, want)
	}
}

// A check command written on a source or a step, not a key, is refused as it is in
// [[keys]], naming the keys file, and not as an unknown key.
func TestCheckCommandsOnASourceOrAStepAreRefused(t *testing.T) {
	const keysFile = "/home/ana/.config/rotatetui/keys.toml"
	onSource := strings.Replace(keysCatalog, "name = \"Adjust\"\n", "name = \"Adjust\"\ncheck_new = \"curl -f https://example.com\"\ncheck_old_exit = [22]\n", 1)
	onStep := strings.Replace(keysCatalog, "  text = \"Reset the token.\"\n", "  text = \"Reset the token.\"\n  check_old = \"exit 22\"\n", 1)
	for name, c := range map[string]struct {
		file string
		want []string
	}{
		"source": {onSource, []string{
			"team.toml:17:1: check_new is refused in a catalog: check commands run on your machine, so they are read only from your own keys file, " + keysFile,
			"team.toml:18:1: check_old_exit is refused in a catalog: it goes with check_old, and check commands are read only from your own keys file, " + keysFile}},
		"step": {onStep, []string{"team.toml:20:3: check_old is refused in a catalog: check commands run on your machine, so they are read only from your own keys file, " + keysFile}},
	} {
		_, err := ParseFor("team.toml", []byte(c.file), keysFile)
		for _, want := range c.want {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: got %v\nwant %q", name, err, want)
			}
		}
		if err != nil && strings.Contains(err.Error(), "unknown key") {
			t.Errorf("%s: reported as an unknown key too: %v", name, err)
		}
	}
}

// TestCheckOldExitIsReadWithCheckOld: check_old_exit = [22] says which statuses of
// check_old alone prove refusal; it is refused when it is not a non-empty list of
// statuses from 1 to 125, without a check_old, and in a catalog. key edit keeps it.
func TestCheckOldExitIsReadWithCheckOld(t *testing.T) {
	keys, err := ParseKeys("keys.toml", []byte(checkKeysFile+"check_old_exit = [22, 7]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys[0].CheckOldExit, []int{22, 7}) {
		t.Errorf("CheckOldExit %v", keys[0].CheckOldExit)
	}
	if line, _ := renderField("check_old_exit", &keys[0]); line != "check_old_exit = [22, 7]" {
		t.Errorf("rendered %q", line)
	}
	for tail, want := range map[string]string{
		"check_old_exit = []\n":       "keys.toml:7:1: check_old_exit must be a non-empty array",
		"check_old_exit = 22\n":       "check_old_exit must be a non-empty array of exit statuses, such as [22] (curl -f on an HTTP error), not an integer",
		"check_old_exit = [0]\n":      "check_old_exit holds 0: an exit status that proves refusal is an integer from 1 to 125",
		"check_old_exit = [127]\n":    "check_old_exit holds 127",
		"check_old_exit = [\"22\"]\n": `check_old_exit holds a string "22": an exit status is an integer`,
		"check_old_exit = [22, 2]\n":  "check_old_exit holds 2, which sh exits with when it cannot parse the command",
	} {
		if _, err := ParseKeys("keys.toml", []byte(checkKeysFile+tail)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", tail, err, want)
		}
	}
	noOld := "version = 1\n[[keys]]\nsource = \"adjust\"\nname = \"app\"\ncheck_old_exit = [22]\n"
	if _, err := ParseKeys("keys.toml", []byte(noOld)); err == nil || !strings.Contains(err.Error(), "check_old_exit without check_old") {
		t.Errorf("without check_old: %v", err)
	}
	file := keysCatalog + "\n[[keys]]\nsource = \"adjust\"\nname = \"app\"\ncheck_old_exit = [22]\n"
	if _, err := Parse("team.toml", []byte(file)); err == nil || !strings.Contains(err.Error(), "check_old_exit is refused in a catalog") {
		t.Errorf("in a catalog: %v", err)
	}
}

func TestRevokeCautionNamesTheRevokeStepsNotDone(t *testing.T) {
	s := &Source{Steps: []Step{{Kind: KindNavigate}, {Kind: KindRevoke}, {Kind: KindCreate}, {Kind: KindRevoke}, {Proves: FactOldKey}}}
	done := map[int]bool{}
	handled := func(i int) bool { return done[i] }
	if got, want := s.RevokeCaution(handled), "steps 2 and 4, which revoke the old key, are not done yet: a refusal now may not be the revokes' doing"; got != want {
		t.Errorf("none done: %q, want %q", got, want)
	}
	done[1] = true
	if got, want := s.RevokeCaution(handled), "step 4, which revokes the old key, is not done yet: a refusal now may not be the revoke's doing"; got != want {
		t.Errorf("step 2 done: %q, want %q", got, want)
	}
	done[3] = true
	if got := s.RevokeCaution(handled); got != "" {
		t.Errorf("all done: %q", got)
	}
	if got := (&Source{Steps: []Step{{Kind: KindCreate}}}).RevokeCaution(handled); got != "" {
		t.Errorf("no revoke step: %q", got)
	}
}

// A key's check commands run only on a verdict that says so: the zero one refuses.
func TestChecksVerdict(t *testing.T) {
	var k Key
	if err := k.Checks.Err(); !errors.Is(err, ErrChecksNotJudged) {
		t.Errorf("zero verdict: %v", err)
	}
	if err := JudgedChecks(nil).Err(); err != nil {
		t.Errorf("judged sound: %v", err)
	}
	loose := errors.New("keys.toml has mode 0666")
	if err := JudgedChecks(loose).Err(); err != loose {
		t.Errorf("judged loose: %v", err)
	}
}

// TestAValueTheChecksUseIsNoUnusedPlaceholder: a value only the key's check commands
// use ({org}, or $ROTATETUI_VALUE_ORG) is not warned of as filling nothing.
func TestAValueTheChecksUseIsNoUnusedPlaceholder(t *testing.T) {
	cat, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for cmd, warned := range map[string]bool{
		"":                                    true,
		"curl https://x/?org={org}":           false,
		`curl -H "Org: $ROTATETUI_VALUE_ORG"`: false,
	} {
		k := &Key{ID: "awin/main", Source: "awin", Name: "main", Values: map[string]string{"org": "acme"}, CheckNew: cmd}
		if got := len(cat.KeyWarnings(k)) > 0; got != warned {
			t.Errorf("check_new %q: warned %v, want %v (%v)", cmd, got, warned, cat.KeyWarnings(k))
		}
	}
}
