package main

// End-to-end browser test of the movies pages: the server as main builds
// it (register: the movies pages, the examples, the redirects) on a
// throwaway PostgreSQL loaded with the committed sample set, driven in
// Chromium by the real phoenix_live_view client through
// assets/e2e/movies_browser.mjs. The same walk (load, search, each primary
// sort and an overflow sort with its direction, pagination, back and
// forward, two genre chips, the drawer's filters, the people autocomplete
// with people_match=all, clear all, a card to its show page, then a cast
// member's person page and one of their films; the show page's Watch,
// Video and Keywords sections and a change of the Watch region, which
// follows the browser's locale, en-GB, once live; its overview toggle and
// "In theaters" band, on the rows stageShowPage adds) runs three times: over
// WebSocket, over LongPoll, and with the live connection blocked in the
// browser (plain navigation through the links and GET forms). After every
// step the script checks the URL and asks this test, through the control
// server, what the database says for it; the page must show that count,
// that many cards and that first title.
//
// Control server:
//
//	POST /phase?name=R  start run R (websocket, longpoll, blocked): socket
//	                    requests are counted for it from now on
//	POST /check?name=R  sample the socket server's gauges now into run R
//	GET  /expect?url=U  the store's answer for U: hero count, cards, first
//	                    title
//	GET  /stats         engine counters
//
// The test then checks, server side, that each run used only its
// transport (the blocked run none), and that no view crashed. With
// E2E_SCREENSHOTS=1 the script also saves the desktop (1280×800) and
// mobile (390×844) screenshots of /movies to docs/screenshots/.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/internal/e2e"
	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
	"github.com/cortex-cinegraph/golive/movies/sample"
	"github.com/cortex-cinegraph/golive/transport"
	"github.com/cortex-cinegraph/golive/views"
)

// TestMain stops the throwaway PostgreSQL the movies tests start.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

const moviesSecret = "movies-e2e-secret-key-base-0123456789abcdefghijklmn"

var moviesRuns = []string{"websocket", "longpoll", "blocked"}

type moviesHarness struct {
	st    *app.Stack
	store *movies.Store
	srv   *e2e.Server

	mu      sync.Mutex
	run     string
	reqs    map[string]map[string]int // run -> websocket/longpoll -> requests
	samples map[string][]transport.StatsSnapshot
}

func newMoviesHarness(t *testing.T) *moviesHarness {
	t.Helper()
	return newMoviesHarnessWith(t, app.Config{}, nil)
}

// newMoviesHarnessWith is newMoviesHarness with the server configured by
// cfg (its Addr is ignored; an empty SecretKeyBase gets the test's) and,
// unless wrap is nil, its handler wrapped by wrap (the proxy tests serve
// it as main does and record what reaches the app).
func newMoviesHarnessWith(t *testing.T, cfg app.Config, wrap func(st *app.Stack, next http.Handler) http.Handler) *moviesHarness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dsn := pgtest.Seeded(t, func(ctx context.Context, dsn string) error {
		_, err := movies.Migrate(ctx, dsn, nil)
		return err
	})
	stageShowPage(t, dsn)
	log := e2e.Logger(t)
	cfg.Addr = "127.0.0.1:0"
	if cfg.SecretKeyBase == nil {
		cfg.SecretKeyBase = []byte(moviesSecret)
	}
	st, err := app.New(cfg, log, views.Layout)
	if err != nil {
		t.Fatal(err)
	}
	store, err := movies.Open(ctx, dsn, movies.Config{PubSub: st.Engine.PubSub(), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	register(st, store)
	h := &moviesHarness{st: st, store: store, reqs: map[string]map[string]int{}, samples: map[string][]transport.StatsSnapshot{}}
	var handler http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tr, ok := strings.CutPrefix(r.URL.Path, "/live/"); ok {
			h.mu.Lock()
			if h.run != "" {
				h.reqs[h.run][tr]++
			}
			h.mu.Unlock()
		}
		st.Mux.ServeHTTP(w, r)
	})
	if wrap != nil {
		handler = wrap(st, handler)
	}
	h.srv = e2e.NewServerWith(t, handler, st.Listener)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = st.Socket.Shutdown(ctx)
	})
	return h
}

