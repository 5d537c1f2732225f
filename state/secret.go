package state

import (
	"regexp"
	"strings"
	"sync"
)

// The secret guard. rotatetui must never store a credential, so notes, skip reasons and
// placeholder values that look like one are refused. It is a measured detector:
// TestSecretGuardIsMeasured runs it over generated credentials of the usual shapes
// (random hex and base64 tokens, vendor keys, JWTs, connection strings, private key
// blocks, "the password is …") and over ordinary operational notes (tickets, URLs,
// UUIDs, commit hashes, account names and locators, dates), and holds recall above 99%
// and false positives below 1%. The checks, in order:
//
//  1. Known shapes (this file): vendor prefixes (ghp_, sk_live_, xoxb-, AKIA…), JWTs,
//     private key blocks. Specific enough never to fire on prose.
//  2. URLs (secret_url.go): a password in the user part (postgres://user:pass@…), a
//     query parameter named like a credential (?token=…), a webhook URL (whose path is
//     its secret). Other path segments are resource ids (a Google Doc's, a Snowflake
//     worksheet's, a GitHub commit's) and are not judged: that is what made URLs false
//     positives.
//  3. Phrases (secret_phrase.go): a password word followed by its value ("the new
//     password is X", "pwd: X", "PGPASSWORD=X", "login admin / X"), a key or token word
//     with ":", "=" or "is" and a value, "Bearer X". A value that is a plain word saying
//     where the secret is or what happened to it ("in 1Password", "stored", "rotated",
//     "mandatory") is not one.
//  4. Words (secret_word.go): a word of letters, digits and symbols mixed (Tr0ub4dor&3)
//     is a password; a hex run of 32 or more is a key; any other run of 12 or more
//     letters and digits is a key when they switch class as often as random text does,
//     where an identifier's are words (acme-production-eu-west-1,
//     ReportingConnector2026). A commit word among the three words before a hex or
//     random run ("commit 9f8e…", "sha256:…", "fingerprint SHA256:…") or an id word just
//     before it ("trace 4bf9…", "Okta app 0oa1…") makes it a hash or an id.
//
// Trade-offs, pinned by TestSecretGuardTradeOffs: a full 40-character commit hash is
// refused unless a commit or id word comes before it, because a bare one cannot be told
// from a 40-hex token (GitHub's classic tokens were exactly that); a UUID passes, though
// some vendors use UUIDs as keys, because notes are full of UUIDs; a key written right
// after an id word ("client Xy7k…") passes unless it has a vendor's prefix; random
// tokens of under 24 letters and digits are caught only when they mix capitals, small
// letters and digits, or by a prefix or a phrase.

// secretPattern is one known shape of credential.
type secretPattern struct {
	what  string
	hints []string // a text with none of them cannot match re, which is slower to run
	re    *regexp.Regexp
}

// knownSecretPatterns are compiled on first use: most runs (status, --version) never
// need them.
var knownSecretPatterns = sync.OnceValue(func() []secretPattern {
	return []secretPattern{
		{"a private key", []string{"-----BEGIN"}, regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----`)},
		{"an AWS access key id", []string{"AKIA", "ASIA", "AGPA", "AIDA", "AROA"}, regexp.MustCompile(`\b(AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b`)},
		{"a GitHub token", []string{"gh", "github_pat_"}, regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b`)},
		{"a GitLab token", []string{"gl"}, regexp.MustCompile(`\bgl(pat|ptt|dt|rt)-[A-Za-z0-9_-]{20,}`)},
		{"a Slack token", []string{"xox", "xapp-"}, regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}|\bxapp-[0-9]-[A-Za-z0-9-]{10,}`)},
		{"a Stripe key", []string{"k_live_", "k_test_", "whsec_"}, regexp.MustCompile(`\b[rsp]k_(live|test)_[A-Za-z0-9]{16,}\b|\bwhsec_[A-Za-z0-9]{24,}`)},
		{"an OpenAI or Anthropic key", []string{"sk-"}, regexp.MustCompile(`\bsk-(proj-|ant-)?[A-Za-z0-9_-]{20,}`)},
		{"a Google API key", []string{"AIza"}, regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}`)},
		{"a Google OAuth token", []string{"ya29."}, regexp.MustCompile(`\bya29\.[0-9A-Za-z_-]{20,}`)},
		{"a SendGrid key", []string{"SG."}, regexp.MustCompile(`\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}`)},
		{"an npm, PyPI or Hugging Face token", []string{"npm_", "pypi-", "hf_"}, regexp.MustCompile(`\b(npm_[A-Za-z0-9]{36}|pypi-[A-Za-z0-9_-]{50,}|hf_[A-Za-z0-9]{30,})`)},
		{"a Shopify, DigitalOcean or Databricks token", []string{"shp", "_v1_", "dapi"}, regexp.MustCompile(`\b(shp(at|ss|ca|pa)_[a-fA-F0-9]{32}|do[por]_v1_[a-f0-9]{64}|dapi[a-f0-9]{32})`)},
		{"a JSON Web Token", []string{"eyJ"}, regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)},
	}
})

// LooksLikeSecret reports whether text appears to contain an API key, token, password
// or other credential, and what it looks like. rotatetui must never store one, so the
// store refuses notes, skip reasons and placeholder values that do (and the UI tells
// the person why, keeping their text for editing). See the top of this file for what
// it catches and what it lets through.
func LooksLikeSecret(text string) (what string, secret bool) {
	for _, p := range knownSecretPatterns() {
		if containsAny(text, p.hints) && p.re.MatchString(text) {
			return p.what, true
		}
	}
	if what := secretInURL(text); what != "" {
		return what, true
	}
	// A URL's path and query are judged by secretInURL alone: the words of
	// ".../users/details/svc-etl" are not "user X / Y".
	prose := text
	if strings.Contains(text, "://") {
		prose = secretPhrases().url.ReplaceAllString(text, " ")
	}
	for _, check := range []func(string) string{secretInPhrase, secretWord} {
		if what := check(prose); what != "" {
			return what, true
		}
	}
	return "", false
}

// wordList splits words into a list the first time it is needed: start-up does not
// pay for the guard's vocabulary.
func wordList(words string) func() []string {
	return sync.OnceValue(func() []string { return strings.Fields(words) })
}

func inList(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// containsAny reports whether s contains any of subs.
func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
