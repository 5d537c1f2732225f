package catalog

import (
	"fmt"
	"strings"
)

// scanPositions maps key paths ("sources[2].steps[0].text") to where they are written.
// The TOML decoder keeps positions to itself, so this reads the file's shape directly:
// table headers and "key =" lines, skipping multi-line strings. Keys it cannot place
// (inline tables, say) fall back to their table's header in problemAt.
func scanPositions(data []byte) map[string]position {
	pos := map[string]position{}
	current := ""
	sourceIdx, stepIdx := -1, -1
	inMultiline := ""
	for n, line := range strings.Split(string(data), "\n") {
		lineNo := n + 1
		if inMultiline != "" {
			if strings.Count(line, inMultiline)%2 == 1 {
				inMultiline = ""
			}
			continue
		}
		trimmed := strings.TrimSpace(line)
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		switch {
		case trimmed == "" || trimmed[0] == '#':
			continue
		case strings.HasPrefix(trimmed, "[["):
			header := strings.TrimSpace(strings.Trim(strings.SplitN(trimmed, "]]", 2)[0], "[ "))
			switch header {
			case "sources":
				sourceIdx, stepIdx = sourceIdx+1, -1
				current = fmt.Sprintf("sources[%d]", sourceIdx)
			case "sources.steps":
				stepIdx++
				current = fmt.Sprintf("sources[%d].steps[%d]", max(sourceIdx, 0), stepIdx)
			default:
				current = header
				if rest, ok := strings.CutPrefix(header, "sources."); ok {
					// A misspelt table inside a source ([[sources.step]]) is reported
					// as an unknown key of that source.
					current = fmt.Sprintf("sources[%d].%s", max(sourceIdx, 0), rest)
				}
			}
			pos[current] = position{lineNo, indent + 1}
			continue
		case trimmed[0] == '[':
			current = strings.TrimSpace(strings.Trim(strings.SplitN(trimmed, "]", 2)[0], "[ "))
			pos[current] = position{lineNo, indent + 1}
			continue
		}
		if m := keyLine().FindStringSubmatchIndex(line); m != nil {
			key := strings.Trim(line[m[2]:m[3]], `"'`)
			path := key
			if current != "" {
				path = current + "." + key
			}
			pos[path] = position{lineNo, m[2] + 1}
			value := line[m[1]:]
			for _, q := range []string{`"""`, `'''`} {
				if strings.Count(value, q)%2 == 1 {
					inMultiline = q
				}
			}
		}
	}
	return pos
}

// keyLine finds a "key =" line. Only a catalog with problems needs it (see positions).
var keyLine = lazyRegexp(`^\s*([A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*=`)
