package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgcluster"
	"github.com/cortex-cinegraph/golive/movies/realschema"
	"github.com/cortex-cinegraph/golive/movies/sample"
)

// The movies scenario (issue 5, "Benchmarks"): a throwaway PostgreSQL
// (pgcluster) loaded with MoviesN generated movies, cmd/server on it as its
// own process on loopback, then
//
//  1. dead renders of /movies over plain HTTP, warm (one URL) and cold
//     (a new canonical URL per request, so the result cache misses);
//  2. connected live_patch events (sort, genre filter, next page) from
//     joined live clients, closed loop, each to a URL not asked before.
//
// It is in the default list (about 32 s: build, 100k load ≈ 12 s, three
// 5 s phases); alone: `go run ./cmd/bench -scenarios movies`.
const (
	moviesN           = 100000
	moviesDeadClients = 8
	moviesLiveClients = 20
	moviesPhase       = 5 * time.Second
	// moviesPacedEvery is each client's interval in the paced phase: 20
	// clients at 100 ms = 200 events/s, well below what 2 cores saturate at.
	moviesPacedEvery    = 100 * time.Millisecond
	targetDeadPerSec    = 1000.0
	targetEventP99Ms    = 50.0
	moviesServerWaitFor = 90 * time.Second
	moviesWarmWaitFor   = 5 * time.Minute
	moviesLargeN        = 500000 // from here the server gets the production-size settings
)

type moviesDead struct {
	Name       string  `json:"name"`
	Clients    int     `json:"clients"`
	Seconds    float64 `json:"seconds"`
	Requests   int     `json:"requests"`
	Errors     int     `json:"errors"`
	FirstError string  `json:"first_error,omitempty"`
	PerSecond  float64 `json:"per_second"`
	P50Ms      float64 `json:"p50_ms"`
	P99Ms      float64 `json:"p99_ms"`
	MaxMs      float64 `json:"max_ms"`
	MeanBytes  float64 `json:"mean_bytes"`
}

type moviesKind struct {
	Kind          string  `json:"kind"`
	Events        int     `json:"events"`
	Errors        int     `json:"errors"`
	P50Ms         float64 `json:"p50_ms"`
	P99Ms         float64 `json:"p99_ms"`
	MaxMs         float64 `json:"max_ms"`
	MeanDiffBytes float64 `json:"mean_diff_bytes"`
	MeanFrame     float64 `json:"mean_frame_bytes"`
	Pushes        int     `json:"pushes"` // non-reply frames received (e.g. a canonicalising live_patch)
}

type moviesResult struct {
	Movies        int64         `json:"movies"`
	Schema        string        `json:"schema"`       // ours or cinegraph
	WarmSeconds   float64       `json:"warm_seconds"` // the server's start-up warming, waited for before measuring
	WarmLog       string        `json:"warm_log"`
	ServerEnv     []string      `json:"server_env,omitempty"` // settings given to cmd/server beyond DATABASE_URL, PORT, BIND
	RSSStartBytes uint64        `json:"rss_start_bytes"`      // the server once up (its start-up warming done)
	RSSEndBytes   uint64        `json:"rss_end_bytes"`        // after every phase: result and ordering caches full
	LoadSeconds   float64       `json:"load_seconds"`
	PageBytes     int           `json:"page_bytes"`      // dead render of /movies
	JoinBytes     int           `json:"join_diff_bytes"` // full render sent on join ("rendered")
	Dead          []*moviesDead `json:"dead"`
	LiveClients   int           `json:"live_clients"`
	LiveSeconds   float64       `json:"live_seconds"`
	JoinErrors    int           `json:"join_errors"`
	JoinFirstErr  string        `json:"join_first_error,omitempty"`
	All           *moviesKind   `json:"all_events"`
	Kinds         []*moviesKind `json:"kinds"`
	PageSplit     []*moviesKind `json:"page_split,omitempty"` // the page events by depth
	Paced         *moviesKind   `json:"paced,omitempty"`      // the same mix at a steady rate
	PacedSeconds  float64       `json:"paced_seconds,omitempty"`
	PageSample    string        `json:"page_diff_sample,omitempty"` // the first page-change diff, truncated
	PageStatics   int           `json:"page_diff_statics"`          // inline static arrays ("s":[…]) in that diff
	PageShared    int           `json:"page_diff_shared_templates"` // templates in its top-level "p" (sent once, referenced by number)
	PageDiffBytes int           `json:"page_diff_bytes"`
	ServerCPUSecs float64       `json:"server_cpu_seconds"`
	Problems      []string      `json:"problems,omitempty"`
	Seconds       float64       `json:"seconds"`
}

