package catalog

import (
	"encoding/binary"
	"hash/crc32"
	"io"
	"math"
	"strings"
)

// A cache entry is a catalog in a compact binary form of our own, read back with as
// few allocations as its shape allows: one string holding the whole entry, of which
// every text field is a substring, one array of sources, one of steps and one of
// aliases. (encoding/gob allocated every string apart, which made a 100,000-source
// catalog cost far more memory than its text, and its package init ran at every
// start.)
//
// The layout, integers as encoding/binary varints (signed ones zig-zag) and a string as
// its byte length followed by its bytes:
//
//	header   cacheFormat, then "\n"
//	counts   sources, steps and aliases in the whole catalog (uvarints)
//	catalog  Version (varint), Title, RotateEvery (varint)
//	sources  each: ID, Name, Category, Docs, Note, RotateEvery (varint), a flags byte
//	         (sourceDisabled, sourceHasAliases, sourceHasSteps), the number of aliases
//	         and the aliases, the number of steps and the steps, each of which is ID,
//	         Key, Text, Kind, Command, URL, Wait (varint)
//	trailer  CRC-32 (IEEE) of all that precedes it, 4 bytes little-endian
//
// Origin is not stored: the loader sets it. The flags keep a nil slice apart from an
// empty one, so a decoded catalog deep-equals the parsed one (a catalog without
// sources comes back with nil Sources, but Parse never returns one). Anything that
// does not decode exactly, checksum, counts and length included, is a miss, never a
// panic.

// The bits of a source's flags byte.
const (
	sourceDisabled   = 1 << iota
	sourceHasAliases // Aliases is not nil (it may be empty)
	sourceHasSteps   // Steps is not nil (it may be empty)
	sourceFlags      = sourceDisabled | sourceHasAliases | sourceHasSteps
)

// The fewest bytes a source, a step and an alias can take, to refuse counts that the
// entry is too short to hold before allocating for them.
const (
	minSourceSize = 5 + 1 + 1 + 1 + 1 // five empty strings, RotateEvery, flags, two counts
	minStepSize   = 6 + 1             // six empty strings, Wait
	minAliasSize  = 1                 // an empty string
)

// checksumSize is the length of the trailer.
const checksumSize = 4