// expectation is what the page must show for a URL.
type expectation struct {
	Total string  `json:"total"` // hero count as shown
	Cards int     `json:"cards"`
	First *string `json:"first"` // first card's title; null without cards
	Path  string  `json:"path"`
}

func (h *moviesHarness) expect(raw string) (expectation, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return expectation{}, err
	}
	res, err := h.store.Search(context.Background(), movies.ParseQuery(u.Query()))
	if err != nil {
		return expectation{}, fmt.Errorf("store search %s: %w", raw, err)
	}
	e := expectation{Total: thousands(res.Total), Cards: len(res.Cards), Path: string(res.Path)}
	if len(res.Cards) > 0 {
		e.First = &res.Cards[0].Title
	}
	return e, nil
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (h *moviesHarness) control(t *testing.T) *e2e.Control {
	ctl := e2e.NewControl(t)
	name := func(r *http.Request) (string, error) {
		n := r.URL.Query().Get("name")
		for _, x := range moviesRuns {
			if n == x {
				return n, nil
			}
		}
		return "", fmt.Errorf("run %q: want one of %v", n, moviesRuns)
	}
	ctl.Handle("POST /phase", func(r *http.Request) (any, error) {
		n, err := name(r)
		if err != nil {
			return nil, err
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.reqs[n] != nil {
			return nil, fmt.Errorf("run %s started twice", n)
		}
		h.run = n
		h.reqs[n] = map[string]int{}
		return map[string]string{"run": n}, nil
	})
	ctl.Handle("POST /check", func(r *http.Request) (any, error) {
		n, err := name(r)
		if err != nil {
			return nil, err
		}
		snap := h.st.Socket.Stats()
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.run != n {
			return nil, fmt.Errorf("run %s is not the current run %q", n, h.run)
		}
		h.samples[n] = append(h.samples[n], snap)
		return snap, nil
	})
	ctl.Handle("GET /expect", func(r *http.Request) (any, error) {
		return h.expect(r.URL.Query().Get("url"))
	})
	ctl.Handle("GET /stats", func(*http.Request) (any, error) {
		es := h.st.Engine.Stats()
		return map[string]any{
			"socket": h.st.Socket.Stats(),
			"events": es.Events.Load(), "views": es.Views.Load(), "crashes": es.Crashes.Load(),
		}, nil
	})
	return ctl
}

// checkTransports verifies, server side, that the websocket and longpoll
// runs used only their transport and the blocked run reached no socket.
func (h *moviesHarness) checkTransports(t *testing.T) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, run := range moviesRuns {
		reqs, samples := h.reqs[run], h.samples[run]
		t.Logf("%s run: socket requests %v, samples %+v", run, reqs, samples)
		if reqs == nil {
			t.Errorf("%s run: never started", run)
			continue
		}
		if len(samples) == 0 {
			t.Errorf("%s run: no stats sample", run)
		}
		switch run {
		case "blocked":
			if len(reqs) != 0 {
				t.Errorf("blocked run: the server saw socket requests %v", reqs)
			}
			for _, s := range samples {
				if s.WebSockets != 0 || s.LongPollSessions != 0 || s.Channels != 0 {
					t.Errorf("blocked run: sockets open on the server: %+v", s)
				}
			}
		default:
			other := map[string]string{"websocket": "longpoll", "longpoll": "websocket"}[run]
			if reqs[run] == 0 || reqs[other] != 0 {
				t.Errorf("%s run: %d requests to /live/%s and %d to /live/%s, want some and none", run, reqs[run], run, reqs[other], other)
			}
			for _, s := range samples {
				ws, lp := s.WebSockets, s.LongPollSessions
				if run == "websocket" && (ws == 0 || lp != 0) || run == "longpoll" && (lp == 0 || ws != 0) {
					t.Errorf("%s run: sample with %d WebSockets and %d LongPoll sessions", run, ws, lp)
				}
			}
		}
	}
}

