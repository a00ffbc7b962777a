package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgcluster"
	"github.com/cortex-cinegraph/golive/movies/sample"
	"github.com/cortex-cinegraph/golive/transport"
)

// soak (issue 14 §3, `make soak`, run alone): endurance and faults under
// load against cmd/server (the movies pages and the live examples) as its
// own process on a throwaway PostgreSQL, loopback only. Phases, in order:
//
//  1. mixed: Duration of mixed traffic — counter clicks over WebSocket and
//     LongPoll, joins and leaves, movies navigation (live_patch) and
//     searches — with the server's RSS (/proc/PID/status) and goroutines
//     (go_goroutines in /metrics) sampled every Sample;
//  2. cycles: Cycles connect/join/disconnect cycles;
//  3. slow: WebSocket clients that stop reading and a LongPoll client
//     that stops polling, while their grid views keep answering them, next
//     to counter views whose p99 is compared with a run just before;
//  4. outage: PostgreSQL stopped for Outage under movies traffic, then
//     restarted;
//  5. malformed: MalformedRate bad frames/s (bad JSON, unknown topics,
//     oversized frames, forged tokens) next to counter views.
//
// After phases 1, 2 and at the end the server must come back to its idle
// baseline: no goroutine beyond it and its timer gauge (golive_timers, the
// transport's timers) at the idle value. Every check has its measured
// figure, its target and met / not met in the report; any check not met
// makes the bench exit non-zero.
const soakScenario = "soak"

// soakOptions are the soak's sizes (flags -soak-*).
type soakOptions struct {
	Duration      time.Duration // phase 1
	Sample        time.Duration // phase 1's sampling interval
	Cycles        int           // phase 2
	Fault         time.Duration // phases 3 and 5: each measured window
	Outage        time.Duration // phase 4: PostgreSQL down
	MalformedRate float64       // phase 5: bad frames per second
	SlowClients   int           // phase 3
	Movies        int64         // the catalogue
	// P99Floor: a p99 change smaller than this is loopback noise, met
	// whatever the percentage.
	P99Floor time.Duration
	// Settle bounds each wait for the server to come back to idle (a
	// LongPoll session ends only at its 15 s expiry).
	Settle time.Duration
	// RSSCheck off reports the RSS drift without judging it (a run of
	// seconds never reaches a plateau).
	RSSCheck bool
	// ProfileDir (-soak-profile): the server serves pprof on DEBUG_ADDR
	// and heap profiles of the mixed phase (at the warm-up sample and at
	// its end) are saved here, for `go tool pprof -base`.
	ProfileDir string `json:"-"`
}

func defaultSoakOptions() soakOptions {
	return soakOptions{
		Duration: 30 * time.Minute, Sample: time.Minute, Cycles: 10000,
		Fault: 30 * time.Second, Outage: 30 * time.Second, MalformedRate: 1000,
		SlowClients: 3, Movies: 2000, P99Floor: 2 * time.Millisecond,
		Settle: 60 * time.Second, RSSCheck: true,
	}
}

// The server settings the soak runs with (given to cmd/server).
const (
	soakQueryTimeout = 3 * time.Second
	// soakDeadlineSlack is what a request may take past the query
	// timeout (rendering, a loaded machine) before it counts as hung.
	soakDeadlineSlack = 2 * time.Second
	soakCallTimeout   = 15 * time.Second
)

// soakCheck is one line of the verdict table.
type soakCheck struct {
	Phase    string `json:"phase"`
	Name     string `json:"name"`
	Measured string `json:"measured"`
	Target   string `json:"target"`
	Met      bool   `json:"met"`
}

// soakSample is the server at one moment.
type soakSample struct {
	At  float64 `json:"at_seconds"` // since the phase started
	RSS uint64  `json:"rss_bytes"`
	// HeapGoal is the Go runtime's next_gc: twice the live heap after the
	// last collection (GOGC=100), so it tells live growth from RSS noise.
	HeapGoal   uint64 `json:"heap_goal_bytes"`
	Goroutines int    `json:"goroutines"`
	Timers     int    `json:"timers"`
	Views      int    `json:"views"`
	Channels   int    `json:"channels"`
	WS, LP     int    `json:"-"`
	Async      int    `json:"async_tasks"`
	Crashes    int    `json:"crashes"`
	Slow       int    `json:"slow_consumers"`
	Malformed  int    `json:"malformed_frames"`
	// Per interval of phase 1: the counter clicks' p99 in it.
	WSP99, LPP99 float64 `json:"-"`
}

