package state

import (
	"regexp"
	"strconv"
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
//  1. Known shapes: vendor prefixes (ghp_, sk_live_, xoxb-, AKIA…), JWTs, private key
//     blocks. Specific enough never to fire on prose.
//  2. URLs: a password in the user part (postgres://user:pass@…), a query parameter
//     named like a credential (?token=…), a webhook URL (whose path is its secret).
//     Other path segments are resource ids (a Google Doc's, a Snowflake worksheet's, a
//     GitHub commit's) and are not judged: that is what made URLs false positives.
//  3. Phrases: a password word followed by its value ("the new password is X",
//     "pwd: X", "PGPASSWORD=X", "login admin / X"), a key or token word with ":", "="
//     or "is" and a value, "Bearer X". A value that is a plain word saying where the
//     secret is or what happened to it ("in 1Password", "stored", "rotated",
//     "mandatory") is not one.
//  4. Words: a word of letters, digits and symbols mixed (Tr0ub4dor&3) is a password;
//     a hex run of 32 or more is a key; any other run of 12 or more letters and digits
//     is a key when they switch class as often as random text does, where an
//     identifier's are words (acme-production-eu-west-1, ReportingConnector2026). A
//     commit word among the three words before a hex or random run ("commit 9f8e…",
//     "sha256:…", "fingerprint SHA256:…") or an id word just before it ("trace 4bf9…",
//     "Okta app 0oa1…") makes it a hash or an id.
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

// secretRegexps are the URL and phrase patterns, compiled on first use.
type secretRegexps struct {
	url     *regexp.Regexp
	param   *regexp.Regexp // a URL parameter's name, in a query or fragment
	phrases []phrase
}

// phrase is one way of giving a credential in words: a pattern whose last group is
// the value, and the test that value must pass. final is whether the value ends the
// text ("the password is crystal", not "the password is crystal clear to everyone").
type phrase struct {
	what  string
	hints []string // in lower case: a text with none of them cannot match re
	re    *regexp.Regexp
	value func(v string, final bool) bool
}

// secretPhrases are compiled on first use, like knownSecretPatterns.
var secretPhrases = sync.OnceValue(func() secretRegexps {
	const (
		// PGPASSWORD, db_password, --password, passphrase, pwd, pw.
		passwordWord = `(?i)\b(?:(?:[a-z0-9]+[_-])*[a-z]*(?:password|passwd|passphrase|passcode)|pwd|pw)`
		// api_key, X-Api-Key, aws_secret_access_key, client secret, token.
		keyWord = `(?i)\b(?:[a-z0-9]+[_-])*(?:api[_ -]?key|apikey|access[_ -]?key|secret[_ -]?key|client[_ -]?secret|secret|` +
			`(?:access|auth|refresh|api)[_ -]?token|token|private[_ -]?key|signing[_ -]?key|key)`
		// "for the vendor drop", between the word and its value.
		forClause = `(?:\s+(?:for|of|on)(?:\s+[^\s:=]+){1,3})?`
		// ":", "=", "is:", "was changed to": what follows is the value itself.
		literal = `(?:\s*(?::|=|->|→)|\s+(?:is|was)\s*:|\s+(?:(?:is|was|has\s+been|will\s+be)\s+)?(?:now\s+)?(?:set|changed|reset|updated)\s+to)\s*`
		// "is", "was": what follows may be the value or may say something about it.
		is    = `\s+(?:is|was|will\s+be|becomes)(?:\s+now)?\s+`
		value = `(\S+)`
	)
	passwordHints := []string{"pass", "pw"}
	keyHints := []string{"key", "token", "secret"}
	return secretRegexps{
		url:   regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s<>"'` + "`" + `]+`),
		param: regexp.MustCompile(`[?&#;]([A-Za-z0-9_.-]+)=`),
		phrases: []phrase{
			{"a password", passwordHints, regexp.MustCompile(passwordWord + forClause + literal + value), literalValue},
			{"a password", passwordHints, regexp.MustCompile(passwordWord + forClause + is + value), isValue},
			{"a password", passwordHints, regexp.MustCompile(`(?i)\b(?:set|change|changed|reset|update|updated)\s+(?:the\s+|its\s+|their\s+)?(?:[a-z0-9_-]+\s+)?(?:password|passwd|passphrase|pwd)\s+to\s+` + value), literalValue},
			{"a password", passwordHints, regexp.MustCompile(passwordWord + `\s+` + value), bareValue},
			{"a password", []string{"pass", "cred"}, regexp.MustCompile(`(?i)\b(?:pass|creds|credentials)\s*[:=]\s*` + value), literalValue},
			// "login admin / P4ssw0rd", "creds: svc_etl / Summer2026", curl -u etl:pass.
			{"a password", []string{"login", "user", "cred"}, regexp.MustCompile(`(?i)\b(?:login|user(?:name)?|creds|credentials)\b\s*:?\s*[^\s/]+\s*/\s*` + value), bareValue},
			{"a password", []string{"-u"}, regexp.MustCompile(`\s-u\s*[^\s:]+:` + value), literalValue},
			{"a key or token", keyHints, regexp.MustCompile(keyWord + literal + value), substantive},
			{"a key or token", keyHints, regexp.MustCompile(keyWord + is + value), substantive},
			{"a bearer token", []string{"bearer", "basic"}, regexp.MustCompile(`(?i)\b(?:bearer|authorization:\s*basic)\s+(\S{16,})`), substantive},
		},
	}
})

// secretInURL finds a URL holding a credential: a password in its user part, a query
// or fragment parameter named like one, or a webhook address.
func secretInURL(text string) string {
	if !strings.Contains(text, "://") {
		return ""
	}
	for _, u := range secretPhrases().url.FindAllString(text, -1) {
		if what := secretURL(u); what != "" {
			return what
		}
	}
	return ""
}

// secretURL judges one URL, scheme://[user[:password]@]host[/path][?query][#fragment].
func secretURL(u string) string {
	rest := u[strings.Index(u, "://")+3:]
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	host := authority
	if user, _, ok := strings.Cut(rest, "@"); ok && !strings.Contains(user, "/") {
		// A password pasted as it is may hold ? or #, which would end the authority.
		if _, pass, ok := strings.Cut(user, ":"); ok && !isPlaceholder(pass) {
			return "a connection string with a password"
		}
	}
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		host = authority[at+1:]
	}
	host, _, _ = strings.Cut(strings.ToLower(host), ":")
	path := rest[len(authority):]
	if isWebhook(host, path) {
		return "a webhook URL (its address is its secret)"
	}
	return secretParam(path)
}

