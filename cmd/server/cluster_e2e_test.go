package main

// The movies server as a cluster in Chromium (issue #8): three cmd/server
// processes (internal/clusterrun) on one throwaway PostgreSQL, behind the
// round-robin proxy of internal/rrproxy with no stickiness, driven by the
// real phoenix_live_view client.
//
// TestClusterMoviesBrowser runs the movies walk of movies_browser.mjs
// unchanged through the cluster: over WebSocket, with the live
// connection blocked (plain navigation), and over LongPoll with WebSockets
// blocked in the browser. The browser talks to a counting front in this
// process that reverse-proxies to the cluster's proxy, so the test knows,
// per run, which socket routes were asked for and which node answered
// each LongPoll request. The control server answers the script as the
// single-node test's does, from the whole cluster: /expect from a store
// on the same database, /check and /stats from every node's /metrics.
// Server side, each run must have used only its transport, every node
// must have served requests in every run, LongPoll requests must have
// been answered by all three nodes and forwarded between them (the
// golive_longpoll_forwarded_total counters grew), no forward may have
// failed and no view crashed.
//
// All three runs are kept (the blocked one costs a few seconds and
// spreads plain page loads and GET forms over the nodes).
//
// TestClusterNodeKilled opens six counter pages through the proxy (three
// over WebSocket, three over LongPoll with WebSockets blocked), makes sure
// one node holds at least one WebSocket page and two LongPoll pages, and
// kills that node with SIGKILL. assets/e2e/cluster_browser.mjs then
// requires every page to be mounted again within 10 s (connected, and a
// click answered by the server), with at most three joins each after the
// kill; see that script. The Go side then checks that the survivors agree
// the node is gone and that no view crashed.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/internal/clusterrun"
	"github.com/cortex-cinegraph/golive/internal/e2e"
	"github.com/cortex-cinegraph/golive/internal/rrproxy"
	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
)

// The series of a node's /metrics the cluster tests read.
const (
	mWebSockets = `golive_connections{transport="websocket"}`
	mLongPolls  = `golive_connections{transport="longpoll"}`
	mChannels   = `golive_channels`
	mViews      = `golive_live_views`
	mJoins      = `golive_live_joins_total`
	mCrashes    = `golive_live_crashes_total`
	mForwarded  = `golive_longpoll_forwarded_total{result="ok"}`
	mFwdFailed  = `golive_longpoll_forwarded_total{result="failed"}`
)

// nodeTrouble finds a Go panic or a fatal error in a node's log.
var nodeTrouble = regexp.MustCompile(`(?m)^(panic|fatal error): `)

func migrateMovies(ctx context.Context, dsn string) error {
	_, err := movies.Migrate(ctx, dsn, nil)
	return err
}