type soakResult struct {
	Command  string       `json:"command"`
	Started  time.Time    `json:"started"`
	Seconds  float64      `json:"seconds"`
	Machine  machine      `json:"machine"`
	Options  soakOptions  `json:"options"`
	Baseline soakSample   `json:"baseline"`
	Samples  []soakSample `json:"mixed_samples"`
	Checks   []soakCheck  `json:"checks"`
	Failures []string     `json:"failures,omitempty"` // phases that could not run
	srv      *soakServer
	idleDump []byte // the server's goroutines at the baseline (with DEBUG_ADDR)
	mu       sync.Mutex
	logf     func(string, ...any)
}

func (r *soakResult) check(phase, name, measured, target string, met bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Checks = append(r.Checks, soakCheck{phase, name, measured, target, met})
	v := "met"
	if !met {
		v = "NOT MET"
	}
	r.logf("soak %s: %s: %s (target %s): %s", phase, name, measured, target, v)
}

// failed reports whether any check was not met or a phase did not run.
func (r *soakResult) failed() bool {
	if len(r.Failures) > 0 {
		return true
	}
	for _, c := range r.Checks {
		if !c.Met {
			return true
		}
	}
	return false
}

// soakServer is cmd/server on a throwaway PostgreSQL.
type soakServer struct {
	Base    string
	Debug   string // the server's DEBUG_ADDR base URL, with -soak-profile
	Pid     int
	cluster *pgcluster.Cluster
	cmd     *exec.Cmd
	stderr  *tailBuffer
	done    chan struct{}
}

// alive reports whether the server process is still running.
func (s *soakServer) alive() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// runSoak runs every phase into the result; everything it starts is
// stopped before it returns. The error is for the harness failing (build,
// database, server start).
func runSoak(ctx context.Context, o options, so soakOptions, command string) (*soakResult, error) {
	r := &soakResult{Command: command, Started: time.Now(), Options: so,
		logf: func(format string, args ...any) { fmt.Fprintf(o.Log, format+"\n", args...) }}
	defer func() { r.Seconds = time.Since(r.Started).Seconds() }()
	r.logf("soak: measuring the machine's idle CPU for 1 s…")
	r.Machine = describeMachine()
	socketload.RaiseFileLimit()
	tmp, err := os.MkdirTemp("", "golive-soak-")
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(tmp)
	srv, stop, err := startSoakServer(ctx, r, tmp, so.Movies)
	if err != nil {
		return r, err
	}
	defer stop()
	r.srv = srv

	// The idle baseline: every kind of client once, gone again.
	r.logf("soak: warming every page and transport once, then reading the idle baseline…")
	if err := soakWarm(ctx, srv.Base); err != nil {
		return r, fmt.Errorf("warm-up: %w", err)
	}
	if r.Baseline, err = soakBaseline(ctx, srv, so.Settle); err != nil {
		return r, err
	}
	r.logf("soak: idle baseline: %d goroutines, %d timers, RSS %s", r.Baseline.Goroutines, r.Baseline.Timers, mib(r.Baseline.RSS))
	if srv.Debug != "" {
		r.idleDump, _ = srv.debugGet(ctx, "/debug/pprof/goroutine?debug=1")
	}

	phases := []struct {
		name string
		run  func(context.Context, *soakResult, soakOptions) error
	}{
		{"mixed", soakMixed},
		{"cycles", soakCycles},
		{"slow", soakSlow},
		{"outage", soakOutage},
		{"malformed", soakMalformed},
	}
	for _, p := range phases {
		if ctx.Err() != nil {
			break
		}
		if err := p.run(ctx, r, so); err != nil {
			r.Failures = append(r.Failures, p.name+": "+err.Error())
			r.logf("soak %s FAILED: %v", p.name, err)
		}
		if !srv.alive() {
			r.Failures = append(r.Failures, fmt.Sprintf("%s: cmd/server exited; stderr:\n%s", p.name, srv.stderr))
			break
		}
	}
	if srv.alive() {
		r.settleCheck(ctx, "end", so)
	}
	return r, ctx.Err()
}