// webhooks are the addresses whose path is the secret: anyone who has one can post.
var webhooks = []struct{ host, path string }{
	{"hooks.slack.com", "/services/"},
	{"discord.com", "/api/webhooks/"},
	{"discordapp.com", "/api/webhooks/"},
	{"hooks.zapier.com", "/hooks/catch/"},
	{"outlook.office.com", "/webhook"},
	{".webhook.office.com", "/"},
}

func isWebhook(host, path string) bool {
	for _, w := range webhooks {
		hostMatches := host == w.host || strings.HasPrefix(w.host, ".") && strings.HasSuffix(host, w.host)
		if hostMatches && strings.HasPrefix(path, w.path) && len(path) > len(w.path)+8 {
			return true
		}
	}
	return false
}

// credentialParams are query parameters that carry a credential, whatever the value
// looks like; weakParams carry one when the value looks random.
var (
	credentialParams = []string{"password", "passwd", "pwd", "pass", "secret", "client_secret",
		"token", "access_token", "refresh_token", "id_token", "auth_token", "api_key", "apikey",
		"api-key", "private_token", "sig", "signature", "x-amz-signature", "x-amz-security-token",
		"x-goog-signature", "x-goog-credential"}
	weakParams = []string{"key", "code", "auth", "session", "sessionid", "sid"}
)

