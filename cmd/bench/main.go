// Command bench is `make bench`: it builds cmd/echoserver, starts it as its
// own process (a fresh one per scenario, so its memory is measured alone)
// and drives it with the socketload client from this process:
//
//	a. ws-mem      memory per idle WebSocket with one joined channel (10,000)
//	b. ws-latency  push→reply round trip at 5,000 msgs/s over 1,000 WebSockets
//	c. lp-latency  the same over 1,000 LongPoll sessions, at 5,000 and 2,000 msgs/s
//	d. lp-mem      memory per idle LongPoll session (2,000)
//
// and, against cmd/liveserver (the live examples), live-bytes, live-mem,
// live-latency (see live.go) and uploads (upload throughput and RSS under
// concurrent uploads, uploads.go). -scenarios vs-phoenix (run alone; `make
// bench-vs-phoenix`) compares cmd/liveserver with real Phoenix LiveView on
// the same counter page (vsphoenix.go); -scenarios soak (run alone; `make
// soak`) is the endurance and fault run against cmd/server (soak.go).
//
// It prints a Markdown report (and writes it to -out). Every scenario is
// bounded in size and time; -timeout caps the whole run. -quick is a
// smoke run of a few seconds.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if code, ok := runAsClusterNode(); ok { // cluster-pubsub's node processes
		os.Exit(code)
	}
	o := defaultOptions()
	var (
		quick     = flag.Bool("quick", false, "tiny smoke run (a few seconds): 50/20 sockets, 200 msgs/s, 1 s")
		scenarios = flag.String("scenarios", strings.Join(defaultScenarios, ","), "scenarios to run (also: movies), comma separated")
		lpRates   = flag.String("lp-rate", "5000,2000", "LongPoll msgs/s; a comma-separated list runs each")
		out       = flag.String("out", "", "also write the Markdown report to this file")
		jsonOut   = flag.String("json", "", "also write the raw results as JSON to this file")
		timeout   = flag.Duration("timeout", 5*time.Minute, "hard limit for the whole bench")
		quiet     = flag.Bool("q", false, "no progress lines on stderr")
	)
	flag.IntVar(&o.WSSockets, "sockets", o.WSSockets, "a: idle WebSockets for the memory figure")
	flag.IntVar(&o.LPSockets, "lp-sockets", o.LPSockets, "d: idle LongPoll sessions for the memory figure")
	flag.IntVar(&o.LatSockets, "lat-sockets", o.LatSockets, "b: WebSockets carrying the latency traffic")
	flag.IntVar(&o.LPLatSockets, "lp-lat-sockets", o.LPLatSockets, "c: LongPoll sessions carrying the latency traffic")
	flag.Float64Var(&o.Rate, "rate", o.Rate, "b: WebSocket msgs/s")
	flag.DurationVar(&o.Duration, "duration", o.Duration, "measured traffic per latency scenario")
	flag.DurationVar(&o.Warmup, "warmup", o.Warmup, "traffic before each measurement, not counted")
	flag.IntVar(&o.Payload, "payload", 0, "pad ping payloads to about this many bytes")
	flag.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "sockets opened at once")
	flag.DurationVar(&o.QuietWait, "quiet-wait", o.QuietWait, "before each latency run, wait up to this long for the machine to be idle (0: don't)")
	flag.BoolVar(&o.Pprof, "pprof", false, "heap-profile the server in the memory scenarios (report shows the top)")
	flag.StringVar(&o.ProfileDir, "profile-dir", "", "keep profiles in this directory (default: a temp dir, removed)")
	flag.StringVar(&o.ServerBin, "server", "", "use this echoserver binary instead of building cmd/echoserver")
	flag.StringVar(&o.LiveServerBin, "liveserver", "", "use this liveserver binary instead of building cmd/liveserver")
	flag.IntVar(&o.Live.BytesClients, "live-bytes-clients", o.Live.BytesClients, "live-bytes: clients per event kind")
	flag.Float64Var(&o.Live.BytesRate, "live-bytes-rate", o.Live.BytesRate, "live-bytes: events/s")
	flag.DurationVar(&o.Live.BytesDuration, "live-bytes-duration", o.Live.BytesDuration, "live-bytes: traffic per event kind")
	flag.IntVar(&o.Live.MemCounter, "live-mem-counter", o.Live.MemCounter, "live-mem: connected counter views")
	flag.IntVar(&o.Live.MemGrid, "live-mem-grid", o.Live.MemGrid, "live-mem: connected 24-card grid views")
	flag.Int64Var(&o.MoviesN, "movies-n", moviesN, "movies: generated movies (production size: 1150000)")
	flag.StringVar(&o.MoviesSchema, "movies-schema", "ours", "movies: ours (our migrations) or cinegraph (the real schema, movies/testdata/cinegraph)")
	flag.IntVar(&o.Live.LatClients, "live-lat-clients", o.Live.LatClients, "live-latency: counter clients")
	flag.Float64Var(&o.Live.LatRate, "live-rate", o.Live.LatRate, "live-latency: clicks/s")
	flag.Int64Var(&o.Upload.Size, "upload-size", o.Upload.Size, "uploads: bytes of the one file uploaded per transport")
	flag.IntVar(&o.Upload.Clients, "upload-clients", o.Upload.Clients, "uploads: clients uploading at once for the RSS figure")
	flag.Int64Var(&o.Upload.ConcSize, "upload-concurrent-size", o.Upload.ConcSize, "uploads: bytes each concurrent client uploads")
	vo := defaultVsOptions()
	vpSweep := flag.String("vp-sweep", "", "vs-phoenix: run the comparison at each of these sizes (clients = views, e.g. 1000,5000,20000) and chart each figure against them")
	vpCharts := flag.String("vp-charts", "docs/bench", "vs-phoenix sweep: folder the SVG charts are written to")
	flag.BoolVar(&vo.GoliveOnly, "vp-golive-only", false, "vs-phoenix: measure golive only (A/B runs of two golive builds with -liveserver; no ratios)")
	vpTransports := flag.String("vp-transports", strings.Join(vo.Transports, ","), "vs-phoenix: transports, comma separated")
	flag.IntVar(&vo.Clients, "vp-clients", vo.Clients, "vs-phoenix: clients carrying the clicks (the issue's target scenario: 5000)")
	flag.Float64Var(&vo.Rate, "vp-rate", vo.Rate, "vs-phoenix: clicks/s")
	flag.IntVar(&vo.Views, "vp-views", vo.Views, "vs-phoenix: joined views for the memory and join figures")
	flag.IntVar(&vo.ViewsPerConn, "vp-views-per-conn", 0, "vs-phoenix: views joined on one connection, as a tab's views share its socket (0: 1, or more where the open-file limit cannot hold a connection per view)")
	flag.DurationVar(&vo.Duration, "vp-duration", vo.Duration, "vs-phoenix: measured clicks per server and transport")
	flag.DurationVar(&vo.Warmup, "vp-warmup", vo.Warmup, "vs-phoenix: clicks before the measurement, not counted")
	flag.StringVar(&vo.Vsn, "vp-vsn", vo.Vsn, "vs-phoenix: _lv_vsn the clients announce (golive picks its diff format by it; 1.0.19 is phoenix-ref's version)")
	flag.StringVar(&vo.PhoenixSrc, "phoenix-src", vo.PhoenixSrc, "vs-phoenix: phoenix-ref's sources (only read)")
	flag.StringVar(&vo.PhoenixDir, "phoenix-dir", vo.PhoenixDir, "vs-phoenix: the scratch copy of phoenix-ref, built once and run")
	so := defaultSoakOptions()
	flag.DurationVar(&so.Duration, "soak-duration", so.Duration, "soak: mixed traffic (issue 14: 30 min)")
	flag.DurationVar(&so.Sample, "soak-sample", so.Sample, "soak: sampling interval of the mixed traffic")
	flag.IntVar(&so.Cycles, "soak-cycles", so.Cycles, "soak: connect/disconnect cycles")
	flag.DurationVar(&so.Fault, "soak-fault", so.Fault, "soak: measured window of the slow-consumer and malformed-frame phases (and of the run before each)")
	flag.DurationVar(&so.Outage, "soak-outage", so.Outage, "soak: how long PostgreSQL is stopped")
	flag.Float64Var(&so.MalformedRate, "soak-malformed-rate", so.MalformedRate, "soak: malformed frames per second")
	flag.IntVar(&so.SlowClients, "soak-slow-clients", so.SlowClients, "soak: clients that stop reading")
	flag.StringVar(&so.ProfileDir, "soak-profile", "", "soak: save the server's heap profiles (warm-up sample, end of the mixed phase) in this folder; compare with go tool pprof -base")
	flag.DurationVar(&so.P99Floor, "soak-p99-floor", so.P99Floor, "soak: a p99 change smaller than this is noise (met whatever the percentage)")
	flag.StringVar(&vo.Mirrors, "mirrors", vo.Mirrors, "vs-phoenix: folder of the git mirrors build.sh needs (OWNER+NAME/repo; default $MIRRORS or /work/.mirror)")
	cpuProfile := flag.String("cpuprofile", "", "write the bench's own CPU profile (its load clients) to this file")
	flag.Parse()
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(2)
		}
		exit = func(code int) { stop(); os.Exit(code) }
		defer stop()
	}

	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *quick {
		q := defaultOptions()
		q.quick()
		// -quick sets the sizes; explicit flags still win.
		if !set["sockets"] {
			o.WSSockets = q.WSSockets
		}
		if !set["lp-sockets"] {
			o.LPSockets = q.LPSockets
		}
		if !set["lat-sockets"] {
			o.LatSockets = q.LatSockets
		}
		if !set["lp-lat-sockets"] {
			o.LPLatSockets = q.LPLatSockets
		}
		if !set["rate"] {
			o.Rate = q.Rate
		}
		if !set["lp-rate"] {
			*lpRates = "200"
		}
		if !set["duration"] {
			o.Duration = q.Duration
		}
		if !set["warmup"] {
			o.Warmup = q.Warmup
		}
		if !set["quiet-wait"] {
			o.QuietWait = q.QuietWait
		}
		for name, p := range map[string]*int{"live-bytes-clients": &o.Live.BytesClients,
			"live-mem-counter": &o.Live.MemCounter, "live-mem-grid": &o.Live.MemGrid, "live-lat-clients": &o.Live.LatClients} {
			if !set[name] {
				*p = map[string]int{"live-bytes-clients": q.Live.BytesClients, "live-mem-counter": q.Live.MemCounter,
					"live-mem-grid": q.Live.MemGrid, "live-lat-clients": q.Live.LatClients}[name]
			}
		}
		if !set["live-bytes-rate"] {
			o.Live.BytesRate = q.Live.BytesRate
		}
		if !set["live-bytes-duration"] {
			o.Live.BytesDuration = q.Live.BytesDuration
		}
		if !set["live-rate"] {
			o.Live.LatRate = q.Live.LatRate
		}
		if !set["upload-size"] {
			o.Upload.Size = q.Upload.Size
		}
		if !set["upload-clients"] {
			o.Upload.Clients = q.Upload.Clients
		}
		if !set["upload-concurrent-size"] {
			o.Upload.ConcSize = q.Upload.ConcSize
		}
	}
	o.LPRates = nil
	for _, f := range strings.Split(*lpRates, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || v <= 0 {
			fmt.Fprintf(os.Stderr, "bench: -lp-rate %q: want positive numbers\n", *lpRates)
			exit(2)
		}
		o.LPRates = append(o.LPRates, v)
	}
	o.Scenarios = nil
	for _, s := range strings.Split(*scenarios, ",") {
		s = strings.TrimSpace(s)
		known := false
		for _, a := range allScenarios {
			known = known || a == s
		}
		if !known {
			fmt.Fprintf(os.Stderr, "bench: unknown scenario %q (have %s)\n", s, strings.Join(allScenarios, ", "))
			exit(2)
		}
		o.Scenarios = append(o.Scenarios, s)
	}
	if !*quiet {
		o.Log = os.Stderr
	}
	if slices.Contains(o.Scenarios, soakScenario) {
		if len(o.Scenarios) > 1 {
			fmt.Fprintln(os.Stderr, "bench: run -scenarios soak alone")
			exit(2)
		}
		if !set["timeout"] {
			// The default is for the short scenarios: give the soak its
			// phases' time and some.
			*timeout = so.Duration + so.Outage + 2*so.Fault + 20*time.Minute
		}
		exit(mainSoak(o, so, *timeout, *out, *jsonOut))
	}
	if slices.Contains(o.Scenarios, vsPhoenixScenario) {
		if len(o.Scenarios) > 1 {
			fmt.Fprintln(os.Stderr, "bench: run -scenarios vs-phoenix alone")
			exit(2)
		}
		var err error
		if vo.Transports, err = parseTransports(*vpTransports); err != nil {
			fmt.Fprintln(os.Stderr, "bench: -vp-transports:", err)
			exit(2)
		}
		if *quick {
			vo.quick(set)
		}
		if *vpSweep != "" {
			sizes, err := parseSizes(*vpSweep)
			if err != nil {
				fmt.Fprintln(os.Stderr, "bench: -vp-sweep:", err)
				exit(2)
			}
			exit(mainVsSweep(o, vo, sizes, *vpCharts, *timeout, *out, *jsonOut))
		}
		exit(mainVsPhoenix(o, vo, *timeout, *out, *jsonOut))
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	rep, err := run(ctx, withoutUploads(withoutClusterPubSub(o)), commandLine())
	lpf, err := runLPForwardIfAsked(ctx, o, rep, err)
	cps, err := runClusterPubSubIfAsked(ctx, o, rep, err)
	ups, err := runUploadsIfAsked(ctx, o, rep, err)
	if rep != nil {
		md := rep.markdown() + lpf.markdown() + cps.markdown() + ups.markdown()
		fmt.Print(md)
		if *out != "" {
			if werr := os.WriteFile(*out, []byte(md), 0o644); werr != nil {
				fmt.Fprintln(os.Stderr, "bench:", werr)
			}
		}
		if *jsonOut != "" {
			data, _ := json.MarshalIndent(lpf.withReport(rep), "", "  ")
			data = cps.addJSON(data)
			data = ups.addJSON(data)
			if werr := os.WriteFile(*jsonOut, data, 0o644); werr != nil {
				fmt.Fprintln(os.Stderr, "bench:", werr)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		exit(1)
	}
	if len(rep.Failures) > 0 {
		exit(1)
	}
}

// commandLine is how the bench was invoked; under `go run` (or make bench)
// the binary lives in a temp dir, so name the package instead.
func commandLine() string {
	name := os.Args[0]
	if strings.Contains(name, "go-build") || strings.HasPrefix(name, os.TempDir()) {
		name = "go run ./cmd/bench"
	} else {
		name = filepath.Base(name)
	}
	return strings.TrimSpace(name + " " + strings.Join(os.Args[1:], " "))
}

// mainSoak runs the soak and returns the exit code: 1 when a check is not
// met or a phase could not run.
func mainSoak(o options, so soakOptions, timeout time.Duration, out, jsonOut string) int {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	r, err := runSoak(ctx, o, so, commandLine())
	md := r.markdown()
	fmt.Print(md)
	if out != "" {
		if werr := os.WriteFile(out, []byte(md), 0o644); werr != nil {
			fmt.Fprintln(os.Stderr, "bench:", werr)
		}
	}
	if jsonOut != "" {
		data, _ := json.MarshalIndent(r, "", "  ")
		if werr := os.WriteFile(jsonOut, data, 0o644); werr != nil {
			fmt.Fprintln(os.Stderr, "bench:", werr)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	if r.failed() {
		return 1
	}
	return 0
}

// mainVsPhoenix runs vs-phoenix and returns the exit code.
func mainVsPhoenix(o options, vo vsOptions, timeout time.Duration, out, jsonOut string) int {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	r, err := runVsPhoenix(ctx, o, vo, commandLine())
	if r != nil {
		md := r.markdown()
		fmt.Print(md)
		if out != "" {
			if werr := os.WriteFile(out, []byte(md), 0o644); werr != nil {
				fmt.Fprintln(os.Stderr, "bench:", werr)
			}
		}
		if jsonOut != "" {
			data, _ := json.MarshalIndent(r, "", "  ")
			if werr := os.WriteFile(jsonOut, data, 0o644); werr != nil {
				fmt.Fprintln(os.Stderr, "bench:", werr)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	if len(r.Failures) > 0 {
		return 1
	}
	return 0
}

// mainVsSweep runs the vs-phoenix sweep and returns the exit code.
func mainVsSweep(o options, vo vsOptions, sizes []int, chartDir string, timeout time.Duration, out, jsonOut string) int {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	rs, err := runVsSweep(ctx, o, vo, sizes, commandLine())
	charts, cerr := sweepCharts(rs, chartDir)
	if cerr != nil {
		fmt.Fprintln(os.Stderr, "bench: charts:", cerr)
	}
	var md strings.Builder
	for _, r := range rs {
		md.WriteString(r.markdown())
	}
	md.WriteString(sweepMarkdown(rs, chartDir, charts))
	fmt.Print(md.String())
	if out != "" {
		if werr := os.WriteFile(out, []byte(md.String()), 0o644); werr != nil {
			fmt.Fprintln(os.Stderr, "bench:", werr)
		}
	}
	if jsonOut != "" {
		data, _ := json.MarshalIndent(rs, "", "  ")
		if werr := os.WriteFile(jsonOut, data, 0o644); werr != nil {
			fmt.Fprintln(os.Stderr, "bench:", werr)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	for _, r := range rs {
		if len(r.Failures) > 0 {
			return 1
		}
	}
	if cerr != nil {
		return 1
	}
	return 0
}

// exit is os.Exit, stopping the -cpuprofile first when one runs.
var exit = os.Exit

// startCPUProfile profiles this process into file until stop is called.
func startCPUProfile(file string) (stop func(), err error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
