package web_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
	"github.com/cortex-cinegraph/golive/movies/sample"
)

// meta is the SEO metadata of a dead render, as parsed from its head.
type meta struct {
	description, canonical string
	og                     map[string]string
	ogOrder                []string
}

func headMeta(t *testing.T, p dead) meta {
	t.Helper()
	m := meta{og: map[string]string{}}
	if d := p.attrs("head meta[name=description]", "content"); len(d) == 1 {
		m.description = d[0]
	} else if len(d) > 1 {
		t.Errorf("%d descriptions", len(d))
	}
	if c := p.attrs("head link[rel=canonical]", "href"); len(c) == 1 {
		m.canonical = c[0]
	} else if len(c) > 1 {
		t.Errorf("%d canonical links", len(c))
	}
	props, contents := p.attrs("head meta[property]", "property"), p.attrs("head meta[property]", "content")
	if len(props) != len(contents) {
		t.Fatalf("meta properties %q, contents %q", props, contents)
	}
	for i, k := range props {
		m.og[k] = contents[i]
		m.ogOrder = append(m.ogOrder, k)
	}
	return m
}

// want checks the description, canonical URL and Open Graph tags (an
// empty og:image means none).
func (m meta) want(t *testing.T, what, description, canonical, title, ogType, image string) {
	t.Helper()
	if m.description != description {
		t.Errorf("%s: description %q, want %q", what, m.description, description)
	}
	if m.canonical != canonical || m.og["og:url"] != canonical {
		t.Errorf("%s: canonical %q, og:url %q, want %q", what, m.canonical, m.og["og:url"], canonical)
	}
	want := map[string]string{"og:site_name": "Cinegraph", "og:title": title, "og:description": description, "og:type": ogType, "og:url": canonical}
	if image != "" {
		want["og:image"] = image
	}
	for k, v := range want {
		if m.og[k] != v {
			t.Errorf("%s: %s %q, want %q", what, k, m.og[k], v)
		}
	}
	if len(m.og) != len(want) {
		t.Errorf("%s: Open Graph tags %q, want %v", what, m.ogOrder, want)
	}
}

// SEO metadata of the dead renders: the show page, the index, the person
// page.
func TestSEOMeta(t *testing.T) {
	a := newApp(t, seeded(t), movies.Config{})
	// A generated movie with a poster and an overview, by its slug and by
	// the /movies-v2 alias: one canonical URL.
	for _, path := range []string{"/movies/azure-summer-in-tokyo-1915", "/movies-v2/azure-summer-in-tokyo-1915"} {
		p := dead{a.env.Get(path)}
		if p.Status != http.StatusOK {
			t.Fatalf("%s: %d", path, p.Status)
		}
		headMeta(t, p).want(t, path, "On the last night of summer, a crew sets out on a voyage with no return.",
			"http://example.com/movies/azure-summer-in-tokyo-1915", "Azure Summer in Tokyo (1915)", "video.movie",
			"https://image.tmdb.org/t/p/w500/p1fb1fc0b05.jpg")
	}
	p := dead{a.env.Get("/movies/golden-trio-genres-2010")}
	headMeta(t, p).want(t, "golden-trio", "drama+comedy+romance; Ada and Bo together",
		"http://example.com/movies/golden-trio-genres-2010", "Golden Trio Genres (2010)", "video.movie", "https://image.tmdb.org/t/p/w500/golden7.jpg")
	// The index: the count of the query, the canonical URL of the filters
	// on /movies without the default page.
	total := a.search(t, "/movies").Total
	headMeta(t, dead{a.env.Get("/movies")}).want(t, "/movies", thousands(total)+" films across canonical lists, festivals, and critical canon.",
		"http://example.com/movies", "Movies", "website", "")
	drama := a.search(t, "/movies?genres=drama").Total
	headMeta(t, dead{a.env.Get("/movies-v2?page=1&genres=Drama")}).want(t, "/movies-v2?genres", thousands(drama)+" films across canonical lists, festivals, and critical canon.",
		"http://example.com/movies?genres=drama", "Movies", "website", "")
	// The person page.
	headMeta(t, dead{a.env.Get("/people/cy-golden")}).want(t, "cy-golden",
		"Cy Golden (Directing): 3 films on Cinegraph, including Golden Cannes Winner (2014), Golden Solo Comedy (2012), Golden Trio Genres (2010).",
		"http://example.com/people/cy-golden", "Cy Golden", "profile", "")
	// A person with a profile photo: og:image is its large size.
	ulla, err := a.store.Person(context.Background(), "1")
	if err != nil {
		t.Fatal(err)
	}
	m := headMeta(t, dead{a.env.Get("/people/" + ulla.Slug)})
	if m.og["og:image"] != "https://image.tmdb.org/t/p/h632/pp73008a.jpg" || m.og["og:type"] != "profile" || m.canonical != "http://example.com/people/"+ulla.Slug {
		t.Errorf("person with a photo: %+v", m)
	}
}

