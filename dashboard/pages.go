package dashboard

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"time"
)

// builtins are the built-in pages, in menu order. The database page is
// there only when a pool is configured.
func (d *Dashboard) builtins() []Page {
	ps := []Page{
		{Path: "", Title: "Home", Render: d.homePage},
		{Path: "connections", Title: "Connections", Render: d.connectionsPage},
		{Path: "metrics", Title: "Metrics", Render: d.metricsPage},
		{Path: "cluster", Title: "Cluster", Render: d.clusterPage},
	}
	if d.cfg.DB != nil {
		ps = append(ps, Page{Path: "database", Title: "Database", Render: d.databasePage})
	}
	return ps
}

// history is what the charts of one render share.
type history struct {
	ss     []Sample
	window string
}

func (d *Dashboard) history() history {
	ss := d.sampler.Samples()
	h := history{ss: ss, window: "0s"}
	if len(ss) > 1 {
		h.window = ss[len(ss)-1].At.Sub(ss[0].At).Round(time.Second).String()
	}
	return h
}

func (h history) gauge(id, title string, f func(Sample) float64, format func(float64) string) Block {
	return chart{id: id, title: title, values: series(h.ss, f), format: format, window: h.window}
}

func (h history) rate(id, title, unit string, f func(Sample) int64, format func(float64) string) Block {
	return chart{id: id, title: title, unit: unit, values: rates(h.ss, f), format: format, window: h.window}
}

// lastRate is the newest per-second rate of a cumulative counter, "–"
// before there are two samples.
func (h history) lastRate(f func(Sample) int64, format func(float64) string) string {
	r := rates(h.ss, f)
	if len(r) == 0 {
		return "–"
	}
	return format(r[len(r)-1])
}

func perSecond(v float64) string { return trimFloat(v) + "/s" }

func (d *Dashboard) homePage(context.Context) Block {
	x := d.current()
	h := d.history()
	pause := "–"
	if x.NumGC > 0 {
		pause = x.LastPause.String()
	}
	return Blocks(
		Row(
			Card("Go version", runtime.Version()),
			Card("Uptime", time.Since(processStart).Round(time.Second).String()),
			Card("Goroutines", strconv.Itoa(x.Goroutines)),
			Card("CPUs / GOMAXPROCS", fmt.Sprintf("%d / %d", runtime.NumCPU(), runtime.GOMAXPROCS(0))),
		),
		Row(
			Card("Heap in use", Bytes(x.HeapAlloc)),
			Card("Heap reserved", Bytes(x.HeapSys)),
			Card("Stacks", Bytes(x.StackInuse)),
			Card("From the OS (sys)", Bytes(x.Sys)),
			Card("GC runs", strconv.FormatUint(uint64(x.NumGC), 10)),
			Card("Last GC pause", pause),
		),
		Columns(
			h.gauge("chart-goroutines", "Goroutines", func(s Sample) float64 { return float64(s.Goroutines) }, nil),
			h.gauge("chart-heap", "Heap in use", func(s Sample) float64 { return float64(s.HeapAlloc) }, func(v float64) string { return Bytes(uint64(v)) }),
			h.rate("chart-gc", "GC runs", "/s", func(s Sample) int64 { return int64(s.NumGC) }, nil),
		),
	)
}

func (d *Dashboard) connectionsPage(context.Context) Block {
	x := d.current()
	h := d.history()
	blocks := []Block{
		Row(
			Card("WebSocket connections", strconv.FormatInt(x.WebSockets, 10)),
			Card("LongPoll sessions", strconv.FormatInt(x.LongPolls, 10)),
			Card("Channels", strconv.FormatInt(x.Channels, 10)),
			Card("Live views", strconv.FormatInt(x.Views, 10)),
			Card("Joins/s", h.lastRate(Sample.joins, perSecond)),
			Card("Leaves/s", h.lastRate(Sample.Leaves, perSecond)),
		),
		Columns(
			h.gauge("chart-views", "Live views", func(s Sample) float64 { return float64(s.Views) }, nil),
			h.rate("chart-joins", "Joins", "/s", Sample.joins, nil),
			h.rate("chart-leaves", "Leaves", "/s", Sample.Leaves, nil),
		),
		Columns(
			h.gauge("chart-websockets", "WebSocket connections", func(s Sample) float64 { return float64(s.WebSockets) }, nil),
			h.gauge("chart-longpolls", "LongPoll sessions", func(s Sample) float64 { return float64(s.LongPolls) }, nil),
			h.rate("chart-failures", "Failures", "/s", func(s Sample) int64 { return s.Failures }, nil),
		),
	}
	if d.cfg.Socket != nil {
		counts := d.cfg.Socket.FailureCounts()
		causes := make([]string, 0, len(counts))
		for c := range counts {
			causes = append(causes, c)
		}
		slices.Sort(causes)
		blocks = append(blocks, Table{
			ID:    "failures",
			Title: "Failures by cause (since start)",
			Columns: []Column{
				{Header: "Cause", Value: func(r any) string { return r.(string) }},
				{Header: "Count", Value: func(r any) string { return strconv.FormatInt(counts[r.(string)], 10) }},
			},
			Rows: Rows(causes),
		})
	}
	return Blocks(blocks...)
}

// joins are the successful joins (cumulative).
func (s Sample) joins() int64 { return s.Joins - s.JoinErrors }

func (d *Dashboard) metricsPage(context.Context) Block {
	h := d.history()
	x := d.current()
	kb := func(v float64) string { return Bytes(uint64(v)) + "/s" }
	return Blocks(
		Row(
			Card("HTTP requests/s", h.lastRate(func(s Sample) int64 { return s.Requests }, perSecond)),
			Card("Live events/s", h.lastRate(func(s Sample) int64 { return s.Events }, perSecond)),
			Card("Diff bytes/s", h.lastRate(func(s Sample) int64 { return s.DiffBytes }, kb)),
			Card("HTTP requests (total)", strconv.FormatInt(x.Requests, 10)),
			Card("Live events (total)", strconv.FormatInt(x.Events, 10)),
		),
		Columns(
			h.rate("chart-requests", "HTTP requests", "/s", func(s Sample) int64 { return s.Requests }, nil),
			h.rate("chart-events", "Live events", "/s", func(s Sample) int64 { return s.Events }, nil),
			h.rate("chart-diff-bytes", "Diff bytes", "", func(s Sample) int64 { return s.DiffBytes }, kb),
		),
	)
}

func (d *Dashboard) databasePage(context.Context) Block {
	stats := d.cfg.DB.PoolStats()
	return Table{
		ID:      "pool",
		Title:   "Connection pool",
		Columns: statColumns,
		Rows:    Rows(stats),
	}
}

// SQLPool reports a database/sql pool's statistics (pass a *sql.DB).
func SQLPool(db interface{ Stats() sql.DBStats }) PoolStats {
	return PoolStatsFunc(func() []Stat {
		s := db.Stats()
		i := func(n int) string { return strconv.Itoa(n) }
		return []Stat{
			{"Open connections", i(s.OpenConnections)},
			{"In use", i(s.InUse)},
			{"Idle", i(s.Idle)},
			{"Max open", i(s.MaxOpenConnections)},
			{"Waited for a connection", strconv.FormatInt(s.WaitCount, 10)},
			{"Time waited", s.WaitDuration.String()},
			{"Closed (max idle)", strconv.FormatInt(s.MaxIdleClosed, 10)},
			{"Closed (max lifetime)", strconv.FormatInt(s.MaxLifetimeClosed, 10)},
		}
	})
}

// Bytes shows a byte count in binary units (1.5 MiB).
func Bytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
