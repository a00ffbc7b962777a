package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestQuick runs the bench's -quick mode end to end: it builds and starts
// the echoserver, opens WebSockets and LongPoll sessions, drives traffic
// and reads the server's memory. It checks that everything was counted and
// measured, never how fast or small anything was.
func TestQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the echoserver")
	}
	o := defaultOptions()
	o.quick()
	// The movies scenario loads 100,000 movies into a fresh PostgreSQL:
	// too heavy for a smoke test of the harness (it runs in make bench).
	o.Scenarios = slices.DeleteFunc(slices.Clone(o.Scenarios), func(s string) bool { return s == "movies" })
	o.Duration = time.Second
	o.Pprof = true // also exercises the profile path
	o.Log = testWriter{t}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := run(ctx, o, "go test ./cmd/bench")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failures) > 0 {
		t.Fatalf("scenarios failed: %v", rep.Failures)
	}

	for _, m := range []*memResult{rep.WSMem, rep.LPMem} {
		if m == nil {
			t.Fatal("a memory scenario did not run")
		}
		want := o.WSSockets
		key := "WebSockets"
		if m.Transport == "longpoll" {
			want, key = o.LPSockets, "LongPollSessions"
		}
		if m.Open.Joined != want || m.Open.OpenErrors+m.Open.JoinErrors != 0 {
			t.Errorf("%s: joined %d of %d (%d connect, %d join errors: %s)", m.Transport,
				m.Open.Joined, want, m.Open.OpenErrors, m.Open.JoinErrors, m.Open.FirstError)
		}
		if got := m.After.Stats[key] - m.Before.Stats[key]; got != int64(want) {
			t.Errorf("%s: server reports %d new %s, want %d", m.Transport, got, key, want)
		}
		if m.After.Stats["Channels"]-m.Before.Stats["Channels"] != int64(want) {
			t.Errorf("%s: server channels %d → %d, want +%d", m.Transport,
				m.Before.Stats["Channels"], m.After.Stats["Channels"], want)
		}
		if !m.Before.GCForced || !m.After.GCForced || m.After.HeapInuse == 0 || m.After.StackInuse == 0 {
			t.Errorf("%s: memory readings incomplete: before %+v after %+v", m.Transport, m.Before, m.After)
		}
		if m.After.Goroutines <= m.Before.Goroutines {
			t.Errorf("%s: goroutines %d → %d; the sockets left no trace", m.Transport, m.Before.Goroutines, m.After.Goroutines)
		}
		if m.HeapProfile == "" || !strings.Contains(m.HeapTop, "flat") {
			t.Errorf("%s: no heap profile summary: %q", m.Transport, m.HeapTop)
		}
		if len(m.Problems) > 0 {
			t.Errorf("%s: %v", m.Transport, m.Problems)
		}
	}

	lats := append([]*latResult{rep.WSLat}, rep.LPLat...)
	if len(lats) != 2 || lats[0] == nil {
		t.Fatalf("latency scenarios: got %d results", len(lats))
	}
	for _, l := range lats {
		tr := l.Traffic
		wantSent := int64(o.Rate * o.Duration.Seconds())
		if l.Open.Joined != o.LatSockets {
			t.Errorf("%s: joined %d of %d", tr.Transport, l.Open.Joined, o.LatSockets)
		}
		// The schedule is exact: rate × duration messages, each answered.
		if tr.Sent < wantSent-2 || tr.Sent > wantSent+2 {
			t.Errorf("%s: sent %d, want about %d", tr.Transport, tr.Sent, wantSent)
		}
		if tr.Received != tr.Sent || tr.Errors != 0 {
			t.Errorf("%s: sent %d, received %d, errors %d (first: %s)", tr.Transport, tr.Sent, tr.Received, tr.Errors, tr.FirstError)
		}
		for name, lat := range map[string]struct {
			n         int
			p50, p99  float64
			max, mean float64
		}{
			"latency": {tr.Latency.Count, tr.Latency.P50Ms, tr.Latency.P99Ms, tr.Latency.MaxMs, tr.Latency.MeanMs},
			"service": {tr.Service.Count, tr.Service.P50Ms, tr.Service.P99Ms, tr.Service.MaxMs, tr.Service.MeanMs},
		} {
			if lat.n != int(tr.Received) || lat.p50 <= 0 || lat.p99 < lat.p50 || lat.max < lat.p99 || lat.mean <= 0 {
				t.Errorf("%s %s: implausible summary %+v", tr.Transport, name, lat)
			}
		}
		if tr.Transport == "longpoll" && (tr.Polls == 0 || tr.Posts == 0) {
			t.Errorf("longpoll: %d polls, %d posts", tr.Polls, tr.Posts)
		}
		if l.Stats["FramesIn"] < tr.Sent {
			t.Errorf("%s: server saw %d frames in, client sent %d", tr.Transport, l.Stats["FramesIn"], tr.Sent)
		}
	}

	// The live scenarios (tiny N): every event answered with a diff, every
	// view joined and counted.
	if lv := rep.Live; lv == nil || len(lv.Bytes) != len(liveCases) || len(lv.Mem) != 2 || lv.Lat == nil {
		t.Fatalf("live scenarios did not all run: %+v", rep.Live)
	}
	for _, b := range rep.Live.Bytes {
		if b.Sample.DiffBytes == 0 || b.Traffic.Received == 0 || b.Traffic.Received != b.Traffic.Sent || b.CPUPerEvUs <= 0 {
			t.Errorf("live %s %s: sample %+v, traffic %+v, cpu %v", b.Case.Event, b.Case.Vsn, b.Sample, b.Traffic, b.CPUPerEvUs)
		}
	}
	for _, m := range rep.Live.Mem {
		want := o.Live.MemCounter
		if strings.HasSuffix(m.Path, "grid") {
			want = o.Live.MemGrid
		}
		if m.Views != want || m.After.Stats["Channels"]-m.Before.Stats["Channels"] != int64(m.Views) || len(m.Problems) > 0 {
			t.Errorf("live mem %s: %d views, stats %v → %v, problems %v", m.Path, m.Views, m.Before.Stats, m.After.Stats, m.Problems)
		}
	}
	if lt := rep.Live.Lat.Traffic; lt.Received != lt.Sent || lt.Sent == 0 || rep.Live.Lat.Joins.OK != o.Live.LatClients {
		t.Errorf("live latency: %+v, joins %+v", lt, rep.Live.Lat.Joins)
	}

	md := rep.markdown()
	for _, want := range []string{"nproc", rep.Machine.GoVersion, "## a.", "## b.", "## c.", "## d.", "from schedule", "## Live 1.", "## Live 3."} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	out := filepath.Join(t.TempDir(), "report.md")
	if err := os.WriteFile(out, []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