// Titles, overviews and names with quotes and markup are escaped in the
// head (and read back intact).
func TestSEOMetaEscaped(t *testing.T) {
	dsn := pgtest.Seeded(t, migrate)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	const (
		title    = `Say "Hi" <b>& Bye</b>`
		overview = `It's "quoted" </title><script>alert(1)</script> & <i>more</i>`
		name     = `Ann "The <Star>" O'Neil`
	)
	if _, err := conn.Exec(ctx, `UPDATE movies SET title = $1, overview = $2, poster_path = 'x"y<z>.jpg' WHERE id = $3`,
		title, overview, golden("golden-2003")); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `UPDATE people SET name = $1 WHERE id = $2`, name, sample.GoldenCy); err != nil {
		t.Fatal(err)
	}
	// Without an overview the description is made of the page's facts;
	// without a poster there is no og:image.
	if _, err := conn.Exec(ctx, `UPDATE movies SET overview = NULL, poster_path = NULL WHERE id = ANY($1)`,
		[]int64{golden("golden-solo-comedy-2012"), golden("golden-duo-genres-2011")}); err != nil {
		t.Fatal(err)
	}
	// A person without a slug is served by id, not redirected.
	if _, err := conn.Exec(ctx, `UPDATE people SET slug = NULL WHERE id = $1`, sample.GoldenBo); err != nil {
		t.Fatal(err)
	}
	a := newApp(t, dsn, movies.Config{})
	p := dead{a.env.Get("/movies/golden-2003")}
	for _, bad := range []string{"<script>alert", "<b>&", "<i>more", `x"y<z>`} {
		if strings.Contains(p.Body, bad) {
			t.Errorf("show page: %q unescaped:\n%s", bad, p.Body)
		}
	}
	headMeta(t, p).want(t, "escaped show page", overview, "http://example.com/movies/golden-2003", title+" (2003)", "video.movie",
		`https://image.tmdb.org/t/p/w500/x"y<z>.jpg`)
	if got := p.Title(); got != title+" (2003) · Cinegraph" {
		t.Errorf("title %q", got)
	}
	headMeta(t, dead{a.env.Get("/movies/golden-duo-genres-2011")}).want(t, "no overview, no poster",
		"Golden Duo Genres (2011): score, cast, crew, awards and lists on Cinegraph.",
		"http://example.com/movies/golden-duo-genres-2011", "Golden Duo Genres (2011)", "video.movie", "")
	headMeta(t, dead{a.env.Get("/movies/golden-solo-comedy-2012")}).want(t, "no overview, a director",
		"Golden Solo Comedy (2012), directed by "+name+": score, cast, crew, awards and lists on Cinegraph.",
		"http://example.com/movies/golden-solo-comedy-2012", "Golden Solo Comedy (2012)", "video.movie", "")
	pp := dead{a.env.Get("/people/cy-golden")}
	if strings.Contains(pp.Body, "<Star>") {
		t.Errorf("person page: name unescaped:\n%s", pp.Body)
	}
	if m := headMeta(t, pp); m.og["og:title"] != name || !strings.HasPrefix(m.description, name+" (Directing)") || pp.Title() != name+" · Cinegraph" {
		t.Errorf("person page meta: %+v, title %q", m, pp.Title())
	}
	bo := a.env.Get(fmt.Sprint("/people/", sample.GoldenBo))
	if bo.Status != http.StatusOK || bo.Text("#person-name") != "Bo Golden" {
		t.Errorf("person without a slug, by id: %d\n%s", bo.Status, bo.Body)
	}
	if m := headMeta(t, dead{bo}); m.canonical != fmt.Sprint("http://example.com/people/", sample.GoldenBo) {
		t.Errorf("person without a slug: canonical %q", m.canonical)
	}
	// The show page links the person by id too.
	trio := dead{a.env.Get("/movies/golden-trio-genres-2010")}
	if got := trio.attrs("#cast .person-link", "href"); !slices.Equal(got, []string{"/people/ada-golden", fmt.Sprint("/people/", sample.GoldenBo)}) {
		t.Errorf("cast links: %q", got)
	}
}

