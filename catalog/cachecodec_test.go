package catalog

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// goodEntry is the cache entry of goodCatalog, as Cache writes it.
func goodEntry(t testing.TB) []byte {
	t.Helper()
	c, err := Parse("good.toml", []byte(goodCatalog))
	if err != nil {
		t.Fatal(err)
	}
	return encodeCatalog(c)
}

// decodeCatalog reads an entry held in memory, as Cache reads a file.
func decodeCatalog(entry []byte) (*Catalog, bool) {
	return readCatalog(bytes.NewReader(entry), int64(len(entry)))
}

// codecBody is an entry without its header and checksum: what decodeBody reads.
func codecBody(entry []byte) string {
	return string(entry[len(cacheFormat)+1 : len(entry)-checksumSize])
}

func TestCacheCodecRoundTripsTheBuiltinCatalog(t *testing.T) {
	want := parsedBuiltin(t)
	got, ok := decodeCatalog(encodeCatalog(want))
	if !ok {
		t.Fatal("the built-in catalog's entry does not decode")
	}
	setOrigin(got, BuiltinOrigin) // Origin is the loader's to set
	if !reflect.DeepEqual(got, want) {
		t.Error("the built-in catalog changed on its way through the cache")
	}
}

func TestCacheCodecRoundTripsRandomCatalogs(t *testing.T) {
	r := rand.New(rand.NewPCG(2024, 11))
	for i := range 300 {
		want := randomCatalog(r)
		got, ok := decodeCatalog(encodeCatalog(want))
		if !ok {
			t.Fatalf("catalog %d does not decode: %+v", i, want)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("catalog %d changed:\n got %#v\nwant %#v", i, got, want)
		}
	}
}

