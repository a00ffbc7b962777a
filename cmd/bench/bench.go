package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
)

// options are the bench's knobs; see main for the flags.
type options struct {
	Scenarios []string // subset of allScenarios, in that order

	WSSockets    int // a: idle WebSockets for the memory figure
	LPSockets    int // d: idle LongPoll sessions for the memory figure
	LatSockets   int // b: WebSockets carrying the latency traffic
	LPLatSockets int // c: LongPoll sessions carrying the latency traffic

	Rate     float64 // b: msgs/s
	LPRates  []float64
	Duration time.Duration
	Warmup   time.Duration
	Payload  int

	Concurrency   int
	QuietWait     time.Duration // before a latency scenario, wait up to this for an idle machine
	Pprof         bool          // heap profiles of the memory scenarios
	ProfileDir    string        // where profiles go (default: the temp dir, removed)
	ServerBin     string        // use this echoserver instead of building one
	Live          liveOptions   // the live scenarios' sizes
	MoviesN       int64         // movies: generated movies
	MoviesSchema  string        // movies: "ours" (our migrations) or "cinegraph" (the real schema's dump)
	LiveServerBin string        // use this liveserver instead of building cmd/liveserver
	Upload        uploadOptions // the uploads scenario's sizes
	Log           io.Writer

	discardProfiles bool // ProfileDir is the temp dir, removed at the end
}

// allScenarios adds vs-phoenix (vsphoenix.go), which needs Elixir and
// phoenix-ref's git mirrors: `make bench-vs-phoenix`, run alone; and soak
// (soak.go, `make soak`, 30 min by default), run alone.
var allScenarios = append(slices.Clone(defaultScenarios), vsPhoenixScenario, soakScenario)

// defaultScenarios run without -scenarios (`make bench`); "movies"
// (movies.go, ~40 s), "cluster-pubsub" (~16 s), "lp-forward" (~30 s) and
// "uploads" (uploads.go) included.
var defaultScenarios = append(append([]string{"ws-mem", "ws-latency", "lp-latency", "lp-mem"}, liveScenarios...), "movies", "cluster-pubsub", "lp-forward", uploadsScenario)

func defaultOptions() options {
	return options{
		Scenarios:    defaultScenarios,
		WSSockets:    10000,
		LPSockets:    2000,
		LatSockets:   1000,
		LPLatSockets: 1000,
		Rate:         5000,
		LPRates:      []float64{5000, 2000},
		Duration:     10 * time.Second,
		Warmup:       time.Second,
		Concurrency:  200,
		QuietWait:    15 * time.Second,
		Live:         defaultLiveOptions(),
		Upload:       defaultUploadOptions(),
		Log:          io.Discard,
	}
}

// quick shrinks everything to a smoke run of a few seconds.
func (o *options) quick() {
	o.WSSockets, o.LPSockets, o.LatSockets, o.LPLatSockets = 50, 20, 20, 20
	o.Rate, o.LPRates = 200, []float64{200}
	o.Duration, o.Warmup = time.Second, 200*time.Millisecond
	o.QuietWait = 0
	o.Live.quick()
	o.Upload.quick()
}

// Targets.
const (
	targetBytesPerSocket = 16 << 10
	targetP99Ms          = 2.0
)

// memResult is scenario a or d.
type memResult struct {
	Transport string                `json:"transport"`
	Open      socketload.OpenResult `json:"open"`
	Before    socketload.ServerMem  `json:"before"`
	After     socketload.ServerMem  `json:"after"`

	// Per socket, bytes.
	HeapStackPerSocket float64 `json:"heap_stack_per_socket"` // the headline
	HeapPerSocket      float64 `json:"heap_per_socket"`
	StackPerSocket     float64 `json:"stack_per_socket"`
	RSSPerSocket       float64 `json:"rss_per_socket"`
	ObjectsPerSocket   float64 `json:"heap_objects_per_socket"`
	GoroutinesPerSock  float64 `json:"goroutines_per_socket"`
	ClientTCPConns     int64   `json:"client_tcp_conns"`
	HeapProfile        string  `json:"heap_profile,omitempty"` // file
	HeapTop            string  `json:"heap_top,omitempty"`     // go tool pprof -top
	// Attribution charges the profile's in-use bytes per socket to owners.
	Attribution    []attribution `json:"heap_attribution,omitempty"`
	ProfilePerSock float64       `json:"profile_bytes_per_socket,omitempty"`
	Problems       []string      `json:"problems,omitempty"`
}