// secretParam finds a parameter naming a credential in the query or fragment of a
// URL's path. A value runs to the next & or ;, as a password pasted unencoded may hold
// # or ?.
func secretParam(path string) string {
	if !strings.ContainsAny(path, "?#") {
		return ""
	}
	for _, m := range secretPhrases().param.FindAllStringSubmatchIndex(path, -1) {
		name := strings.ToLower(path[m[2]:m[3]])
		value := path[m[1]:]
		if end := strings.IndexAny(value, "&;"); end >= 0 {
			value = value[:end]
		}
		if isPlaceholder(value) {
			continue
		}
		switch {
		case inList(credentialParams, name) && len(value) >= 6,
			inList(weakParams, name) && (randomRun(value) || hexKey(value)):
			return "a URL with a credential in it (its " + name + " parameter)"
		}
	}
	return ""
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

// isPlaceholder reports a value that stands for a secret without being one: empty,
// masked (****, xxxx), a template ({password}, <password>, ${PGPASSWORD}, %s) or a word
// such as YOUR_PASSWORD or REDACTED.
func isPlaceholder(v string) bool {
	v = strings.Trim(v, "\"'`")
	if v == "" || strings.Trim(v, "*xX•.#_-") == "" {
		return true
	}
	if strings.ContainsAny(v[:1], "<{[") || isVariable(v) {
		return true
	}
	lower := strings.ToLower(v)
	for _, w := range []string{"password", "passwd", "secret", "redacted", "token", "hidden", "masked", "placeholder"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// isVariable reports a reference to a value kept elsewhere: $PGPASSWORD, ${DB_PASS},
// %s, %(password)s.
func isVariable(v string) bool {
	switch {
	case strings.HasPrefix(v, "${"), strings.HasPrefix(v, "%s"), strings.HasPrefix(v, "%("):
		return true
	case strings.HasPrefix(v, "$") && len(v) > 1:
		return strings.Trim(v[1:], "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == ""
	}
	return false
}

// secretInPhrase finds a value given as a password, key or token in words.
func secretInPhrase(text string) string {
	lower := strings.ToLower(text)
	for _, p := range secretPhrases().phrases {
		if !containsAny(lower, p.hints) {
			continue
		}
		for _, m := range p.re.FindAllStringSubmatchIndex(text, -1) {
			v := phraseValue(text[m[len(m)-2]:m[len(m)-1]])
			final := strings.Trim(text[m[1]:], " \t\n.!?\"')") == ""
			if p.value(v, final) {
				return p.what
			}
		}
	}
	return ""
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

// phraseValue is the value after "password is": its first word, without quotes or the
// punctuation of the sentence around it.
func phraseValue(v string) string {
	return strings.Trim(v, "\"'`.,;:()")
}

// literalValue: after "password:" anything is the password but a placeholder or a word
// saying where it is ("see vault").
func literalValue(v string, _ bool) bool {
	return len(v) >= 4 && !isPlaceholder(v) && !isReference(v)
}

// isValue: after "password is", a value with digits, symbols or capitals inside is the
// password; a plain word only when it ends the text and is not prose ("the password
// is mandatory", "... is case-sensitive").
func isValue(v string, final bool) bool {
	if !literalValue(v, final) {
		return false
	}
	if hasKeyMarks(v) {
		return true
	}
	return final && !isProse(v)
}

// bareValue: right after "password", without "is" or ":", only a value with digits or
// symbols is taken for one ("password hunter22", not "password policy").
func bareValue(v string, _ bool) bool {
	return len(v) >= 6 && literalValue(v, false) && hasKeyMarks(v) && strings.IndexFunc(v, isASCIILetter) >= 0
}

func isASCIILetter(r rune) bool { return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' }

// hasKeyMarks reports a digit, a symbol other than a hyphen or apostrophe, or a capital
// after the first letter: what a password has and a word does not.
func hasKeyMarks(v string) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case '0' <= c && c <= '9', 'A' <= c && c <= 'Z' && i > 0:
			return true
		case c < 0x80 && c != '-' && c != '\'' && !isASCIILetter(rune(c)):
			return true
		}
	}
	return false
}

// isProse reports a word that reads as English rather than as a password: hyphenated,
// or with the ending of a participle, adverb or adjective.
func isProse(v string) bool {
	v = strings.ToLower(v)
	if strings.Contains(v, "-") {
		return true
	}
	for _, end := range []string{"ed", "ing", "ly", "able", "ible", "ory", "ive", "ful", "less", "ous"} {
		if strings.HasSuffix(v, end) {
			return true
		}
	}
	return false
}

// substantive reports a value that could be a key or token: eight characters or more,
// with digits, capitals or symbols among its letters, and not a word saying where the
// key is.
func substantive(v string, _ bool) bool {
	if len(v) < 8 || isPlaceholder(v) || isReference(v) {
		return false
	}
	var letters, others bool
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case 'a' <= c && c <= 'z':
			letters = true
		case c != '-' && c != '_' && c != '.':
			others = true
		}
	}
	return others && (letters || len(v) >= 16)
}

// references are the words that follow "the password is" in a note that only says
// where the password is or what happened to it.
var references = wordList(`a an the in on at to of by for from with via into
	stored kept saved rotated changed reset updated expired revoked removed deleted
	replaced renewed regenerated generated created sent shared managed handled set
	same unchanged now not no none null nil empty unknown required optional ok okay fine
	valid invalid new old missing pending done see ask asked check checked here there
	elsewhere also still already being available unavailable too only just vault
	1password lastpass bitwarden keeper keychain keepass dashlane onepassword bitwarden
	n/a na tbd todo wrong incorrect stale all weak strong long short good bad fine
	given sent emailed told known lost needed used unique personal temporary different
	yesterday today tomorrow earlier later again last this next also being optional
	important relevant present absent current identical critical essential internal
	external global local normal manual special confidential`)

func isReference(v string) bool {
	return inList(references(), strings.ToLower(strings.TrimRight(v, "!?")))
}

// secretWord finds a word that is a password or holds a random key.
func secretWord(text string) string {
	words := strings.Fields(text)
	for i, w := range words {
		if looksLikePassword(w) {
			return "a password (letters, digits and symbols mixed)"
		}
		if what := secretRun(w, words[max(0, i-3):i]); what != "" {
			return what
		}
	}
	return ""
}

// passwordSymbols are the symbols that, mixed with letters and digits, make a word a
// password rather than an identifier (which joins words with - _ . / :).
const passwordSymbols = "!#$%&*?@^~|\\"

// looksLikePassword reports a word of 8 to 64 characters that mixes lower-case letters,
// digits and symbols, as passwords do (Tr0ub4dor&3, P@ssw0rd2026). Not: paths, e-mail
// addresses, issue references (repo#123), nor a word whose only symbol ends a sentence
// ("rotated2!") unless it has capitals too (Summer2026!).
func looksLikePassword(w string) bool {
	w = strings.Trim(w, "\"'`()[]{}<>,;:.")
	if len(w) < 8 || len(w) > 64 || strings.ContainsRune(w, '/') {
		return false
	}
	var lower, upper, digit, final bool
	symbols := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case 'a' <= c && c <= 'z':
			lower = true
		case 'A' <= c && c <= 'Z':
			upper = true
		case '0' <= c && c <= '9':
			digit = true
		case strings.IndexByte(passwordSymbols, c) >= 0 && countsAsSymbol(w, i):
			if i == len(w)-1 && (c == '!' || c == '?') {
				final = true
			} else {
				symbols++
			}
		}
	}
	// Without digits, one symbol between words is a name (Johnson&Johnson).
	if final {
		symbols++
	}
	return lower && (digit && symbols > 0 && (upper || !final || symbols > 1) || upper && symbols > 1)
}