// encodeCatalog returns the cache entry for cat.
func encodeCatalog(cat *Catalog) []byte {
	// Sized up front: growing a buffer of megabytes copies it each time, into
	// memory the process touches for the first time.
	var nSteps, nAliases int
	size := 64 + len(cat.Title)
	for i := range cat.Sources {
		s := &cat.Sources[i]
		nSteps += len(s.Steps)
		nAliases += len(s.Aliases)
		size += 32 + len(s.ID) + len(s.Name) + len(s.Category) + len(s.Docs) + len(s.Note)
		for _, a := range s.Aliases {
			size += binary.MaxVarintLen32 + len(a)
		}
		for j := range s.Steps {
			st := &s.Steps[j]
			size += 32 + len(st.ID) + len(st.Key) + len(st.Text) + len(st.Kind) + len(st.Command) + len(st.URL)
		}
	}
	b := make([]byte, 0, size)
	b = append(b, cacheFormat+"\n"...)
	b = binary.AppendUvarint(b, uint64(len(cat.Sources)))
	b = binary.AppendUvarint(b, uint64(nSteps))
	b = binary.AppendUvarint(b, uint64(nAliases))
	b = binary.AppendVarint(b, int64(cat.Version))
	b = appendString(b, cat.Title)
	b = binary.AppendVarint(b, int64(cat.RotateEvery))
	for i := range cat.Sources {
		s := &cat.Sources[i]
		for _, text := range [...]string{s.ID, s.Name, s.Category, s.Docs, s.Note} {
			b = appendString(b, text)
		}
		b = binary.AppendVarint(b, int64(s.RotateEvery))
		var flags byte
		if s.Disabled {
			flags |= sourceDisabled
		}
		if s.Aliases != nil {
			flags |= sourceHasAliases
		}
		if s.Steps != nil {
			flags |= sourceHasSteps
		}
		b = append(b, flags)
		b = binary.AppendUvarint(b, uint64(len(s.Aliases)))
		for _, a := range s.Aliases {
			b = appendString(b, a)
		}
		b = binary.AppendUvarint(b, uint64(len(s.Steps)))
		for j := range s.Steps {
			st := &s.Steps[j]
			for _, text := range [...]string{st.ID, st.Key, st.Text, string(st.Kind), st.Command, st.URL} {
				b = appendString(b, text)
			}
			b = binary.AppendVarint(b, int64(st.Wait))
		}
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// readCatalog reads a cache entry of size bytes (as the file's Stat tells) from r.
// The entry goes straight into the one string that the catalog's text will be
// substrings of, its checksum taken on the way: it is in memory once, not as bytes
// read and then as the string copied from them.
func readCatalog(r io.Reader, size int64) (*Catalog, bool) {
	const header = cacheFormat + "\n"
	if size < int64(len(header)+checksumSize) || size > math.MaxInt {
		return nil, false
	}
	bodyEnd := int(size) - checksumSize
	var text strings.Builder
	text.Grow(bodyEnd)
	sum := crc32.NewIEEE()
	if _, err := io.CopyBuffer(io.MultiWriter(&text, sum), io.LimitReader(r, int64(bodyEnd)), make([]byte, 64<<10)); err != nil || text.Len() != bodyEnd {
		return nil, false // shorter than size
	}
	// One byte more than the checksum, to notice bytes after it.
	var trailer [checksumSize + 1]byte
	if n, _ := io.ReadFull(r, trailer[:]); n != checksumSize || binary.LittleEndian.Uint32(trailer[:]) != sum.Sum32() {
		return nil, false
	}
	entry := text.String()
	if !strings.HasPrefix(entry, header) {
		return nil, false
	}
	return decodeBody(entry[len(header):])
}

// decodeBody reads what follows the header, up to the checksum. Every string it
// returns is a substring of body, which therefore stays in memory as long as any of
// them does. It is apart from readCatalog so that tests reach it without forging
// checksums.
func decodeBody(body string) (*Catalog, bool) {
	d := decoder{s: body}
	nSources := d.count(minSourceSize)
	nSteps := d.count(minStepSize)
	nAliases := d.count(minAliasSize)
	if d.bad || nSources*minSourceSize+nSteps*minStepSize+nAliases*minAliasSize > len(d.s)-d.pos {
		return nil, false
	}
	cat := &Catalog{
		Version:     int(d.varint()),
		Title:       d.string(),
		RotateEvery: Duration(d.varint()),
	}
	if nSources > 0 {
		cat.Sources = make([]Source, nSources)
	}
	steps := make([]Step, nSteps)
	aliases := make([]string, nAliases)
	for i := range cat.Sources {
		s := &cat.Sources[i]
		s.ID, s.Name, s.Category, s.Docs, s.Note = d.string(), d.string(), d.string(), d.string(), d.string()
		s.RotateEvery = Duration(d.varint())
		flags := d.byte()
		if flags&^sourceFlags != 0 {
			return nil, false
		}
		s.Disabled = flags&sourceDisabled != 0
		n := d.count(minAliasSize)
		if d.bad || n > len(aliases) || n > 0 && flags&sourceHasAliases == 0 {
			return nil, false
		}
		if flags&sourceHasAliases != 0 {
			// A full slice expression: an append by the caller must reallocate, not
			// overwrite the next source's aliases.
			s.Aliases, aliases = aliases[:n:n], aliases[n:]
			for j := range s.Aliases {
				s.Aliases[j] = d.string()
			}
		}
		n = d.count(minStepSize)
		if d.bad || n > len(steps) || n > 0 && flags&sourceHasSteps == 0 {
			return nil, false
		}
		if flags&sourceHasSteps != 0 {
			s.Steps, steps = steps[:n:n], steps[n:]
			for j := range s.Steps {
				st := &s.Steps[j]
				st.ID, st.Key, st.Text = d.string(), d.string(), d.string()
				st.Kind = Kind(d.string())
				st.Command, st.URL = d.string(), d.string()
				st.Wait = Duration(d.varint())
			}
		}
		if d.bad {
			return nil, false
		}
	}
	// Every counted step and alias used, and nothing left over.
	if d.bad || len(steps) != 0 || len(aliases) != 0 || d.pos != len(d.s) {
		return nil, false
	}
	return cat, true
}

// decoder reads the cache layout from s. The first thing out of bounds or malformed
// sets bad; from then on every read returns a zero value, so callers check bad once
// after a run of reads rather than after each.
type decoder struct {
	s   string
	pos int
	bad bool
}

func (d *decoder) byte() byte {
	if d.bad || d.pos >= len(d.s) {
		d.bad = true
		return 0
	}
	d.pos++
	return d.s[d.pos-1]
}

// uvarint is binary.Uvarint on a string, which saves converting the entry to bytes.
func (d *decoder) uvarint() uint64 {
	var x uint64
	for shift := uint(0); shift < 64; shift += 7 {
		b := d.byte()
		if d.bad {
			return 0
		}
		if b < 0x80 {
			if shift == 63 && b > 1 {
				break // more than 64 bits
			}
			return x | uint64(b)<<shift
		}
		x |= uint64(b&0x7f) << shift
	}
	d.bad = true
	return 0
}

// varint undoes binary.AppendVarint's zig-zag encoding.
func (d *decoder) varint() int64 {
	ux := d.uvarint()
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x
}

// count reads a number of things, each at least minSize bytes long, refusing one the
// rest of the entry is too short to hold: a damaged count must not allocate gigabytes.
func (d *decoder) count(minSize int) int {
	n := d.uvarint()
	if d.bad || n > uint64((len(d.s)-d.pos)/minSize) {
		d.bad = true
		return 0
	}
	return int(n)
}

// string returns the next string as a substring of the entry, without copying.
func (d *decoder) string() string {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.s)-d.pos) {
		d.bad = true
		return ""
	}
	s := d.s[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return s
}