// latResult is scenario b or c.
type latResult struct {
	Open    socketload.OpenResult    `json:"open"`
	Traffic socketload.TrafficResult `json:"traffic"`
	CPU     cpuUse                   `json:"cpu"`
	// BusyBefore is the machine's CPU use just before the traffic, after
	// waiting up to QuietWait for it to drop.
	BusyBefore float64          `json:"busy_before"`
	QuietWait  float64          `json:"quiet_wait_seconds"`
	Stats      map[string]int64 `json:"server_stats"`
	Server     serverWork       `json:"server_work"`
	Problems   []string         `json:"problems,omitempty"`
}

// serverWork is what the server's runtime did during a latency run.
type serverWork struct {
	BytesPerMsg  float64 `json:"alloc_bytes_per_msg"`
	AllocsPerMsg float64 `json:"allocs_per_msg"`
	GCs          uint32  `json:"gc_cycles"`
	GCPauseMs    float64 `json:"gc_pause_ms"` // stop-the-world total
	Goroutines   int     `json:"goroutines_after"`
}

// report is everything the bench found.
type report struct {
	Command  string        `json:"command"`
	Started  time.Time     `json:"started"`
	Seconds  float64       `json:"seconds"`
	Machine  machine       `json:"machine"`
	Options  options       `json:"-"`
	WSMem    *memResult    `json:"ws_mem,omitempty"`
	WSLat    *latResult    `json:"ws_latency,omitempty"`
	LPLat    []*latResult  `json:"lp_latency,omitempty"`
	LPMem    *memResult    `json:"lp_mem,omitempty"`
	Live     *liveReport   `json:"live,omitempty"`
	Movies   *moviesResult `json:"movies,omitempty"`
	Failures []string      `json:"failures,omitempty"` // scenarios that could not run
}

func (o options) has(name string) bool {
	for _, s := range o.Scenarios {
		if s == name {
			return true
		}
	}
	return false
}

// run builds and drives the echoserver through the chosen scenarios.
// Scenario failures are recorded in the report; the error is for the
// harness itself failing (build, start).
func run(ctx context.Context, o options, command string) (*report, error) {
	logf := func(format string, args ...any) { fmt.Fprintf(o.Log, format+"\n", args...) }
	rep := &report{Command: command, Started: time.Now(), Options: o}
	logf("measuring the machine's idle CPU for 1 s…")
	rep.Machine = describeMachine()
	socketload.RaiseFileLimit()

	tmp, err := os.MkdirTemp("", "golive-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if o.ProfileDir == "" {
		o.ProfileDir = tmp
		o.discardProfiles = true
	} else if err := os.MkdirAll(o.ProfileDir, 0o755); err != nil {
		return nil, err
	}
	bin := o.ServerBin
	if bin == "" && slices.ContainsFunc(o.Scenarios, func(s string) bool { return !slices.Contains(liveScenarios, s) && s != "movies" }) {
		logf("building cmd/echoserver…")
		if bin, err = buildEchoServer(ctx, tmp); err != nil {
			return nil, err
		}
	}

	fail := func(name string, err error) {
		rep.Failures = append(rep.Failures, name+": "+err.Error())
		logf("%s FAILED: %v", name, err)
	}
	if o.has("ws-mem") {
		logf("a. memory per idle WebSocket at %d sockets…", o.WSSockets)
		r, err := memScenario(ctx, o, bin, socketload.WebSocket, o.WSSockets)
		rep.WSMem = r
		if err != nil {
			fail("ws-mem", err)
		}
	}
	if o.has("ws-latency") {
		logf("b. WebSocket push→reply at %.0f msgs/s over %d sockets for %s…", o.Rate, o.LatSockets, o.Duration)
		r, err := latScenario(ctx, o, bin, socketload.WebSocket, o.LatSockets, o.Rate)
		rep.WSLat = r
		if err != nil {
			fail("ws-latency", err)
		}
	}
	if o.has("lp-latency") {
		for _, rate := range o.LPRates {
			logf("c. LongPoll push→reply at %.0f msgs/s over %d sessions for %s…", rate, o.LPLatSockets, o.Duration)
			r, err := latScenario(ctx, o, bin, socketload.LongPoll, o.LPLatSockets, rate)
			if r != nil {
				rep.LPLat = append(rep.LPLat, r)
			}
			if err != nil {
				fail(fmt.Sprintf("lp-latency %.0f/s", rate), err)
			}
		}
	}
	if o.has("lp-mem") {
		logf("d. memory per idle LongPoll session at %d sessions…", o.LPSockets)
		r, err := memScenario(ctx, o, bin, socketload.LongPoll, o.LPSockets)
		rep.LPMem = r
		if err != nil {
			fail("lp-mem", err)
		}
	}
	if o.hasLive() {
		if err := runLive(ctx, o, tmp, rep, fail); err != nil {
			return rep, err
		}
	}
	if o.has("movies") {
		logf("movies: /movies at %d movies on the %s schema (dead renders, live_patch events)…", o.MoviesN, o.MoviesSchema)
		if err := runMovies(ctx, o, tmp, rep); err != nil {
			fail("movies", err)
		}
	}
	rep.Seconds = time.Since(rep.Started).Seconds()
	return rep, ctx.Err()
}