func startSoakServer(ctx context.Context, r *soakResult, tmp string, n int64) (*soakServer, func(), error) {
	r.logf("soak: building cmd/server…")
	bin, err := buildCommand(ctx, tmp, "server")
	if err != nil {
		return nil, nil, err
	}
	// A short directory: the cluster's Unix socket path must stay < 100 bytes.
	pgDir, err := os.MkdirTemp("", "soak-pg-")
	if err != nil {
		return nil, nil, err
	}
	_ = os.Chmod(pgDir, 0o755)
	var stops []func()
	stop := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	stops = append(stops, func() { os.RemoveAll(pgDir) })
	r.logf("soak: starting a throwaway PostgreSQL and loading %d movies…", n)
	cluster, err := pgcluster.Start(ctx, pgcluster.Config{
		Dir: filepath.Join(pgDir, "data"), TCP: true, Ephemeral: true,
		Settings: map[string]string{"max_connections": "200"},
	})
	if err != nil {
		stop()
		return nil, nil, err
	}
	stops = append(stops, func() { _ = cluster.Stop() })
	if err := soakLoad(ctx, cluster, n); err != nil {
		stop()
		return nil, nil, err
	}
	port, err := moviesFreePort()
	if err != nil {
		stop()
		return nil, nil, err
	}
	s := &soakServer{Base: "http://127.0.0.1:" + strconv.Itoa(port), cluster: cluster,
		stderr: &tailBuffer{max: 256 << 10}, done: make(chan struct{})}
	s.cmd = exec.Command(bin)
	// No result cache, so every search during the outage reaches the
	// database; no start-up warming (the catalogue is small).
	s.cmd.Env = append(os.Environ(), "DATABASE_URL="+cluster.DSN("movies"), "PORT="+strconv.Itoa(port), "BIND=127.0.0.1",
		"MOVIES_RESULT_TTL=-1s", "MOVIES_WARM=off", "MOVIES_QUERY_TIMEOUT="+soakQueryTimeout.String())
	if r.Options.ProfileDir != "" {
		dport, err := moviesFreePort()
		if err != nil {
			stop()
			return nil, nil, err
		}
		s.Debug = "http://127.0.0.1:" + strconv.Itoa(dport)
		s.cmd.Env = append(s.cmd.Env, "DEBUG_ADDR=127.0.0.1:"+strconv.Itoa(dport))
	}
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	s.cmd.Stdout, s.cmd.Stderr = io.Discard, s.stderr
	if err := s.cmd.Start(); err != nil {
		stop()
		return nil, nil, err
	}
	s.Pid = s.cmd.Process.Pid
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	stops = append(stops, func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
	r.logf("soak: waiting for cmd/server on %s…", s.Base)
	if err := moviesWaitUp(ctx, s.Base, s.done, s.stderr); err != nil {
		stop()
		return nil, nil, err
	}
	return s, stop, nil
}

func soakLoad(ctx context.Context, cluster *pgcluster.Cluster, n int64) error {
	if err := cluster.CreateDatabase(ctx, "movies"); err != nil {
		return err
	}
	dsn := cluster.DSN("movies")
	if _, err := movies.Migrate(ctx, dsn, nil); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	err = sample.Load(ctx, conn, sample.Config{Movies: n})
	conn.Close(context.Background())
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	return movies.RefreshRankings(ctx, dsn)
}

// --- the server's state ------------------------------------------------------

// soakMetrics reads /metrics (on a connection that closes, so the reading
// leaves no idle connection, and no goroutine, on the server).
func soakMetrics(ctx context.Context, base string) (map[string]float64, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	body, err := getClosing(ctx, base+"/metrics")
	if err != nil {
		return nil, fmt.Errorf("/metrics: %w", err)
	}
	m := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
			m[line[:i]] = v
		}
	}
	return m, sc.Err()
}

// sample reads the server's RSS and its metrics.
func (s *soakServer) sample(ctx context.Context) (soakSample, error) {
	m, err := soakMetrics(ctx, s.Base)
	if err != nil {
		return soakSample{}, err
	}
	for _, name := range []string{"go_goroutines", "golive_timers", "golive_live_views", "golive_live_async_tasks"} {
		if _, ok := m[name]; !ok {
			return soakSample{}, fmt.Errorf("/metrics has no %s", name)
		}
	}
	i := func(name string) int { return int(m[name]) }
	rss, _ := socketload.ProcRSS(s.Pid)
	return soakSample{
		RSS: rss, HeapGoal: uint64(m["go_memstats_next_gc_bytes"]), Goroutines: i("go_goroutines"), Timers: i("golive_timers"), Views: i("golive_live_views"),
		Channels: i("golive_channels"), WS: i(`golive_connections{transport="websocket"}`), LP: i(`golive_connections{transport="longpoll"}`),
		Async: i("golive_live_async_tasks"), Crashes: i("golive_live_crashes_total"),
		Slow: i("golive_slow_consumers_total"), Malformed: i("golive_malformed_frames_total"),
	}, nil
}

