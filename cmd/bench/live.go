package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
)

// The live scenarios drive cmd/liveserver (the live examples as cmd/server
// registers them) with socketload's live clients:
//
//	live-bytes    bytes on the wire and server CPU per event: counter click,
//	              grid change-one / replace-all / insert-top (1.2 Keyed),
//	              insert-top again with _lv_vsn=1.0.19 (DList)
//	live-mem      server memory per connected view: counter and grid pages
//	live-latency  event round trip at LiveLatClients clients on the counter,
//	              plus CPU per page GET, per join and per event
var liveScenarios = []string{"live-bytes", "live-mem", "live-latency"}

// Phoenix 1.7 / LiveView 1.0 on this kind of machine, counter page, 5,000
// clients, 500 clicks/s (the figures).
const (
	phoenixBytesPerClient = 61 << 10
	phoenixCPUPerEventUs  = 218.0
	phoenixCPUPerJoinUs   = 1500.0
	phoenixP99Ms          = 1.3
	targetGridViewBytes   = 64 << 10
	targetChangeOneShare  = 0.05
)

// liveOptions are the live scenarios' sizes.
type liveOptions struct {
	BytesClients  int           // live-bytes: clients per case
	BytesRate     float64       // live-bytes: events/s
	BytesDuration time.Duration // live-bytes: per case
	MemCounter    int           // live-mem: counter views
	MemGrid       int           // live-mem: grid views
	LatClients    int           // live-latency: counter clients
	LatRate       float64       // live-latency: clicks/s
}

func defaultLiveOptions() liveOptions {
	return liveOptions{
		BytesClients: 100, BytesRate: 600, BytesDuration: 5 * time.Second,
		MemCounter: 5000, MemGrid: 5000,
		LatClients: 1000, LatRate: 500,
	}
}

func (l *liveOptions) quick() {
	*l = liveOptions{
		BytesClients: 5, BytesRate: 50, BytesDuration: 500 * time.Millisecond,
		MemCounter: 20, MemGrid: 20,
		LatClients: 20, LatRate: 100,
	}
}

// liveCase is one kind of event in live-bytes.
type liveCase struct {
	Name    string `json:"name"`
	Path    string `json:"path"`
	Event   string `json:"event"`
	Vsn     string `json:"vsn"`
	Encoded string `json:"encoding"`
}

var liveCases = []liveCase{
	{"a. counter click", "/examples/counter", "inc", socketload.DefaultLiveVsn, "1.2 Keyed"},
	{"b. one card changed", "/examples/grid", "change-one", socketload.DefaultLiveVsn, "1.2 Keyed"},
	{"c. all 24 cards replaced", "/examples/grid", "replace-all", socketload.DefaultLiveVsn, "1.2 Keyed"},
	{"d. one row inserted at the top of 100", "/examples/grid", "insert-top", socketload.DefaultLiveVsn, "1.2 Keyed"},
	{"d. one row inserted at the top of 100", "/examples/grid", "insert-top", "1.0.19", "1.0 DList"},
}

type liveBytesResult struct {
	Case       liveCase                     `json:"case"`
	PageBytes  int                          `json:"page_bytes"`
	Sample     socketload.LiveReply         `json:"sample"` // the first event's reply
	Traffic    socketload.LiveTrafficResult `json:"traffic"`
	CPUPerEvUs float64                      `json:"server_cpu_per_event_us"`
	Problems   []string                     `json:"problems,omitempty"`
}

type liveMemResult struct {
	Path      string                   `json:"path"`
	Views     int                      `json:"views"`
	Pages     socketload.LivePhase     `json:"pages"`
	Joins     socketload.LivePhase     `json:"joins"`
	Before    socketload.LiveServerMem `json:"before"`
	After     socketload.LiveServerMem `json:"after"`
	PerView   float64                  `json:"heap_stack_per_view"`
	HeapPer   float64                  `json:"heap_per_view"`
	StackPer  float64                  `json:"stack_per_view"`
	RSSPer    float64                  `json:"rss_per_view"`
	GoroPer   float64                  `json:"goroutines_per_view"`
	CPUOpenUs float64                  `json:"server_cpu_per_view_opened_us"` // page GET + connect + join
	HeapTop   string                   `json:"heap_top,omitempty"`
	Problems  []string                 `json:"problems,omitempty"`
	PageBytes int                      `json:"page_bytes"`
	JoinBytes int                      `json:"join_reply_bytes"`
	OpenSecs  float64                  `json:"open_seconds"`
}

