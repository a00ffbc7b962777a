package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/cascadia"
	"github.com/jackc/pgx/v5"
	"golang.org/x/net/html"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/livetest"
	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
	"github.com/cortex-cinegraph/golive/movies/sample"
	"github.com/cortex-cinegraph/golive/movies/web"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func migrate(ctx context.Context, dsn string) error {
	_, err := movies.Migrate(ctx, dsn, nil)
	return err
}

var (
	sharedOnce sync.Once
	sharedDSN  string
)

// seeded is a database with the committed small set, shared by the tests
// that only read.
func seeded(t testing.TB) string {
	t.Helper()
	sharedOnce.Do(func() { sharedDSN = pgtest.Seeded(t, migrate) })
	if sharedDSN == "" {
		t.Fatal("no shared database")
	}
	return sharedDSN
}

// app is the movies pages under livetest, on dsn.
type app struct {
	env   *livetest.Env
	store *movies.Store
	logs  *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newApp(t testing.TB, dsn string, cfg movies.Config, opts ...livetest.Option) *app {
	t.Helper()
	a := &app{logs: &syncBuffer{}}
	log := slog.New(slog.NewTextHandler(a.logs, nil))
	a.env = livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		cfg.PubSub = e.PubSub()
		cfg.Logger = log
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, err := movies.Open(ctx, dsn, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		a.store = s
		web.Register(e, mux, s, log)
	}, opts...)
	return a
}

// search is what the database says for the URL.
func (a *app) search(t *testing.T, rawURL string) movies.Result {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.store.Search(context.Background(), movies.ParseQuery(u.Query()))
	if err != nil {
		t.Fatalf("store search %s: %v", rawURL, err)
	}
	return res
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

// page is what a page (dead or live) shows.
type page interface {
	Text(string) string
	Texts(string) []string
	Count(string) int
	Has(string) bool
}

// dead adds Texts to a dead render.
type dead struct{ *livetest.Page }

func (d dead) Texts(selector string) []string {
	doc, err := html.Parse(strings.NewReader(d.Body))
	if err != nil {
		panic(err)
	}
	var out []string
	for _, n := range cascadia.MustCompile(selector).MatchAll(doc) {
		out = append(out, strings.Join(strings.Fields(textOf(n)), " "))
	}
	return out
}

func (d dead) attrs(selector, name string) []string {
	doc, err := html.Parse(strings.NewReader(d.Body))
	if err != nil {
		panic(err)
	}
	var out []string
	for _, n := range cascadia.MustCompile(selector).MatchAll(doc) {
		for _, a := range n.Attr {
			if a.Key == name {
				out = append(out, a.Val)
			}
		}
	}
	return out
}

func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return b.String()
}

// check compares what the page shows with the database's answer for
// rawURL: the hero count, the number of cards and their titles in order.
func (a *app) check(t *testing.T, p page, rawURL string) movies.Result {
	t.Helper()
	res := a.search(t, rawURL)
	if got, want := p.Text("#hero-count"), thousands(res.Total); got != want {
		t.Errorf("%s: hero count %q, database says %q", rawURL, got, want)
	}
	titles := p.Texts(".movie-card .movie-title")
	if len(titles) != len(res.Cards) {
		t.Fatalf("%s: %d cards, database says %d", rawURL, len(titles), len(res.Cards))
	}
	for i, c := range res.Cards {
		if titles[i] != c.Title {
			t.Fatalf("%s: card %d is %q, database says %q", rawURL, i, titles[i], c.Title)
		}
	}
	return res
}

// step clicks selector (a link or a phx-click) and checks the URL the
// page is then on and its results.
func (a *app) step(t *testing.T, v *livetest.View, selector, wantURL string) movies.Result {
	t.Helper()
	if err := v.Click(selector); err != nil {
		t.Fatalf("click %s: %v", selector, err)
	}
	if got := v.URL(); got != wantURL {
		t.Fatalf("after clicking %s: URL %s, want %s", selector, got, wantURL)
	}
	return a.check(t, v, wantURL)
}

func golden(slug string) int64 { return sample.GoldenBySlug(slug).ID() }

