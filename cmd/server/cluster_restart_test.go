package main

// Cluster end-to-end tests of the movies server (issue #8 b and c): three
// cmd/server processes run by internal/clusterrun on loopback.
//
// TestClusterPostgresRestart restarts PostgreSQL under the nodes (a quick
// `pg_ctl restart`, then a longer outage: halt, 4 s, resume) and checks,
// without restarting any node, that the cluster PubSub recovers and that
// no subscription made before the outages is lost. The database is a
// throwaway server of the test's own (pgcluster), not pgtest's shared one,
// since the test stops it.
//
// What crosses nodes, and how it is observed:
//
//   - membership heartbeats (topic "cluster"): during the long outage every
//     node presumes the others dead (golive_cluster_nodes{state="dead"});
//     afterwards /healthz of every node lists all three again
//     (WaitConverged), which only heartbeats received over the recovered
//     PubSub can do;
//   - movies cache invalidations (topic "movies:changed") published by
//     node1 alone: only node1 runs the materialized-view refresher
//     (MOVIES_REFRESH_EVERY=1s), which publishes after every refresh. After
//     each outage the test renames a movie in the database to a new title
//     containing a random token (no title had it before), and waits for it
//     to show on the other nodes, where nothing else would show it:
//     node3's dead render of /movies?search=<token>, cached (15 min TTL)
//     just before the rename, changes only when node3's store drops its
//     cache on a message; and a live view of the same page on node2,
//     joined over WebSocket BEFORE the outages and kept through them,
//     pushes a diff with the new title only when it receives the message
//     (its subscription survived) and reloads. Neither node refreshes or
//     publishes on its own, and neither reconnected meanwhile (its
//     OnReconnect would drop its caches too): the counters are checked.
//
// TestClusterRollingRestart keeps 1,000 live clients (cmd/internal/
// socketload, the load command's clients, with Reconnect) on
// /examples/counter through the round-robin proxy while every node in
// turn is stopped with SIGTERM (it leaves the cluster, then tells its
// clients to reconnect in batches over DRAIN_PERIOD = 1 s) and started
// again; at the end every client must be joined again.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
	"github.com/cortex-cinegraph/golive/internal/clusterrun"
	"github.com/cortex-cinegraph/golive/internal/e2e"
	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgcluster"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
	"github.com/cortex-cinegraph/golive/movies/sample"
)

// crOutput keeps the nodes' output, shown when the test fails.
type crOutput struct {
	mu sync.Mutex
	b  strings.Builder
}

func (o *crOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *crOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// crPanic finds a Go panic or fatal error in the nodes' prefixed output.
var crPanic = regexp.MustCompile(`(?m)^node\d+ *\| (panic|fatal error): `)

// crStart starts a cluster of three cmd/server nodes on dsn, stopped at
// the test's end; the nodes' output is logged if the test fails.
func crStart(t *testing.T, ctx context.Context, dsn string, opts clusterrun.Options) (*clusterrun.Cluster, *crOutput) {
	t.Helper()
	bin, err := clusterrun.Build(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	out := &crOutput{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- the nodes' output\n%s", out.String())
		} else if crPanic.MatchString(out.String()) {
			t.Errorf("a node panicked:\n%s", out.String())
		}
	})
	opts.Binary, opts.DatabaseURL, opts.Output = bin, dsn, out
	if opts.Logger == nil {
		opts.Logger = e2e.Logger(t)
	}
	c, err := clusterrun.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.Stop(sctx); err != nil {
			t.Errorf("stopping the cluster: %v", err)
		}
	})
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := c.WaitConverged(wctx); err != nil {
		t.Fatal(err)
	}
	return c, out
}

