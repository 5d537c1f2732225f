package fuzzy

// longHay marks, in a table of positions, a haystack of 32 letters or more: the rest
// of the entry is its index in the table's long part, or noPositions for one of 64
// letters or more, whose positions are not in the table.
const (
	longHay     = 1 << 31
	noPositions = longHay - 1
)

// maxPositionTables bounds the memory the tables take (4 bytes per haystack each:
// 12 MB at 100,000 sources). A session rarely types more letters than that; one that
// does drops the table used least recently. (A variable for tests.)
var maxPositionTables = 24

// positionTable is where one byte is in each haystack: bit i set when it is letter i.
type positionTable struct {
	short    []uint32 // per haystack; longHay|i for a long one
	long     []uint64 // per haystack of 32 to 63 letters, in order
	lastUsed uint64   // the index's tableClock when it was last looked up
}

// positionsOf returns the table of where byte c is in each haystack, building it on
// first use. A letter's positions are then a lookup, on every later search.
func (idx *Index) positionsOf(c byte) *positionTable {
	idx.tableClock++
	if t := idx.byteAt[c]; t != nil {
		t.lastUsed = idx.tableClock
		return t
	}
	if idx.positionTables >= maxPositionTables {
		idx.dropLeastRecentTable()
	}
	t := &positionTable{short: make([]uint32, len(idx.hays)), long: make([]uint64, 0, idx.longHays), lastUsed: idx.tableClock}
	bit := uint64(1) << charBit[c]
	for h := range idx.hays {
		ref := &idx.hays[h]
		var at uint64
		switch size := int(ref.end - ref.off); {
		case size >= 64:
			t.short[h] = longHay | noPositions
			continue
		case ref.mask&wideBit != 0:
			for i, r := range idx.wide[ref.off:ref.end] {
				if r == rune(c) {
					at |= 1 << i
				}
			}
		case ref.mask&bit != 0:
			at = posMask(idx.arena[ref.off:], size, c)
		}
		if ref.end-ref.off < 32 {
			t.short[h] = uint32(at)
		} else {
			t.short[h] = longHay | uint32(len(t.long))
			t.long = append(t.long, at)
		}
	}
	idx.byteAt[c] = t
	idx.positionTables++
	return t
}

// dropLeastRecentTable forgets the position table looked up least recently. (A search
// holding it keeps it until it is done.)
func (idx *Index) dropLeastRecentTable() {
	oldest := -1
	for c, t := range idx.byteAt {
		if t != nil && (oldest < 0 || t.lastUsed < idx.byteAt[oldest].lastUsed) {
			oldest = c
		}
	}
	if oldest >= 0 {
		idx.byteAt[oldest] = nil
		idx.positionTables--
	}
}

// PositionTables is how many letters' position tables the index holds (see
// positionsOf): each is 4 bytes per haystack.
func (idx *Index) PositionTables() int { return idx.positionTables }

// DropPositionTables forgets every position table, as if no letter had been typed, for
// measuring a letter's first use.
func (idx *Index) DropPositionTables() {
	clear(idx.byteAt[:])
	idx.positionTables = 0
}
