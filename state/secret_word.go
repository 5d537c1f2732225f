package state

import (
	"strconv"
	"strings"
)

// The secret guard's words: a password (letters, digits and symbols mixed), a long hex
// string or a random run of key characters, unless the words before it make it a hash
// or an id. See secret.go.

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
	return passwordMarksOf(w).mixed()
}

// passwordMarks are the kinds of character a word is made of, as looksLikePassword
// weighs them.
type passwordMarks struct {
	lower, upper, digit bool
	symbols             int  // password symbols, but for a '!' or '?' that ends the word
	final               bool // the word ends with '!' or '?', which may be the sentence's
}

func passwordMarksOf(w string) passwordMarks {
	var m passwordMarks
	for i := 0; i < len(w); i++ {
		switch charClass(w[i]) {
		case classLower:
			m.lower = true
		case classUpper:
			m.upper = true
		case classDigit:
			m.digit = true
		default:
			m.addSymbol(w, i)
		}
	}
	return m
}

// addSymbol counts w[i] if it is a password symbol. A '!' or '?' that ends the word is
// set apart: "rotated2!" ends a sentence.
func (m *passwordMarks) addSymbol(w string, i int) {
	c := w[i]
	if strings.IndexByte(passwordSymbols, c) < 0 || !countsAsSymbol(w, i) {
		return
	}
	if i == len(w)-1 && (c == '!' || c == '?') {
		m.final = true
	} else {
		m.symbols++
	}
}

// mixed reports lower-case letters with digits and a symbol, or with capitals and two
// symbols. A '!' or '?' that only ends the word counts beside digits when capitals or
// another symbol come with it (Summer2026!, not rotated2!).
func (m passwordMarks) mixed() bool {
	symbols := m.symbols
	if m.final {
		symbols++
	}
	withDigits := m.digit && symbols > 0 && (m.upper || !m.final || symbols > 1)
	// Without digits, one symbol between words is a name (Johnson&Johnson).
	withCapitals := m.upper && symbols > 1
	return m.lower && (withDigits || withCapitals)
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
// the (up to three) words before it, for the commit words that make a hex run a hash.
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

// isKeySeparatorRune is isKeySeparator for strings.FieldsFunc.
func isKeySeparatorRune(r rune) bool { return r < 0x80 && isKeySeparator(byte(r)) }

// hexKey reports a value that is hex of 32 characters or more.
func hexKey(v string) bool { return longestHex(v) >= 32 }

// longestHex is the length of the longest stretch of hex digits in run, all of one
// case and with both letters and digits (so neither a number nor a word); 0 if none.
func longestHex(run string) int {
	best := 0
	for _, part := range strings.FieldsFunc(run, isKeySeparatorRune) {
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
// random base64 a new atom starts at almost every other character. The thresholds are
// set by TestSecretGuardIsMeasured: 24 letters and digits with at least a sixth of them
// starting a new atom within a word, or 12 with three classes and a third.
func randomRun(run string) bool {
	parts := strings.FieldsFunc(run, isKeySeparatorRune)
	if allHexDigits(parts) {
		return false // a UUID, a hash: the hex rule's
	}
	return atomsOf(parts).random()
}

// allHexDigits reports whether every part is hex digits (true for none).
func allHexDigits(parts []string) bool {
	for _, part := range parts {
		if !hexDigits(part) {
			return false
		}
	}
	return true
}

// runAtoms are the counts randomRun judges a run by.
type runAtoms struct {
	n       int     // letters and digits, but for the hex parts
	extra   int     // of them, those that start a new atom within their part
	classes [4]bool // the classes of character seen, by charClass
}

func atomsOf(parts []string) runAtoms {
	var a runAtoms
	for _, part := range parts {
		// Hex parts of eight or more (the id in ami-0c55b159cbfafe1f0) are left to the
		// hex rule.
		if len(part) >= 8 && hexDigits(part) {
			continue
		}
		a.add(part)
	}
	return a
}

func (a *runAtoms) add(part string) {
	a.n += len(part)
	for i := range len(part) {
		prev, c := charClass(part[max(i-1, 0)]), charClass(part[i])
		a.classes[c] = true
		// A capital then small letters is one atom: a Capitalised word.
		if i > 0 && prev != c && !(prev == classUpper && c == classLower) {
			a.extra++
		}
	}
}

func (a runAtoms) random() bool {
	switch {
	case a.n >= 24:
		return a.extra*6 >= a.n
	case a.n >= 12:
		return a.classes[classLower] && a.classes[classUpper] && a.classes[classDigit] && a.extra*3 >= a.n
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