type liveLatResult struct {
	Pages         socketload.LivePhase         `json:"pages"`
	Joins         socketload.LivePhase         `json:"joins"`
	CPUPerPageUs  float64                      `json:"server_cpu_per_page_us"`
	CPUPerJoinUs  float64                      `json:"server_cpu_per_join_us"` // WebSocket connect + join
	CPUPerEventUs float64                      `json:"server_cpu_per_event_us"`
	Traffic       socketload.LiveTrafficResult `json:"traffic"`
	CPU           cpuUse                       `json:"cpu"`
	BusyBefore    float64                      `json:"busy_before"`
	QuietWait     float64                      `json:"quiet_wait_seconds"`
	Server        serverWork                   `json:"server_work"`
	Problems      []string                     `json:"problems,omitempty"`
}

// liveReport is the live section of the report.
type liveReport struct {
	Options liveOptions        `json:"options"`
	Bytes   []*liveBytesResult `json:"bytes,omitempty"`
	Mem     []*liveMemResult   `json:"mem,omitempty"`
	Lat     *liveLatResult     `json:"latency,omitempty"`
}

func (o options) hasLive() bool {
	for _, s := range liveScenarios {
		if o.has(s) {
			return true
		}
	}
	return false
}

// buildCommand compiles ./cmd/<name> of this module into dir.
func buildCommand(ctx context.Context, dir, name string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("the go command is needed to build cmd/%s: %w", name, err)
	}
	modFile, err := exec.CommandContext(ctx, goBin, "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(modFile)))
	if root == "." || root == "" || strings.TrimSpace(string(modFile)) == os.DevNull {
		return "", errors.New("run cmd/bench inside the module (go env GOMOD is empty)")
	}
	bin := filepath.Join(dir, name)
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, "./cmd/"+name)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/%s: %v\n%s", name, err, out)
	}
	return bin, nil
}

// runLive runs the chosen live scenarios into rep.Live.
func runLive(ctx context.Context, o options, tmp string, rep *report, fail func(string, error)) error {
	logf := func(format string, args ...any) { fmt.Fprintf(o.Log, format+"\n", args...) }
	bin := o.LiveServerBin
	if bin == "" {
		logf("building cmd/liveserver…")
		var err error
		if bin, err = buildCommand(ctx, tmp, "liveserver"); err != nil {
			return err
		}
	}
	lr := &liveReport{Options: o.Live}
	rep.Live = lr
	if o.has("live-bytes") {
		for _, c := range liveCases {
			logf("live 1. %s (%s, %s) over %d clients at %.0f/s for %s…", c.Name, c.Event, c.Encoded,
				o.Live.BytesClients, o.Live.BytesRate, o.Live.BytesDuration)
			r, err := liveBytesScenario(ctx, o, bin, c)
			if r != nil {
				lr.Bytes = append(lr.Bytes, r)
			}
			if err != nil {
				fail("live-bytes "+c.Event+" "+c.Vsn, err)
			}
		}
	}
	if o.has("live-mem") {
		for _, m := range []struct {
			path string
			n    int
		}{{"/examples/counter", o.Live.MemCounter}, {"/examples/grid", o.Live.MemGrid}} {
			logf("live 2. memory per connected view, %s × %d…", m.path, m.n)
			r, err := liveMemScenario(ctx, o, bin, m.path, m.n)
			if r != nil {
				lr.Mem = append(lr.Mem, r)
			}
			if err != nil {
				fail("live-mem "+m.path, err)
			}
		}
	}
	if o.has("live-latency") {
		logf("live 3. counter click round trip at %.0f/s over %d clients for %s…", o.Live.LatRate, o.Live.LatClients, o.Duration)
		r, err := liveLatScenario(ctx, o, bin)
		lr.Lat = r
		if err != nil {
			fail("live-latency", err)
		}
	}
	return nil
}

func liveServerArgs(profiling bool) []string {
	args := []string{"-log-level", "error"}
	if profiling {
		args = append(args, "-pprof", "-memprofilerate", "4096")
	}
	return args
}

