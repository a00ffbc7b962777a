package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/cortex-cinegraph/golive/cmd/internal/chart"
	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
)

// The vs-phoenix sweep (-vp-sweep 1000,5000,20000): the whole comparison
// once per size, each size being both the clients carrying the clicks and
// the views opened for the memory figure, then charts of each figure
// against the number of clients, golive beside Phoenix, per transport.

// lpSweepMax bounds the LongPoll sizes: a LongPoll session holds two
// keep-alive connections, and one client address has about 28,000
// ephemeral ports towards one server port on loopback.
const lpSweepMax = 10000

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("size %q: want a positive integer", f)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// runVsSweep runs the comparison at each size; a size's failures are
// kept in its result and the sweep goes on.
func runVsSweep(ctx context.Context, o options, vo vsOptions, sizes []int, command string) ([]*vsResult, error) {
	var out []*vsResult
	for _, n := range sizes {
		v := vo
		v.Clients, v.Views = n, n
		v.Transports = nil
		for _, tr := range vo.Transports {
			if tr == socketload.LongPoll && n > lpSweepMax {
				continue
			}
			v.Transports = append(v.Transports, tr)
		}
		fmt.Fprintf(o.Log, "sweep: %d clients and views (%s)…\n", n, strings.Join(v.Transports, ", "))
		r, err := runVsPhoenix(ctx, o, v, command)
		if r != nil {
			out = append(out, r)
		}
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// sweepFigure is one chart of the sweep: a value of each side.
type sweepFigure struct {
	file, title, ylabel string
	value               func(*vsSide) (float64, bool)
}

var sweepFigures = []sweepFigure{
	{"vs-phoenix-click-p99.svg", "Click round trip p99 (open loop, %.0f clicks/s)", "ms", func(s *vsSide) (float64, bool) {
		return s.Traffic.Latency.P99Ms, s.Traffic.Received > 0
	}},
	{"vs-phoenix-memory.svg", "Memory per connected view (VmRSS growth)", "KiB", func(s *vsSide) (float64, bool) {
		return s.RSSPerView / 1024, s.RSSPerView > 0
	}},
	{"vs-phoenix-cpu-click.svg", "Server CPU per click", "µs", func(s *vsSide) (float64, bool) {
		return s.CPUClickUs, s.CPUClickUs > 0
	}},
	{"vs-phoenix-cpu-join.svg", "Server CPU per join (connect + phx_join)", "µs", func(s *vsSide) (float64, bool) {
		return s.CPUJoinUs, s.CPUJoinUs > 0
	}},
}

// sweepCharts writes the figures into dir and returns their file names.
func sweepCharts(rs []*vsResult, dir string) ([]string, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	for _, f := range sweepFigures {
		title := f.title
		if strings.Contains(title, "%") {
			title = fmt.Sprintf(title, rs[0].Options.Rate)
		}
		c := chart.Chart{Title: title, XLabel: "clients (and views)", YLabel: f.ylabel, YFromZero: true}
		for _, tr := range []string{socketload.WebSocket, socketload.LongPoll} {
			for _, name := range []string{sideGo, sidePhoenix} {
				s := chart.Series{Name: name + " " + tr}
				for _, r := range rs {
					if side := r.side(name, tr); side != nil {
						if v, ok := f.value(side); ok {
							s.X = append(s.X, float64(r.Options.Clients))
							s.Y = append(s.Y, v)
						}
					}
				}
				c.Series = append(c.Series, s)
			}
		}
		if err := c.WriteFile(filepath.Join(dir, f.file)); err != nil {
			return files, err
		}
		files = append(files, f.file)
	}
	return files, nil
}

// sweepMarkdown is the sweep's table: each figure per size, both servers.
func sweepMarkdown(rs []*vsResult, chartDir string, charts []string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("\n# vs-phoenix sweep\n\n")
	if len(rs) > 0 {
		w("Command: `%s`. Started %s UTC. Machine: %s. Clicks at %.0f/s for %s after %s warm-up; each size is both the "+
			"clients carrying the clicks and the views opened for the memory and join figures (LongPoll up to %d).\n\n",
			rs[0].Command, rs[0].Started.UTC().Format("2006-01-02 15:04"), machineShort(rs[0].Machine), rs[0].Options.Rate,
			rs[0].Options.Duration, rs[0].Options.Warmup, lpSweepMax)
	}
	w("| clients | transport | server | views/conn | click p50 | click p99 | CPU/click | memory/view | CPU/join | errors |\n|---:|---|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rs {
		for _, s := range r.Sides {
			t := s.Traffic
			w("| %d | %s | %s | %d | %.2f ms | %.2f ms | %.0f µs | %.1f KiB | %.0f µs | %d |\n", r.Options.Clients, s.Transport, s.Server,
				max(1, s.ViewsPerConn), t.Latency.P50Ms, t.Latency.P99Ms, s.CPUClickUs, s.RSSPerView/1024, s.CPUJoinUs, t.Errors+t.Lost+int64(len(s.Problems)))
		}
		for _, f := range r.Failures {
			w("\n- %d clients: failure: %s\n", r.Options.Clients, f)
		}
	}
	for _, c := range charts {
		w("\n![%s](%s)\n", strings.TrimSuffix(c, ".svg"), filepath.Join(chartDir, c))
	}
	return b.String()
}

func machineShort(m machine) string {
	return fmt.Sprintf("%d cores (%s), %s, Linux %s, %s", m.NumCPU, m.CPUModel, m.MemTotal, m.Kernel, m.GoVersion)
}
