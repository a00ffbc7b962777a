package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
)

func TestSweepChartsAndTable(t *testing.T) {
	if _, err := parseSizes("1000,x"); err == nil {
		t.Error("parseSizes accepted x")
	}
	sizes, err := parseSizes("5000, 1000,5000")
	if err != nil || len(sizes) != 2 || sizes[0] != 1000 || sizes[1] != 5000 {
		t.Fatalf("parseSizes = %v, %v", sizes, err)
	}
	var rs []*vsResult
	for _, n := range sizes {
		r := &vsResult{Command: "bench -vp-sweep 1000,5000", Options: vsOptions{Clients: n, Views: n, Rate: 500}}
		for _, tr := range []string{socketload.WebSocket, socketload.LongPoll} {
			for i, name := range []string{sideGo, sidePhoenix} {
				s := &vsSide{Server: name, Transport: tr, RSSPerView: float64(1024 * 20 * (i + 1)), CPUClickUs: 200, CPUJoinUs: 300, ViewsPerConn: n / 1000}
				s.Traffic.Received = 10
				s.Traffic.Latency.P99Ms = float64(n) / 1000 * float64(i+1)
				r.Sides = append(r.Sides, s)
			}
		}
		rs = append(rs, r)
	}
	dir := t.TempDir()
	files, err := sweepCharts(rs, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(sweepFigures) {
		t.Fatalf("%d charts, want %d", len(files), len(sweepFigures))
	}
	svg, err := os.ReadFile(filepath.Join(dir, "vs-phoenix-click-p99.svg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", "golive websocket", "Phoenix longpoll", "500 clicks/s"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("p99 chart lacks %q", want)
		}
	}
	md := sweepMarkdown(rs, "docs/bench", files)
	for _, want := range []string{"| 5000 | longpoll | Phoenix | 5 | 0.00 ms | 10.00 ms |", "| 1000 | websocket | golive | 1 | 0.00 ms | 1.00 ms |", "![vs-phoenix-memory](docs/bench/vs-phoenix-memory.svg)"} {
		if !strings.Contains(md, want) {
			t.Errorf("table lacks %q:\n%s", want, md)
		}
	}
}

// TestViewsPerConn: one view per connection while the open-file limit
// holds them all, in both processes; else as few per connection as fit.
func TestViewsPerConn(t *testing.T) {
	ws, lp := socketload.WebSocket, socketload.LongPoll
	for _, c := range []struct {
		set, n int
		tr     string
		limit  uint64
		want   int
	}{
		{0, 5000, ws, 20000, 1},
		{0, 18000, ws, 20000, 1},
		{0, 20000, ws, 20000, 2},
		{0, 40000, ws, 20000, 3},
		{0, 10000, lp, 20000, 2},
		{0, 5000, lp, 20000, 1},
		{0, 20000, ws, 0, 1},  // limit unknown
		{3, 10, ws, 20000, 3}, // the flag wins
		{0, 100000, ws, 1048576, 1},
	} {
		vo := vsOptions{ViewsPerConn: c.set}
		if got := vo.viewsPerConn(c.n, c.tr, c.limit); got != c.want {
			t.Errorf("%+v: %d, want %d", c, got, c.want)
		}
	}
}