func withServer(ctx context.Context, bin string, args []string, f func(*server) error) (err error) {
	srv, err := startServer(ctx, bin, args...)
	if err != nil {
		return err
	}
	defer func() {
		if e := srv.stop(); e != nil && err == nil {
			err = e
		}
	}()
	return f(srv)
}

func cpuUs(a, b socketload.LiveServerMem, n int64) float64 {
	if n <= 0 {
		return 0
	}
	return float64(b.CPUNs-a.CPUNs) / 1e3 / float64(n)
}

func liveBytesScenario(ctx context.Context, o options, bin string, c liveCase) (*liveBytesResult, error) {
	r := &liveBytesResult{Case: c}
	err := withServer(ctx, bin, liveServerArgs(false), func(srv *server) error {
		load, pages, joins, err := socketload.OpenLive(ctx, socketload.LiveConfig{
			Base: srv.Base, Path: c.Path, Clients: o.Live.BytesClients, Vsn: c.Vsn, Concurrency: o.Concurrency,
		})
		if err != nil {
			return err
		}
		defer load.Close()
		r.PageBytes = load.PageBytes
		if load.Clients() == 0 {
			return fmt.Errorf("no client joined: %s %s", pages.FirstError, joins.FirstError)
		}
		if load.Clients() != o.Live.BytesClients {
			r.Problems = append(r.Problems, fmt.Sprintf("only %d of %d joined: %s %s", load.Clients(),
				o.Live.BytesClients, pages.FirstError, joins.FirstError))
		}
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		r.Sample, err = load.Click(cctx, 0, c.Event)
		cancel()
		if err != nil {
			return fmt.Errorf("first click: %w", err)
		}
		m0, err := socketload.FetchLiveMem(ctx, srv.Base, false, false)
		if err != nil {
			return err
		}
		r.Traffic, err = load.Events(ctx, socketload.LiveTrafficConfig{
			Event: c.Event, Rate: o.Live.BytesRate, Duration: o.Live.BytesDuration,
		})
		m1, merr := socketload.FetchLiveMem(ctx, srv.Base, false, false)
		if err != nil {
			return err
		}
		if merr != nil {
			return merr
		}
		r.CPUPerEvUs = cpuUs(m0, m1, r.Traffic.AllReplies)
		if t := r.Traffic; t.Errors > 0 {
			r.Problems = append(r.Problems, fmt.Sprintf("%d errors; first: %s", t.Errors, t.FirstError))
		}
		return nil
	})
	return r, err
}

func liveMemScenario(ctx context.Context, o options, bin, path string, n int) (*liveMemResult, error) {
	r := &liveMemResult{Path: path, Views: n}
	err := withServer(ctx, bin, liveServerArgs(o.Pprof), func(srv *server) error {
		cfg := socketload.LiveConfig{Base: srv.Base, Path: path, Clients: min(10, n), Concurrency: o.Concurrency}
		warm, _, _, err := socketload.OpenLive(ctx, cfg)
		if err != nil {
			return err
		}
		warm.Close()
		if err := waitStats(ctx, srv, func(st map[string]int64) bool {
			return st["WebSockets"] == 0 && st["Channels"] == 0
		}, 20*time.Second); err != nil {
			return fmt.Errorf("warm-up views did not go away: %w", err)
		}
		if r.Before, err = socketload.FetchLiveMem(ctx, srv.Base, true, true); err != nil {
			return err
		}
		cfg.Clients = n
		t0 := time.Now()
		load, pages, joins, err := socketload.OpenLive(ctx, cfg)
		r.OpenSecs = time.Since(t0).Seconds()
		r.Pages, r.Joins = pages, joins
		if err != nil {
			return err
		}
		defer load.Close()
		r.PageBytes, r.JoinBytes = load.PageBytes, load.JoinBytes
		j := load.Clients()
		if j != n {
			r.Problems = append(r.Problems, fmt.Sprintf("only %d of %d views joined: %s %s", j, n, pages.FirstError, joins.FirstError))
		}
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
			return ctx.Err()
		}
		if r.After, err = socketload.FetchLiveMem(ctx, srv.Base, true, true); err != nil {
			return err
		}
		if got := r.After.Stats["Channels"] - r.Before.Stats["Channels"]; got != int64(j) {
			r.Problems = append(r.Problems, fmt.Sprintf("server counts %d new channels for %d joined views", got, j))
		}
		r.Views = j
		if j > 0 {
			d := func(a, b uint64) float64 { return (float64(a) - float64(b)) / float64(j) }
			r.HeapPer = d(r.After.HeapInuse, r.Before.HeapInuse)
			r.StackPer = d(r.After.StackInuse, r.Before.StackInuse)
			r.PerView = r.HeapPer + r.StackPer
			r.RSSPer = d(r.After.RSSBytes, r.Before.RSSBytes)
			r.GoroPer = float64(r.After.Goroutines-r.Before.Goroutines) / float64(j)
			// Includes the two forced GCs' share, which is small next to
			// thousands of page renders and joins.
			r.CPUOpenUs = cpuUs(r.Before, r.After, int64(j))
		}
		if o.Pprof {
			file := filepath.Join(o.ProfileDir, "heap-live"+strings.ReplaceAll(path, "/", "-")+".pb.gz")
			if err := srv.fetch(ctx, "/debug/pprof/heap?gc=1", file); err != nil {
				r.Problems = append(r.Problems, "heap profile: "+err.Error())
			} else {
				r.HeapTop = pprofTop(ctx, bin, file)
			}
		}
		return nil
	})
	return r, err
}