func serverArgs(o options, profiling bool) []string {
	args := []string{"-log-level", "warn"}
	if profiling {
		// Sample every 4 KiB instead of 512 KiB so per-socket objects
		// show up precisely.
		args = append(args, "-pprof", "-memprofilerate", "4096")
	}
	return args
}

// memScenario opens n idle sockets with one joined channel each and reads
// the server's memory before and after, each after a forced GC.
func memScenario(ctx context.Context, o options, bin, transport string, n int) (_ *memResult, err error) {
	srv, err := startServer(ctx, bin, serverArgs(o, o.Pprof)...)
	if err != nil {
		return nil, err
	}
	defer func() {
		if e := srv.stop(); e != nil && err == nil {
			err = e
		}
	}()
	cfg := socketload.Config{URL: srv.Base + "/socket", Transport: transport, Concurrency: o.Concurrency}

	// Warm the server's one-time paths (pools, first-use allocations)
	// with a few sockets, so the baseline is not flattered by them.
	cfg.Sockets = min(10, n)
	warm, _, err := socketload.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	warm.Close()
	// LongPoll sessions only end at their expiry (15 s); the few warm-up
	// sessions left are in both readings, so they cancel out.
	if transport == socketload.WebSocket {
		if err := waitStats(ctx, srv, func(st map[string]int64) bool {
			return st["WebSockets"] == 0 && st["Channels"] == 0
		}, 20*time.Second); err != nil {
			return nil, fmt.Errorf("warm-up sockets did not go away: %w", err)
		}
	}

	r := &memResult{Transport: transport}
	if r.Before, err = socketload.FetchMem(ctx, srv.Base, true, true); err != nil {
		return r, err
	}
	cfg.Sockets = n
	load, open, err := socketload.Open(ctx, cfg)
	r.Open = open
	if err != nil {
		return r, err
	}
	defer load.Close()
	if open.Joined != n {
		r.Problems = append(r.Problems, fmt.Sprintf("only %d of %d sockets joined: %s", open.Joined, n, open.FirstError))
	}
	// Let the last replies and (LongPoll) the next polls settle.
	select {
	case <-time.After(time.Second):
	case <-ctx.Done():
		return r, ctx.Err()
	}
	if r.After, err = socketload.FetchMem(ctx, srv.Base, true, true); err != nil {
		return r, err
	}
	r.ClientTCPConns = load.TCPConns()
	key := "WebSockets"
	if transport == socketload.LongPoll {
		key = "LongPollSessions"
	}
	live := r.After.Stats[key] - r.Before.Stats[key]
	if live != int64(open.Joined) || r.After.Stats["Channels"]-r.Before.Stats["Channels"] != int64(open.Joined) {
		r.Problems = append(r.Problems, fmt.Sprintf("server counts %d new %s and %d new channels for %d joined sockets",
			live, key, r.After.Stats["Channels"]-r.Before.Stats["Channels"], open.Joined))
	}
	if j := float64(open.Joined); j > 0 {
		d := func(a, b uint64) float64 { return (float64(a) - float64(b)) / j }
		r.HeapPerSocket = d(r.After.HeapInuse, r.Before.HeapInuse)
		r.StackPerSocket = d(r.After.StackInuse, r.Before.StackInuse)
		r.HeapStackPerSocket = r.HeapPerSocket + r.StackPerSocket
		r.RSSPerSocket = d(r.After.RSSBytes, r.Before.RSSBytes)
		r.ObjectsPerSocket = d(r.After.HeapObjects, r.Before.HeapObjects)
		r.GoroutinesPerSock = float64(r.After.Goroutines-r.Before.Goroutines) / j
	}
	if o.Pprof {
		file := filepath.Join(o.ProfileDir, "heap-"+transport+".pb.gz")
		if err := srv.fetch(ctx, "/debug/pprof/heap?gc=1", file); err != nil {
			r.Problems = append(r.Problems, "heap profile: "+err.Error())
		} else {
			r.HeapProfile = file
			if o.discardProfiles {
				r.HeapProfile = "not kept: pass -profile-dir to keep it"
			}
			r.HeapTop = pprofTop(ctx, bin, file)
			if att, per, err := attributeHeap(ctx, bin, file, open.Joined); err != nil {
				r.Problems = append(r.Problems, "heap attribution: "+err.Error())
			} else {
				r.Attribution, r.ProfilePerSock = att, per
			}
			_ = srv.fetch(ctx, "/debug/pprof/goroutine?debug=1", filepath.Join(o.ProfileDir, "goroutines-"+transport+".txt"))
		}
	}
	return r, nil
}