// runMovies runs the movies scenario into rep.Movies; everything it starts
// is stopped before it returns.
func runMovies(ctx context.Context, o options, tmp string, rep *report) (err error) {
	logf := func(format string, args ...any) { fmt.Fprintf(o.Log, format+"\n", args...) }
	t0 := time.Now()
	if o.MoviesN <= 0 {
		o.MoviesN = moviesN
	}
	if o.MoviesSchema == "" {
		o.MoviesSchema = "ours"
	}
	r := &moviesResult{Movies: o.MoviesN, Schema: o.MoviesSchema}
	rep.Movies = r
	defer func() { r.Seconds = time.Since(t0).Seconds() }()

	logf("movies: building cmd/server…")
	bin, err := buildCommand(ctx, tmp, "server")
	if err != nil {
		return err
	}

	// A short directory: the cluster's Unix socket path must stay < 100 bytes.
	pgDir, err := os.MkdirTemp("", "bench-pg-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(pgDir)
	_ = os.Chmod(pgDir, 0o755)
	logf("movies: starting a throwaway PostgreSQL…")
	cluster, err := pgcluster.Start(ctx, pgcluster.Config{
		Dir: filepath.Join(pgDir, "data"), TCP: true, Ephemeral: true,
		Settings: map[string]string{"max_connections": "200", "shared_buffers": "'256MB'"},
	})
	if err != nil {
		return err
	}
	defer func() {
		if serr := cluster.Stop(); serr != nil {
			logf("movies: stopping PostgreSQL: %v", serr)
		}
	}()
	if err := cluster.CreateDatabase(ctx, "movies"); err != nil {
		return err
	}
	dsn := cluster.DSN("movies")
	logf("movies: building the %s schema and loading %d movies…", o.MoviesSchema, o.MoviesN)
	tl := time.Now()
	switch o.MoviesSchema {
	case "ours":
		if _, err := movies.Migrate(ctx, dsn, nil); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	case "cinegraph":
		if err := realschema.Load(ctx, dsn); err != nil {
			return err
		}
	default:
		return fmt.Errorf("-movies-schema %q: want ours or cinegraph", o.MoviesSchema)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	err = sample.Load(ctx, conn, sample.Config{Movies: o.MoviesN})
	conn.Close(context.Background())
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	if err := movies.RefreshRankings(ctx, dsn); err != nil {
		r.Problems = append(r.Problems, "refresh rankings: "+err.Error())
	}
	r.LoadSeconds = time.Since(tl).Seconds()

	port, err := moviesFreePort()
	if err != nil {
		return err
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dsn, "PORT="+strconv.Itoa(port), "BIND=127.0.0.1")
	if o.MoviesN >= moviesLargeN {
		// Production size: each ordering costs seconds the first time and
		// ~9 MB to keep, so the server is configured as production would
		// be, warming every plain sort with room to keep them.
		r.ServerEnv = []string{"MOVIES_WARM=all", "MOVIES_ORDERING_BUDGET_MB=512"}
		cmd.Env = append(cmd.Env, r.ServerEnv...)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stderr := &tailBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = io.Discard, stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	logf("movies: waiting for cmd/server on %s…", base)
	if err := moviesWaitUp(ctx, base, done, stderr); err != nil {
		return err
	}
	// The server warms the default browse and the primary sorts at start;
	// on a large catalogue that takes a while, and a bench started before
	// it ends measures the warming, not the server.
	logf("movies: waiting for the server's start-up warming…")
	tw := time.Now()
	r.WarmLog = moviesWaitWarm(ctx, stderr, done, moviesWarmWaitFor)
	r.WarmSeconds = time.Since(tw).Seconds()
	cpu0 := moviesProcCPU(cmd.Process.Pid)
	r.RSSStartBytes = procRSS(cmd.Process.Pid)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	if n, err := moviesGet(ctx, client, base+"/movies"); err != nil {
		return err
	} else {
		r.PageBytes = n
	}

	if o.QuietWait > 0 {
		waitQuiet(ctx, o.QuietWait)
	}
	logf("movies 1. dead render, warm: %d clients for %s…", moviesDeadClients, moviesPhase)
	r.Dead = append(r.Dead, moviesDeadRun(ctx, client, "warm (same URL /movies)", moviesDeadClients, moviesPhase,
		func(int) string { return base + "/movies" }))
	var seq sync.Mutex
	next := 0
	logf("movies 1. dead render, cold: %d clients for %s…", moviesDeadClients, moviesPhase)
	r.Dead = append(r.Dead, moviesDeadRun(ctx, client, "cold (a new URL each request)", moviesDeadClients, moviesPhase,
		func(int) string {
			seq.Lock()
			next++
			n := next
			seq.Unlock()
			return base + moviesColdPath(n)
		}))

	logf("movies 2. live_patch events over %d joined clients for %s…", moviesLiveClients, moviesPhase)
	if err := moviesLiveRun(ctx, base, r); err != nil {
		r.Problems = append(r.Problems, "live: "+err.Error())
	}
	r.RSSEndBytes = procRSS(cmd.Process.Pid)
	if cpu1 := moviesProcCPU(cmd.Process.Pid); cpu1 >= cpu0 && cpu0 >= 0 {
		r.ServerCPUSecs = cpu1 - cpu0
	}
	select {
	case <-done:
		return fmt.Errorf("cmd/server exited during the run; stderr:\n%s", stderr)
	default:
	}
	return nil
}

// moviesColdPath is the n-th distinct URL for the cold dead renders: pages
// of the default order, then of three other sorts, with and without a genre.
func moviesColdPath(n int) string {
	sorts := []string{"", "title_asc", "rating_desc", "popularity_desc"}
	genres := []string{"", "drama", "comedy"}
	page := 2 + n/(len(sorts)*len(genres))
	s, g := sorts[n%len(sorts)], genres[(n/len(sorts))%len(genres)]
	p := "/movies?"
	if g != "" {
		p += "genres=" + g + "&"
	}
	p += "page=" + strconv.Itoa(page)
	if s != "" {
		p += "&sort=" + s
	}
	return p
}

func moviesFreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func moviesWaitUp(ctx context.Context, base string, done chan struct{}, stderr *tailBuffer) error {
	deadline := time.Now().Add(moviesServerWaitFor)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return fmt.Errorf("cmd/server exited at start; stderr:\n%s", stderr)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if _, err := moviesGet(ctx, http.DefaultClient, base+"/movies"); err == nil {
			return nil
		}
	}
	return fmt.Errorf("cmd/server did not answer /movies within %s; stderr:\n%s", moviesServerWaitFor, stderr)
}

// moviesWaitWarm waits until cmd/server logs the end of its start-up
// warming (done or failed) and returns that line.
func moviesWaitWarm(ctx context.Context, stderr *tailBuffer, done chan struct{}, limit time.Duration) string {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		for _, l := range strings.Split(stderr.String(), "\n") {
			if strings.Contains(l, "primary searches warmed") || strings.Contains(l, "warming the primary searches failed") {
				return l
			}
		}
		select {
		case <-done:
			return "the server exited"
		case <-ctx.Done():
			return ctx.Err().Error()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Sprintf("no end of the warming logged within %s", limit)
}

func moviesGet(ctx context.Context, c *http.Client, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil {
		return 0, err
	}
	if res.StatusCode != http.StatusOK {
		return int(n), fmt.Errorf("GET %s: %s", u, res.Status)
	}
	return int(n), nil
}

// moviesDeadRun runs clients closed-loop GETs for d.
func moviesDeadRun(ctx context.Context, c *http.Client, name string, clients int, d time.Duration, url func(int) string) *moviesDead {
	var (
		mu    sync.Mutex
		lats  []time.Duration
		bytes int64
		res   = &moviesDead{Name: name, Clients: clients}
		wg    sync.WaitGroup
	)
	start := time.Now()
	end := start.Add(d)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var mine []time.Duration
			var b int64
			var errs int
			var first string
			for time.Now().Before(end) && ctx.Err() == nil {
				t := time.Now()
				n, err := moviesGet(ctx, c, url(i))
				if err != nil {
					errs++
					if first == "" {
						first = err.Error()
					}
					continue
				}
				mine = append(mine, time.Since(t))
				b += int64(n)
			}
			mu.Lock()
			lats = append(lats, mine...)
			bytes += b
			res.Errors += errs
			if res.FirstError == "" {
				res.FirstError = first
			}
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	res.Seconds = time.Since(start).Seconds()
	res.Requests = len(lats)
	res.PerSecond = float64(len(lats)) / res.Seconds
	res.P50Ms, res.P99Ms, res.MaxMs = moviesPct(lats)
	if len(lats) > 0 {
		res.MeanBytes = float64(bytes) / float64(len(lats))
	}
	return res
}

func moviesPct(l []time.Duration) (p50, p99, max float64) {
	if len(l) == 0 {
		return 0, 0, 0
	}
	slices.Sort(l)
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	at := func(q float64) time.Duration {
		i := int(q * float64(len(l)-1))
		return l[i]
	}
	return ms(at(0.50)), ms(at(0.99)), ms(l[len(l)-1])
}

// moviesProcCPU is the process's user+system CPU seconds from /proc, or -1.
func moviesProcCPU(pid int) float64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	s := string(data)
	i := lastIndexByte(s, ')')
	if i < 0 {
		return -1
	}
	var f []string
	cur := ""
	for _, ch := range s[i+2:] {
		if ch == ' ' {
			f = append(f, cur)
			cur = ""
			continue
		}
		cur += string(ch)
	}
	if len(f) < 13 {
		return -1
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (u + st) / 100 // USER_HZ
}

func lastIndexByte(s string, c byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == c {
			return i
		}
	}
	return -1
}
