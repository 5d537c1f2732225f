package catalog

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
)

// The benchmarks in this file run each op in a fresh copy of the test binary (the
// helper-process pattern, TestHelperBenchChild): what a fast path saves at start is
// paid once per process, on code and data nothing has touched yet, which a loop in one
// process hides. They report the time of the one call inside the child as ns/op (the
// median over b.N children), and the child's peak resident memory.

const benchChildEnv = "ROTATETUI_CATALOG_BENCH_CHILD"

// freshCall runs mode in a new child b.N times and reports the median of the times
// the children measured around their call, and the largest peak RSS they had.
func freshCall(b *testing.B, mode string, env ...string) {
	b.Helper()
	times := make([]float64, 0, b.N)
	var peakKB float64
	for range b.N {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperBenchChild$", "-test.count=1")
		cmd.Env = append(append(os.Environ(), benchChildEnv+"="+mode), env...)
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("child %s: %v\n%s", mode, err, out)
		}
		ns, hwm := childSaid(b, string(out), "ns="), childSaid(b, string(out), "hwm=")
		times = append(times, ns)
		peakKB = max(peakKB, hwm)
	}
	slices.Sort(times)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(times[len(times)/2], "ns/call")
	b.ReportMetric(peakKB/1024, "MB-peak-RSS")
}

// childSaid is the number after key in what a child printed.
func childSaid(b *testing.B, out, key string) float64 {
	_, after, ok := strings.Cut(out, key)
	v, err := strconv.ParseFloat(strings.Fields(after + " ")[0], 64)
	if !ok || err != nil {
		b.Fatalf("no %s in what the child said: %q", key, out)
	}
	return v
}

// peakRSSKB is the process's peak resident memory (VmHWM, in KB). The child's
// rusage cannot tell it: a child started with vfork inherits its parent's peak.
func peakRSSKB() string {
	status, _ := os.ReadFile("/proc/self/status")
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.Fields(v)[0]
		}
	}
	return "0"
}

// BenchmarkBuiltinFirstCall is BenchmarkBuiltin in a fresh process: the built-in
// catalog's first and only load of a run, generated or parsed from builtin.toml.
func BenchmarkBuiltinFirstCall(b *testing.B) {
	for _, mode := range []string{"builtin-generated", "builtin-parse"} {
		b.Run(strings.TrimPrefix(mode, "builtin-"), func(b *testing.B) { freshCall(b, mode) })
	}
}

// BenchmarkParseChunkedFresh is BenchmarkParseChunked in a fresh process, for the
// peak memory of a first load: the 100,000-source file (25 MB) read and parsed in
// pieces, or whole.
func BenchmarkParseChunkedFresh(b *testing.B) {
	path := filepath.Join(b.TempDir(), "100k.toml")
	if err := os.WriteFile(path, generatedCatalog(100_000), 0o600); err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"parse-pieces", "parse-whole"} {
		b.Run(strings.TrimPrefix(mode, "parse-"), func(b *testing.B) {
			freshCall(b, mode, "ROTATETUI_BENCH_CATALOG="+path)
		})
	}
}

// TestHelperBenchChild is not a test: it is the body of the fresh processes above. It
// prepares its input, times one call and prints "ns=N".
func TestHelperBenchChild(t *testing.T) {
	mode := os.Getenv(benchChildEnv)
	if mode == "" {
		t.Skip("helper process for the fresh-process benchmarks")
	}
	var call func() error
	switch mode {
	case "builtin-generated":
		call = func() error { _, err := Builtin(); return err }
	case "builtin-parse":
		data := readBuiltinTOML(t)
		call = func() error { _, err := parseBuiltinTOML(data); return err }
	case "parse-pieces", "parse-whole":
		data, err := os.ReadFile(os.Getenv("ROTATETUI_BENCH_CATALOG"))
		if err != nil {
			t.Fatal(err)
		}
		if mode == "parse-whole" {
			chunkedMinSize = len(data) + 1
		}
		call = func() error { _, err := Parse("100k.toml", data); return err }
	default:
		t.Fatalf("unknown mode %q", mode)
	}
	start := time.Now()
	err := call()
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("ns=%d hwm=%s\n", elapsed.Nanoseconds(), peakRSSKB())
}