// waitFor samples the server every 200 ms until ok or limit; it returns
// the last sample and whether ok held.
func (s *soakServer) waitFor(ctx context.Context, limit time.Duration, ok func(soakSample) bool) (soakSample, bool, error) {
	deadline := time.Now().Add(limit)
	for {
		x, err := s.sample(ctx)
		if err != nil {
			return x, false, err
		}
		if ok(x) {
			return x, true, nil
		}
		if time.Now().After(deadline) {
			return x, false, nil
		}
		select {
		case <-time.After(200 * time.Millisecond):
		case <-ctx.Done():
			return x, false, ctx.Err()
		}
	}
}

func idle(x soakSample) bool {
	return x.Views == 0 && x.Channels == 0 && x.WS == 0 && x.LP == 0 && x.Async == 0
}

// soakBaseline waits for the server to be idle and its goroutine count to
// hold still for a second, and returns that reading.
func soakBaseline(ctx context.Context, srv *soakServer, limit time.Duration) (soakSample, error) {
	x, ok, err := srv.waitFor(ctx, limit, idle)
	if err != nil {
		return x, err
	}
	if !ok {
		return x, fmt.Errorf("the server did not become idle after the warm-up within %s: %+v", limit, x)
	}
	deadline := time.Now().Add(limit)
	prev := x
	for time.Now().Before(deadline) {
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
			return x, ctx.Err()
		}
		if x, err = srv.sample(ctx); err != nil {
			return x, err
		}
		if x.Goroutines == prev.Goroutines && idle(x) {
			return x, nil
		}
		prev = x
	}
	return x, nil
}

// settleCheck waits for the server to come back to its idle baseline and
// records the goroutine and timer checks of phase.
func (r *soakResult) settleCheck(ctx context.Context, phase string, so soakOptions) {
	b := r.Baseline
	t0 := time.Now()
	x, _, err := r.srv.waitFor(ctx, so.Settle, func(x soakSample) bool {
		return idle(x) && x.Goroutines <= b.Goroutines && x.Timers <= b.Timers
	})
	if err != nil {
		r.Failures = append(r.Failures, phase+": reading the server: "+err.Error())
		return
	}
	waited := time.Since(t0).Round(100 * time.Millisecond)
	extra := max(0, x.Goroutines-b.Goroutines)
	r.check(phase, "goroutines beyond the idle baseline once clients are gone",
		fmt.Sprintf("%d (%d now, baseline %d; waited %s)", extra, x.Goroutines, b.Goroutines, waited), "0", extra == 0)
	if extra > 0 {
		r.srv.goroutineDump(ctx, r, phase)
	}
	r.check(phase, "timers left (golive_timers) once clients are gone",
		fmt.Sprintf("%d (idle value %d)", x.Timers-b.Timers, b.Timers), "0", x.Timers <= b.Timers)
	if !idle(x) {
		r.check(phase, "views, channels, sockets, async tasks left",
			fmt.Sprintf("%d views, %d channels, %d WebSockets, %d LongPoll sessions, %d async tasks", x.Views, x.Channels, x.WS, x.LP, x.Async),
			"0", false)
	}
}

// --- clients -------------------------------------------------------------------

// soakWarm opens and closes one client of every kind the phases use.
func soakWarm(ctx context.Context, base string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for _, path := range []string{"/examples/counter", "/examples/grid"} {
		l, _, joins, err := socketload.OpenLive(ctx, socketload.LiveConfig{Base: base, Path: path, Clients: 1})
		if err != nil {
			return err
		}
		if l.Clients() != 1 {
			l.Close()
			return fmt.Errorf("%s: %s", path, joins.FirstError)
		}
		_, err = l.Click(ctx, 0, "inc")
		l.Close()
		if err != nil && path == "/examples/counter" {
			return err
		}
	}
	v, err := moviesJoin(ctx, base)
	if err != nil {
		return err
	}
	kind, u := moviesPatchURL(base, 0, 0)
	_, err = v.patch(ctx, u)
	v.close()
	if err != nil {
		return fmt.Errorf("movies %s: %w", kind, err)
	}
	_, err = moviesGet(ctx, http.DefaultClient, base+"/movies")
	http.DefaultClient.CloseIdleConnections()
	return err
}

