package fuzzy

import "strings"

// textGroups holds texts that many sources share (categories, labels): each distinct
// text once, lower-cased, in the order first seen, with the text as first given and
// its sources in catalog order. A query is then matched once per distinct text, not
// once per source.
type textGroups struct {
	low     []string  // distinct, lower-cased
	text    []string  // as first given
	members [][]int32 // per text, its sources in catalog order, each once
}

// add records that source holds text ("" and blanks hold nothing) and reports
// whether text is new. seen maps the lower-cased texts to their group while the
// index is built; it is the caller's, so the index does not keep it.
func (g *textGroups) add(seen map[string]int32, text string, source int32) (added bool) {
	low := strings.ToLower(strings.TrimSpace(text))
	if low == "" {
		return false
	}
	k, ok := seen[low]
	if !ok {
		k = int32(len(g.low))
		seen[low] = k
		g.low = append(g.low, low)
		g.text = append(g.text, text)
		g.members = append(g.members, nil)
	}
	if in := g.members[k]; len(in) == 0 || in[len(in)-1] != source {
		g.members[k] = append(in, source) // a source's text given twice counts once
	}
	return !ok
}