// countsAsSymbol: '@' before a dot is an e-mail address's, '#' first or before digits
// only is a channel or an issue number.
func countsAsSymbol(w string, i int) bool {
	switch w[i] {
	case '@':
		return !strings.Contains(w[i:], ".")
	case '#':
		number := i+1 < len(w) && strings.Trim(w[i+1:], "0123456789") == ""
		return i > 0 && !number
	}
	return true
}

// secretRun finds a random key among the runs of key characters in a word. prev are
// the (up to two) words before it, for the commit words that make a hex run a hash.
func secretRun(w string, prev []string) string {
	for start := 0; start < len(w); {
		if !isKeyChar(w[start]) {
			start++
			continue
		}
		end := start
		for end < len(w) && isKeyChar(w[end]) {
			end++
		}
		if what := hexRun(w, start, end, prev); what != "" {
			return what
		}
		if randomRun(w[start:end]) && !commitContext(w[:start], prev) && !idContext(w[:start], prev) && !isObjectID(w[start:end]) {
			return "a long random token (like an API key)"
		}
		start = end
	}
	return ""
}

// objectIDPrefixes start the ids of Stripe's objects (cus_, acct_, we_ …): random, but
// names, where its keys (sk_live_ …) are known shapes.
var objectIDPrefixes = wordList(`acct_ cus_ we_ evt_ pi_ ch_ sub_ prod_ price_ pm_ in_ txn_ po_ tr_ re_ src_ seti_`)

