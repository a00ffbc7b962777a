package dashboard

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/a-h/templ"
	"go.uber.org/goleak"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/livetest"
	"github.com/cortex-cinegraph/golive/transport"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// server builds an engine and a mux with the dashboard registered.
func server(t *testing.T, auth Auth) (*httptest.Server, *logBuf) {
	t.Helper()
	logs := &logBuf{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	sessions := transport.NewSessions([]byte("0123456789abcdef0123456789abcdef"))
	router := &transport.Router{}
	e, err := live.New(live.Config{Secret: []byte("0123456789abcdef0123456789abcdef"), Sessions: sessions, Router: router, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Config{Engine: e, Auth: auth, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	d.Register(mux)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "app") })
	srv := httptest.NewServer(CountRequests(mux))
	t.Cleanup(srv.Close)
	return srv, logs
}

func get(t *testing.T, url string, setAuth func(*http.Request)) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if setAuth != nil {
		setAuth(req)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

func basic(user, pass string) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(user, pass) }
}

func TestAuthProductionWithoutPasswordIsDisabled(t *testing.T) {
	srv, logs := server(t, Auth{Production: true})
	for _, path := range []string{"/dashboard", "/dashboard/metrics", "/dashboard/nope"} {
		for _, a := range []func(*http.Request){nil, basic("admin", ""), basic("admin", "x")} {
			code, _, body := get(t, srv.URL+path, a)
			if code != http.StatusForbidden || !strings.Contains(body, "The dashboard is disabled") ||
				!strings.Contains(body, "DASHBOARD_PASSWORD") {
				t.Errorf("GET %s: %d %q, want 403 with the disabled message", path, code, body)
			}
			if strings.Contains(body, "dash-menu") {
				t.Errorf("GET %s: dashboard content served while disabled", path)
			}
		}
	}
	if !strings.Contains(logs.String(), "dashboard disabled") {
		t.Errorf("no log line says the dashboard is disabled:\n%s", logs)
	}
	// The rest of the app is unaffected.
	if code, _, body := get(t, srv.URL+"/", nil); code != 200 || body != "app" {
		t.Errorf("GET /: %d %q", code, body)
	}
}

func TestAuthBasic(t *testing.T) {
	for _, prod := range []bool{true, false} {
		t.Run(fmt.Sprintf("production=%v", prod), func(t *testing.T) {
			srv, _ := server(t, Auth{User: "ops", Password: "s3cret", Production: prod})
			for _, c := range []struct {
				name string
				auth func(*http.Request)
				want int
			}{
				{"no credentials", nil, 401},
				{"wrong password", basic("ops", "nope"), 401},
				{"wrong user", basic("root", "s3cret"), 401},
				{"password prefix", basic("ops", "s3cre"), 401},
				{"right", basic("ops", "s3cret"), 200},
			} {
				for _, path := range []string{"/dashboard", "/dashboard/connections"} {
					code, h, body := get(t, srv.URL+path, c.auth)
					if code != c.want {
						t.Errorf("%s: GET %s = %d, want %d", c.name, path, code, c.want)
					}
					if c.want == 401 {
						if !strings.HasPrefix(h.Get("WWW-Authenticate"), `Basic realm="dashboard"`) {
							t.Errorf("%s: WWW-Authenticate = %q", c.name, h.Get("WWW-Authenticate"))
						}
						if strings.Contains(body, "dash-menu") || strings.Contains(body, "data-phx-session") {
							t.Errorf("%s: dashboard content (or a live token) served without auth", c.name)
						}
					} else if !strings.Contains(body, `id="dash-menu"`) || !strings.Contains(body, "data-phx-session") {
						t.Errorf("%s: GET %s: no dashboard in\n%s", c.name, path, body)
					}
					if c.want == 200 && strings.Contains(body, "dash-open-warning") {
						t.Errorf("password-protected dashboard shows the open warning")
					}
				}
			}
		})
	}
}

