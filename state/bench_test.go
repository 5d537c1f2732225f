package state

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
)

// Benchmarks of the state file's fast decoder (fastdecode.go) against the
// encoding/json path it stands in for. BENCHMARKS.md has the figures.

// yearOfProgress is a state file after a year of use of the built-in catalog, as
// BENCHMARKS.md makes it with the CLI: two finished rotations of every built-in
// source, and one under way (three steps of snowflake checked).
func yearOfProgress(b *testing.B) []byte {
	b.Helper()
	cat, _ := catalog.Builtin()
	st := New()
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	check := func(src *catalog.Source, steps []string) {
		for _, k := range steps {
			at = at.Add(time.Minute)
			c := Change{Kind: Check, Key: src.ID, Step: k, Steps: src.StepKeys(), At: at, By: "alice@laptop"}
			if _, err := c.Apply(st); err != nil {
				b.Fatal(err)
			}
		}
	}
	for i := range cat.Sources {
		for range 2 {
			check(&cat.Sources[i], cat.Sources[i].StepKeys())
		}
	}
	for i := range cat.Sources {
		if cat.Sources[i].ID == "snowflake" {
			check(&cat.Sources[i], cat.Sources[i].StepKeys()[:3])
		}
	}
	data, err := encode(st)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// smallState is a state file of one rotation under way.
func smallState(b *testing.B) []byte {
	b.Helper()
	st := New()
	c := Change{Kind: Check, Key: "github", Step: "a", Steps: []string{"a", "b"}, At: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	if _, err := c.Apply(st); err != nil {
		b.Fatal(err)
	}
	data, err := encode(st)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkDecode is decode (the fast path) beside decodeAnyVersion (encoding/json,
// which decode falls back to) on the same file, in one process: encoding/json has
// learnt the types after its first op, which the start of a run never has (see
// BenchmarkFirstDecode).
func BenchmarkDecode(b *testing.B) {
	for _, file := range []struct {
		name string
		data []byte
	}{{"small", smallState(b)}, {"year", yearOfProgress(b)}} {
		for _, path := range []struct {
			name   string
			decode func([]byte) (*State, int, error)
		}{{"fast", decode}, {"json", decodeAnyVersion}} {
			b.Run(file.name+"/"+path.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(file.data)))
				for range b.N {
					if st, _, err := path.decode(file.data); err != nil || len(st.Keys) == 0 {
						b.Fatalf("decode: %v", err)
					}
				}
			})
		}
	}
}

const firstDecodeEnv = "ROTATETUI_STATE_FIRST_DECODE"

// BenchmarkFirstDecode is the decode of a run's one read of the state file, in a
// fresh copy of the test binary for each op (TestHelperFirstDecode): ns/call is the
// median of the times the children measured around the call.
func BenchmarkFirstDecode(b *testing.B) {
	dir := b.TempDir()
	for _, file := range []struct {
		name string
		data []byte
	}{{"small", smallState(b)}, {"year", yearOfProgress(b)}} {
		path := filepath.Join(dir, file.name+".json")
		if err := os.WriteFile(path, file.data, 0o600); err != nil {
			b.Fatal(err)
		}
		for _, mode := range []string{"fast", "json"} {
			b.Run(file.name+"/"+mode, func(b *testing.B) {
				var times []float64
				for range b.N {
					cmd := exec.Command(os.Args[0], "-test.run=^TestHelperFirstDecode$", "-test.count=1")
					cmd.Env = append(os.Environ(), firstDecodeEnv+"="+mode+":"+path)
					out, err := cmd.Output()
					_, said, _ := strings.Cut(string(out), "ns=")
					ns, perr := strconv.ParseFloat(strings.Fields(said + " ")[0], 64)
					if err != nil || perr != nil {
						b.Fatalf("child: %v %v: %q", err, perr, out)
					}
					times = append(times, ns)
				}
				slices.Sort(times)
				b.ReportMetric(0, "ns/op")
				b.ReportMetric(times[len(times)/2], "ns/call")
			})
		}
	}
}

// TestHelperFirstDecode is not a test: it is the body of BenchmarkFirstDecode's
// children. It reads the file, times its first decode and prints "ns=N".
func TestHelperFirstDecode(t *testing.T) {
	mode, path, ok := strings.Cut(os.Getenv(firstDecodeEnv), ":")
	if !ok {
		t.Skip("helper process for BenchmarkFirstDecode")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := decode
	if mode == "json" {
		dec = decodeAnyVersion
	}
	start := time.Now()
	_, _, err = dec(data)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("ns=%d\n", elapsed.Nanoseconds())
}