func isObjectID(run string) bool {
	for _, p := range objectIDPrefixes() {
		if strings.HasPrefix(run, p) {
			return true
		}
	}
	return false
}

// hexRun finds, in the run w[start:end], a hex part of 32 characters or more that no
// commit word comes before.
func hexRun(w string, start, end int, prev []string) string {
	for i := start; i < end; {
		j := i
		for j < end && !isKeySeparator(w[j]) {
			j++
		}
		if n := j - i; n >= 32 && isHex(w[i:j]) && !commitContext(w[:i], prev) && !idContext(w[:i], prev) {
			return "a " + strconv.Itoa(n) + "-character hex string (like an API key; after the word \"commit\" a commit hash is fine)"
		}
		i = j + 1
	}
	return ""
}

// isKeyChar reports the characters keys are written with: base64's and base64url's.
func isKeyChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || isKeySeparator(c)
}

func isKeySeparator(c byte) bool { return c == '-' || c == '_' || c == '+' || c == '/' || c == '=' }

// hexKey reports a value that is hex of 32 characters or more.
func hexKey(v string) bool { return longestHex(v) >= 32 }

// longestHex is the length of the longest stretch of hex digits in run, all of one
// case and with both letters and digits (so neither a number nor a word); 0 if none.
func longestHex(run string) int {
	best := 0
	for _, part := range strings.FieldsFunc(run, func(r rune) bool { return r < 0x80 && isKeySeparator(byte(r)) }) {
		if len(part) > best && isHex(part) {
			best = len(part)
		}
	}
	return best
}

func isHex(s string) bool {
	var lower, upper, letter, digit bool
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digit = true
		case 'a' <= c && c <= 'f':
			lower, letter = true, true
		case 'A' <= c && c <= 'F':
			upper, letter = true, true
		default:
			return false
		}
	}
	return letter && digit && !(lower && upper)
}

// hexDigits reports whether s is only hex digits, in one case.
func hexDigits(s string) bool {
	return strings.Trim(s, "0123456789abcdef") == "" || strings.Trim(s, "0123456789ABCDEF") == ""
}

