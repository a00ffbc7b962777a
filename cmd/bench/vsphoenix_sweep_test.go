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
				s := &vsSide{Server: name, Transport: tr, RSSPerView: float64(1024 * 20 * (i + 1)), CPUClickUs: 200, CPUJoinUs: 300}
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
	for _, want := range []string{"| 5000 | longpoll | Phoenix | 0.00 ms | 10.00 ms |", "![vs-phoenix-memory](docs/bench/vs-phoenix-memory.svg)"} {
		if !strings.Contains(md, want) {
			t.Errorf("table lacks %q:\n%s", want, md)
		}
	}
}