// randomCatalog makes a catalog of any shape the format must carry: empty strings and
// long ones, text beyond ASCII and bytes that are not UTF-8, nil and empty slices,
// negative and huge numbers. Origin stays empty, as the decoder leaves it.
func randomCatalog(r *rand.Rand) *Catalog {
	str := func() string {
		alphabet := []string{"a", "Z", "0", " ", "-", "{x}", "\n", "\t", "\x00", "\x1b[2J", "é", "日本", "\xff", "\u202e"}
		var b strings.Builder
		n := r.IntN(8)
		if r.IntN(20) == 0 {
			n = 200 + r.IntN(200) // a length beyond one varint byte
		}
		for range n {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	num := func() int64 {
		switch r.IntN(4) {
		case 0:
			return 0
		case 1:
			return -r.Int64()
		default:
			return r.Int64N(1 << uint(1+r.IntN(62)))
		}
	}
	c := &Catalog{Version: int(num()), Title: str(), RotateEvery: Duration(num())}
	nSources := r.IntN(6)
	for range nSources {
		s := Source{ID: str(), Name: str(), Category: str(), Docs: str(), Note: str(), RotateEvery: Duration(num()), Disabled: r.IntN(2) == 0}
		if r.IntN(3) > 0 {
			s.Aliases = []string{}
			for range r.IntN(4) {
				s.Aliases = append(s.Aliases, str())
			}
		}
		if r.IntN(4) > 0 {
			s.Steps = []Step{}
			for range r.IntN(5) {
				s.Steps = append(s.Steps, Step{ID: str(), Key: str(), Text: str(), Kind: Kind(str()), Command: str(), URL: str(), Wait: Duration(num())})
			}
		}
		c.Sources = append(c.Sources, s)
	}
	return c
}

func TestCacheCodecMissesOnEveryTruncation(t *testing.T) {
	entry := goodEntry(t)
	for n := range len(entry) {
		if c, ok := decodeCatalog(entry[:n]); ok || c != nil {
			t.Fatalf("an entry cut to %d of %d bytes decoded", n, len(entry))
		}
	}
	// Past the checksum too, where only the bounds checks stand between a short
	// entry and a panic or a wrong catalog.
	body := codecBody(entry)
	for n := range len(body) {
		if _, ok := decodeBody(body[:n]); ok {
			t.Fatalf("a body cut to %d of %d bytes decoded", n, len(body))
		}
	}
}

func TestCacheCodecMissesOnTrailingBytes(t *testing.T) {
	entry := goodEntry(t)
	if _, ok := decodeCatalog(append(entry, 0)); ok {
		t.Error("an entry with a byte after its checksum decoded")
	}
	if _, ok := decodeBody(codecBody(entry) + "\x00"); ok {
		t.Error("a body with a byte after its last source decoded")
	}
	// The file grew or shrank between Stat and reading it.
	size := int64(len(entry))
	if _, ok := readCatalog(bytes.NewReader(append(entry, 0)), size); ok {
		t.Error("an entry longer than its size decoded")
	}
	if _, ok := readCatalog(bytes.NewReader(entry), size+1); ok {
		t.Error("an entry shorter than its size decoded")
	}
}

func TestCacheCodecMissesOnBitFlips(t *testing.T) {
	entry := goodEntry(t)
	for i := range len(entry) {
		for bit := range 8 {
			flipped := slices.Clone(entry)
			flipped[i] ^= 1 << bit
			if _, ok := decodeCatalog(flipped); ok {
				t.Fatalf("the entry with bit %d of byte %d flipped decoded", bit, i)
			}
		}
	}
	// Without the checksum a flip may well decode (in a string's text, say), but it
	// must not panic whatever it hits: a count, a length, a flag.
	body := codecBody(entry)
	for i := range len(body) {
		for bit := range 8 {
			flipped := []byte(body)
			flipped[i] ^= 1 << bit
			decodeBody(string(flipped))
		}
	}
}

// TestCacheCodecRefusesHugeCounts: a count the entry is too short to hold must be a
// miss before anything is allocated for it.
func TestCacheCodecRefusesHugeCounts(t *testing.T) {
	for _, body := range []string{
		"\xff\xff\xff\xff\x0f\x00\x00",                         // 2³²-1 sources
		"\x00\xff\xff\xff\xff\xff\xff\x7f\x00",                 // 2⁴⁹-1 steps
		"\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",     // 2⁶⁴-1 aliases
		"\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\x03", // a Version past 64 bits
		"\x00\x00\x00\x00\x0a",                                 // a Title longer than the rest
	} {
		if _, ok := decodeBody(body); ok {
			t.Errorf("%q decoded", body)
		}
	}
}

// TestCacheCodecDecodesLean: the reader's allocations do not grow with the catalog
// (the text takes one string; sources, steps and aliases one array each), and an
// append to one source cannot reach the next.
func TestCacheCodecDecodesLean(t *testing.T) {
	small := goodEntry(t)
	entry := encodeCatalog(parsedBuiltin(t))
	smallAllocs := testing.AllocsPerRun(20, func() { decodeCatalog(small) })
	allocs := testing.AllocsPerRun(20, func() { decodeCatalog(entry) })
	if allocs != smallAllocs || allocs > 16 {
		t.Errorf("decoding took %v allocations for a catalog of %d bytes, %v for one of %d", smallAllocs, len(small), allocs, len(entry))
	}
	c, _ := decodeCatalog(entry)
	var a, b *Source
	for i := range len(c.Sources) - 1 {
		if len(c.Sources[i].Aliases) > 0 && len(c.Sources[i+1].Aliases) > 0 {
			a, b = &c.Sources[i], &c.Sources[i+1]
			break
		}
	}
	if a == nil {
		t.Fatal("no two neighbours with aliases in the built-in catalog")
	}
	nextAlias, nextStep := b.Aliases[0], b.Steps[0]
	a.Aliases = append(a.Aliases, "appended")
	a.Steps = append(a.Steps, Step{Key: "appended"})
	if b.Aliases[0] != nextAlias || b.Steps[0] != nextStep {
		t.Error("an append to one source overwrote the next one's data")
	}
}

// FuzzDecode feeds the decoder arbitrary entries and bodies. It must never panic, and
// whatever it accepts must survive another trip through the encoder unchanged.
func FuzzDecode(f *testing.F) {
	entry := goodEntry(f)
	f.Add(entry)
	f.Add([]byte(codecBody(entry)))
	f.Add(encodeCatalog(parsedBuiltin(f)))
	f.Add(encodeCatalog(randomCatalog(rand.New(rand.NewPCG(1, 2)))))
	f.Add([]byte(cacheFormat + "\n"))
	f.Add([]byte{})
	f.Add([]byte("\x01\x01\x00" + // counts: one source, one step, no alias
		"\x00\x00\x00" + // Version, Title, RotateEvery
		"\x00\x00\x00\x00\x00\x00\x04\x00\x01" + // a source with steps, no aliases, one step
		"\x00\x00\x00\x00\x00\x00\x00")) // an empty step
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeBodyBytes := func(b []byte) (*Catalog, bool) { return decodeBody(string(b)) }
		for _, decode := range []func([]byte) (*Catalog, bool){decodeCatalog, decodeBodyBytes} {
			c, ok := decode(data)
			if !ok {
				if c != nil {
					t.Fatal("a miss returned a catalog")
				}
				continue
			}
			again, ok := decodeCatalog(encodeCatalog(c))
			if !ok || !reflect.DeepEqual(again, c) {
				t.Fatalf("a decoded catalog does not survive a round trip:\n got %#v\nwant %#v", again, c)
			}
		}
	})
}