// The show page's Collabs and Related sections (movies.Connections), its
// section nav (exactly the sections shown) and the people links.
func TestShowSections(t *testing.T) {
	a := newApp(t, seeded(t), movies.Config{})
	p := dead{a.env.Get("/movies/golden-trio-genres-2010")}
	checkNav(t, p, []string{"score", "watch", "cast", "crew", "studios", "awards", "lists", "collabs", "video", "keywords", "releases", "related"})
	collab := fmt.Sprintf("#collab-%d-%d", sample.GoldenCy, sample.GoldenBo)
	if got := p.Texts(collab + " p"); !slices.Equal(got, []string{"Cy Golden Director & Bo Golden as Golden Role", "2 films together", "Also: Golden Solo Comedy (2012)"}) {
		t.Errorf("collab: %q", got)
	}
	if got := p.attrs(collab+" a", "href"); !slices.Equal(got, []string{"/people/cy-golden", "/people/bo-golden", "/movies/golden-solo-comedy-2012"}) {
		t.Errorf("collab links: %q", got)
	}
	if got := p.Texts("#related .related-title"); !slices.Equal(got, []string{"Golden Solo Comedy", "Golden Duo Genres", "Golden Cannes Winner"}) {
		t.Errorf("related: %q", got)
	}
	if got := p.Texts("#related .related p.text-xs"); len(got) != 3 || got[0] != "2012 · 2 shared people · 1 shared genre" {
		t.Errorf("related lines: %q", got)
	}
	if got := p.attrs("#cast .person-link", "href"); !slices.Equal(got, []string{"/people/ada-golden", "/people/bo-golden"}) {
		t.Errorf("cast links: %q", got)
	}
	if got := p.attrs("#crew .person-link", "href"); !slices.Equal(got, []string{"/people/cy-golden"}) {
		t.Errorf("crew links: %q", got)
	}
	// Ada's other film shares no pair: related only.
	checkNav(t, dead{a.env.Get("/movies/golden-duo-genres-2011")}, []string{"score", "watch", "cast", "crew", "studios", "awards", "lists", "releases", "related"})
	// No credits: neither.
	checkNav(t, dead{a.env.Get("/movies/golden-2003")}, []string{"score", "watch", "cast", "crew", "studios", "awards", "lists", "releases"})
	// The collabs of a generated movie are the store's.
	c, err := a.store.Connections(context.Background(), 1)
	if err != nil || len(c.Collabs) == 0 {
		t.Fatalf("movie 1 has no collabs: %+v %v", c, err)
	}
	g := dead{a.env.Get("/movies/azure-summer-in-tokyo-1915")}
	if got := g.Texts("#collabs .collab-count"); len(got) != len(c.Collabs) || got[0] != fmt.Sprintf("%d films together", c.Collabs[0].Films) {
		t.Errorf("movie 1 collabs: %q, store %+v", got, c.Collabs)
	}
}

// checkNav checks that the section nav links, in order, exactly the
// page's sections.
func checkNav(t *testing.T, p dead, want []string) {
	t.Helper()
	var hrefs []string
	for _, id := range want {
		hrefs = append(hrefs, "#"+id)
	}
	if got := p.attrs("#movie-sections a", "href"); !slices.Equal(got, hrefs) {
		t.Errorf("nav %q, want %q", got, hrefs)
	}
	if got := p.attrs("#movie-page section", "id"); !slices.Equal(got, want) {
		t.Errorf("sections %q, want %q", got, want)
	}
}