// commitWords, among the three words before a hex or random string, make it a commit
// hash, a digest or a fingerprint: "commit 9f8e…", "sha256:…", "commits 4f3c… and 9e8d…".
var commitWords = wordList(`commit commits committed sha sha1 sha-1 sha256 sha-256 sha512
	hash hashes revision rev merge merged revert reverted cherry-picked changeset checksum
	digest md5 git sha1sum sha256sum md5sum shasum fingerprint thumbprint`)

// idWords, as the word just before a string, make it the id of something: "trace
// 4bf9…", "Okta app 0oa1…", "request id …". The price: a key written right after one
// of them ("client Xy7k…") passes, unless it also has a vendor's prefix.
var idWords = wordList(`id ids uuid guid kid app appid app-id client clientid client-id
	object instance user account tenant org organisation organization project workspace
	record query request trace span run job build incident issue case ticket worksheet
	dashboard monitor property stream portal connector connection destination pipeline
	deployment release version tag branch image container pod node cluster bucket folder
	file document doc sheet item`)

// commitContext reports whether a commit word is among the last three words before a
// string: in its own word ("sha256:…", "github.com/acme/infra/commit/…") or before it.
func commitContext(inWord string, prev []string) bool {
	words := contextWords(inWord, prev)
	for _, w := range words[max(0, len(words)-3):] {
		if inList(commitWords(), w) {
			return true
		}
	}
	return false
}

// idContext reports whether the word just before a string is an id word.
func idContext(inWord string, prev []string) bool {
	words := contextWords(inWord, prev)
	return len(words) > 0 && inList(idWords(), words[len(words)-1])
}

// contextWords are the words before a string, in lower case and without punctuation:
// prev, then those of its own word before it.
func contextWords(inWord string, prev []string) []string {
	var words []string
	for _, w := range prev {
		if w = strings.ToLower(strings.Trim(w, "\"'`()[]{}<>,;:.=#")); w != "" {
			words = append(words, w)
		}
	}
	for _, w := range strings.FieldsFunc(inWord, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-')
	}) {
		words = append(words, strings.ToLower(w))
	}
	return words
}

// randomRun reports a run of key characters whose letters and digits switch class as
// often as random text does. An identifier is words, each of one class or Capitalised
// (acme-production-eu-west-1, ReportingConnector2026: one new "atom" per word); in
// random base64 a new atom starts at almost every other character. Hex parts of eight
// or more (the id in ami-0c55b159cbfafe1f0) are left to the hex rule. The thresholds
// are set by TestSecretGuardIsMeasured: 24 letters and digits with at least a fifth of
// them starting a new atom within a word, or 16 with three classes and a third.
func randomRun(run string) bool {
	n, extra := 0, 0
	var classes [4]bool
	parts := strings.FieldsFunc(run, func(r rune) bool { return r < 0x80 && isKeySeparator(byte(r)) })
	allHex := true
	for _, part := range parts {
		allHex = allHex && hexDigits(part)
	}
	if allHex {
		return false // a UUID, a hash: the hex rule's
	}
	for _, part := range parts {
		if len(part) >= 8 && hexDigits(part) {
			continue
		}
		n += len(part)
		for i := range len(part) {
			a, b := charClass(part[max(i-1, 0)]), charClass(part[i])
			classes[b] = true
			if i > 0 && a != b && !(a == classUpper && b == classLower) {
				extra++
			}
		}
	}
	switch {
	case n >= 24:
		return extra*6 >= n
	case n >= 12:
		return classes[classLower] && classes[classUpper] && classes[classDigit] && extra*3 >= n
	}
	return false
}

const (
	classOther = iota
	classLower
	classUpper
	classDigit
)

func charClass(c byte) int {
	switch {
	case 'a' <= c && c <= 'z':
		return classLower
	case 'A' <= c && c <= 'Z':
		return classUpper
	case '0' <= c && c <= '9':
		return classDigit
	}
	return classOther
}
