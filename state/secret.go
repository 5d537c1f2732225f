package state

import (
	"math"
	"regexp"
	"strings"
	"sync"
	"unicode"
)

// secretPattern is one shape of credential.
type secretPattern struct {
	what string
	re   *regexp.Regexp
}

// knownSecretPatterns are shapes of real credentials that a hurried person might paste
// into a note. Each is specific enough not to fire on ordinary prose. They are compiled
// on first use: most runs (status, --version) never need them.
var knownSecretPatterns = sync.OnceValue(func() []secretPattern {
	return []secretPattern{
		{"a private key", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)},
		{"an AWS access key id", regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)},
		{"a GitHub token", regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b`)},
		{"a GitLab token", regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}\b`)},
		{"a Slack token", regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}`)},
		{"a Stripe key", regexp.MustCompile(`\b[rsp]k_(live|test)_[A-Za-z0-9]{16,}\b`)},
		{"an OpenAI-style key", regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{20,}\b`)},
		{"a Google API key", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`)},
		{"a Google OAuth token", regexp.MustCompile(`\bya29\.[0-9A-Za-z_-]{20,}`)},
		{"a SendGrid key", regexp.MustCompile(`\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}`)},
		{"a JSON Web Token", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)},
		{"a password or secret assignment", regexp.MustCompile(`(?i)\b(password|passwd|secret|api[_-]?key|token|client[_-]?secret)\s*[:=]\s*\S{6,}`)},
	}
})

// LooksLikeSecret reports whether text appears to contain an API key, token or other
// credential, and what it looks like. rotatetui must never store one, so the store
// refuses notes, skip reasons and placeholder values that do (and the UI tells the
// person why, keeping their text for editing). It errs on the side of refusing long
// random-looking tokens: a note is prose, and a ticket id or account name stays well
// below the thresholds.
func LooksLikeSecret(text string) (what string, secret bool) {
	for _, p := range knownSecretPatterns() {
		if p.re.MatchString(text) {
			return p.what, true
		}
	}
	for _, word := range strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`"'()<>[]{},;`, r)
	}) {
		// Names like "acme-production-eu-west-1" are words joined by separators;
		// a key is one long unbroken run.
		for _, seg := range strings.FieldsFunc(word, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
			if highEntropyToken(seg) {
				return "a long random token (like an API key)", true
			}
		}
	}
	return "", false
}

// highEntropyToken: at least 20 characters from the alphabets keys are made of, with
// letters and digits mixed, and close to random (Shannon entropy ≥ 3.5 bits per char).
func highEntropyToken(w string) bool {
	if len(w) < 20 {
		return false
	}
	var lower, upper, digit bool
	counts := map[rune]int{}
	n := 0
	for _, r := range w {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune("+/=~", r):
		default:
			return false // prose, paths with other punctuation, non-ASCII words
		}
		counts[r]++
		n++
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit} {
		if b {
			classes++
		}
	}
	if classes < 2 || !digit && classes < 3 {
		return false
	}
	entropy := 0.0
	for _, c := range counts {
		p := float64(c) / float64(n)
		entropy -= p * math.Log2(p)
	}
	return entropy >= 3.5
}
