package ui

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/rotatetui/rotatetui/catalog"
)

// A placeholder value is checked against where it is used. One that stands in a link's
// host name (https://{subdomain}.smarpshare.com/...) takes only what a host name can
// hold: a value such as "evil.example/login?next=" would otherwise turn the link into
// one to another site. The rule holds for a value typed in and for one read from the
// progress file, which a person may have edited.

// hostPlaceholders are the names of src's placeholders that stand in the host part of
// a step's URL (anywhere before its path, query or fragment).
func hostPlaceholders(src *catalog.Source) map[string]bool {
	names := map[string]bool{}
	for _, st := range src.Steps {
		for _, name := range placeholdersIn(urlAuthority(st.URL)) {
			names[name] = true
		}
	}
	return names
}

// urlAuthority is the part of a URL template up to the end of its host and port: what
// a value placed there can change the site of.
func urlAuthority(tmpl string) string {
	i := strings.Index(tmpl, "://")
	if i < 0 {
		return ""
	}
	if j := strings.IndexAny(tmpl[i+3:], "/?#"); j >= 0 {
		return tmpl[:i+3+j]
	}
	return tmpl
}

// hostValueProblem says why value cannot stand in a host name, or "" if it can:
// letters, digits and "-", in labels of at most 63 joined by single dots.
func hostValueProblem(value string) string {
	for _, r := range value {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return fmt.Sprintf("%q is not a letter, digit, \"-\" or \".\"", string(r))
		}
	}
	for _, label := range strings.Split(value, ".") {
		switch {
		case label == "":
			return "a host name cannot begin or end with \".\", nor have two in a row"
		case len(label) > 63:
			return "a part of a host name between dots is at most 63 characters"
		}
	}
	return ""
}

// valueProblem says why value cannot be the value of placeholder name of src, or "".
func valueProblem(src *catalog.Source, name, value string) string {
	if !hostPlaceholders(src)[name] || value == "" {
		return ""
	}
	return hostValueProblem(value)
}

// usableValues splits a source's saved placeholder values into those that can be used
// and those that cannot, each with its problem: the latter are treated as unset, so
// they are asked for again.
func usableValues(src *catalog.Source, saved map[string]string) (values, refused map[string]string) {
	values, refused = map[string]string{}, map[string]string{}
	for name, v := range saved {
		if problem := valueProblem(src, name, v); problem != "" {
			refused[name] = problem
			continue
		}
		values[name] = v
	}
	return values, refused
}

// keyValues are the placeholder values a key's checklist uses: those declared for the
// key in keys.toml (declared), which win and cannot be changed on screen, then those
// saved in the key's state entry; each checked as usableValues does. A declared value
// that cannot be used is refused like a saved one, and so asked on screen.
func keyValues(src *catalog.Source, declared, saved map[string]string) (values, refused map[string]string, fixed map[string]bool) {
	values, refused = usableValues(src, saved)
	fixed = map[string]bool{}
	for name, v := range declared {
		if problem := valueProblem(src, name, v); problem != "" {
			refused[name] = problem
			delete(values, name)
			continue
		}
		delete(refused, name)
		values[name], fixed[name] = v, true
	}
	return values, refused, fixed
}

// linkHost is the host a filled URL leads to, for the status line, or "" if it has
// none.
func linkHost(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return catalog.PrintableLine(u.Hostname())
}
