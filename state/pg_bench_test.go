package state

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"
)

// The figures of issue 19 (BENCHMARKS.md, "Team store"): how long a save takes on the
// database, and how soon a second instance sees it. They run on this package's
// throwaway server (a unix socket), or on the database $ROTATETUI_BENCH_PG_URL names,
// which docs/bench.sh points at a server listening on loopback TCP.

// benchPGURL is the database the benchmarks use: a fresh one on the test server unless
// $ROTATETUI_BENCH_PG_URL names one (whose rotatetui tables are emptied first).
func benchPGURL(b *testing.B) string {
	b.Helper()
	if u := os.Getenv("ROTATETUI_BENCH_PG_URL"); u != "" {
		return u
	}
	return pgServer.URL(b)
}

// openBenchPG opens a store on url, its journal in a temporary directory.
func openBenchPG(b *testing.B, url string) *PGStore {
	b.Helper()
	s, err := NewPGStore(url, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s
}

// benchSteps are the 20 steps of the key the benchmarks check and uncheck, so every
// save changes a row of the same size and the rotation never completes.
var benchSteps = func() []string {
	var keys []string
	for i := range 20 {
		keys = append(keys, fmt.Sprintf("s%d", i))
	}
	return keys
}()

// benchKey is a key no earlier run has touched, so that every save of a run changes
// something (a save that changes nothing notifies nobody), on a database kept across
// runs too.
func benchKey() string { return fmt.Sprintf("bench/%d-%d", os.Getpid(), time.Now().UnixNano()) }

// benchChange is the i-th save of the benchmarks on key: a check or an uncheck of one
// of benchSteps (the 21st step is never checked, so the rotation stays open).
func benchChange(key string, i int) Change {
	kind := Check
	if (i/(len(benchSteps)-1))%2 == 1 {
		kind = Uncheck
	}
	steps := append(slices.Clone(benchSteps), "last")
	return Change{Kind: kind, Key: key, Step: benchSteps[i%(len(benchSteps)-1)], Steps: steps, At: time.Now().UTC(), By: "bench@host"}
}

// reportPercentiles reports the p50 and p99 of took, in milliseconds.
func reportPercentiles(b *testing.B, took []time.Duration) {
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	at := func(p float64) float64 {
		return float64(took[min(int(float64(len(took))*p), len(took)-1)]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkPGSave is one save (ApplyEach of one check or uncheck, one transaction with
// its event and notification) on the database; the target is p99 ≤ 10 ms on loopback.
func BenchmarkPGSave(b *testing.B) {
	s := openBenchPG(b, benchPGURL(b))
	if _, err := s.Load(); err != nil { // connect and migrate outside the timing
		b.Fatal(err)
	}
	took := make([]time.Duration, 0, b.N)
	key := benchKey()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, _, err := s.ApplyEach(benchChange(key, i)); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, took)
}

// BenchmarkPGChangeVisible is how long a change saved by one instance takes to be on
// a second instance's screen: from the start of the save to the second instance's
// Watch firing and its Load holding the change, as the UI reloads on the notification.
// The target is ≤ 200 ms.
func BenchmarkPGChangeVisible(b *testing.B) {
	url := benchPGURL(b)
	writer, reader := openBenchPG(b, url), openBenchPG(b, url)
	if _, err := writer.Load(); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changed, err := reader.Watch(ctx)
	if err != nil {
		b.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the listener is connected
	took := make([]time.Duration, 0, b.N)
	key := benchKey()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := benchChange(key, i)
		start := time.Now()
		if _, _, err := writer.ApplyEach(c); err != nil {
			b.Fatal(err)
		}
		for seen := false; !seen; {
			select {
			case <-changed:
			case <-time.After(5 * time.Second):
				b.Fatalf("save %d: no notification within 5 s", i)
			}
			st, err := reader.Load()
			if err != nil {
				b.Fatal(err)
			}
			seen = st.Key(c.Key).Current.Checked(c.Step) == (c.Kind == Check)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, took)
}