// Every control of the index, each checked against the database: the URL
// it leads to (the canonical URL of §3.4, written out) and the cards.
func TestIndexControls(t *testing.T) {
	a := newApp(t, seeded(t), movies.Config{})
	v := a.env.Live("/movies")
	res := a.check(t, v, "/movies")
	if res.Path != movies.PathRankings || res.Total < 100 || len(res.Cards) != 24 {
		t.Fatalf("default browse: %d of %d on path %s", len(res.Cards), res.Total, res.Path)
	}
	if !v.Has("#sort-discover[aria-current=true]") {
		t.Errorf("bare /movies must show the discovery ordering as active (B2)")
	}

	t.Run("sorts", func(t *testing.T) {
		a.step(t, v, "#sort-score", "/movies?page=1&sort=score_desc")
		a.step(t, v, "#sort-popularity", "/movies?page=1&sort=popularity_desc")
		a.step(t, v, "#sort-release_date", "/movies?page=1&sort=release_date_desc")
		a.step(t, v, "#sort-title", "/movies?page=1&sort=title_desc")
		if got := v.Text("#more-sorts summary"); got != "Title ↓ ▾" {
			t.Errorf("overflow summary %q", got)
		}
		a.step(t, v, "#sort-direction", "/movies?page=1&sort=title_asc")
		// Keeps the direction applied now.
		a.step(t, v, "#sort-score", "/movies?page=1&sort=score_asc")
		a.step(t, v, "#sort-mob", "/movies?page=1&sort=mob_asc")
		if v.Count(".movie-card .lens-badge") == 0 {
			t.Errorf("a lens sort shows lens badges")
		}
		a.step(t, v, "#sort-critics_choice", "/movies?page=1&sort=critics_choice_asc")
		a.step(t, v, "#sort-discover", "/movies?page=1")
	})

	t.Run("certification labels only with max_age", func(t *testing.T) {
		if v.Count(".movie-card .cert-label") != 0 {
			t.Errorf("certification labels without max_age")
		}
		if err := v.Patch("/movies?max_age=16"); err != nil {
			t.Fatal(err)
		}
		res := a.check(t, v, "/movies?max_age=16")
		labels := v.Texts(".movie-card .cert-label")
		if len(labels) != len(res.Cards) || len(labels) == 0 {
			t.Fatalf("%d certification labels on %d cards", len(labels), len(res.Cards))
		}
		for i, c := range res.Cards {
			if labels[i] != c.Certification {
				t.Errorf("card %d: label %q, database %q", i, labels[i], c.Certification)
			}
		}
	})

	t.Run("bare sort shows the applied direction (B3)", func(t *testing.T) {
		if err := v.Patch("/movies?sort=release_date"); err != nil {
			t.Fatal(err)
		}
		a.check(t, v, "/movies?sort=release_date")
		if got := v.Text("#sort-release_date .sort-arrow"); got != "↑" {
			t.Errorf("sort=release_date sorts ascending; arrow %q", got)
		}
		if got := v.Text("#chip-sort"); !strings.Contains(got, "Most recent ↑") {
			t.Errorf("sort chip %q", got)
		}
	})

	t.Run("genres, ALL semantics", func(t *testing.T) {
		if err := v.Patch("/movies"); err != nil {
			t.Fatal(err)
		}
		a.step(t, v, "#genre-drama", "/movies?genres=drama&page=1")
		both := a.step(t, v, "#genre-comedy", "/movies?genres=comedy,drama&page=1")
		drama := a.search(t, "/movies?genres=drama")
		if both.Total >= drama.Total || both.Total == 0 {
			t.Errorf("drama AND comedy: %d films, drama alone %d", both.Total, drama.Total)
		}
		if got := v.Text("#chip-genres"); !strings.Contains(got, "Genres: Comedy, Drama") {
			t.Errorf("genre chip %q", got)
		}
		a.step(t, v, "#genre-drama", "/movies?genres=comedy&page=1")
		a.step(t, v, "#chip-genres", "/movies?page=1")
		// A genre given by id toggles off (B12 fixed).
		o, err := a.store.FilterOptions(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		g, _ := o.GenreBy("drama")
		id := strconv.FormatInt(g.ID, 10)
		if err := v.Patch("/movies?genres=" + id); err != nil {
			t.Fatal(err)
		}
		a.check(t, v, "/movies?genres="+id)
		if !v.Has("#genre-drama[aria-pressed=true]") {
			t.Errorf("genre given by id is not shown as selected")
		}
		a.step(t, v, "#genre-drama", "/movies?page=1")
	})

	t.Run("search", func(t *testing.T) {
		if err := v.Change("#search-form", url.Values{"search": {"  the  "}}); err != nil {
			t.Fatal(err)
		}
		if got := v.URL(); got != "/movies?page=1&search=the" {
			t.Fatalf("search URL %s", got)
		}
		a.check(t, v, v.URL())
		if err := v.Change("#search-form", url.Values{"search": {""}}); err != nil {
			t.Fatal(err)
		}
		if got := v.URL(); got != "/movies?page=1" {
			t.Fatalf("cleared search URL %s", got)
		}
	})

	t.Run("pagination", func(t *testing.T) {
		res := a.search(t, "/movies")
		if v.Has("#page-prev[href]") {
			t.Errorf("Previous is a link on page 1")
		}
		if got, want := v.Text("#page-info"), fmt.Sprintf("Page 1 of %d · %s films", res.TotalPages, thousands(res.Total)); got != want {
			t.Errorf("page info %q, want %q", got, want)
		}
		a.step(t, v, "#page-next", "/movies?page=2")
		a.step(t, v, "#page-next", "/movies?page=3")
		a.step(t, v, "#page-prev", "/movies?page=2")
	})

	t.Run("drawer", func(t *testing.T) {
		if err := v.Patch("/movies?sort=title_asc"); err != nil {
			t.Fatal(err)
		}
		if v.Has("#filters.is-open") {
			t.Fatal("drawer open before the Filters button")
		}
		if err := v.Click("#filters-button"); err != nil {
			t.Fatal(err)
		}
		if !v.Has("#filters.is-open") {
			t.Fatal("Filters does not open the drawer")
		}
		o, _ := a.store.FilterOptions(context.Background())
		l, _ := o.ListBy("criterion")
		if err := v.Change("#filters-form", url.Values{"lists[]": {"", "criterion"}}); err != nil {
			t.Fatal(err)
		}
		want := "/movies?lists=" + l.URLValue() + "&page=1&sort=title_asc"
		if got := v.URL(); got != want {
			t.Fatalf("list checkbox: URL %s, want %s", got, want)
		}
		a.check(t, v, want)
		if !v.Has("#list-criterion[checked]") || !v.Has("#filters.is-open") {
			t.Errorf("the checkbox is not checked, or the drawer closed")
		}
		// Unchecking the last list removes it (B1 fixed).
		if err := v.Change("#filters-form", url.Values{"lists[]": {""}}); err != nil {
			t.Fatal(err)
		}
		if got := v.URL(); got != "/movies?page=1&sort=title_asc" {
			t.Fatalf("unchecked list: URL %s", got)
		}
		if err := v.Change("#filters-form", url.Values{"show_unreleased": {"", "true"}, "festivals[]": {"", "2"}}); err != nil {
			t.Fatal(err)
		}
		f, _ := o.FestivalBy("2")
		want = "/movies?festivals=" + f.Slug + "&page=1&show_unreleased=true&sort=title_asc"
		if got := v.URL(); got != want {
			t.Fatalf("festival and unreleased: URL %s, want %s", got, want)
		}
		a.check(t, v, want)
		a.step(t, v, "#decade-2010", "/movies?decade=2010&festivals="+f.Slug+"&page=1&show_unreleased=true&sort=title_asc")
		a.step(t, v, "#decade-2010", "/movies?festivals="+f.Slug+"&page=1&show_unreleased=true&sort=title_asc")
		a.step(t, v, "#age-16", "/movies?festivals="+f.Slug+"&max_age=16&page=1&show_unreleased=true&sort=title_asc")
		a.step(t, v, "#rating-well_reviewed", "/movies?festivals="+f.Slug+"&max_age=16&page=1&rating_preset=well_reviewed&show_unreleased=true&sort=title_asc")
		if got := v.Text("#drawer-count"); got != "5 active" {
			t.Errorf("drawer count %q", got)
		}
		a.step(t, v, "#chip-max_age", "/movies?festivals="+f.Slug+"&page=1&rating_preset=well_reviewed&show_unreleased=true&sort=title_asc")
		a.step(t, v, "#rating-any", "/movies?festivals="+f.Slug+"&page=1&show_unreleased=true&sort=title_asc")
		a.step(t, v, "#drawer-clear", "/movies?page=1&sort=title_asc")
		// Done submits the form: applied, and the drawer closes.
		if err := v.Submit("#filters-form", nil); err != nil {
			t.Fatal(err)
		}
		if v.Has("#filters.is-open") {
			t.Errorf("Done leaves the drawer open")
		}
		if err := v.Click("#filters-button"); err != nil {
			t.Fatal(err)
		}
		// Escape (phx-window-keydown) closes it.
		v.HookPush("close_overlays", map[string]any{"key": "Escape"})
		if v.Has("#filters.is-open") {
			t.Errorf("Escape leaves the drawer open")
		}
		if err := v.Click("#how-we-score"); err != nil {
			t.Fatal(err)
		}
		if !v.Has("#scoring.is-open") {
			t.Errorf("How we score? does not open the modal")
		}
		v.HookPush("close_overlays", map[string]any{"key": "Escape"})
		if v.Has("#scoring.is-open") {
			t.Errorf("Escape leaves the modal open")
		}
	})

	t.Run("people autocomplete", func(t *testing.T) {
		if err := v.Change("#people-search-form", url.Values{"people_q": {"golden"}}); err != nil {
			t.Fatal(err)
		}
		ada, bo := sample.GoldenAda, sample.GoldenBo
		if !v.Has(fmt.Sprintf("#person-result-%d", ada)) || !v.Has(fmt.Sprintf("#person-result-%d", bo)) {
			t.Fatalf("people results: %v", v.Texts("#people-results .person-name"))
		}
		a.step(t, v, fmt.Sprintf("#person-result-%d a", ada), "/movies?page=1&people=ada-golden&sort=title_asc")
		if v.Has("#people-results") {
			t.Errorf("results stay after picking a person")
		}
		if err := v.Change("#people-search-form", url.Values{"people_q": {"Golden"}}); err != nil {
			t.Fatal(err)
		}
		if v.Has(fmt.Sprintf("#person-result-%d", ada)) {
			t.Errorf("a selected person is offered again")
		}
		a.step(t, v, fmt.Sprintf("#person-result-%d a", bo), "/movies?page=1&people=ada-golden,bo-golden&sort=title_asc")
		anyRes := a.search(t, v.URL())
		all := a.step(t, v, "#people-match-all", "/movies?page=1&people=ada-golden,bo-golden&people_match=all&sort=title_asc")
		if all.Total != 1 || anyRes.Total != 3 || all.Cards[0].ID != golden("golden-trio-genres-2010") {
			t.Errorf("people any: %d films, all: %d (%v)", anyRes.Total, all.Total, all.Cards)
		}
		if got := v.Text("#chip-people"); !strings.Contains(got, "Cast & Crew: 2 people") {
			t.Errorf("people chip %q", got)
		}
		a.step(t, v, fmt.Sprintf("#person-%d a", bo), "/movies?page=1&people=ada-golden&sort=title_asc")
		a.step(t, v, "#clear-all", "/movies?page=1&sort=title_asc")
	})
}

// The dead render and the connected render of a URL are the same HTML.
func TestDeadEqualsConnected(t *testing.T) {
	a := newApp(t, seeded(t), movies.Config{})
	for _, path := range []string{
		"/movies",
		"/movies?page=2",
		"/movies?genres=comedy,drama&sort=title_asc",
		"/movies?sort=mob_desc&max_age=16&show_unreleased=true",
		"/movies?people=ada-golden,bo-golden&people_match=all&lists=criterion",
		"/movies?people_q=golden",
		"/movies?sort=bogus&page=0",
		"/movies?page=999",
		"/movies-v2?decade=1990",
		"/movies/golden-trio-genres-2010",
	} {
		t.Run(path, func(t *testing.T) {
			p := a.env.Get(path)
			if p.Status != http.StatusOK {
				t.Fatalf("status %d", p.Status)
			}
			ids := map[string]int{}
			for _, id := range (dead{p}).attrs("[id]", "id") {
				if ids[id]++; ids[id] == 2 {
					t.Errorf("id %q used more than once", id)
				}
			}
			v := a.env.Live(path)
			live, dead := livetest.Canonical(v.HTML()), livetest.Canonical(p.ViewHTML())
			if live != dead {
				t.Errorf("connected render differs from the dead render\n dead: %s\n live: %s", snip(dead, live), snip(live, dead))
			}
		})
	}
}

// For every client line the server speaks, the page the client builds
// from the join and the diffs of a walk through the controls is, after
// every step, the dead render of the URL it is on: diffs (keyed card rows,
// the people component) merge into exactly the server's HTML.
func TestDiffsPerClientLine(t *testing.T) {
	for _, line := range livetest.Lines {
		t.Run(line, func(t *testing.T) {
			a := newApp(t, seeded(t), movies.Config{}, livetest.WithClient(line))
			v := a.env.Live("/movies")
			same := func(what string) {
				t.Helper()
				dead := livetest.Canonical(a.env.Get(v.URL()).ViewHTML())
				if got := livetest.Canonical(v.HTML()); got != dead {
					t.Fatalf("%s (%s): merged page differs from the dead render\n dead: %s\n live: %s", what, v.URL(), snip(dead, got), snip(got, dead))
				}
			}
			for _, sel := range []string{"#sort-score", "#page-next", "#page-next", "#genre-drama", "#sort-mob", "#genre-comedy",
				"#sort-title", "#sort-direction", "#chip-genres", "#page-next", "#decade-2000", "#age-12", "#clear-all"} {
				if err := v.Click(sel); err != nil {
					t.Fatalf("%s: %v", sel, err)
				}
				same(sel)
			}
			if err := v.Change("#people-search-form", url.Values{"people_q": {"golden"}}); err != nil {
				t.Fatal(err)
			}
			if !v.Has("#people-results") {
				t.Fatal("no people results")
			}
			if err := v.Click(fmt.Sprintf("#person-result-%d a", sample.GoldenBo)); err != nil {
				t.Fatal(err)
			}
			same("pick a person")
			if err := v.Patch("/movies?sort=bogus"); err != nil {
				t.Fatal(err)
			}
			same("invalid")
			if err := v.Patch("/movies?page=4"); err != nil {
				t.Fatal(err)
			}
			same("back to the grid")
		})
	}
}

// snip shows a around its first difference from b.
func snip(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo, hi := max(0, i-200), min(len(a), i+200)
	return "…" + a[lo:hi] + "…"
}

// Invalid parameters: the empty state, a 0 count, and which parameter is
// wrong (B5 fixed), with a link that drops it.
func TestInvalidParams(t *testing.T) {
	a := newApp(t, seeded(t), movies.Config{})
	for _, c := range []struct{ path, param, fixed string }{
		{"/movies?sort=bogus", "sort", "/movies?page=1"},
		{"/movies?page=0", "page", "/movies"},
		{"/movies?max_age=120&genres=drama", "max_age", "/movies?genres=drama&page=1"},
		{"/movies?rating_preset=great", "rating_preset", "/movies?page=1"},
		{"/movies?show_unreleased=maybe", "show_unreleased", "/movies?page=1"},
	} {
		t.Run(c.path, func(t *testing.T) {
			d := dead{a.env.Get(c.path)}
			v := a.env.Live(c.path)
			for _, p := range []page{d, v} {
				if !p.Has("#results-invalid") || p.Count(".movie-card") != 0 {
					t.Fatalf("no invalid state")
				}
				if got := p.Text("#hero-count"); got != "0" {
					t.Errorf("hero count %q", got)
				}
				if got := p.Text("#results-invalid .invalid-param code"); !strings.HasPrefix(got, c.param+"=") {
					t.Errorf("invalid parameter shown as %q, want %s=…", got, c.param)
				}
			}
			if err := v.Click("#results-invalid .invalid-param a"); err != nil {
				t.Fatal(err)
			}
			if got := v.URL(); got != c.fixed {
				t.Errorf("remove it: URL %s, want %s", got, c.fixed)
			}
			a.check(t, v, c.fixed)
		})
	}
	// Beyond the last page: the empty state with the pager.
	v := a.env.Live("/movies?page=999")
	res := a.search(t, "/movies")
	if !v.Has("#results-empty") || !strings.HasPrefix(v.Text("#page-info"), fmt.Sprintf("Page 999 of %d", res.TotalPages)) {
		t.Errorf("page 999: %s", v.HTML())
	}
	a.step(t, v, "#page-prev", "/movies?page=998")
}

// A failed search shows the error state with Retry (dead and connected),
// is logged with its parameters, retries by itself when connected, and
// recovers; a slow one times out into the same state.
func TestSearchFailure(t *testing.T) {
	dsn := pgtest.Seeded(t, migrate)
	a := newApp(t, dsn, movies.Config{QueryTimeout: 500 * time.Millisecond, ResultTTL: -1, ShareTTL: time.Millisecond})
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)

	// Warm the filter options, then hold a lock that blocks every search.
	a.check(t, dead{a.env.Get("/movies?sort=title_asc")}, "/movies?sort=title_asc")
	tx, err := admin.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE movies IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	const path = "/movies?genres=drama&sort=title_asc"
	p := a.env.Get(path)
	if p.Status != http.StatusOK || !p.Has("#results-error") || p.Text("#hero-count") != "—" || !p.Has("#retry[href]") {
		t.Fatalf("dead render of a timed-out search: status %d\n%s", p.Status, p.ViewHTML())
	}
	if !strings.Contains(p.Text("#results-error"), "took too long") {
		t.Errorf("error text %q", p.Text("#results-error"))
	}
	if !p.Has("#genre-drama[aria-pressed=true]") || !p.Has("#active-filters") {
		t.Errorf("the page around the error state is missing")
	}
	v := a.env.Live(path)
	if !v.Has("#results-error") || !v.Has("#retry-in") {
		t.Fatalf("connected error state without the retry countdown:\n%s", v.HTML())
	}
	if logs := a.logs.String(); !strings.Contains(logs, "search failed") || !strings.Contains(logs, "genres=drama") {
		t.Errorf("failure not logged with its params:\n%s", logs)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	// The automatic retry (2 s) brings the results.
	deadline := time.Now().Add(10 * time.Second)
	for v.Has("#results-error") && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		if err := v.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	a.check(t, v, path)

	// Retry now, after an error that is not a timeout.
	if _, err := admin.Exec(ctx, "ALTER TABLE movie_genres RENAME TO movie_genres_away"); err != nil {
		t.Fatal(err)
	}
	if err := v.Patch(path + "&page=2"); err != nil {
		t.Fatal(err)
	}
	if !v.Has("#results-error") || !strings.Contains(v.Text("#results-error"), "not answering") {
		t.Fatalf("no error state:\n%s", v.HTML())
	}
	if _, err := admin.Exec(ctx, "ALTER TABLE movie_genres_away RENAME TO movie_genres"); err != nil {
		t.Fatal(err)
	}
	if err := v.Click("#retry"); err != nil {
		t.Fatal(err)
	}
	a.check(t, v, path+"&page=2")
}

// A message on movies:changed refreshes a connected page.
func TestChangedRefresh(t *testing.T) {
	dsn := pgtest.Seeded(t, migrate)
	a := newApp(t, dsn, movies.Config{})
	const path = "/movies?sort=title_asc"
	v := a.env.Live(path)
	a.check(t, v, path)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	id := golden("golden-trio-genres-2010")
	if _, err := conn.Exec(ctx, "UPDATE movies SET title = '000 First After Change' WHERE id = $1", id); err != nil {
		t.Fatal(err)
	}
	if err := a.store.NotifyChanged(ctx); err != nil {
		t.Fatal(err)
	}
	if err := v.Sync(); err != nil {
		t.Fatal(err)
	}
	res := a.check(t, v, path)
	if res.Cards[0].ID != id {
		t.Errorf("first card after the change: %v", res.Cards[0])
	}
}

// The show page, the SEO redirect, the 404 and the headers of §1.
func TestShowAndRoutes(t *testing.T) {
	a := newApp(t, seeded(t), movies.Config{})
	const slug = "golden-trio-genres-2010"
	p := a.env.Get("/movies/" + slug)
	if p.Status != http.StatusOK || p.Text("#movie-title") != "Golden Trio Genres" || p.Text("#movie-year") != "2010" {
		t.Fatalf("show page: %d\n%s", p.Status, p.Body)
	}
	if p.Count("#cast .credit") != 2 || !p.Has("#movie-genre-drama[href='/movies?genres=drama&page=1']") {
		t.Errorf("cast or genres missing:\n%s", p.ViewHTML())
	}
	if got := p.Title(); got != "Golden Trio Genres (2010) · Cinegraph" {
		t.Errorf("title %q", got)
	}
	for _, path := range []string{"/movies", "/movies/" + slug, "/movies/no-such-movie"} {
		h := a.env.Get(path).Header
		if h.Get("Cache-Control") != "private, no-store, no-cache, must-revalidate, max-age=0" || h.Get("Pragma") != "no-cache" || h.Get("Expires") != "-1" {
			t.Errorf("%s: cache headers %v", path, h)
		}
	}
	if p := a.env.Get("/movies/no-such-movie"); p.Status != http.StatusNotFound || !strings.Contains(p.Body, "movie not found") {
		t.Errorf("unknown slug: %d\n%s", p.Status, p.Body)
	}
	id := golden(slug)
	r := a.env.Get(fmt.Sprintf("/movies/%d", id))
	if r.Status != http.StatusMovedPermanently || r.Header.Get("Location") != "/movies/"+slug || r.Header.Get("Cache-Control") != "public, max-age=86400" {
		t.Errorf("/movies/<id>: %d %v", r.Status, r.Header)
	}
	if r := a.env.Get("/movies/discover"); r.Status != http.StatusMovedPermanently || r.Header.Get("Location") != "/algorithms" {
		t.Errorf("/movies/discover: %d %v", r.Status, r.Header)
	}
	// The legacy pages are redirects to what replaced them.
	for path, want := range map[string]string{
		"/movies/legacy":                     "/movies",
		"/movies/legacy?genres=drama&page=2": "/movies?genres=drama&page=2",
		"/movies/" + slug + "/legacy":        "/movies/" + slug,
		fmt.Sprintf("/movies/%d/legacy", id): fmt.Sprintf("/movies/%d", id),
		"/movies/" + slug + "/metrics":       "/movies/" + slug,
	} {
		if r := a.env.Get(path); r.Status != http.StatusFound || r.Header.Get("Location") != want {
			t.Errorf("%s: %d %v, want 302 to %s", path, r.Status, r.Header, want)
		}
	}
	a.env.Get("/movies/" + slug + "/metrics")
	if p := a.env.Get("/movies/" + slug); !strings.Contains(p.Body, "metrics page is not available here") {
		t.Errorf("the show page after /metrics shows no flash:\n%s", p.Body)
	}
	if r := a.env.Get("/movies/999999999999"); r.Status != http.StatusNotFound {
		t.Errorf("/movies/<unknown id>: %d", r.Status)
	}
	// The live page: list toggles are links, events too.
	v := a.env.Live("/movies/" + slug)
	if err := v.Click("#how-scored"); err != nil {
		t.Fatal(err)
	}
	if !v.Has("#scoring.is-open") {
		t.Errorf("score modal closed")
	}
	v.HookPush("close_overlays", nil)
	if v.Has("#scoring.is-open") {
		t.Errorf("Escape leaves the score modal open")
	}
	// Live navigation back to the index, in the same live session.
	if err := v.Click("#back-to-movies"); err != nil {
		t.Fatal(err)
	}
	if got := v.URL(); got != "/movies" {
		t.Errorf("back link: %s", got)
	}
	a.check(t, v, "/movies")
}

// The /movies-v2 alias keeps its controls on /movies-v2 (B13 fixed), and
// a plain GET form submission is answered with its canonical URL.
func TestAliasAndPlainForms(t *testing.T) {
	a := newApp(t, seeded(t), movies.Config{})
	v := a.env.Live("/movies-v2")
	a.step(t, v, "#sort-title", "/movies-v2?page=1&sort=title_desc")
	for _, c := range []struct{ path, want string }{
		{"/movies?_f=1&page=1&search=+the+&sort=score_desc", "/movies?page=1&search=the&sort=score_desc"},
		{"/movies?_f=1&genres=drama&lists[]=&lists[]=criterion&lists[]=1001_movies&festivals[]=&show_unreleased=&show_unreleased=true&page=1", ""},
		{"/movies-v2?_f=1&search=", "/movies-v2"},
	} {
		r := a.env.Get(c.path)
		if r.Status != http.StatusFound {
			t.Fatalf("%s: status %d", c.path, r.Status)
		}
		want := c.want
		if want == "" {
			u, _ := url.Parse(c.path)
			p := u.Query()
			p.Del("_f")
			var err error
			if want, err = a.store.Canonicalize(context.Background(), "/movies", p); err != nil {
				t.Fatal(err)
			}
		}
		if got := r.Header.Get("Location"); got != want {
			t.Errorf("%s: Location %s, want %s", c.path, got, want)
		}
	}
}

// With the database down, the index shows its error state (never a blank
// page or a crash) and the show page the engine's "unavailable" error.
func TestDatabaseDown(t *testing.T) {
	a := newApp(t, "postgres://golive@127.0.0.1:1/none?connect_timeout=1", movies.Config{QueryTimeout: time.Second})
	p := dead{a.env.Get("/movies?genres=drama")}
	if p.Status != http.StatusOK || !p.Has("#results-error #retry") || p.Text("#hero-count") != "—" || !p.Has("#search-form") {
		t.Fatalf("index with the database down: %d\n%s", p.Status, p.Body)
	}
	v := a.env.Live("/movies?genres=drama")
	if !v.Has("#results-error") || !v.Has("#retry-in") {
		t.Fatalf("connected index with the database down:\n%s", v.HTML())
	}
	s := a.env.Get("/movies/some-movie")
	if s.Status != http.StatusInternalServerError || !strings.Contains(s.Body, `data-live-error="unavailable"`) {
		t.Errorf("show page with the database down: %d\n%s", s.Status, s.Body)
	}
	if !strings.Contains(a.logs.String(), "genres=drama") {
		t.Errorf("the failure is not logged with its parameters:\n%s", a.logs.String())
	}
}

// /movies/tmdb/:id and /movies/imdb/:id: found → the show page; a bad or
// unknown id → /movies with the reason as a flash.
func TestExternalIDRedirects(t *testing.T) {
	a := newApp(t, seeded(t), movies.Config{})
	const slug = "golden-trio-genres-2010"
	var tmdb int64
	var imdb *string
	if err := a.store.Pool().QueryRow(context.Background(), "SELECT tmdb_id, imdb_id FROM movies WHERE slug = $1", slug).Scan(&tmdb, &imdb); err != nil {
		t.Fatal(err)
	}
	if r := a.env.Get(fmt.Sprintf("/movies/tmdb/%d", tmdb)); r.Status != http.StatusFound || r.Header.Get("Location") != "/movies/"+slug {
		t.Errorf("tmdb found: %d %v", r.Status, r.Header)
	}
	if imdb != nil && *imdb != "" {
		if r := a.env.Get("/movies/imdb/" + *imdb); r.Status != http.StatusFound || r.Header.Get("Location") != "/movies/"+slug {
			t.Errorf("imdb found: %d %v", r.Status, r.Header)
		}
	}
	for path, says := range map[string]string{
		"/movies/imdb/nm123":       "Invalid IMDb ID format",
		"/movies/imdb/tt999999999": "Movie not found (imdb tt999999999)",
		"/movies/tmdb/abc":         "Invalid TMDb ID: abc",
		"/movies/tmdb/987654321":   "Movie not found (tmdb 987654321)",
	} {
		r := a.env.Get(path)
		if r.Status != http.StatusFound || r.Header.Get("Location") != "/movies" {
			t.Errorf("%s: %d %v", path, r.Status, r.Header)
			continue
		}
		// The flash travels in a cookie to the next page of this browser.
		if got := a.env.Get("/movies").Text("#flash-error"); !strings.Contains(got, says) {
			t.Errorf("%s: flash on /movies = %q, want %q", path, got, says)
		}
	}
}