// patch live-patches the view to u and returns the reply's diff.
func (l *moviesLive) patch(ctx context.Context, u string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, soakCallTimeout)
	defer cancel()
	rep, _, err := l.call(ctx, "live_patch", []byte(`{"url":`+strconv.Quote(u)+`}`))
	if err == nil && rep.Status != "ok" {
		err = fmt.Errorf("reply %s: %.200s", rep.Status, rep.Resp)
	}
	return string(rep.Resp), err
}

func (l *moviesLive) close() {
	if l.hbStop != nil {
		close(l.hbStop)
		l.hbStop = nil
	}
	_ = l.conn.CloseNow()
}

// counterViews joins n counter views over transport.
func counterViews(ctx context.Context, base, transport string, n int) (*socketload.LiveLoad, error) {
	l, pages, joins, err := socketload.OpenLive(ctx, socketload.LiveConfig{Base: base, Path: "/examples/counter", Transport: transport, Clients: n})
	if err != nil {
		return nil, err
	}
	if l.Clients() != n {
		l.Close()
		return nil, fmt.Errorf("%d of %d %s counter views joined: %s %s", l.Clients(), n, transport, pages.FirstError, joins.FirstError)
	}
	return l, nil
}

// p99Check compares the other views' p99 during a fault with the run
// before it.
func (r *soakResult) p99Check(phase string, before, during socketload.LiveTrafficResult, so soakOptions) {
	b, d := before.Latency.P99Ms, during.Latency.P99Ms
	floor := float64(so.P99Floor) / 1e6
	change := 0.0
	if b > 0 {
		change = 100 * (d - b) / b
	}
	r.check(phase, "other views' click p99 during the fault vs just before",
		fmt.Sprintf("%.2f ms vs %.2f ms (%+.0f %%; %d and %d clicks)", d, b, change, during.Latency.Count, before.Latency.Count),
		fmt.Sprintf("≤ +20 %% (or ≤ +%.0f ms)", floor), during.Latency.Count > 0 && (d <= b*1.2 || d-b <= floor))
	r.check(phase, "other views' failed clicks during the fault",
		fmt.Sprintf("%d of %d (%s)", during.Errors, during.Sent, during.FirstError), "0", during.Errors == 0 && during.Sent > 0)
}

// soakTransportBound is the per-socket outbound bound cmd/server runs
// with (the transport's default; app.New does not change it).
const soakTransportBound = transport.DefaultMaxOutboundBytes

// getClosing GETs url on a connection of its own that closes after the
// answer: a kept-alive one would be a goroutine in the server that the
// goroutine checks count.
func getClosing(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %d", resp.StatusCode)
	}
	return data, err
}

// debugGet fetches path from the server's DEBUG_ADDR listener.
func (s *soakServer) debugGet(ctx context.Context, path string) ([]byte, error) {
	return getClosing(ctx, s.Debug+path)
}

// goroutineDump logs the server's goroutines (grouped by stack) when a
// goroutine check fails, so the report names what stayed; it needs
// DEBUG_ADDR (-soak-profile).
func (s *soakServer) goroutineDump(ctx context.Context, r *soakResult, phase string) {
	if s.Debug == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	data, err := s.debugGet(ctx, "/debug/pprof/goroutine?debug=1")
	if err != nil {
		r.logf("soak %s: goroutine dump: %v", phase, err)
		return
	}
	r.logf("soak %s: the server's goroutines now:\n%s\nand at the idle baseline:\n%s", phase, data, r.idleDump)
}

// heapProfile saves the server's heap profile (after a collection, so it
// shows what is live) as dir/name, with -soak-profile.
func (s *soakServer) heapProfile(ctx context.Context, r *soakResult, name string) {
	if s.Debug == "" || r.Options.ProfileDir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	data, err := s.debugGet(ctx, "/debug/pprof/heap?gc=1")
	if err != nil {
		r.logf("soak: heap profile %s: %v", name, err)
		return
	}
	path := filepath.Join(r.Options.ProfileDir, name)
	if err := os.MkdirAll(r.Options.ProfileDir, 0o755); err != nil {
		r.logf("soak: heap profile %s: %v", name, err)
		return
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		r.logf("soak: heap profile %s: %v", name, err)
		return
	}
	r.logf("soak: heap profile written to %s", path)
}