// pprofTop renders the heap profile's top in-use allocation sites.
func pprofTop(ctx context.Context, bin, file string) string {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return ""
	}
	out, err := exec.CommandContext(ctx, goBin, "tool", "pprof", "-top", "-nodecount=20",
		"-sample_index=inuse_space", bin, file).CombinedOutput()
	if err != nil {
		return "pprof failed: " + err.Error() + "\n" + string(out)
	}
	// Drop the header lines about the file and build.
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "Showing nodes") {
			return strings.Join(lines[i:], "\n")
		}
	}
	return strings.Join(lines, "\n")
}

func waitStats(ctx context.Context, srv *server, ok func(map[string]int64) bool, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		m, err := socketload.FetchMem(ctx, srv.Base, false, false)
		if err != nil {
			return err
		}
		if ok(m.Stats) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server stats still %v after %s", m.Stats, limit)
		}
		select {
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// latScenario runs open-loop ping traffic over n sockets at rate.
func latScenario(ctx context.Context, o options, bin, transport string, n int, rate float64) (_ *latResult, err error) {
	srv, err := startServer(ctx, bin, serverArgs(o, false)...)
	if err != nil {
		return nil, err
	}
	defer func() {
		if e := srv.stop(); e != nil && err == nil {
			err = e
		}
	}()
	load, open, err := socketload.Open(ctx, socketload.Config{
		URL: srv.Base + "/socket", Transport: transport, Sockets: n, Concurrency: o.Concurrency,
	})
	r := &latResult{Open: open}
	if err != nil {
		return r, err
	}
	defer load.Close()
	if open.Joined == 0 {
		return r, fmt.Errorf("no socket joined: %s", open.FirstError)
	}
	if open.Joined != n {
		r.Problems = append(r.Problems, fmt.Sprintf("only %d of %d sockets joined: %s", open.Joined, n, open.FirstError))
	}
	if o.QuietWait > 0 {
		busy, waited := waitQuiet(ctx, o.QuietWait)
		r.BusyBefore, r.QuietWait = busy, waited.Seconds()
	}
	m0, _ := socketload.FetchMem(ctx, srv.Base, false, false)
	c0 := readCPU(srv.Pid)
	tr, err := load.Traffic(ctx, socketload.TrafficConfig{
		Rate: rate, Duration: o.Duration, Warmup: o.Warmup, PayloadBytes: o.Payload,
	})
	c1 := readCPU(srv.Pid)
	r.Traffic = tr
	r.CPU = cpuBetween(c0, c1)
	if m, e := socketload.FetchMem(ctx, srv.Base, false, false); e == nil {
		r.Stats = m.Stats
		// Everything the server did between the readings (warm-up and
		// drain included), per inbound frame in that time.
		if msgs := float64(m.Stats["FramesIn"] - m0.Stats["FramesIn"]); msgs > 0 && m0.TotalAlloc > 0 {
			r.Server = serverWork{
				BytesPerMsg:  float64(m.TotalAlloc-m0.TotalAlloc) / msgs,
				AllocsPerMsg: float64(m.Mallocs-m0.Mallocs) / msgs,
				GCs:          m.NumGC - m0.NumGC,
				GCPauseMs:    float64(m.PauseTotal-m0.PauseTotal) / 1e6,
				Goroutines:   m.Goroutines,
			}
		}
	}
	if tr.Errors > 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("%d errors (%d error replies, %d send errors, %d lost, %d disconnects); first: %s",
			tr.Errors, tr.ErrorReplies, tr.SendErrors, tr.Lost, tr.Disconnects, tr.FirstError))
	}
	return r, err
}
