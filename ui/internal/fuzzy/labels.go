package fuzzy

import (
	"slices"
)

// Labels are what a key carries beside its name: its owner ("ana") and its tags
// ("env=prod"). Like categories they are few distinct strings shared by many sources,
// so each is matched once per query, the same way (a query that starts one of its
// words; "prod" finds "env=prod"), and a source matched only through one comes after
// those matched by name or alias. A catalog without labels pays nothing for them.

// labelHit is one source a label matched, while the tail is built.
type labelHit struct{ source, label int32 }

// WithLabels adds each source's labels (labels[i] is source i's, and may be shorter
// than the catalog) to what the index matches. It returns idx, for chaining.
func (idx *Index) WithLabels(labels [][]string) *Index {
	seen := map[string]int32{}
	for i, ls := range labels {
		for _, l := range ls {
			idx.labels.add(seen, l, int32(i))
		}
	}
	return idx
}

// LabelOf is the label a match through a label (Alias == Label) matched, as given to
// WithLabels; "" for any other Via.
func (idx *Index) LabelOf(v Via) string {
	k := -2 - int(v.hay)
	if v.Alias != Label || k < 0 || k >= len(idx.labels.text) {
		return ""
	}
	return idx.labels.text[k]
}

// labelVia is the Via of a match through label k: its hay is -2-k, so that it is
// neither none (0) nor a category's (-1).
func labelVia(k int32) Via { return Via{Alias: Label, hay: -2 - k} }

// labelHits returns the sources of every label q matches, each once (through the
// first such label it has), in catalog order. It reuses the index's scratch.
func (idx *Index) labelHits(q string) []labelHit {
	hits := idx.labelScratch[:0]
	matched := 0
	for k, l := range idx.labels.low {
		if categoryMatch(l, q) < 0 {
			continue
		}
		matched++
		for _, s := range idx.labels.members[k] {
			hits = append(hits, labelHit{s, int32(k)})
		}
	}
	if matched > 1 {
		slices.SortFunc(hits, func(a, b labelHit) int {
			if a.source != b.source {
				return int(a.source - b.source)
			}
			return int(a.label - b.label)
		})
		hits = slices.CompactFunc(hits, func(a, b labelHit) bool { return a.source == b.source })
	}
	idx.labelScratch = hits
	return hits
}
