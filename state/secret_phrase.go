package state

import (
	"regexp"
	"strings"
	"sync"
)

// The secret guard's phrases: a password, key or token given in words, and the tests
// the value after the words must pass to be taken for one. See secret.go.

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