// crMetrics reads every node's /metrics.
func crMetrics(t *testing.T, ctx context.Context, c *clusterrun.Cluster) map[string]clusterrun.Metrics {
	t.Helper()
	all := map[string]clusterrun.Metrics{}
	for _, n := range c.Nodes {
		m, err := n.Metrics(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all[n.Name] = m
	}
	return all
}

// crWait polls cond every 100 ms until it holds or within passes; the
// failure names what was awaited and the last state cond described.
func crWait(t *testing.T, within time.Duration, what string, cond func() (bool, string)) time.Duration {
	t.Helper()
	t0 := time.Now()
	var last string
	for {
		var ok bool
		if ok, last = cond(); ok {
			return time.Since(t0)
		}
		if time.Since(t0) > within {
			t.Fatalf("%s: not within %v; last: %s", what, within, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// crPrivatePG starts a throwaway PostgreSQL of the test's own (the test
// stops and restarts it) with a database holding the movies schema and
// the committed small sample set.
func crPrivatePG(t *testing.T, ctx context.Context) (*pgcluster.Cluster, string) {
	t.Helper()
	if _, err := pgcluster.FindBinDir(); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "golive-pgrestart-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// The postgres user must reach the data directory when we are root.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	pg, err := pgcluster.Start(ctx, pgcluster.Config{Dir: filepath.Join(dir, "data"), TCP: true, Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pg.Stop() })
	if err := pg.CreateDatabase(ctx, "movies"); err != nil {
		t.Fatal(err)
	}
	dsn := pg.DSN("movies")
	if _, err := movies.Migrate(ctx, dsn, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if err := pgtest.Load(ctx, dsn, sample.SmallSet); err != nil {
		t.Fatal(err)
	}
	return pg, dsn
}

// crGet GETs url on a fresh connection and returns the status and body.
func crGet(ctx context.Context, url string) (int, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	return res.StatusCode, string(b), err
}

// crMoviesWork waits until /movies on every node renders results (the
// pool may need a moment to replace connections the outage broke).
func crMoviesWork(t *testing.T, ctx context.Context, c *clusterrun.Cluster, when string) {
	t.Helper()
	for _, n := range c.Nodes {
		tries := 0
		took := crWait(t, 20*time.Second, fmt.Sprintf("%s: /movies on %s renders results", when, n.Name), func() (bool, string) {
			tries++
			code, body, err := crGet(ctx, n.URL+"/movies")
			ok := err == nil && code == 200 && strings.Contains(body, `id="movie-grid"`) && !strings.Contains(body, `id="results-error"`)
			return ok, fmt.Sprintf("HTTP %d, error %v, error state %v", code, err, strings.Contains(body, `id="results-error"`))
		})
		t.Logf("%s: /movies on %s renders results (after %d tries, %v)", when, n.Name, tries, took.Round(time.Millisecond))
	}
}

// crLive is a minimal live client: the page's view joined over WebSocket,
// as phoenix_live_view's client does, keeping every frame the server
// pushes. It heartbeats, so the server keeps it through long waits.
type crLive struct {
	ws    *websocket.Conn
	topic string
	done  chan struct{} // closed when the reader stops
	stop  chan struct{}
	wg    sync.WaitGroup

	mu     sync.Mutex
	pushes []crPush // frames that are not replies, in order
	joined string   // the join reply's payload
	err    error    // why the reader stopped
}

type crPush struct {
	at    time.Time
	frame string
}

var (
	crCSRF      = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)
	crContainer = regexp.MustCompile(`<div id="(phx-[^"]+)" data-phx-main data-phx-session="([^"]+)" data-phx-static="([^"]*)"`)
)

// crJoin GETs base+path and joins its view; the client is closed at the
// test's end.
func crJoin(t *testing.T, ctx context.Context, base, path string) *crLive {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Jar: jar}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET %s%s: %d %v", base, path, res.StatusCode, err)
	}
	csrf, view := crCSRF.FindSubmatch(page), crContainer.FindSubmatch(page)
	if csrf == nil || view == nil {
		t.Fatalf("GET %s%s: no csrf-token meta or live container", base, path)
	}
	q := url.Values{"_csrf_token": {string(csrf[1])}, "_lv_vsn": {socketload.DefaultLiveVsn}, "vsn": {"2.0.0"}}
	h := http.Header{}
	u, _ := url.Parse(base + path)
	for _, ck := range jar.Cookies(u) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/live/websocket?"+q.Encode(), &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(16 << 20)
	l := &crLive{ws: ws, topic: "lv:" + string(view[1]), done: make(chan struct{}), stop: make(chan struct{})}
	t.Cleanup(l.close)
	replies := make(chan string, 1)
	l.wg.Add(2)
	go l.read(replies)
	go l.heartbeat()
	join, _ := json.Marshal([]any{"1", "1", l.topic, "phx_join", map[string]any{
		"url": base + path, "session": string(view[2]), "static": string(view[3]),
		"params": map[string]any{"_csrf_token": string(csrf[1]), "_mounts": 0, "_lv_vsn": socketload.DefaultLiveVsn},
	}})
	if err := ws.Write(ctx, websocket.MessageText, join); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-replies:
		if !strings.Contains(r, `"status":"ok"`) {
			t.Fatalf("join of %s%s refused: %.500s", base, path, r)
		}
		l.mu.Lock()
		l.joined = r
		l.mu.Unlock()
	case <-l.done:
		t.Fatalf("join of %s%s: connection ended: %v", base, path, l.readErr())
	case <-ctx.Done():
		t.Fatalf("join of %s%s: no reply", base, path)
	}
	return l
}

func (l *crLive) read(joinReply chan<- string) {
	defer l.wg.Done()
	defer close(l.done)
	for {
		_, data, err := l.ws.Read(context.Background())
		if err != nil {
			l.mu.Lock()
			l.err = err
			l.mu.Unlock()
			return
		}
		var parts []json.RawMessage
		if json.Unmarshal(data, &parts) != nil || len(parts) != 5 {
			continue
		}
		var ref, event string
		_ = json.Unmarshal(parts[1], &ref)
		_ = json.Unmarshal(parts[3], &event)
		switch {
		case event == "phx_reply" && ref == "1":
			select {
			case joinReply <- string(parts[4]):
			default:
			}
		case event != "phx_reply":
			l.mu.Lock()
			if len(l.pushes) < 1000 {
				l.pushes = append(l.pushes, crPush{time.Now(), string(data)})
			}
			l.mu.Unlock()
		}
	}
}

// heartbeat sends phoenix heartbeats every 10 s, as the JS client does
// (every 30 s), so the server does not drop an idle socket.
func (l *crLive) heartbeat() {
	defer l.wg.Done()
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-l.stop:
			return
		case <-l.done:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = l.ws.Write(ctx, websocket.MessageText, fmt.Appendf(nil, `[null,"hb%d","phoenix","heartbeat",{}]`, n))
		cancel()
	}
}

func (l *crLive) readErr() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// connected reports whether the connection is still open.
func (l *crLive) connected() bool {
	select {
	case <-l.done:
		return false
	default:
		return true
	}
}

// pushed returns when a diff pushed on the view's topic first contained
// s (zero: none yet).
func (l *crLive) pushed(s string) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, p := range l.pushes {
		if strings.Contains(p.frame, `"`+l.topic+`","diff"`) && strings.Contains(p.frame, s) {
			return p.at
		}
	}
	return time.Time{}
}

