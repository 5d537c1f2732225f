package catalog

import (
	"bytes"
	"runtime"
	"sync"
)

// Large catalogs are parsed in pieces. The TOML decoder builds the whole document as
// nested generic maps before anything can be validated: about 6 KB per source, so a
// 100,000-source catalog took some 700 MB and several seconds on its first load. A
// catalog is top-level keys followed by [[sources]] tables, and each source's table,
// with its [[sources.steps]], means the same on its own as in the whole file. So a
// large file is cut at the lines that are a [[sources]] header, the pieces are decoded
// and validated on every core, and each piece's maps are garbage as soon as its
// sources are typed: memory stays near the size of the result.
//
// Only valid catalogs take this path. At the first problem of any kind (a piece that
// does not decode, a source that does not validate, a duplicate id, a prelude the split
// does not expect) the whole file is parsed again the ordinary way, so every report
// names the same lines and says the same things as without the split.

// chunkedMinSize is the size from which a catalog is parsed in pieces; smaller ones
// take a few milliseconds whole. (A variable so that tests can split small catalogs.)
var chunkedMinSize = 1 << 20

// chunkSize is roughly how much TOML each piece holds.
var chunkSize = 256 << 10

// parseChunked parses a large valid catalog in pieces, or reports false so that the
// caller parses it whole.
func parseChunked(name string, data []byte) (*Catalog, bool) {
	heads := sourceHeaders(data)
	if len(heads) < 2 {
		return nil, false
	}
	c, ok := parsePrelude(name, data[:heads[0]])
	if !ok {
		return nil, false
	}
	results, ok := parsePieces(name, data, cutPieces(heads, len(data)))
	if !ok {
		return nil, false
	}
	if c.Sources, ok = joinSources(results); !ok {
		return nil, false
	}
	return c, true
}

// parsePrelude parses the top-level keys, which come before the first source. ok is
// false when they hold a source after all, or a problem.
func parsePrelude(name string, prelude []byte) (c *Catalog, ok bool) {
	pre := &parser{file: name, data: prelude}
	raw := pre.decode()
	if raw == nil {
		return nil, false
	}
	if _, ok := raw.get("sources"); ok {
		return nil, false
	}
	c = pre.top(raw)
	if c == nil || len(pre.problems) > 0 {
		return nil, false
	}
	return c, true
}

// cutPieces cuts the text from the first header to size into pieces of whole sources,
// at headers, of about chunkSize each: the [start, end) offsets of each.
func cutPieces(heads []int, size int) [][2]int {
	var pieces [][2]int
	for i := 0; i < len(heads); {
		j := i + 1
		for j < len(heads) && heads[j]-heads[i] < chunkSize {
			j++
		}
		end := size
		if j < len(heads) {
			end = heads[j]
		}
		pieces = append(pieces, [2]int{heads[i], end})
		i = j
	}
	return pieces
}

// parsePieces parses the pieces on every core, each worker taking the next piece not
// yet taken. A worker stops at its first failed piece, since the file will be parsed
// whole anyway: ok is false if any piece failed or was left unparsed.
func parsePieces(name string, data []byte, pieces [][2]int) (results [][]Source, ok bool) {
	results = make([][]Source, len(pieces))
	failed := make([]bool, len(pieces))
	var next sync.Mutex
	taken := 0
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(pieces)) {
		wg.Go(func() {
			for {
				next.Lock()
				k := taken
				taken++
				next.Unlock()
				if k >= len(pieces) {
					return
				}
				results[k], failed[k] = parsePiece(name, data[pieces[k][0]:pieces[k][1]])
				if failed[k] {
					return
				}
			}
		})
	}
	wg.Wait()
	for k := range pieces {
		if failed[k] || results[k] == nil {
			return nil, false
		}
	}
	return results, true
}

// joinSources puts the pieces' sources together in file order. ok is false at a
// duplicate id: the full parse says where both are.
func joinSources(results [][]Source) (sources []Source, ok bool) {
	n := 0
	for _, srcs := range results {
		n += len(srcs)
	}
	sources = make([]Source, 0, n)
	seen := make(map[string]bool, n)
	for _, srcs := range results {
		for _, s := range srcs {
			if s.ID != "" && seen[s.ID] {
				return nil, false
			}
			seen[s.ID] = true
			sources = append(sources, s)
		}
	}
	return sources, true
}

// parsePiece decodes and validates one piece, which starts with a [[sources]] header.
// failed is true at the first problem.
func parsePiece(name string, piece []byte) (srcs []Source, failed bool) {
	p := &parser{file: name, data: piece}
	raw := p.decode()
	if raw == nil || len(raw) != 1 {
		return nil, true
	}
	t := table{p: p, f: raw}
	tables, ok := t.tables("sources")
	if !ok || len(tables) == 0 {
		return nil, true
	}
	srcs = make([]Source, 0, len(tables))
	for _, st := range tables {
		srcs = append(srcs, p.source(st))
		if len(p.problems) > 0 {
			return nil, true
		}
	}
	return srcs, false
}

// sourceHeaders returns the offsets of the lines that are exactly a [[sources]] header
// (blanks and a comment may follow), outside strings and comments. A header written
// some other way (say `[[ sources ]]`) is not a cut, which only makes a piece hold two
// sources. It returns nil for text it cannot follow, such as an unterminated string.
func sourceHeaders(data []byte) []int {
	const header = "[[sources]]"
	var heads []int
	lineStart := true // only blanks so far on this line
	for i := 0; i < len(data); {
		switch c := data[i]; c {
		case '\n':
			lineStart = true
			i++
		case ' ', '\t', '\r':
			i++
		case '#':
			for i < len(data) && data[i] != '\n' {
				i++
			}
		case '"', '\'':
			end := stringEnd(data, i)
			if end < 0 {
				return nil
			}
			i, lineStart = end, false
		case '[':
			if lineStart && bytes.HasPrefix(data[i:], []byte(header)) && restIsBlank(data[i+len(header):]) {
				heads = append(heads, i)
			}
			i, lineStart = i+1, false
		default:
			i, lineStart = i+1, false
		}
	}
	return heads
}

// stringEnd returns the offset just after the TOML string that starts at data[i] (a
// quote), or -1 when it does not end where TOML says it must.
func stringEnd(data []byte, i int) int {
	q := data[i]
	triple := bytes.HasPrefix(data[i:], []byte{q, q, q})
	if triple {
		for j := i + 3; j < len(data); j++ {
			switch {
			case q == '"' && data[j] == '\\':
				j++ // an escaped character, quote or not
			case data[j] == q && bytes.HasPrefix(data[j:], []byte{q, q, q}):
				// Up to two more quotes may end the content: """a"""""  is `a""`.
				end := j + 3
				for k := 0; k < 2 && end < len(data) && data[end] == q; k++ {
					end++
				}
				return end
			}
		}
		return -1
	}
	for j := i + 1; j < len(data); j++ {
		switch {
		case data[j] == '\n':
			return -1
		case q == '"' && data[j] == '\\':
			j++
		case data[j] == q:
			return j + 1
		}
	}
	return -1
}

// restIsBlank reports whether the rest of the line holds only blanks or a comment.
func restIsBlank(rest []byte) bool {
	for _, c := range rest {
		switch c {
		case ' ', '\t', '\r':
		case '\n', '#':
			return true
		default:
			return false
		}
	}
	return true
}
