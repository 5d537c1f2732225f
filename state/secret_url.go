package state

import "strings"

// The secret guard's URLs: a password in the user part, a credential in a parameter,
// a webhook address. See secret.go.

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