func (l *crLive) close() {
	select {
	case <-l.stop:
		return
	default:
	}
	close(l.stop)
	_ = l.ws.CloseNow()
	l.wg.Wait()
}

// crRename renames one released, fully imported movie that has not been
// renamed yet to title and returns its id.
func crRename(t *testing.T, ctx context.Context, dsn, title string) int64 {
	t.Helper()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var id int64
	err = conn.QueryRow(ctx, `UPDATE movies SET title = $1 WHERE id = (
		SELECT id FROM movies WHERE import_status = 'full' AND release_date <= CURRENT_DATE AND title NOT LIKE 'Renamed %'
		ORDER BY id LIMIT 1) RETURNING id`, title).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func crRandom() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// TestClusterPostgresRestart: see the file comment.
func TestClusterPostgresRestart(t *testing.T) {
	t0 := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	pg, dsn := crPrivatePG(t, ctx)
	c, _ := crStart(t, ctx, dsn, clusterrun.Options{
		DrainPeriod: 500 * time.Millisecond, Heartbeat: 250 * time.Millisecond,
		Env: []string{"MOVIES_WARM=off"},
		// node1 alone refreshes the materialized view and publishes
		// movies:changed after each refresh.
		NodeEnv: func(name string) []string {
			if name == "node1" {
				return []string{"MOVIES_REFRESH_EVERY=1s"}
			}
			return nil
		},
	})
	node2, node3 := c.Node("node2"), c.Node("node3")
	t.Logf("cluster up and converged after %v", time.Since(t0).Round(time.Millisecond))
	for name, m := range crMetrics(t, ctx, c) {
		if m["golive_pubsub_link_up"] != 1 || m["golive_pubsub_reconnects_total"] != 0 {
			t.Fatalf("%s before the outages: link up %v, reconnects %v", name, m["golive_pubsub_link_up"], m["golive_pubsub_reconnects_total"])
		}
	}

	// The live view on node2, subscribed to movies:changed before the
	// outages, searching for a token no title has yet.
	token := "zq" + crRandom()
	search := "/movies?search=" + token
	lv := crJoin(t, ctx, node2.URL, search)
	lv.mu.Lock()
	joined := lv.joined
	lv.mu.Unlock()
	if !strings.Contains(joined, "results-empty") {
		t.Fatalf("the search for %s should find nothing yet; join reply: %.300s", token, joined)
	}

	// recovered waits until every node's PubSub link is up again after
	// outage number n, its recovery counted, and the membership whole.
	recovered := func(n int, what string) {
		t.Helper()
		t1 := time.Now()
		crWait(t, 30*time.Second, what+": every node's PubSub link up and recovered", func() (bool, string) {
			var state []string
			ok := true
			for _, nd := range c.Nodes {
				m, err := nd.Metrics(ctx)
				if err != nil {
					return false, err.Error()
				}
				up, rec := m["golive_pubsub_link_up"], m["golive_pubsub_reconnects_total"]
				state = append(state, fmt.Sprintf("%s up=%v reconnects=%v", nd.Name, up, rec))
				ok = ok && up == 1 && rec == float64(n)
			}
			return ok, strings.Join(state, ", ")
		})
		wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
		defer wcancel()
		if err := c.WaitConverged(wctx); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		t.Logf("%s: links up, reconnects counted and membership converged %v after PostgreSQL was back",
			what, time.Since(t1).Round(time.Millisecond))
	}

	// crossNode renames a movie to a title with the token and waits until
	// node3's cached dead render and node2's live view show it: only
	// node1's movies:changed messages can make them.
	crossNode := func(what string) {
		t.Helper()
		// OnReconnect callbacks (each node drops its caches) run right
		// after the link is back; let them finish before caching.
		time.Sleep(time.Second)
		before := crMetrics(t, ctx, c)
		title := "Renamed " + token + " " + crRandom()
		code, body, err := crGet(ctx, node3.URL+search)
		if err != nil || code != 200 || strings.Contains(body, title) {
			t.Fatalf("%s: GET %s on node3: %d %v", what, search, code, err)
		}
		t1 := time.Now()
		id := crRename(t, ctx, dsn, title)
		took3 := crWait(t, 15*time.Second, what+": node3's cached search shows movie "+fmt.Sprint(id)+" renamed on node1's invalidation", func() (bool, string) {
			code, body, err := crGet(ctx, node3.URL+search)
			return err == nil && code == 200 && strings.Contains(body, title), fmt.Sprintf("HTTP %d, %v", code, err)
		})
		crWait(t, 15*time.Second, what+": node2's live view (joined before the outages) pushes the new title", func() (bool, string) {
			return !lv.pushed(title).IsZero(), fmt.Sprintf("connected %v, reader error %v", lv.connected(), lv.readErr())
		})
		took2 := lv.pushed(title).Sub(t1)
		after := crMetrics(t, ctx, c)
		for _, name := range []string{"node2", "node3"} {
			if b, a := before[name]["golive_pubsub_reconnects_total"], after[name]["golive_pubsub_reconnects_total"]; a != b {
				t.Errorf("%s: %s reconnected meanwhile (%v → %v): its own cache drop may explain the change", what, name, b, a)
			}
		}
		t.Logf("%s: a movie renamed in the database shown by node3's dead render after %v and pushed by node2's live view after %v (node1 publishes every 1 s)",
			what, took3.Round(time.Millisecond), took2.Round(time.Millisecond))
	}

	// 1. pg_ctl restart (fast shutdown, start again).
	t1 := time.Now()
	if err := pg.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("PostgreSQL restarted in %v", time.Since(t1).Round(time.Millisecond))
	recovered(1, "after the restart")
	crossNode("after the restart")
	crMoviesWork(t, ctx, c, "after the restart")

	// 2. A longer outage: down for 4 s, long enough for every node to
	// presume the others dead (three heartbeats of 250 ms).
	// Messages the nodes publish during the outage (heartbeats) are held
	// and sent after it; how many reach each node is logged below.
	preHalt := crMetrics(t, ctx, c)
	t1 = time.Now()
	if err := pg.Halt(ctx); err != nil {
		t.Fatal(err)
	}
	crWait(t, 15*time.Second, "during the outage: every node's link down and the other two presumed dead", func() (bool, string) {
		var state []string
		ok := true
		for _, nd := range c.Nodes {
			m, err := nd.Metrics(ctx)
			if err != nil {
				return false, err.Error()
			}
			up, dead := m["golive_pubsub_link_up"], m[`golive_cluster_nodes{state="dead"}`]
			state = append(state, fmt.Sprintf("%s up=%v dead=%v", nd.Name, up, dead))
			ok = ok && up == 0 && dead == 2
		}
		return ok, strings.Join(state, ", ")
	})
	if d := 4*time.Second - time.Since(t1); d > 0 {
		time.Sleep(d)
	}
	if err := pg.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("PostgreSQL was down for %v", time.Since(t1).Round(time.Millisecond))
	recovered(2, "after the outage")
	// The held messages go out once the links are back; under load that
	// can take longer than a fixed pause (CI once saw one still held
	// after 1 s), so wait for every backlog to be 0, bounded.
	crWait(t, 10*time.Second, "after the outage: every node's held messages sent", func() (bool, string) {
		var state []string
		ok := true
		for _, nd := range c.Nodes {
			m, err := nd.Metrics(ctx)
			if err != nil {
				return false, err.Error()
			}
			b := m["golive_pubsub_backlog"]
			state = append(state, fmt.Sprintf("%s backlog=%v", nd.Name, b))
			ok = ok && b == 0
		}
		return ok, strings.Join(state, ", ")
	})
	afterOutage := crMetrics(t, ctx, c)
	crHeld(t, preHalt, afterOutage)
	crossNode("after the outage")
	crMoviesWork(t, ctx, c, "after the outage")

	// No node was restarted, none crashed, nothing was dropped, and the
	// live view's WebSocket on node2 lasted through both outages.
	for name, m := range crMetrics(t, ctx, c) {
		if m[`golive_pubsub_messages_total{kind="dropped"}`] != 0 {
			t.Errorf("%s dropped PubSub messages: %v", name, m[`golive_pubsub_messages_total{kind="dropped"}`])
		}
		t.Logf("%s: PubSub messages published %v, sent %v, received %v; reconnects %v", name,
			m[`golive_pubsub_messages_total{kind="published"}`], m[`golive_pubsub_messages_total{kind="sent"}`],
			m[`golive_pubsub_messages_total{kind="received"}`], m["golive_pubsub_reconnects_total"])
	}
	for _, n := range c.Nodes {
		if n.Starts() != 1 || n.Crashes() != 0 || !n.Running() {
			t.Errorf("%s: starts %d, crashes %d, running %v; want 1, 0, true", n.Name, n.Starts(), n.Crashes(), n.Running())
		}
	}
	if !lv.connected() {
		t.Errorf("node2's live view lost its connection: %v", lv.readErr())
	}
	t.Logf("TestClusterPostgresRestart took %v", time.Since(t0).Round(time.Millisecond))
}

// crHeld logs, per node, how many of the messages its peers sent between
// before and after (the outage's held ones included) it received. It is
// not asserted: pgnotify delivers at most once, and a node can miss what
// a peer held during the outage. A sender waits, after the outage, for as
// many listeners as its last ping counted; a node's first ping is at its
// start, when the later nodes may not listen yet, and the next only 2 s
// later, so an outage soon after the cluster starts (as here) leaves
// node1 and node2 with a baseline of 1 and 2: they send what they held as
// soon as that many listen, and a node whose LISTEN comes back after that
// misses those messages. Which node comes back last is random, so this
// would be a flaky assertion; the test's assertions are about what is
// published after the recovery.
func crHeld(t *testing.T, before, after map[string]clusterrun.Metrics) {
	t.Helper()
	const sent, recv = `golive_pubsub_messages_total{kind="sent"}`, `golive_pubsub_messages_total{kind="received"}`
	// No backlog check here: the nodes keep publishing, so a sample can
	// catch a message between its publish and its acknowledgement (CI saw
	// "still holds 1"); the wait before this call asserts every backlog
	// emptied after the outage.
	for name, a := range after {
		var peers float64
		for other, ao := range after {
			if other != name {
				peers += ao[sent] - before[other][sent]
			}
		}
		t.Logf("across the outage %s received %v of the %v messages its peers sent", name, a[recv]-before[name][recv], peers)
	}
}

// Rolling restart bounds. A client reconnects with the browser bundle's
// backoff (AppBackoff: 250 ms doubling to 5 s, ×[0.5, 1.5)); it is moved
// once by the restart of the node it is on, and again if it landed on a
// node restarted later, so it makes 1 first join and up to 3 recoveries.
// A recovery attempt fails when the proxy (round robin, no health checks)
// sends it to the node that is leaving, which refuses new sockets (503)
// for as long as it drains. Over 10 runs of 1,000 clients on this 2-core
// machine the most attempts one client made was 7 (1 + 3 recoveries, one
// of them needing 4 attempts); 12 leaves room for one more unlucky
// recovery on a slower day, while a client that was refused or lost on
// every try would exceed it.
const (
	crClients         = 1000
	crMaxJoinAttempts = 12
	crRejoinBound     = 60 * time.Second
	crDrain           = time.Second
)

// TestClusterRollingRestart: see the file comment.
func TestClusterRollingRestart(t *testing.T) {
	t0 := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dsn := pgtest.Seeded(t, func(ctx context.Context, dsn string) error {
		_, err := movies.Migrate(ctx, dsn, slog.New(slog.DiscardHandler))
		return err
	})
	c, _ := crStart(t, ctx, dsn, clusterrun.Options{
		DrainPeriod: crDrain, Heartbeat: 500 * time.Millisecond, Env: []string{"MOVIES_WARM=off"},
	})
	t.Logf("cluster up and converged after %v", time.Since(t0).Round(time.Millisecond))

	l, err := socketload.NewLive(socketload.LiveConfig{
		Base: c.URL, Path: "/examples/counter", Clients: crClients, Reconnect: true,
		Concurrency: 100, JoinTimeout: 15 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	t1 := time.Now()
	pages := l.FetchPages(ctx)
	joins := l.Join(ctx)
	if pages.OK != crClients {
		t.Fatalf("pages: %+v", pages)
	}
	jctx, jcancel := context.WithTimeout(ctx, crRejoinBound)
	err = l.WaitJoined(jctx, crClients)
	jcancel()
	if err != nil {
		t.Fatalf("before the restart: %v (%+v)", err, l.ReconnectStats())
	}
	t.Logf("%d clients joined through the proxy in %v (pages %.1f/s, joins %.1f/s, %d first joins failed)",
		crClients, time.Since(t1).Round(time.Millisecond), pages.PerSecond, joins.PerSecond, joins.Errors)
	views := func() string {
		var s []string
		for name, m := range crMetrics(t, ctx, c) {
			s = append(s, fmt.Sprintf("%s %v", name, m["golive_live_views"]))
		}
		return strings.Join(s, ", ")
	}
	t.Logf("live views per node: %s", views())

	t1 = time.Now()
	for _, n := range c.Nodes {
		ts := time.Now()
		if err := n.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		stopped := time.Since(ts)
		// The app bounds a stop by DRAIN_PERIOD + 10 s.
		if stopped > crDrain+10*time.Second {
			t.Errorf("%s took %v to stop", n.Name, stopped)
		}
		if err := n.Start(ctx); err != nil {
			t.Fatal(err)
		}
		wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
		err := c.WaitConverged(wctx)
		wcancel()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: stopped (leave + drain) in %v, back and converged after %v; %d clients joined now",
			n.Name, stopped.Round(time.Millisecond), time.Since(ts).Round(time.Millisecond), l.JoinedNow())
	}
	restart := time.Since(t1)
	jctx, jcancel = context.WithTimeout(ctx, crRejoinBound)
	err = l.WaitJoined(jctx, crClients)
	jcancel()
	s := l.ReconnectStats()
	b, _ := json.MarshalIndent(s, "", "  ")
	t.Logf("rolling restart of 3 nodes took %v; every client joined again %v after it began\nreconnect stats: %s",
		restart.Round(time.Millisecond), time.Since(t1).Round(time.Millisecond), b)
	t.Logf("reconnects %d, join attempts %d (failed %d: connect %d, refused %d, lost %d), max per client %d, max per recovery %d; rejoin p50 %.0f ms, p99 %.0f ms, max %.0f ms; going away %d of %d disconnects, heartbeat timeouts %d",
		s.Reconnects, s.JoinAttempts, s.FailedJoins, s.ConnectFailures, s.JoinRefusals, s.JoinsLost, s.MaxJoinAttempts, s.MaxRecoveryAttempts,
		s.Rejoin.P50Ms, s.Rejoin.P99Ms, s.Rejoin.MaxMs, s.GoingAway, s.Disconnects, s.HeartbeatTimeouts)
	t.Logf("live views per node at the end: %s", views())
	hist := map[int]int{}
	for _, cs := range l.ClientStats() {
		hist[cs.JoinAttempts]++
	}
	t.Logf("clients by join attempts (first join included): %v", hist)
	if err != nil {
		t.Fatalf("after the rolling restart: %v; not joined: %v; first error: %s", err, s.NotJoined, s.FirstError)
	}
	if s.JoinedNow != crClients {
		t.Errorf("%d of %d clients joined at the end", s.JoinedNow, crClients)
	}
	// Every node held clients when it was stopped and told them to go
	// (close 1001) while draining.
	if s.GoingAway == 0 || s.Reconnects == 0 {
		t.Errorf("going away %d, reconnects %d: the drains told no client to reconnect", s.GoingAway, s.Reconnects)
	}
	if s.MaxJoinAttempts > crMaxJoinAttempts {
		t.Errorf("a client needed %d join attempts (bound %d)", s.MaxJoinAttempts, crMaxJoinAttempts)
	}
	for _, n := range c.Nodes {
		if n.Starts() != 2 || n.Crashes() != 0 {
			t.Errorf("%s: starts %d, crashes %d; want 2, 0", n.Name, n.Starts(), n.Crashes())
		}
	}
	t.Logf("TestClusterRollingRestart took %v", time.Since(t0).Round(time.Millisecond))
}
