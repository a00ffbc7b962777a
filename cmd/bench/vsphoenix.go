package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
)

// vs-phoenix (`make bench-vs-phoenix`, issue 14): the same counter page
// served by golive (cmd/liveserver, /examples/refcounter) and by real
// Phoenix 1.7 / LiveView 1.0 (phoenix-ref, /counter), each driven by the
// same socketload live clients (page GET, connect, phx_join, clicks) over
// WebSocket and over LongPoll, in one run. Everything is measured from
// outside, the same way for both servers: CPU from /proc/PID/stat
// (utime+stime) over the window, memory from /proc/PID/status VmRSS.
// Every measurement gets a fresh server process.
const vsPhoenixScenario = "vs-phoenix"

// phoenixRefVsn is phoenix-ref's LiveView version: by default the clients
// announce it, so golive answers in the 1.0 diff format, as Phoenix does,
// and both servers speak the protocol of the same JS client.
const phoenixRefVsn = "1.0.19"

// vsOptions are vs-phoenix's sizes and places.
type vsOptions struct {
	Clients    int           // clients carrying the clicks
	Rate       float64       // clicks/s, aggregate
	Views      int           // joined views for the memory and join figures
	Duration   time.Duration // measured clicks
	Warmup     time.Duration // clicks before, not counted
	Transports []string
	Vsn        string // the _lv_vsn the clients announce (golive picks its diff format by it)
	// ViewsPerConn is how many views share one connection, as the views of
	// one browser tab do; 0 picks it per size (see viewsPerConn).
	ViewsPerConn int
	// GoliveOnly skips Phoenix (and its build): for A/B runs of golive
	// builds; the report then has no ratios.
	GoliveOnly bool

	PhoenixSrc string // phoenix-ref's sources (read only)
	PhoenixDir string // the scratch copy built and run
	Mirrors    string // MIRRORS for build.sh
}

func defaultVsOptions() vsOptions {
	mirrors := os.Getenv("MIRRORS")
	if mirrors == "" {
		mirrors = "/work/.mirror"
	}
	return vsOptions{
		Clients: 1000, Rate: 500, Views: 5000, Duration: 20 * time.Second, Warmup: 2 * time.Second,
		Transports: []string{socketload.WebSocket, socketload.LongPoll}, Vsn: phoenixRefVsn,
		PhoenixSrc: "/work/shared/phoenix-ref", PhoenixDir: "var/phoenix-ref", Mirrors: mirrors,
	}
}

// The servers compared.
const (
	sideGo      = "golive"
	sidePhoenix = "Phoenix"
)

// quick shrinks the sizes not set by a flag to a smoke run.
func (vo *vsOptions) quick(set map[string]bool) {
	for name, p := range map[string]*int{"vp-clients": &vo.Clients, "vp-views": &vo.Views} {
		if !set[name] {
			*p = 20
		}
	}
	if !set["vp-rate"] {
		vo.Rate = 100
	}
	if !set["vp-duration"] {
		vo.Duration = time.Second
	}
	if !set["vp-warmup"] {
		vo.Warmup = 200 * time.Millisecond
	}
}

// fdHeadroom is the open files kept for everything but the connections
// (page GETs, the server's own files, PostgreSQL's, the runtime's).
const fdHeadroom = 2000

// viewsPerConn is how many views share a connection at n views over tr:
// vo.ViewsPerConn if set, else 1, or as many as needed for the
// connections to fit the open-file limit. The limit (raised to its hard
// limit, which this process cannot pass) bounds the client process and
// the server alike; a LongPoll session holds two connections.
func (vo vsOptions) viewsPerConn(n int, tr string, fdLimit uint64) int {
	if vo.ViewsPerConn > 0 {
		return vo.ViewsPerConn
	}
	per := 1
	if tr == socketload.LongPoll {
		per = 2
	}
	room := int(fdLimit) - fdHeadroom
	if fdLimit == 0 || room <= 0 || n*per <= room {
		return 1
	}
	return (n*per + room - 1) / room
}

// vsSide is one server over one transport.
type vsSide struct {
	Server    string `json:"server"`
	Transport string `json:"transport"`
	Path      string `json:"path"`
	// ViewsPerConn is how many views shared a connection (1 unless the
	// open-file limit asked for more).
	ViewsPerConn int `json:"views_per_conn"`

	// Memory and join cost: Views views opened on a fresh server.
	Views       int                  `json:"views"`
	Pages       socketload.LivePhase `json:"pages"`
	Joins       socketload.LivePhase `json:"joins"`
	RSSBefore   uint64               `json:"rss_before"`
	RSSAfter    uint64               `json:"rss_after"`
	RSSPerView  float64              `json:"rss_per_view"`
	CPUPageUs   float64              `json:"cpu_per_page_us"` // the dead render
	CPUJoinUs   float64              `json:"cpu_per_join_us"` // connect + phx_join
	PageBytes   int                  `json:"page_bytes"`
	JoinBytes   int                  `json:"join_reply_bytes"`
	MemBusy     float64              `json:"mem_busy_before"`
	OpenCPUUsed cpuUse               `json:"open_cpu"`

	// Clicks: Clients clients on another fresh server.
	Click      socketload.LiveReply         `json:"click_sample"`
	Traffic    socketload.LiveTrafficResult `json:"traffic"`
	CPUClickUs float64                      `json:"cpu_per_click_us"`
	CPU        cpuUse                       `json:"cpu"`
	BusyBefore float64                      `json:"busy_before"`
	QuietWait  float64                      `json:"quiet_wait_seconds"`

	Problems []string `json:"problems,omitempty"`
}

