package state

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// The secret guard is measured on two generated corpora: credentials of the shapes
// people paste by mistake, and the ordinary notes, skip reasons and placeholder values
// rotatetui exists to record. The generators are seeded, so a change in the figures is
// a change in the guard.

// corpusGen draws random text from a seeded source.
type corpusGen struct{ r *rand.Rand }

func newCorpusGen(seed uint64) corpusGen { return corpusGen{rand.New(rand.NewPCG(seed, 20))} }

func (g corpusGen) pick(list ...string) string { return list[g.r.IntN(len(list))] }

func (g corpusGen) n(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

func (g corpusGen) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.UintN(256))
	}
	return b
}

// chars is n characters drawn from alphabet.
func (g corpusGen) chars(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

const (
	lowerHex   = "0123456789abcdef"
	upperHex   = "0123456789ABCDEF"
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	pwChars    = alnum + "!#$%&*+-=?@^_~"
)

// hex is a random hex token, in lower case mostly.
func (g corpusGen) hex(n int) string {
	if g.r.IntN(5) == 0 {
		return g.chars(n, upperHex)
	}
	return g.chars(n, lowerHex)
}

func (g corpusGen) uuid() string {
	h := g.chars(32, lowerHex)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// pasted puts a token where a hurried person pastes one: alone, or in words that say
// nothing about what it is.
func (g corpusGen) pasted(token string) string {
	return strings.ReplaceAll(g.pick("{}", "{}", "new one: {}", "use {} from now on", "generated {} for the connector",
		"'{}'", "({})", "rotated, now {}", "{} (prod)", "copied {} into the app", "value {}", "done {}"), "{}", token)
}

// A secretCase is one category of the secret corpus, with its size.
type corpusCase struct {
	name string
	n    int
	gen  func(g corpusGen) string
}

var secretCorpus = []corpusCase{
	{"hex 32", 1000, func(g corpusGen) string { return g.pasted(g.hex(32)) }},
	{"hex 40", 1000, func(g corpusGen) string { return g.pasted(g.hex(40)) }},
	{"hex 64", 500, func(g corpusGen) string { return g.pasted(g.hex(64)) }},
	{"base64url 24 bytes", 1000, func(g corpusGen) string {
		return g.pasted(base64.RawURLEncoding.EncodeToString(g.bytes(24)))
	}},
	{"base64url 25-48 bytes", 1000, func(g corpusGen) string {
		return g.pasted(base64.RawURLEncoding.EncodeToString(g.bytes(g.n(25, 48))))
	}},
	{"base64 24-48 bytes", 1000, func(g corpusGen) string {
		return g.pasted(base64.StdEncoding.EncodeToString(g.bytes(g.n(24, 48))))
	}},
	{"random alphanumeric 24-64", 500, func(g corpusGen) string { return g.pasted(g.chars(g.n(24, 64), alnum)) }},
	{"vendor keys", 1000, func(g corpusGen) string { return g.pasted(g.vendorKey()) }},
	{"JWT", 200, func(g corpusGen) string {
		enc := base64.RawURLEncoding.EncodeToString
		header := enc([]byte(`{"alg":"` + g.pick("HS256", "RS256", "ES256") + `","typ":"JWT"}`))
		payload := enc([]byte(fmt.Sprintf(`{"sub":"%d","iat":%d}`, g.n(1, 1e6), g.n(1.6e9, 1.8e9))))
		return g.pasted(header + "." + payload + "." + enc(g.bytes(32)))
	}},
	{"connection string with a password", 500, func(g corpusGen) string { return g.connectionString() }},
	{"private key block", 200, func(g corpusGen) string {
		kind := g.pick("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY",
			"ENCRYPTED PRIVATE KEY", "DSA PRIVATE KEY", "PGP PRIVATE KEY BLOCK")
		body := base64.StdEncoding.EncodeToString(g.bytes(g.n(48, 300)))
		return "-----BEGIN " + kind + "-----\n" + body + "\n-----END " + kind + "-----"
	}},
	{"private key body without its header", 200, func(g corpusGen) string {
		return base64.StdEncoding.EncodeToString(g.bytes(48))[:64]
	}},
	{"password in words", 500, func(g corpusGen) string { return g.passwordPhrase() }},
	{"key given by name", 300, func(g corpusGen) string { return g.keyPhrase() }},
	{"password alone", 500, func(g corpusGen) string { return g.password(true) }},
	{"credential in a URL", 300, func(g corpusGen) string { return g.credentialURL() }},
}

func (g corpusGen) vendorKey() string {
	switch g.r.IntN(16) {
	case 0:
		return g.pick("sk_live_", "sk_test_", "rk_live_", "pk_live_") + g.chars(g.n(24, 99), alnum)
	case 1:
		return g.pick("ghp_", "gho_", "ghu_", "ghs_", "ghr_") + g.chars(36, alnum)
	case 2:
		return "github_pat_" + g.chars(22, alnum) + "_" + g.chars(59, alnum)
	case 3:
		return g.pick("xoxb-", "xoxp-", "xoxa-") + g.chars(12, "0123456789") + "-" + g.chars(13, "0123456789") + "-" + g.chars(24, alnum)
	case 4:
		return g.pick("AKIA", "ASIA") + g.chars(16, upperAlnum)
	case 5:
		return "glpat-" + g.chars(20, alnum+"_-")
	case 6:
		return "AIza" + g.chars(35, alnum+"_-")
	case 7:
		return "SG." + g.chars(22, alnum+"_-") + "." + g.chars(43, alnum+"_-")
	case 8:
		return g.pick("sk-", "sk-proj-", "sk-ant-api03-") + g.chars(g.n(40, 90), alnum+"_-")
	case 9:
		return "npm_" + g.chars(36, alnum)
	case 10:
		return "hf_" + g.chars(34, alnum)
	case 11:
		return g.pick("shpat_", "shpss_") + g.chars(32, lowerHex)
	case 12:
		return "dop_v1_" + g.chars(64, lowerHex)
	case 13:
		return "dapi" + g.chars(32, lowerHex)
	case 14:
		// AWS secret access key: 40 base64 characters.
		return base64.StdEncoding.EncodeToString(g.bytes(30))
	}
	return "key-" + g.chars(32, lowerHex) // Mailgun
}

// password is a password as people make them: a word with letters swapped for digits
// and symbols, or random characters from a generator.
func (g corpusGen) password(alone bool) string {
	if g.r.IntN(2) == 0 {
		return g.chars(g.n(10, 24), pwChars) + g.pick("1", "!", "#", "9")
	}
	word := []byte(g.pick("troubador", "summer", "welcome", "snowflake", "dragon", "sunshine", "monkey", "football", "letmein", "autumn"))
	word[0] -= 'a' - 'A'
	for i := range word {
		switch {
		case word[i] == 'o' && g.r.IntN(2) == 0:
			word[i] = '0'
		case word[i] == 'a' && g.r.IntN(2) == 0:
			word[i] = '@'
		case word[i] == 'e' && g.r.IntN(2) == 0:
			word[i] = '3'
		}
	}
	pw := string(word) + fmt.Sprint(g.n(0, 2030)) + g.pick("!", "&", "#", "$", "%", "*", "?!")
	if !alone && g.r.IntN(2) == 0 {
		pw = g.pick("correcthorsebatterystaple", "hunter2", "letmein123", "Winter2026", "qwerty123", "changeme1")
	}
	return pw
}

func (g corpusGen) passwordPhrase() string {
	pw := g.password(false)
	return strings.ReplaceAll(g.pick(
		"the new password is {}",
		"password: {}",
		"Password = {}",
		"new pwd is {}",
		"temp password: {}",
		"pw: {}",
		"the password for svc_etl is {}",
		"password was changed to {}",
		"PGPASSWORD={}",
		"db_password: \"{}\"",
		"passphrase is {}",
		"set the password to {} for now",
		"Server=tcp:acme.database.windows.net,1433;User ID=etl;Password={};",
		"MYSQL_ROOT_PASSWORD={}",
	), "{}", pw)
}

// keyPhrase is a key given by name, the way config files and HTTP headers write one.
func (g corpusGen) keyPhrase() string {
	key := g.pick(g.chars(g.n(16, 40), alnum), g.chars(32, lowerHex), base64.StdEncoding.EncodeToString(g.bytes(g.n(12, 24))))
	return strings.ReplaceAll(g.pick(
		"api_key={}",
		"client_secret: {}",
		"token = {}",
		"X-Api-Key: {}",
		"Authorization: Bearer {}",
		"aws_secret_access_key = {}",
		"the new API key is {}",
		"SECRET_KEY={}",
		"access token: {}",
	), "{}", key)
}

func (g corpusGen) connectionString() string {
	user := g.pick("etl", "admin", "svc_reporting", "root", "app", "analytics")
	pass := g.password(false)
	if g.r.IntN(2) == 0 {
		pass = g.chars(g.n(12, 32), alnum)
	}
	host := g.pick("db.internal", "cluster0."+g.chars(5, lowerAlnum)+".mongodb.net", "10.0.3.17",
		"acme-prod.c"+g.chars(10, lowerAlnum)+".eu-central-1.rds.amazonaws.com", "redis-12345.c1.eu-west-1.ec2.cloud.redislabs.com")
	switch g.r.IntN(3) {
	case 0:
		return g.pick("postgres", "postgresql", "mysql", "mongodb", "mongodb+srv", "redis", "rediss", "amqps", "sqlserver") +
			"://" + user + ":" + pass + "@" + host + g.pick("", ":5432/analytics", "/admin?retryWrites=true&w=majority", ":6379")
	case 1:
		return "jdbc:postgresql://" + host + ":5432/dw?user=" + user + "&password=" + pass
	}
	return "connect with " + g.pick("redis", "amqp", "postgres") + "://:" + pass + "@" + host + " then check"
}

func (g corpusGen) credentialURL() string {
	switch g.r.IntN(5) {
	case 0:
		return "https://hooks.slack.com/services/T" + g.chars(8, upperAlnum) + "/B" + g.chars(8, upperAlnum) + "/" + g.chars(24, alnum)
	case 1:
		return "https://discord.com/api/webhooks/" + g.chars(18, "0123456789") + "/" + g.chars(68, alnum+"_-")
	case 2:
		return "https://api.example.com/v1/export?" + g.pick("access_token", "token", "api_key", "apikey", "client_secret") + "=" + g.chars(g.n(20, 40), alnum)
	case 3:
		return "https://acme.blob.core.windows.net/exports/data.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-04-01&sig=" +
			strings.ReplaceAll(base64.StdEncoding.EncodeToString(g.bytes(32)), "=", "%3D")
	}
	return "https://acme.webhook.office.com/webhookb2/" + g.uuid() + "@" + g.uuid() + "/IncomingWebhook/" + g.chars(32, lowerHex) + "/" + g.uuid()
}

// ordinaryCorpus is what notes, skip reasons and placeholder values are really made of.
var ordinaryCorpus = []corpusCase{
	{"ticket ids", 300, func(g corpusGen) string {
		return strings.ReplaceAll(g.pick("ticket OPS-{}", "see JIRA DATA-{}", "INC00{}", "CHG00{} approved",
			"case #{} with vendor support", "Zendesk #{}", "PR #{} merged", "acme/infra#{}", "tracked in SEC-{}"), "{}", fmt.Sprint(g.n(10, 99999)))
	}},
	{"URLs", 600, func(g corpusGen) string { return g.ordinaryURL() }},
	{"UUIDs", 300, func(g corpusGen) string {
		return strings.ReplaceAll(g.pick("{}", "request id {}", "query {} failed, retried", "connector {}",
			"workspace {} (prod)", "Snowflake query ID {}"), "{}", g.uuid())
	}},
	{"dates and times", 300, func(g corpusGen) string {
		d := fmt.Sprintf("%d-%02d-%02d", g.n(2024, 2027), g.n(1, 12), g.n(1, 28))
		return strings.ReplaceAll(g.pick("{}", "on {} at 10:22", "{}T10:22:00Z", "next rotation due {}",
			"token expires {}", "valid until {} 23:59 CET", "rotated {}, verified {}"), "{}", d)
	}},
	{"commit references", 500, func(g corpusGen) string {
		return strings.ReplaceAll(strings.ReplaceAll(g.pick(
			"commit {short}", "commit {full}", "fixed in commit {full}", "merged {short}", "reverted {full}",
			"deployed commit {full} to prod", "git sha {full}", "(commit {full})", "sha: {full}",
			"image acme/etl@sha256:{digest}", "sha256:{digest}", "checksum {digest}", "HEAD is at {short}",
			"merge commit {full} on main", "cherry-picked {full}", "commit: {full}",
			"github.com/acme/infra/commit/{full}"), "{short}", g.chars(g.n(7, 12), lowerHex)),
			"{full}", g.chars(40, lowerHex))
	}},
	{"account names", 400, func(g corpusGen) string { return g.accountName() }},
	{"Snowflake account locators", 300, func(g corpusGen) string {
		loc := g.chars(2, "abcdefghijklmnopqrstuvwxyz") + fmt.Sprint(g.n(10000, 99999))
		region := g.pick("eu-central-1", "us-east-2.aws", "eu-west-1", "us-west-2", "west-europe.azure", "ap-southeast-2")
		return strings.ReplaceAll(g.pick("{}", "{}", "account {}", "{}.snowflakecomputing.com", "locator {} (prod)"), "{}", loc+"."+region)
	}},
	{"step notes", 800, func(g corpusGen) string { return g.stepNote() }},
	{"placeholder values", 300, func(g corpusGen) string {
		return g.pick("acme", "acme-eu", "acme-prod", "ACME-ANALYTICS", "acmecorp", "reporting", "eu1", "acme-de-2026",
			"ab12345", "org-"+fmt.Sprint(g.n(100, 999)), "acme"+fmt.Sprint(g.n(1, 99)), "tenant-"+g.pick("north", "south", "emea"))
	}},
}

func (g corpusGen) ordinaryURL() string {
	org := g.pick("acme", "acme-data", "globex")
	repo := g.pick("infra", "etl-pipelines", "terraform-snowflake", "rotatetui")
	n := fmt.Sprint(g.n(1, 9999))
	switch g.r.IntN(14) {
	case 0:
		return "https://github.com/" + org + "/" + repo + "/issues/" + n
	case 1:
		return "https://github.com/" + org + "/" + repo + "/pull/" + n + "/files"
	case 2:
		return "https://github.com/" + org + "/" + repo + "/commit/" + g.chars(40, lowerHex)
	case 3:
		return "https://app.snowflake.com/" + g.pick("eu-central-1", "us-east-2.aws") + "/" + g.chars(2, "abcdefghij") + fmt.Sprint(g.n(10000, 99999)) +
			"/w" + g.chars(11, alnum) + "#query"
	case 4:
		return "https://app.snowflake.com/" + strings.ToLower(g.pick("ACME", "GLOBEX")) + "/analytics/#/data/databases/RAW/schemas/" + g.pick("STRIPE", "ADS")
	case 5:
		return "https://" + org + ".atlassian.net/browse/OPS-" + n
	case 6:
		return "https://" + org + ".atlassian.net/wiki/spaces/OPS/pages/" + fmt.Sprint(g.n(1e8, 9e9)) + "/Key+rotation+runbook"
	case 7:
		return "https://docs.google.com/document/d/" + base64.RawURLEncoding.EncodeToString(g.bytes(33)) + "/edit"
	case 8:
		return "https://www.notion.so/" + org + "/Key-rotation-" + g.chars(32, lowerHex)
	case 9:
		return g.pick("https://app.supermetrics.com/settings/api-keys", "https://dashboard.stripe.com/apikeys",
			"https://console.aws.amazon.com/iam/home?region=eu-central-1#/users/details/svc-etl?section=security_credentials",
			"https://admin.smarpshare.com/admin/integrations", "https://app.datadoghq.eu/dashboard/abc-def-ghi")
	case 10:
		return "https://acme.slack.com/archives/C0" + g.chars(8, upperAlnum) + "/p" + g.chars(16, "0123456789")
	case 11:
		return "https://github.com/" + org + "/" + repo + "/actions/runs/" + fmt.Sprint(g.n(1e9, 9e9))
	case 12:
		return "https://drive.google.com/file/d/" + base64.RawURLEncoding.EncodeToString(g.bytes(24)) + "/view?usp=sharing"
	}
	return "see https://" + org + ".atlassian.net/browse/OPS-" + n + " and https://github.com/" + org + "/" + repo + "/issues/" + n
}

func (g corpusGen) accountName() string {
	return g.pick("svc_etl_loader", "FIVETRAN_USER", "reporting-connector-2026", "acme-production-eu-west-1",
		"role ETL_LOADER_ROLE", "user maria.schmidt@acme.example", "etl-loader@acme-analytics-2026.iam.gserviceaccount.com",
		"arn:aws:iam::"+g.chars(12, "0123456789")+":role/etl-loader", "AWS account "+g.chars(12, "0123456789"),
		"ACME-ANALYTICS", "SupermetricsConnectorProd", "ReportingConnector2026", "OAuth2ClientCredentials",
		"K8sClusterProd2026", "S3BucketEUWest1Backup", "ANALYTICS_WH_XSMALL_2026", "svc-"+g.pick("looker", "dbt", "airbyte")+"-"+g.pick("prod", "dev"),
		"warehouse TRANSFORMING_WH", "the integration user is api-"+g.pick("reporting", "export")+"@acme.example",
		"client id "+g.chars(20, "0123456789")+".apps.googleusercontent.com", "Azure app "+g.uuid())
}

func (g corpusGen) stepNote() string {
	vendor := g.pick("supermetrics", "fivetran", "appsflyer", "snowflake", "stripe", "smarp", "hubspot")
	date := fmt.Sprintf("2026-%02d-%02d", g.n(1, 12), g.n(1, 28))
	return strings.NewReplacer("{vendor}", vendor, "{date}", date, "{n}", fmt.Sprint(g.n(100, 99999)), "{hex}", g.chars(16, lowerHex),
		"{pod}", g.chars(9, lowerHex)+"-"+g.chars(5, lowerAlnum)).Replace(g.pick(
		"asked Maria (platform team) on {date}, she rotated it",
		"waiting for vendor support, case {n}",
		"old key revoked at 14:05 CET",
		"password stored in 1Password vault Ops",
		"the password was rotated by IT",
		"the password is in 1Password under '{vendor} API (prod)'",
		"password: see vault",
		"new token saved in Vault at secret/data/etl/{vendor}",
		"token expires {date}",
		"the token is valid until {date}",
		"used the staging account",
		"rotated via Terraform PR #{n}",
		"the key name is {vendor}-connector-2026",
		"secret updated in Kubernetes secret {vendor}-credentials in namespace etl",
		"pod {vendor}-connector-{pod} restarted",
		"instance i-0{hex} replaced",
		"AMI ami-0{hex} rebuilt",
		"bucket s3://acme-prod-exports/{vendor}/ checked",
		"verified with SELECT CURRENT_USER() -> SVC_ETL",
		"no access to the admin panel",
		"skipped: the source is deprecated since {date}",
		"the password policy requires 16 characters",
		"password reset link sent to it-support@acme.example",
		"API key rotated; the old one revoked after 30 minutes",
		"client secret is stored in Azure Key Vault kv-acme-prod",
		"api key: see 1Password",
		"upgraded the connector to v1.26.8 first",
		"IP 10.0.12.34 allow-listed for the new key",
		"runner etl-runner-03.internal restarted",
		"Rücksprache mit Jürgen am 14.03., Schlüssel erneuert",
		"the {vendor} integration was re-authorised with OAuth, nothing to copy",
		"key rotated by the vendor; we only updated the connection in Airbyte",
		"Supermetrics App integration refreshed; secret stored in 1Password vault Ops",
		"new key works, dashboards refresh again (checked 3 of them)",
		"ran dbt run --select {vendor}+ after the swap, all green",
		"export job {n} succeeded with the new credentials",
		"Internationalization settings unchanged",
		"the token was regenerated in the developer portal",
		"done by @maria in #data-platform",
		"key id {hex} disabled",
	))
}

// corpusResult is how the guard did on one category.
type corpusResult struct {
	name       string
	refused, n int
	wrong      []string // a few texts decided wrongly
}

func (r corpusResult) rate() float64 { return float64(r.refused) / float64(r.n) }

func (r corpusResult) String() string {
	line := fmt.Sprintf("%-36s %5d/%-5d refused (%5.1f%%)", r.name, r.refused, r.n, 100*r.rate())
	if len(r.wrong) > 0 {
		line += "; e.g. " + strings.Join(r.wrong, ", ")
	}
	return line
}

// measureGuard runs the guard over a corpus whose texts are secrets (want) or not.
func measureGuard(cases []corpusCase, seed uint64, want bool) (results []corpusResult, refused, total int) {
	g := newCorpusGen(seed)
	for _, c := range cases {
		r := corpusResult{name: c.name, n: c.n}
		for range c.n {
			text := c.gen(g)
			_, secret := LooksLikeSecret(text)
			if secret {
				r.refused++
			}
			if secret != want && len(r.wrong) < 3 {
				r.wrong = append(r.wrong, fmt.Sprintf("%q", text))
			}
		}
		results = append(results, r)
		refused += r.refused
		total += r.n
	}
	return results, refused, total
}

// TestSecretGuardIsMeasured holds the guard's recall above 99% on generated
// credentials and its false positives below 1% on ordinary notes, overall and in every
// category, and prints the figures (go test -v -run SecretGuardIsMeasured ./state/).
func TestSecretGuardIsMeasured(t *testing.T) {
	secrets, caught, nSecrets := measureGuard(secretCorpus, 1, true)
	notes, flagged, nNotes := measureGuard(ordinaryCorpus, 2, false)
	for _, r := range secrets {
		t.Log("credentials  ", r)
		if r.rate() <= 0.99 {
			t.Errorf("%s: recall %.1f%%, want above 99%%", r.name, 100*r.rate())
		}
	}
	for _, r := range notes {
		t.Log("ordinary     ", r)
		if r.rate() >= 0.01 {
			t.Errorf("%s: %.1f%% refused, want below 1%%", r.name, 100*r.rate())
		}
	}
	recall := float64(caught) / float64(nSecrets)
	falsePositives := float64(flagged) / float64(nNotes)
	t.Logf("recall %.2f%% (%d of %d credentials refused), false positives %.2f%% (%d of %d notes refused)",
		100*recall, caught, nSecrets, 100*falsePositives, flagged, nNotes)
	if recall <= 0.99 {
		t.Errorf("recall %.2f%%, want above 99%%", 100*recall)
	}
	if falsePositives >= 0.01 {
		t.Errorf("false positives %.2f%%, want below 1%%", 100*falsePositives)
	}
}

// BenchmarkLooksLikeSecret is the guard on a typical note, as the UI runs it on every
// note and skip reason submitted.
func BenchmarkLooksLikeSecret(b *testing.B) {
	const note = "asked Maria (platform team) on 2026-03-14, she rotated it; see https://github.com/acme/infra/issues/812 and commit 4f3c2b1"
	LooksLikeSecret(note) // the patterns compile once, on first use
	b.ReportAllocs()
	for range b.N {
		if _, secret := LooksLikeSecret(note); secret {
			b.Fatal("refused")
		}
	}
}