func TestMoviesBrowser(t *testing.T) {
	chromium := e2e.RequireChromium(t)
	e2e.RequireAssets(t, "app.js", "app.css")
	h := newMoviesHarness(t)
	ctl := h.control(t)
	fixtures := moviesFixtures(t, h.store)
	shots := ""
	if os.Getenv("E2E_SCREENSHOTS") == "1" {
		dir, err := e2e.AssetsDir()
		if err != nil {
			t.Fatal(err)
		}
		shots = filepath.Join(filepath.Dir(dir), "docs", "screenshots")
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	e2e.RunNode(t, "movies_browser.mjs", map[string]string{
		"E2E_URL":         h.srv.URL(),
		"E2E_CONTROL":     ctl.URL(),
		"CHROMIUM_PATH":   chromium,
		"E2E_FIXTURES":    fixtures,
		"E2E_SCREENSHOTS": shots,
	}, 180*time.Second)
	h.checkTransports(t)
	if c := h.st.Engine.Stats().Crashes.Load(); c != 0 {
		t.Errorf("%d view crashes", c)
	}
}

// The server's own routes around the movies pages: / redirects to /movies
// (302, as the original), the examples stay, and the pages carry the
// no-store headers.
func TestMoviesRoutes(t *testing.T) {
	h := newMoviesHarness(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) *http.Response {
		t.Helper()
		res, err := client.Get(h.srv.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if r := get("/"); r.StatusCode != http.StatusFound || r.Header.Get("Location") != "/movies" {
		t.Errorf("/: %d %v", r.StatusCode, r.Header)
	}
	r := get("/movies")
	if r.StatusCode != http.StatusOK || r.Header.Get("Cache-Control") != "private, no-store, no-cache, must-revalidate, max-age=0" ||
		r.Header.Get("Pragma") != "no-cache" || r.Header.Get("Expires") != "-1" {
		t.Errorf("/movies: %d %v", r.StatusCode, r.Header)
	}
	trio := sample.GoldenBySlug("golden-trio-genres-2010")
	if r := get(fmt.Sprintf("/movies/%d", trio.ID())); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/movies/"+trio.Slug {
		t.Errorf("/movies/<id>: %d %v", r.StatusCode, r.Header)
	}
	if r := get("/movies/123456789012"); r.StatusCode != http.StatusNotFound {
		t.Errorf("/movies/<unknown id>: %d", r.StatusCode)
	}
	if r := get(fmt.Sprint("/people/", sample.GoldenAda)); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/people/ada-golden" ||
		r.Header.Get("Cache-Control") != "public, max-age=86400" {
		t.Errorf("/people/<id>: %d %v", r.StatusCode, r.Header)
	}
	if r := get("/people/ada-golden"); r.StatusCode != http.StatusOK {
		t.Errorf("/people/<slug>: %d", r.StatusCode)
	}
	if r := get("/examples/counter"); r.StatusCode != http.StatusOK {
		t.Errorf("/examples/counter: %d", r.StatusCode)
	}
	if r := get("/assets/app.css"); r.StatusCode != http.StatusOK {
		t.Errorf("/assets/app.css: %d", r.StatusCode)
	}
}

// showOverview is the trio's overview in the walks: 64 words, so the show
// page cuts it after the 60th.
const showOverview = "Three friends who meet every winter in the same small seaside town " +
	"discover that the lighthouse keeper has been writing down their conversations for " +
	"twenty years, and that his notebooks tell a story none of them remembers living, " +
	"about a storm, a missing boat and a promise they made as children on the " +
	"pier one night in the last week of the year before everything changed forever."

// stageShowPage gives the trio (sample.GoldenSections), in the walk's
// database, what the sample set leaves out because it depends on the
// clock or is long: the overview above, and now-playing stamps fresh for
// GB and US (stale for DE), so the show page has its overview toggle and
// its "In theaters" band.
func stageShowPage(t *testing.T, dsn string) {
	t.Helper()
	pgtest.Exec(t, dsn, `UPDATE movies SET overview = $1, now_playing_last_seen = now() AT TIME ZONE 'UTC',
		now_playing_region_last_seen = jsonb_build_object(
			'US', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
			'GB', to_char((now() AT TIME ZONE 'UTC') - interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
			'DE', to_char((now() AT TIME ZONE 'UTC') - interval '5 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
		WHERE id = $2`, showOverview, sample.GoldenSections)
}

// moviesFixtures are the sample set's landmarks movies_browser.mjs walks
// to (TestMoviesBrowser and TestClusterMoviesBrowser).
func moviesFixtures(t *testing.T, store *movies.Store) string {
	t.Helper()
	o, err := store.FilterOptions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	list, ok := o.ListBy("criterion")
	if !ok {
		t.Fatal("the sample set has no criterion list")
	}
	ctx := context.Background()
	media, err := store.Media(ctx, sample.GoldenSections)
	if err != nil || len(media.Videos) == 0 || len(media.Keywords) == 0 {
		t.Fatalf("the trio's videos and keywords: %+v %v", media, err)
	}
	avail := map[string]*movies.Availability{}
	for _, r := range []string{"US", "GB"} {
		a, err := store.Availability(ctx, sample.GoldenSections, r)
		if err != nil || a.Empty() {
			t.Fatalf("the trio's providers in %s: %+v %v", r, a, err)
		}
		avail[r] = a
	}
	if avail["US"].Link == "" {
		t.Fatal("the trio has no US watch link")
	}
	trio, err := store.Movie(ctx, fmt.Sprint(sample.GoldenSections))
	words := []string{}
	if err == nil {
		words = strings.Fields(trio.Overview)
	}
	if err != nil || len(words) <= 60 || !trio.Theaters.Now || len(trio.Theaters.Regions) == 0 {
		t.Fatalf("the trio is not staged (stageShowPage): %+v %v", trio, err)
	}
	b, _ := json.Marshal(map[string]any{
		"ada": sample.GoldenAda, "bo": sample.GoldenBo,
		"listSlug": list.URLValue(), "listID": "list-" + movies.Slugify(list.SourceKey),
		"trio": "Golden Trio Genres", "trioSlug": "golden-trio-genres-2010",
		"adaSlug": "ada-golden", "adaName": "Ada Golden",
		"duoID": sample.GoldenBySlug("golden-duo-genres-2011").ID(), "duoSlug": "golden-duo-genres-2011", "duoTitle": "Golden Duo Genres",
		// The show page's sections of the trio (sample.GoldenSections),
		// from the store.
		"videos": videoNames(media), "trailerURL": media.Videos[0].WatchURL(), "trailerKey": media.Videos[0].Key,
		"keywords":  keywordNames(media),
		"providers": map[string][]string{"US": providerNames(avail["US"], ""), "GB": providerNames(avail["GB"], "")},
		"usStream":  providerNames(avail["US"], "flatrate"), "usLink": avail["US"].Link,
		// The overview as cut (60 words and an ellipsis) and in full, the
		// band's regions and showtimes link.
		"overviewCut": strings.Join(words[:60], " ") + "…", "overviewFull": strings.Join(words, " "),
		"theaterRegions": trio.Theaters.Regions,
		"showtimesURL":   fmt.Sprintf("https://wombie.com/movies/%s-%d?utm_source=cinegraph&utm_medium=referral&utm_campaign=movie_show", trio.Slug, trio.TmdbID),
	})
	return string(b)
}

func videoNames(m *movies.Media) []string {
	var out []string
	for _, v := range m.Videos {
		out = append(out, v.Name)
	}
	return out
}

func keywordNames(m *movies.Media) []string {
	var out []string
	for _, k := range m.Keywords {
		out = append(out, k.Name)
	}
	return out
}

// providerNames are the names on offer in a, in page order; of one offer
// type, or all with typ "".
func providerNames(a *movies.Availability, typ string) []string {
	var out []string
	for _, g := range a.Groups {
		if typ != "" && g.Type != typ {
			continue
		}
		for _, o := range g.Offers {
			out = append(out, o.Name)
		}
	}
	return out
}