// The person page, its routes and headers, and live navigation between
// show and person pages.
func TestPersonPage(t *testing.T) {
	a := newApp(t, seeded(t), movies.Config{})
	p := dead{a.env.Get("/people/cy-golden")}
	if p.Status != http.StatusOK || p.Text("#person-name") != "Cy Golden" || p.Text("#person-known-for") != "Known for Directing" || p.Text("#person-films") != "3 films" {
		t.Fatalf("person page: %d\n%s", p.Status, p.Body)
	}
	if got := p.Title(); got != "Cy Golden · Cinegraph" {
		t.Errorf("title %q", got)
	}
	if got := p.attrs("#person-sections a", "href"); !slices.Equal(got, []string{"#directing"}) || p.Has("#cast") || p.Has("#crew") {
		t.Errorf("groups: %q", got)
	}
	if got := p.Texts("#directing .film-link"); !slices.Equal(got, []string{"Golden Cannes Winner", "Golden Solo Comedy", "Golden Trio Genres"}) {
		t.Errorf("directing: %q", got)
	}
	if got := p.attrs("#directing .film-link", "href"); !slices.Equal(got, []string{"/movies/golden-cannes-winner", "/movies/golden-solo-comedy-2012", "/movies/golden-trio-genres-2010"}) {
		t.Errorf("directing links: %q", got)
	}
	if got := p.Texts("#directing .film-year"); !slices.Equal(got, []string{"2014", "2012", "2010"}) {
		t.Errorf("directing years: %q", got)
	}
	ada := dead{a.env.Get("/people/ada-golden")}
	if got := ada.Texts("#cast .film-role"); !slices.Equal(got, []string{"Golden Role", "Golden Role"}) || ada.Has("#person-photo") {
		t.Errorf("ada: %q", got)
	}
	// A busy generated person: a photo, every group, 24 films shown per
	// group until "Show all".
	ulla, err := a.store.Person(context.Background(), "1")
	if err != nil || len(ulla.Cast) <= 24 {
		t.Fatalf("person 1: %d cast credits, %v", len(ulla.Cast), err)
	}
	path := "/people/" + ulla.Slug
	u := dead{a.env.Get(path)}
	if got := u.attrs("#person-photo", "src"); !slices.Equal(got, []string{"https://image.tmdb.org/t/p/w185/pp73008a.jpg"}) {
		t.Errorf("photo %q", got)
	}
	if u.Count("#cast .person-film") != 24 || u.Text("#toggle-cast") != fmt.Sprintf("Show all %d (%d more)", len(ulla.Cast), len(ulla.Cast)-24) {
		t.Errorf("cast before Show all: %d, %q", u.Count("#cast .person-film"), u.Text("#toggle-cast"))
	}
	// Headers, 404, the SEO redirect of /people/<digits>.
	for _, path := range []string{"/people/cy-golden", "/people/no-such-person"} {
		h := a.env.Get(path).Header
		if h.Get("Cache-Control") != "private, no-store, no-cache, must-revalidate, max-age=0" || h.Get("Pragma") != "no-cache" || h.Get("Expires") != "-1" {
			t.Errorf("%s: cache headers %v", path, h)
		}
	}
	if r := a.env.Get("/people/no-such-person"); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "person not found") {
		t.Errorf("unknown person: %d\n%s", r.Status, r.Body)
	}
	r := a.env.Get(fmt.Sprint("/people/", sample.GoldenAda))
	if r.Status != http.StatusMovedPermanently || r.Header.Get("Location") != "/people/ada-golden" || r.Header.Get("Cache-Control") != "public, max-age=86400" {
		t.Errorf("/people/<id>: %d %v", r.Status, r.Header)
	}
	if r := a.env.Get("/people/999999999999"); r.Status != http.StatusNotFound {
		t.Errorf("/people/<unknown id>: %d", r.Status)
	}

	// Live: Show all is a patch; show page → person → movie is live
	// navigation in one live session.
	v := a.env.Live(path)
	if err := v.Click("#toggle-cast"); err != nil {
		t.Fatal(err)
	}
	if v.URL() != path+"?cast=all" || v.Count("#cast .person-film") != len(ulla.Cast) {
		t.Errorf("Show all: %s, %d films", v.URL(), v.Count("#cast .person-film"))
	}
	v = a.env.Live("/movies/golden-trio-genres-2010")
	// Each click must be live navigation: a join on the same socket, not a
	// refused one that asks for a page load.
	click := func(sel string) {
		t.Helper()
		if err := v.Click(sel); err != nil {
			t.Fatal(err)
		}
		if to, ok := v.Redirected(); ok || !v.Connected() {
			t.Fatalf("click %s: not live navigation (redirected to %q, connected %v)", sel, to, v.Connected())
		}
	}
	click("#cast .person-link[href='/people/ada-golden']")
	if v.URL() != "/people/ada-golden" || v.Text("#person-name") != "Ada Golden" || v.Title() != "Ada Golden · Cinegraph" {
		t.Fatalf("after clicking Ada: %s %q %q", v.URL(), v.Text("#person-name"), v.Title())
	}
	click(fmt.Sprintf("#cast-film-%d a", golden("golden-duo-genres-2011")))
	if v.URL() != "/movies/golden-duo-genres-2011" || v.Text("#movie-title") != "Golden Duo Genres" {
		t.Fatalf("after clicking a film: %s %q", v.URL(), v.Text("#movie-title"))
	}
	click("#related a")
	if v.URL() != "/movies/golden-trio-genres-2010" || v.Text("#movie-title") != "Golden Trio Genres" {
		t.Fatalf("after clicking a related movie: %s", v.URL())
	}
	click(fmt.Sprintf("#collab-%d-%d .collab-film", sample.GoldenCy, sample.GoldenBo))
	if v.URL() != "/movies/golden-solo-comedy-2012" {
		t.Fatalf("after clicking a collab film: %s", v.URL())
	}
}