func liveLatScenario(ctx context.Context, o options, bin string) (*liveLatResult, error) {
	r := &liveLatResult{}
	err := withServer(ctx, bin, liveServerArgs(false), func(srv *server) error {
		load, err := socketload.NewLive(socketload.LiveConfig{
			Base: srv.Base, Path: "/examples/counter", Clients: o.Live.LatClients, Concurrency: o.Concurrency,
		})
		if err != nil {
			return err
		}
		defer load.Close()
		m0, err := socketload.FetchLiveMem(ctx, srv.Base, false, false)
		if err != nil {
			return err
		}
		r.Pages = load.FetchPages(ctx)
		m1, err := socketload.FetchLiveMem(ctx, srv.Base, false, false)
		if err != nil {
			return err
		}
		r.Joins = load.Join(ctx)
		m2, err := socketload.FetchLiveMem(ctx, srv.Base, false, false)
		if err != nil {
			return err
		}
		r.CPUPerPageUs = cpuUs(m0, m1, int64(r.Pages.OK))
		r.CPUPerJoinUs = cpuUs(m1, m2, int64(r.Joins.OK))
		if load.Clients() == 0 {
			return fmt.Errorf("no client joined: %s %s", r.Pages.FirstError, r.Joins.FirstError)
		}
		if load.Clients() != o.Live.LatClients {
			r.Problems = append(r.Problems, fmt.Sprintf("only %d of %d joined: %s %s", load.Clients(),
				o.Live.LatClients, r.Pages.FirstError, r.Joins.FirstError))
		}
		if o.QuietWait > 0 {
			busy, waited := waitQuiet(ctx, o.QuietWait)
			r.BusyBefore, r.QuietWait = busy, waited.Seconds()
		}
		m3, err := socketload.FetchLiveMem(ctx, srv.Base, false, false)
		if err != nil {
			return err
		}
		c0 := readCPU(srv.Pid)
		r.Traffic, err = load.Events(ctx, socketload.LiveTrafficConfig{
			Event: "inc", Rate: o.Live.LatRate, Duration: o.Duration, Warmup: o.Warmup,
		})
		c1 := readCPU(srv.Pid)
		r.CPU = cpuBetween(c0, c1)
		if err != nil {
			return err
		}
		m4, err := socketload.FetchLiveMem(ctx, srv.Base, false, false)
		if err != nil {
			return err
		}
		r.CPUPerEventUs = cpuUs(m3, m4, r.Traffic.AllReplies)
		if n := float64(r.Traffic.AllReplies); n > 0 {
			r.Server = serverWork{
				BytesPerMsg:  float64(m4.TotalAlloc-m3.TotalAlloc) / n,
				AllocsPerMsg: float64(m4.Mallocs-m3.Mallocs) / n,
				GCs:          m4.NumGC - m3.NumGC,
				GCPauseMs:    float64(m4.PauseTotal-m3.PauseTotal) / 1e6,
				Goroutines:   m4.Goroutines,
			}
		}
		if t := r.Traffic; t.Errors > 0 {
			r.Problems = append(r.Problems, fmt.Sprintf("%d errors; first: %s", t.Errors, t.FirstError))
		}
		return nil
	})
	return r, err
}