// startMoviesCluster builds cmd/server and runs three nodes on dsn behind
// the round-robin proxy, with a short heartbeat and drain so the test is
// quick. Cleanup stops everything (nodes, then proxy); afterwards the
// nodes' logs are searched for panics and, if the test failed, their
// tails are logged.
func startMoviesCluster(t *testing.T, dsn string, env []string) *clusterrun.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	start := time.Now()
	bin, err := clusterrun.Build(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	built := time.Since(start)
	c, err := clusterrun.Start(ctx, clusterrun.Options{
		DatabaseURL: dsn, Binary: bin, Dir: dir,
		Heartbeat: 250 * time.Millisecond, DrainPeriod: 500 * time.Millisecond,
		Env: env, Logger: e2e.Logger(t),
	})
	if err != nil {
		t.Fatal(err) // Start stopped what it had started
	}
	// Registered first, so it runs after Stop, when the logs are complete.
	t.Cleanup(func() {
		for _, n := range c.Nodes {
			b, err := os.ReadFile(n.LogPath)
			if err != nil {
				continue
			}
			if m := nodeTrouble.Find(b); m != nil {
				t.Errorf("%s's log has %q", n.Name, m)
			}
			if t.Failed() {
				t.Logf("--- last lines of %s's log\n%s", n.Name, lastLines(string(b), 40))
			}
		}
	})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.Stop(ctx); err != nil {
			t.Errorf("stopping the cluster: %v", err)
		}
	})
	if err := c.WaitConverged(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("cluster: built in %v, three nodes up and converged in %v", built.Round(time.Millisecond), (time.Since(start) - built).Round(time.Millisecond))
	return c
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// clusterMetrics reads the /metrics of every running node, by node name.
func clusterMetrics(ctx context.Context, c *clusterrun.Cluster) (map[string]clusterrun.Metrics, error) {
	out := map[string]clusterrun.Metrics{}
	for _, n := range c.Nodes {
		if !n.Running() {
			continue
		}
		m, err := n.Metrics(ctx)
		if err != nil {
			return nil, err
		}
		out[n.Name] = m
	}
	return out, nil
}

// sum adds one series over the nodes.
func sum(ms map[string]clusterrun.Metrics, series string) int64 {
	var v float64
	for _, m := range ms {
		v += m[series]
	}
	return int64(v)
}

// clusterGauges are the socket gauges summed over the running nodes, with
// the field names of transport.StatsSnapshot that movies_browser.mjs reads.
type clusterGauges struct {
	WebSockets, LongPollSessions, Channels, Views int64
}

func gaugesOf(ms map[string]clusterrun.Metrics) clusterGauges {
	return clusterGauges{
		WebSockets: sum(ms, mWebSockets), LongPollSessions: sum(ms, mLongPolls),
		Channels: sum(ms, mChannels), Views: sum(ms, mViews),
	}
}

// clusterRuns are the runs of the movies walk through the cluster, in the
// script's order.
var clusterRuns = []string{"websocket", "blocked", "longpoll"}

// runMark is the cluster's counters when a run started (or the walk ended).
type runMark struct {
	proxy     rrproxy.Stats
	forwarded int64 // LongPoll requests forwarded between nodes, all nodes
	fwdFailed int64
}

// frontRun is what the counting front saw during one run.
type frontRun struct {
	routes     map[string]int // websocket, longpoll -> requests to /live/<route>
	lpAnswered map[string]int // node -> LongPoll requests it received
	lpRelayed  int            // LongPoll answers that carry a second node's name
}

type clusterMovies struct {
	c     *clusterrun.Cluster
	store *movies.Store
	front *e2e.Server
	proxy atomic.Pointer[httputil.ReverseProxy]

	mu      sync.Mutex
	run     string
	fronts  map[string]*frontRun
	marks   map[string]runMark
	samples map[string][]clusterGauges
	end     runMark
}

// serveFront counts the socket requests of the current run and passes
// them on to the cluster's proxy.
func (h *clusterMovies) serveFront(w http.ResponseWriter, r *http.Request) {
	rp := h.proxy.Load()
	if rp == nil {
		http.Error(w, "the cluster is not up yet", http.StatusServiceUnavailable)
		return
	}
	if route, ok := strings.CutPrefix(r.URL.Path, "/live/"); ok {
		h.mu.Lock()
		if fr := h.fronts[h.run]; fr != nil {
			fr.routes[route]++
		}
		h.mu.Unlock()
	}
	rp.ServeHTTP(w, r)
}

// noteResponse files a LongPoll answer under the node that received the
// request (its X-Golive-Node comes first; a node that forwarded the
// request adds the owner's answer, with the owner's name, after it).
func (h *clusterMovies) noteResponse(res *http.Response) error {
	if !strings.HasSuffix(res.Request.URL.Path, "/live/longpoll") {
		return nil
	}
	names := res.Header.Values(app.NodeHeader)
	h.mu.Lock()
	defer h.mu.Unlock()
	fr := h.fronts[h.run]
	if fr == nil || len(names) == 0 {
		return nil
	}
	fr.lpAnswered[names[0]]++
	if slices.ContainsFunc(names[1:], func(n string) bool { return n != names[0] }) {
		fr.lpRelayed++
	}
	return nil
}

func (h *clusterMovies) mark(ctx context.Context) (runMark, clusterGauges, error) {
	ms, err := clusterMetrics(ctx, h.c)
	if err != nil {
		return runMark{}, clusterGauges{}, err
	}
	return runMark{proxy: h.c.Proxy.Stats(), forwarded: sum(ms, mForwarded), fwdFailed: sum(ms, mFwdFailed)}, gaugesOf(ms), nil
}

func (h *clusterMovies) control(t *testing.T) *e2e.Control {
	ctl := e2e.NewControl(t)
	name := func(r *http.Request) (string, error) {
		n := r.URL.Query().Get("name")
		if !slices.Contains(clusterRuns, n) {
			return "", fmt.Errorf("run %q: want one of %v", n, clusterRuns)
		}
		return n, nil
	}
	ctl.Handle("POST /phase", func(r *http.Request) (any, error) {
		n, err := name(r)
		if err != nil {
			return nil, err
		}
		m, _, err := h.mark(r.Context())
		if err != nil {
			return nil, err
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.fronts[n] != nil {
			return nil, fmt.Errorf("run %s started twice", n)
		}
		h.run = n
		h.fronts[n] = &frontRun{routes: map[string]int{}, lpAnswered: map[string]int{}}
		h.marks[n] = m
		return map[string]string{"run": n}, nil
	})
	ctl.Handle("POST /check", func(r *http.Request) (any, error) {
		n, err := name(r)
		if err != nil {
			return nil, err
		}
		ms, err := clusterMetrics(r.Context(), h.c)
		if err != nil {
			return nil, err
		}
		g := gaugesOf(ms)
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.run != n {
			return nil, fmt.Errorf("run %s is not the current run %q", n, h.run)
		}
		h.samples[n] = append(h.samples[n], g)
		return g, nil
	})
	ctl.Handle("GET /expect", func(r *http.Request) (any, error) {
		// expect only reads the store.
		return (&moviesHarness{store: h.store}).expect(r.URL.Query().Get("url"))
	})
	ctl.Handle("GET /stats", func(r *http.Request) (any, error) {
		ms, err := clusterMetrics(r.Context(), h.c)
		if err != nil {
			return nil, err
		}
		return map[string]any{"socket": gaugesOf(ms)}, nil
	})
	return ctl
}

// check verifies, server side, what each run of the walk did.
func (h *clusterMovies) check(t *testing.T, runs []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var names []string
	for _, n := range h.c.Nodes {
		names = append(names, n.Name)
	}
	for i, run := range runs {
		fr, samples := h.fronts[run], h.samples[run]
		if fr == nil {
			t.Errorf("%s run: never started", run)
			continue
		}
		from, to := h.marks[run], h.end
		if i+1 < len(runs) {
			to = h.marks[runs[i+1]]
		}
		served := make([]int64, len(names))
		for j := range names {
			served[j] = to.proxy.Served[j] - from.proxy.Served[j]
		}
		forwarded, failed := to.forwarded-from.forwarded, to.fwdFailed-from.fwdFailed
		t.Logf("%s run: socket requests %v; LongPoll requests answered by %v, %d of them relayed from another node; proxy served %v by %v; forwarded %d (failed %d); samples %+v",
			run, fr.routes, fr.lpAnswered, fr.lpRelayed, served, names, forwarded, failed, samples)
		if len(samples) == 0 {
			t.Errorf("%s run: no gauge sample", run)
		}
		for j, s := range served {
			if s == 0 {
				t.Errorf("%s run: the proxy sent %s no request (served %v by %v)", run, names[j], served, names)
			}
		}
		if failed != 0 {
			t.Errorf("%s run: %d LongPoll forwards failed with every node up", run, failed)
		}
		switch run {
		case "blocked":
			if len(fr.routes) != 0 {
				t.Errorf("blocked run: the cluster saw socket requests %v", fr.routes)
			}
			for _, s := range samples {
				if s.WebSockets != 0 || s.LongPollSessions != 0 || s.Channels != 0 {
					t.Errorf("blocked run: sockets open in the cluster: %+v", s)
				}
			}
		case "websocket":
			if fr.routes["websocket"] == 0 || fr.routes["longpoll"] != 0 {
				t.Errorf("websocket run: %v requests to /live/*, want some to websocket and none to longpoll", fr.routes)
			}
			for _, s := range samples {
				if s.WebSockets == 0 || s.LongPollSessions != 0 {
					t.Errorf("websocket run: sample with %d WebSockets and %d LongPoll sessions", s.WebSockets, s.LongPollSessions)
				}
			}
			if forwarded != 0 {
				t.Errorf("websocket run: %d LongPoll requests forwarded", forwarded)
			}
		case "longpoll":
			if fr.routes["longpoll"] == 0 || fr.routes["websocket"] != 0 {
				t.Errorf("longpoll run: %v requests to /live/*, want some to longpoll and none to websocket", fr.routes)
			}
			for _, s := range samples {
				if s.LongPollSessions == 0 || s.WebSockets != 0 {
					t.Errorf("longpoll run: sample with %d WebSockets and %d LongPoll sessions", s.WebSockets, s.LongPollSessions)
				}
			}
			for _, n := range names {
				if fr.lpAnswered[n] == 0 {
					t.Errorf("longpoll run: %s received no LongPoll request (%v): no stickiness means every node gets some", n, fr.lpAnswered)
				}
			}
			// One session per page load, held by one node: the round
			// robin sends most requests to the other two, which forward
			// them.
			if forwarded == 0 || fr.lpRelayed == 0 {
				t.Errorf("longpoll run: %d LongPoll requests forwarded between nodes (%d relayed answers seen), want some", forwarded, fr.lpRelayed)
			}
			// Every relayed answer was counted when it was forwarded (a
			// forward whose client went away is counted but not seen).
			if forwarded < int64(fr.lpRelayed) {
				t.Errorf("longpoll run: %d relayed answers seen, but the nodes counted %d forwards", fr.lpRelayed, forwarded)
			}
		}
	}
}

func TestClusterMoviesBrowser(t *testing.T) {
	chromium := e2e.RequireChromium(t)
	e2e.RequireAssets(t, "app.js", "app.css")
	dsn := pgtest.Seeded(t, migrateMovies)
	stageShowPage(t, dsn)
	h := &clusterMovies{fronts: map[string]*frontRun{}, marks: map[string]runMark{}, samples: map[string][]clusterGauges{}}
	// The front first: the nodes must accept its origin.
	h.front = e2e.NewServer(t, http.HandlerFunc(h.serveFront))
	h.c = startMoviesCluster(t, dsn, []string{"CHECK_ORIGIN=" + h.front.URL()})
	target, err := url.Parse(h.c.URL)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	h.proxy.Store(&httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			// The browser's Host, as a load balancer keeps it.
			pr.Out.Host = pr.In.Host
			pr.SetXForwarded()
		},
		Transport:      tr,
		ModifyResponse: h.noteResponse,
		// Polls cut when a page closes are no news.
		ErrorLog: slog.NewLogLogger(e2e.Logger(t).Handler(), slog.LevelDebug),
	})

	// It spans the walk (up to 180 s below) and the checks after it: a
	// shorter one expired under load before the metrics were read.
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	store, err := movies.Open(ctx, dsn, movies.Config{Logger: e2e.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	h.store = store
	ctl := h.control(t)

	runs := clusterRuns
	e2e.RunNode(t, "movies_browser.mjs", map[string]string{
		"E2E_URL":         h.front.URL(),
		"E2E_CONTROL":     ctl.URL(),
		"CHROMIUM_PATH":   chromium,
		"E2E_FIXTURES":    moviesFixtures(t, store),
		"E2E_RUNS":        strings.Join(runs, ","),
		"E2E_LP_BLOCK_WS": "1",
		"E2E_SCREENSHOTS": "",
	}, 180*time.Second)

	end, _, err := h.mark(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	h.end, h.run = end, ""
	h.mu.Unlock()
	h.check(t, runs)
	ms, err := clusterMetrics(ctx, h.c)
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range ms {
		t.Logf("%s: %v joins, %v LongPoll requests forwarded, %v crashes", name, m[mJoins], m[mForwarded], m[mCrashes])
	}
	if n := sum(ms, mCrashes); n != 0 {
		t.Errorf("%d view crashes in the cluster", n)
	}
	for _, n := range h.c.Nodes {
		if !n.Running() || n.Crashes() != 0 {
			t.Errorf("%s: running %v, %d crashes", n.Name, n.Running(), n.Crashes())
		}
	}
}

// clusterKill is the control side of cluster_browser.mjs.
type clusterKill struct {
	c *clusterrun.Cluster

	mu       sync.Mutex
	killed   string
	killedAt time.Time
}

func (k *clusterKill) control(t *testing.T) *e2e.Control {
	ctl := e2e.NewControl(t)
	client := &http.Client{Timeout: 5 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	// GET /nodes: each running node's name and id (LongPoll tokens name
	// the id of the node holding the session).
	ctl.Handle("GET /nodes", func(r *http.Request) (any, error) {
		var out []map[string]string
		for _, n := range k.c.Nodes {
			if !n.Running() {
				continue
			}
			res, err := client.Get(n.URL + "/healthz")
			if err != nil {
				return nil, err
			}
			sc := bufio.NewScanner(res.Body)
			id := ""
			for sc.Scan() {
				if v, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
					id = v
				}
			}
			res.Body.Close()
			if id == "" {
				return nil, fmt.Errorf("%s/healthz names no id", n.URL)
			}
			out = append(out, map[string]string{"name": n.Name, "id": id})
		}
		return out, nil
	})
	// POST /kill?node=N: SIGKILL, back once the process is gone.
	ctl.Handle("POST /kill", func(r *http.Request) (any, error) {
		n := k.c.Node(r.URL.Query().Get("node"))
		if n == nil {
			return nil, fmt.Errorf("no node %q", r.URL.Query().Get("node"))
		}
		k.mu.Lock()
		defer k.mu.Unlock()
		if k.killed != "" {
			return nil, errors.New("a node was killed already")
		}
		start := time.Now()
		if err := n.Kill(); err != nil {
			return nil, err
		}
		k.killed, k.killedAt = n.Name, start
		return map[string]any{"killed": n.Name, "ms": time.Since(start).Milliseconds()}, nil
	})
	// GET /gauges: per running node, its sockets and views.
	ctl.Handle("GET /gauges", func(r *http.Request) (any, error) {
		ms, err := clusterMetrics(r.Context(), k.c)
		if err != nil {
			return nil, err
		}
		out := map[string]clusterGauges{}
		for name, m := range ms {
			out[name] = gaugesOf(map[string]clusterrun.Metrics{name: m})
		}
		return out, nil
	})
	return ctl
}

func TestClusterNodeKilled(t *testing.T) {
	chromium := e2e.RequireChromium(t)
	e2e.RequireAssets(t, "app.js")
	dsn := pgtest.Seeded(t, migrateMovies)
	k := &clusterKill{c: startMoviesCluster(t, dsn, nil)}
	ctl := k.control(t)
	e2e.RunNode(t, "cluster_browser.mjs", map[string]string{
		"E2E_URL":       k.c.URL,
		"E2E_CONTROL":   ctl.URL(),
		"CHROMIUM_PATH": chromium,
	}, 150*time.Second)

	k.mu.Lock()
	killed := k.killed
	k.mu.Unlock()
	if killed == "" {
		t.Fatal("the script killed no node")
	}
	if n := k.c.Node(killed); n.Running() || n.Crashes() != 0 {
		t.Errorf("%s: running %v, crashes %d after the kill", killed, n.Running(), n.Crashes())
	}
	// The survivors noticed the death and agree on who is left.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := k.c.WaitConverged(ctx); err != nil {
		t.Error(err)
	}
	ms, err := clusterMetrics(ctx, k.c)
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range ms {
		t.Logf("%s: %v joins, %v LongPoll requests forwarded (%v failed), %v crashes", name, m[mJoins], m[mForwarded], m[mFwdFailed], m[mCrashes])
	}
	if n := sum(ms, mCrashes); n != 0 {
		t.Errorf("%d view crashes on the surviving nodes", n)
	}
}