func TestAuthDevelopmentWithoutPasswordIsOpenWithWarning(t *testing.T) {
	srv, logs := server(t, Auth{})
	code, _, body := get(t, srv.URL+"/dashboard", nil)
	if code != 200 || !strings.Contains(body, `id="dash-open-warning"`) {
		t.Errorf("GET /dashboard = %d, want 200 with the open warning:\n%s", code, body)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "dashboard is open without a password") {
		t.Errorf("no warning logged:\n%s", logs)
	}
	// /dashboard/ goes to /dashboard; an unknown page is a 404.
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(srv.URL + "/dashboard/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/dashboard" {
		t.Errorf("GET /dashboard/ = %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if code, _, body := get(t, srv.URL+"/dashboard/nope", nil); code != 404 || !strings.Contains(body, "the dashboard has no page &#34;nope&#34;") {
		t.Errorf("GET /dashboard/nope = %d\n%s", code, body)
	}
}

func TestCountRequests(t *testing.T) {
	srv, _ := server(t, Auth{})
	before := Requests()
	for range 3 {
		get(t, srv.URL+"/", nil)
	}
	if got := Requests() - before; got != 3 {
		t.Errorf("counted %d requests, want 3", got)
	}
}

// TestSamplerRingIsBounded: the ring keeps the newest Cap samples, oldest
// first, however many were taken.
func TestSamplerRingIsBounded(t *testing.T) {
	var n atomic.Int64
	s := NewSampler(5, time.Millisecond, func() Sample { return Sample{Goroutines: int(n.Add(1))} })
	for i := 1; i <= 3; i++ {
		s.Add(Sample{Goroutines: i})
	}
	if got := goroutinesOf(s.Samples()); fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("partly filled ring = %v", got)
	}
	for i := 4; i <= 12; i++ {
		s.Add(Sample{Goroutines: i})
	}
	if got := goroutinesOf(s.Samples()); fmt.Sprint(got) != "[8 9 10 11 12]" {
		t.Errorf("ring after 12 samples = %v, want the last 5", got)
	}
	if last, _ := s.Last(); last.Goroutines != 12 {
		t.Errorf("Last = %d", last.Goroutines)
	}

	// Run samples on its interval into the same bounded ring.
	s = NewSampler(5, time.Millisecond, func() Sample { return Sample{Goroutines: int(n.Add(1))} })
	n.Store(0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for n.Load() < 20 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	got := goroutinesOf(s.Samples())
	if len(got) != 5 {
		t.Fatalf("ring holds %d samples, want 5", len(got))
	}
	for i := 1; i < len(got); i++ {
		if got[i] != got[i-1]+1 {
			t.Errorf("samples not consecutive, oldest first: %v", got)
		}
	}
	if int64(got[4]) != n.Load() {
		t.Errorf("newest sample %d, taken %d", got[4], n.Load())
	}
}

func goroutinesOf(ss []Sample) []int {
	out := make([]int, len(ss))
	for i, s := range ss {
		out[i] = s.Goroutines
	}
	return out
}

// TestSamplerStopsWithContext: Start runs one goroutine whatever the
// number of calls, and it ends with its context.
func TestSamplerStopsWithContext(t *testing.T) {
	defer goleak.VerifyNone(t)
	srvLog := slog.New(slog.NewTextHandler(io.Discard, nil))
	sessions := transport.NewSessions([]byte("0123456789abcdef0123456789abcdef"))
	e, err := live.New(live.Config{Secret: []byte("0123456789abcdef0123456789abcdef"), Sessions: sessions, Router: &transport.Router{}, Logger: srvLog})
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Config{Engine: e, SampleEvery: 5 * time.Millisecond, Samples: 4, Logger: srvLog})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.Start(ctx)
	d.Start(ctx) // no second sampler
	time.Sleep(60 * time.Millisecond)
	if got := len(d.Sampler().Samples()); got != 4 {
		t.Errorf("samples = %d, want the ring's 4", got)
	}
	cancel()
	// goleak.VerifyNone (deferred) retries until the sampler is gone.
}

func TestRates(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ss := []Sample{
		{At: t0, Requests: 10, Joins: 5, JoinErrors: 1, Views: 2},
		{At: t0.Add(time.Second), Requests: 30, Joins: 8, JoinErrors: 1, Views: 3},
		{At: t0.Add(3 * time.Second), Requests: 40, Joins: 8, JoinErrors: 1, Views: 0},
		{At: t0.Add(4 * time.Second), Requests: 5}, // counter reset
	}
	if got := rates(ss, func(s Sample) int64 { return s.Requests }); fmt.Sprint(got) != "[20 5 0]" {
		t.Errorf("request rates = %v", got)
	}
	// leaves: (joins - errors) - views = 2, 4, 7
	if got := rates(ss[:3], Sample.Leaves); fmt.Sprint(got) != "[2 1.5]" {
		t.Errorf("leave rates = %v", got)
	}
	if rates(ss[:1], Sample.Leaves) != nil {
		t.Errorf("rates of one sample")
	}
}

// TestLivePages drives the dashboard view as the browser client does: the
// menu, a custom page that updates live on its timer without a reload, the
// database page only with a pool, and live navigation between pages.
func TestLivePages(t *testing.T) {
	var value atomic.Int64
	value.Store(7)
	var renders atomic.Int64
	pool := PoolStatsFunc(func() []Stat { return []Stat{{"Open connections", "3"}, {"In use", "1"}} })
	var d *Dashboard
	env := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		var err error
		d, err = New(Config{Engine: e, DB: pool, Refresh: time.Hour, SampleEvery: 10 * time.Millisecond,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		d.AddPage(Page{Path: "custom", Title: "Custom", Refresh: 20 * time.Millisecond, Render: func(ctx context.Context) Block {
			renders.Add(1)
			v := value.Load()
			return Blocks(
				Row(Card("Value", fmt.Sprint(v))),
				Table{ID: "items", Columns: []Column{{Header: "N", Value: func(r any) string { return fmt.Sprint(r) }}},
					Rows: Rows([]int64{v, v + 1}),
					RowAttrs: func(r any) templ.Attributes {
						return templ.Attributes{"id": fmt.Sprintf("item-%d", r), "class": map[bool]string{true: "odd", false: "even"}[r.(int64)%2 == 1]}
					}},
			)
		}})
		d.Register(mux)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d.Start(ctx)

	v := env.Live("/dashboard/custom")
	equal(t, "menu", v.Texts("#dash-menu a"), []string{"Home", "Connections", "Metrics", "Cluster", "Database", "Custom"})
	equal(t, "active", v.Texts("#dash-menu a.active"), []string{"Custom"})
	if got := v.Text(`[data-card="Value"] .dash-card-value`); got != "7" {
		t.Fatalf("card = %q", got)
	}
	equal(t, "row classes", v.Attrs("#items tbody tr", "class"), []string{"odd", "even"})

	value.Store(42)
	waitText(t, v, `[data-card="Value"] .dash-card-value`, "42")
	equal(t, "row ids", v.Attrs("#items tbody tr", "id"), []string{"item-42", "item-43"})
	equal(t, "row classes", v.Attrs("#items tbody tr", "class"), []string{"even", "odd"})
	if v.Title() != "Dashboard · Custom" {
		t.Errorf("title = %q", v.Title())
	}

	// Database page: the pool's statistics.
	if err := v.Navigate("/dashboard/database"); err != nil {
		t.Fatal(err)
	}
	equal(t, "pool", v.Texts("#pool tbody td"), []string{"Open connections", "3", "In use", "1"})
	// Home: runtime facts.
	if err := v.Navigate("/dashboard"); err != nil {
		t.Fatal(err)
	}
	if got := v.Text(`[data-card="Go version"] .dash-card-value`); !strings.HasPrefix(got, "go") {
		t.Errorf("Go version card = %q", got)
	}
	if !v.Has("#chart-goroutines polyline") || !v.Has(`[data-card="Heap in use"]`) {
		t.Errorf("home page incomplete:\n%s", v.HTML())
	}
	if err := v.Navigate("/dashboard/connections"); err != nil {
		t.Fatal(err)
	}
	// The previous page's view ends while this one joins (live navigation
	// leaves and joins concurrently), so the page may have counted both.
	// Once the engine has ended the old one, the page's next refresh (a
	// tick, sent here: the test's refresh interval is an hour) shows 1.
	deadline := time.Now().Add(15 * time.Second)
	for env.Engine.Stats().Views.Load() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("engine views = %d, want 1", env.Engine.Stats().Views.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	d.sampler.Add(d.read()) // the page reads the newest sample
	v.Send(tick{})
	if err := v.Sync(); err != nil {
		t.Fatal(err)
	}
	if got := v.Text(`[data-card="Live views"] .dash-card-value`); got != "1" {
		t.Fatalf("live views = %q, want 1 (this one)", got)
	}

	// Without a pool there is no database page.
	env2 := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		d2, _ := New(Config{Engine: e, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		d2.Register(mux)
	})
	v2 := env2.Live("/dashboard/metrics")
	equal(t, "menu without a pool", v2.Texts("#dash-menu a"), []string{"Home", "Connections", "Metrics", "Cluster"})
	if p := env2.Get("/dashboard/database"); p.Status != 404 {
		t.Errorf("GET /dashboard/database without a pool = %d", p.Status)
	}
}

func waitText(t *testing.T, v *livetest.View, sel, want string) {
	t.Helper()
	var got string
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if err := v.Sync(); err != nil {
			t.Fatal(err)
		}
		if got = v.Text(sel); got == want {
			return
		}
	}
	t.Fatalf("%s = %q, want %q (no live update)", sel, got, want)
}

func TestAddPageRejectsBadPaths(t *testing.T) {
	sessions := transport.NewSessions([]byte("0123456789abcdef0123456789abcdef"))
	e, _ := live.New(live.Config{Secret: []byte("0123456789abcdef0123456789abcdef"), Sessions: sessions, Router: &transport.Router{},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	d, _ := New(Config{Engine: e, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	render := func(context.Context) Block { return Card("x", "y") }
	for _, p := range []Page{{Path: "", Render: render}, {Path: "A b", Render: render}, {Path: "metrics", Render: render}, {Path: "cluster", Render: render}, {Path: "home", Render: render}, {Path: "ok"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("AddPage(%+v) did not panic", p.Path)
				}
			}()
			d.AddPage(p)
		}()
	}
}

// Wrong passwords are limited per address: after the limit even the right
// password is answered 429 until the window ends; requests without
// credentials do not count.
func TestAuthBruteForceIsLockedOut(t *testing.T) {
	srv, logs := server(t, Auth{Password: "s3cret", Production: true})
	for range 20 {
		if code, _, _ := get(t, srv.URL+"/dashboard", nil); code != 401 {
			t.Fatalf("no credentials: %d, want 401", code)
		}
	}
	for i := range authFailLimit {
		if code, _, _ := get(t, srv.URL+"/dashboard", basic("x", fmt.Sprint("guess", i))); code != 401 {
			t.Fatalf("wrong password %d: %d, want 401", i, code)
		}
	}
	code, h, body := get(t, srv.URL+"/dashboard", basic("x", "s3cret"))
	if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" || strings.Contains(body, "dash-menu") {
		t.Fatalf("right password after %d wrong ones: %d (Retry-After %q), want 429", authFailLimit, code, h.Get("Retry-After"))
	}
	if n := strings.Count(logs.String(), "locked out"); n != 1 {
		t.Errorf("lock-out logged %d times, want once:\n%s", n, logs)
	}
}

func TestAuthLimiterWindow(t *testing.T) {
	now := time.Unix(1000, 0)
	l := authLimiter{now: func() time.Time { return now }}
	for i := range authFailLimit - 1 {
		if l.fail("a") {
			t.Fatalf("failure %d reported as the limit", i+1)
		}
	}
	if locked, _ := l.blocked("a"); locked {
		t.Fatal("locked before the limit")
	}
	if !l.fail("a") {
		t.Fatal("the limit-th failure not reported")
	}
	if locked, _ := l.blocked("a"); !locked {
		t.Fatal("not locked at the limit")
	}
	if locked, _ := l.blocked("b"); locked {
		t.Fatal("another address locked")
	}
	now = now.Add(authFailWindow)
	if locked, _ := l.blocked("a"); locked {
		t.Fatal("still locked after the window")
	}
	l.fail("c")
	l.succeed("c")
	for range authFailLimit - 1 {
		l.fail("c")
	}
	if locked, _ := l.blocked("c"); locked {
		t.Fatal("a success did not clear earlier failures")
	}
}