// vsResult is the whole comparison.
type vsResult struct {
	Command  string    `json:"command"`
	Started  time.Time `json:"started"`
	Seconds  float64   `json:"seconds"`
	Machine  machine   `json:"machine"`
	Options  vsOptions `json:"options"`
	Sides    []*vsSide `json:"sides"`
	Failures []string  `json:"failures,omitempty"`
}

func (r *vsResult) side(server, transport string) *vsSide {
	for _, s := range r.Sides {
		if s.Server == server && s.Transport == transport {
			return s
		}
	}
	return nil
}

// runVsPhoenix builds what is needed and measures both servers.
func runVsPhoenix(ctx context.Context, o options, vo vsOptions, command string) (*vsResult, error) {
	logf := func(format string, args ...any) { fmt.Fprintf(o.Log, format+"\n", args...) }
	r := &vsResult{Command: command, Started: time.Now(), Options: vo}
	defer func() { r.Seconds = time.Since(r.Started).Seconds() }()
	sides := []string{sideGo, sidePhoenix}
	if vo.GoliveOnly {
		sides = sides[:1]
	} else if err := preparePhoenixRef(ctx, vo.PhoenixSrc, vo.PhoenixDir, vo.Mirrors, logf); err != nil {
		return nil, err
	}
	logf("measuring the machine's idle CPU for 1 s…")
	r.Machine = describeMachine()
	fdLimit := socketload.RaiseFileLimit()
	bin := o.LiveServerBin
	if bin == "" {
		tmp, err := os.MkdirTemp("", "golive-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		logf("building cmd/liveserver…")
		if bin, err = buildCommand(ctx, tmp, "liveserver"); err != nil {
			return nil, err
		}
	}
	starts := map[string]func(context.Context) (*server, error){
		sideGo: func(ctx context.Context) (*server, error) {
			return startServer(ctx, bin, liveServerArgs(false)...)
		},
		sidePhoenix: func(ctx context.Context) (*server, error) { return startPhoenix(ctx, vo.PhoenixDir) },
	}
	paths := map[string]string{sideGo: "/examples/refcounter", sidePhoenix: "/counter"}
	for _, tr := range vo.Transports {
		for _, name := range sides {
			s := &vsSide{Server: name, Transport: tr, Path: paths[name], ViewsPerConn: vo.viewsPerConn(max(vo.Views, vo.Clients), tr, fdLimit)}
			if s.ViewsPerConn > 1 {
				logf("%s over %s: %d views per connection, for the open-file limit of %d", name, tr, s.ViewsPerConn, fdLimit)
			}
			r.Sides = append(r.Sides, s)
			logf("%s over %s: memory and join cost, %d views…", name, tr, vo.Views)
			if err := withStarted(ctx, starts[name], func(srv *server) error { return vsMem(ctx, o, vo, srv, s) }); err != nil {
				r.Failures = append(r.Failures, fmt.Sprintf("%s %s memory: %v", name, tr, err))
				logf("  FAILED: %v", err)
			}
			logf("%s over %s: clicks at %.0f/s over %d clients for %s…", name, tr, vo.Rate, vo.Clients, vo.Duration)
			if err := withStarted(ctx, starts[name], func(srv *server) error { return vsClicks(ctx, o, vo, srv, s) }); err != nil {
				r.Failures = append(r.Failures, fmt.Sprintf("%s %s clicks: %v", name, tr, err))
				logf("  FAILED: %v", err)
			}
			if err := ctx.Err(); err != nil {
				return r, err
			}
		}
	}
	return r, nil
}

func withStarted(ctx context.Context, start func(context.Context) (*server, error), f func(*server) error) error {
	srv, err := start(ctx)
	if err != nil {
		return err
	}
	ferr := f(srv)
	if serr := srv.stop(); serr != nil && ferr == nil {
		ferr = fmt.Errorf("stopping the server: %w", serr)
	}
	return ferr
}

func procRSS(pid int) uint64 {
	rss, _ := socketload.ProcRSS(pid)
	return rss
}

// settle waits d, or less if ctx ends.
func settle(ctx context.Context, d time.Duration) {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}

// vsMem opens vo.Views views (pages, then joins) on a fresh server and
// charges the RSS growth and the CPU of each phase to them.
func vsMem(ctx context.Context, o options, vo vsOptions, srv *server, s *vsSide) error {
	cfg := socketload.LiveConfig{
		Base: srv.Base, Path: s.Path, Transport: s.Transport, Vsn: vo.Vsn, Clients: min(20, vo.Views),
		Concurrency: o.Concurrency, ViewsPerConn: s.ViewsPerConn,
	}
	// Warm the server up (code paths loaded, caches, pools); then let the
	// warm-up views go.
	warm, _, _, err := socketload.OpenLive(ctx, cfg)
	if err != nil {
		return err
	}
	if warm.Clients() > 0 {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err = warm.Click(cctx, 0, "inc")
		cancel()
	}
	warm.Close()
	if err != nil {
		return fmt.Errorf("warm-up click: %w", err)
	}
	settle(ctx, 2*time.Second)
	if o.QuietWait > 0 {
		s.MemBusy, _ = waitQuiet(ctx, o.QuietWait)
	}
	cfg.Clients = vo.Views
	load, err := socketload.NewLive(cfg)
	if err != nil {
		return err
	}
	defer load.Close()
	s.RSSBefore = procRSS(srv.Pid)
	c0 := readCPU(srv.Pid)
	s.Pages = load.FetchPages(ctx)
	c1 := readCPU(srv.Pid)
	s.Joins = load.Join(ctx)
	c2 := readCPU(srv.Pid)
	s.OpenCPUUsed = cpuBetween(c0, c2)
	settle(ctx, 2*time.Second)
	s.RSSAfter = procRSS(srv.Pid)
	s.PageBytes, s.JoinBytes = load.PageBytes, load.JoinBytes
	j := load.Clients()
	s.Views = j
	if j != vo.Views {
		s.Problems = append(s.Problems, fmt.Sprintf("memory: only %d of %d views joined: %s %s", j, vo.Views, s.Pages.FirstError, s.Joins.FirstError))
	}
	if j == 0 {
		return fmt.Errorf("no view joined: %s %s", s.Pages.FirstError, s.Joins.FirstError)
	}
	s.RSSPerView = (float64(s.RSSAfter) - float64(s.RSSBefore)) / float64(j)
	s.CPUPageUs = ticksUs(c1.server-c0.server, s.Pages.OK)
	s.CPUJoinUs = ticksUs(c2.server-c1.server, s.Joins.OK)
	return ctx.Err()
}

// ticksUs is CPU clock ticks per item, in µs.
func ticksUs(ticks uint64, n int) float64 {
	// A difference that went below zero (a reading that failed, as 0) wraps
	// around: no figure rather than a huge one.
	if n <= 0 || ticks > 1<<62 {
		return 0
	}
	return float64(ticks) * 1e6 / clkTck / float64(n)
}

// vsClicks joins vo.Clients clients on a fresh server and sends open-loop
// clicks; the server's CPU over the whole traffic (warm-up and drain
// included) is charged to every click answered.
func vsClicks(ctx context.Context, o options, vo vsOptions, srv *server, s *vsSide) error {
	load, pages, joins, err := socketload.OpenLive(ctx, socketload.LiveConfig{
		Base: srv.Base, Path: s.Path, Transport: s.Transport, Vsn: vo.Vsn, Clients: vo.Clients,
		Concurrency: o.Concurrency, ViewsPerConn: s.ViewsPerConn,
	})
	if err != nil {
		return err
	}
	defer load.Close()
	if load.Clients() == 0 {
		return fmt.Errorf("no client joined: %s %s", pages.FirstError, joins.FirstError)
	}
	if load.Clients() != vo.Clients {
		s.Problems = append(s.Problems, fmt.Sprintf("clicks: only %d of %d joined: %s %s", load.Clients(), vo.Clients, pages.FirstError, joins.FirstError))
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	s.Click, err = load.Click(cctx, 0, "inc")
	cancel()
	if err != nil {
		return fmt.Errorf("first click: %w", err)
	}
	if !onlyCount(s.Click.Diff) {
		s.Problems = append(s.Problems, fmt.Sprintf("the click's reply is not just the new count: %.200s", s.Click.Diff))
	}
	if o.QuietWait > 0 {
		busy, waited := waitQuiet(ctx, o.QuietWait)
		s.BusyBefore, s.QuietWait = busy, waited.Seconds()
	}
	c0 := readCPU(srv.Pid)
	s.Traffic, err = load.Events(ctx, socketload.LiveTrafficConfig{
		Event: "inc", Rate: vo.Rate, Duration: vo.Duration, Warmup: vo.Warmup,
	})
	c1 := readCPU(srv.Pid)
	s.CPU = cpuBetween(c0, c1)
	if err != nil {
		return err
	}
	s.CPUClickUs = ticksUs(c1.server-c0.server, int(s.Traffic.AllReplies))
	if t := s.Traffic; t.Errors > 0 {
		s.Problems = append(s.Problems, fmt.Sprintf("clicks: %d errors; first: %s", t.Errors, t.FirstError))
	}
	return nil
}

// parseTransports reads -vp-transports.
func parseTransports(s string) ([]string, error) {
	var out []string
	for _, t := range strings.Split(s, ",") {
		t = strings.TrimSpace(t)
		if t != socketload.WebSocket && t != socketload.LongPoll {
			return nil, fmt.Errorf("transport %q: want websocket or longpoll", t)
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}
