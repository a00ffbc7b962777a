package web_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/live/livetest"
	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
	"github.com/cortex-cinegraph/golive/movies/sample"
)

// sectionsSlug is sample.GoldenSections's slug.
const sectionsSlug = "golden-trio-genres-2010"

// The Watch, Video and keyword sections of the golden movie with
// hand-written rows: the dead render is for the US (no locale yet), with
// the offers grouped, links to TMDb's watch page, the region menu; the
// videos best trailer first with YouTube links and thumbnails (no
// iframe); the keywords as plain chips.
func TestShowWatchVideoKeywords(t *testing.T) {
	a := newApp(t, seeded(t), movies.Config{})
	if golden(sectionsSlug) != sample.GoldenSections {
		t.Fatalf("%s is not sample.GoldenSections", sectionsSlug)
	}
	p := dead{a.env.Get("/movies/" + sectionsSlug)}
	if got := p.Texts("#watch .watch-group h3"); !slices.Equal(got, []string{"Stream", "Rent", "Buy"}) {
		t.Errorf("offer groups %q", got)
	}
	if got := p.Texts("#watch-flatrate .provider-name"); !slices.Equal(got, []string{"Reelstream", "Lanternflix"}) {
		t.Errorf("stream providers %q", got)
	}
	const link = "https://www.themoviedb.org/movie/900000007/watch?locale=US"
	if got := p.attrs("#watch-link", "href"); !slices.Equal(got, []string{link}) {
		t.Errorf("watch link %q", got)
	}
	if got := p.attrs("#watch-flatrate-1 a", "href"); !slices.Equal(got, []string{link}) {
		t.Errorf("provider link %q", got)
	}
	if got := p.attrs("#watch-flatrate-1 img", "src"); !slices.Equal(got, []string{"https://image.tmdb.org/t/p/w92/p/reelstream.png"}) {
		t.Errorf("logo %q", got)
	}
	if got := p.attrs("#watch-region option[selected]", "value"); !slices.Equal(got, []string{"US"}) {
		t.Errorf("selected region %q", got)
	}
	if got := p.attrs("#watch-region option", "value"); !slices.Equal(got, []string{"BR", "FR", "DE", "JP", "GB", "US"}) {
		t.Errorf("region menu %q", got)
	}
	if got := p.Texts("#video .video-name"); !slices.Equal(got, []string{"Official Trailer", "Fan Trailer", "Golden Teaser"}) {
		t.Errorf("videos %q", got)
	}
	if got := p.attrs("#video-0 a", "href"); !slices.Equal(got, []string{"https://www.youtube.com/watch?v=goldtrailer"}) {
		t.Errorf("trailer link %q", got)
	}
	if got := p.attrs("#video-0 img", "src"); len(got) != 1 || !strings.Contains(got[0], "/goldtrailer/") {
		t.Errorf("trailer thumbnail %q", got)
	}
	if p.Has("iframe") {
		t.Errorf("the page embeds an iframe")
	}
	if got := p.Texts("#keywords .keyword"); !slices.Equal(got, []string{"friendship", "time travel"}) || p.Has("#keywords a") {
		t.Errorf("keyword chips %q (plain, no links: the index has no keyword filter)", got)
	}
	// GB: an offer without a link renders no anchor, and no empty href
	// anywhere.
	g := dead{a.env.Get("/movies/" + sectionsSlug + "?region=gb")}
	if got := g.Texts("#watch .provider-name"); !slices.Equal(got, []string{"Northlight+"}) || g.Has("#watch a") || g.Has("#watch img") {
		t.Errorf("GB: %q\n%s", got, g.ViewHTML())
	}
	if strings.Contains(g.Body, `href=""`) {
		t.Errorf("an empty href in the GB page")
	}
	// DE: nothing.
	d := dead{a.env.Get("/movies/" + sectionsSlug + "?region=DE")}
	if got := d.Text("#watch-none"); got != "Not available to stream in Germany." || d.Has("#watch-offers") || d.Has("#watch-link") {
		t.Errorf("DE: %q", got)
	}
	// A bad region is ignored (US), a region without providers named by
	// its code and added to the menu.
	b := dead{a.env.Get("/movies/" + sectionsSlug + "?region=12")}
	if !slices.Equal(b.attrs("#watch", "data-region"), []string{"US"}) {
		t.Errorf("?region=12: %q", b.attrs("#watch", "data-region"))
	}
	n := dead{a.env.Get("/movies/" + sectionsSlug + "?region=NZ")}
	if n.Text("#watch-none") != "Not available to stream in NZ." || !slices.Equal(n.attrs("#watch-region option[selected]", "value"), []string{"NZ"}) {
		t.Errorf("NZ: %q %q", n.Text("#watch-none"), n.attrs("#watch-region option[selected]", "value"))
	}
	// The region form works without the live connection: a GET form
	// carrying the page's other params.
	c := dead{a.env.Get("/movies/" + sectionsSlug + "?cast=all")}
	if got := c.attrs("#watch-region-form input[type=hidden]", "name"); !slices.Equal(got, []string{"cast"}) ||
		!slices.Equal(c.attrs("#watch-region-form", "action"), []string{"/movies/" + sectionsSlug + "#watch"}) {
		t.Errorf("region form: hidden %q action %q", got, c.attrs("#watch-region-form", "action"))
	}
}

// A generated movie's sections are the store's.
func TestShowSectionsGenerated(t *testing.T) {
	a := newApp(t, seeded(t), movies.Config{})
	ctx := context.Background()
	checked := 0
	for id := int64(1); id <= 40; id++ {
		m, err := a.store.Movie(ctx, fmt.Sprint(id))
		if err != nil {
			t.Fatal(err)
		}
		media, err := a.store.Media(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		av, err := a.store.Availability(ctx, id, "US")
		if err != nil {
			t.Fatal(err)
		}
		p := dead{a.env.Get(movies.FilmRef{ID: id, Slug: m.Slug}.Href())}
		var names, kws []string
		for _, v := range media.Videos {
			names = append(names, v.Name)
		}
		for _, k := range media.Keywords {
			kws = append(kws, k.Name)
		}
		var providers []string
		for _, g := range av.Groups {
			for _, o := range g.Offers {
				providers = append(providers, o.Name)
			}
		}
		if got := p.Texts("#video .video-name"); !slices.Equal(got, names) {
			t.Errorf("movie %d videos %q, want %q", id, got, names)
		}
		if got := p.Texts("#keywords .keyword"); !slices.Equal(got, kws) {
			t.Errorf("movie %d keywords %q, want %q", id, got, kws)
		}
		if got := p.Texts("#watch .provider-name"); !slices.Equal(got, providers) {
			t.Errorf("movie %d providers %q, want %q", id, got, providers)
		}
		if p.Has("#watch-none") != av.Empty() || p.Has("#watch-link") != (av.Link != "") || strings.Contains(p.Body, `href=""`) {
			t.Errorf("movie %d: none %v link %v", id, p.Has("#watch-none"), p.Has("#watch-link"))
		}
		if len(names) > 0 && len(kws) > 0 && len(providers) > 0 {
			checked++
		}
	}
	if checked < 3 {
		t.Errorf("only %d of the first 40 movies have all three sections", checked)
	}
}

// Connected, the region comes from the browser's locale (a connect
// param) unless the URL names one; the region menu patches ?region= and
// the section follows, over the live connection.
func TestShowRegionLive(t *testing.T) {
	a := newApp(t, seeded(t), movies.Config{}, livetest.WithConnectParams(map[string]any{"browser_locale": "en-GB", "timezone": "Europe/London"}))
	path := "/movies/" + sectionsSlug
	v := a.env.Live(path)
	if got := v.Attrs("#watch", "data-region"); !slices.Equal(got, []string{"GB"}) || v.Text("#watch .provider-name") != "Northlight+" {
		t.Fatalf("locale en-GB: region %q\n%s", got, v.HTML())
	}
	if err := v.Change("#watch-region-form", url.Values{"region": {"DE"}}); err != nil {
		t.Fatal(err)
	}
	if v.URL() != path+"?region=DE" || v.Text("#watch-none") != "Not available to stream in Germany." {
		t.Fatalf("after choosing DE: %s %q", v.URL(), v.Text("#watch-none"))
	}
	if got := v.Attrs("#watch-region option[selected]", "value"); !slices.Equal(got, []string{"DE"}) {
		t.Errorf("selected after DE: %q", got)
	}
	if err := v.Change("#watch-region-form", url.Values{"region": {"US"}}); err != nil {
		t.Fatal(err)
	}
	if v.URL() != path+"?region=US" || !slices.Equal(v.Texts("#watch-flatrate .provider-name"), []string{"Reelstream", "Lanternflix"}) {
		t.Fatalf("after choosing US: %s %q", v.URL(), v.Texts("#watch .provider-name"))
	}
	// Other params survive the change; a bad value is ignored, logged.
	v = a.env.Live(path + "?cast=all&region=jp")
	if got := v.Attrs("#watch", "data-region"); !slices.Equal(got, []string{"JP"}) {
		t.Errorf("?region=jp over the locale: %q", got)
	}
	if err := v.Change("#watch-region-form", url.Values{"region": {"FR"}}); err != nil {
		t.Fatal(err)
	}
	if v.URL() != path+"?cast=all&region=FR" {
		t.Errorf("after FR: %s", v.URL())
	}
	v.HookPush("change_availability_region", map[string]string{"region": "nowhere"})
	if v.URL() != path+"?cast=all&region=FR" || !strings.Contains(a.logs.String(), "change_availability_region without a valid region") {
		t.Errorf("bad region: %s\n%s", v.URL(), a.logs.String())
	}
	// A locale without a region: US.
	b := newApp(t, seeded(t), movies.Config{}, livetest.WithConnectParams(map[string]any{"browser_locale": "fr"}))
	if got := b.env.Live(path).Attrs("#watch", "data-region"); !slices.Equal(got, []string{"US"}) {
		t.Errorf("locale fr: %q", got)
	}
}

// When the videos/keywords or watch-provider queries fail, the page is
// shown without those sections (and the nav without their entries), and
// the failures are logged.
func TestShowSectionsFail(t *testing.T) {
	dsn := pgtest.Seeded(t, migrate)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "ALTER TABLE movie_videos RENAME TO gone_videos; ALTER TABLE movie_watch_providers RENAME TO gone_offers"); err != nil {
		t.Fatal(err)
	}
	a := newApp(t, dsn, movies.Config{})
	p := dead{a.env.Get("/movies/" + sectionsSlug)}
	if p.Status != 200 || p.Text("#movie-title") != "Golden Trio Genres" {
		t.Fatalf("status %d", p.Status)
	}
	checkNav(t, p, []string{"score", "cast", "crew", "studios", "awards", "lists", "collabs", "releases", "related"})
	for _, want := range []string{"loading videos and keywords failed", "loading watch providers failed"} {
		if !strings.Contains(a.logs.String(), want) {
			t.Errorf("not logged: %q\n%s", want, a.logs.String())
		}
	}
}

// longOverview is 70 words: the show page cuts it after the 60th.
var longOverview = strings.TrimSpace(strings.Repeat("Word ", 58) + "sixtieth  word\tthen ten more words to be hidden until the reader asks.")

// The overview toggle and the "In theaters" band, on a database of the
// test's own: the trio (sample.GoldenSections) gets a 70-word overview
// and fresh now-playing stamps for GB and US (a stale one for DE); the
// duo only a fresh global stamp; the solo comedy a stale one. Dead: the
// overview cut with a "Show more" link to ?overview=full. Live: the link
// and the toggle_overview event patch it in and out, other params kept.
func TestShowOverviewAndTheaters(t *testing.T) {
	dsn := pgtest.Seeded(t, migrate)
	pgtest.Exec(t, dsn, `
		UPDATE movies SET overview = $1, now_playing_last_seen = now() AT TIME ZONE 'UTC',
			now_playing_region_last_seen = jsonb_build_object(
				'US', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
				'GB', to_char((now() AT TIME ZONE 'UTC') - interval '2 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
				'DE', to_char((now() AT TIME ZONE 'UTC') - interval '4 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
			WHERE id = $2`, longOverview, sample.GoldenSections)
	pgtest.Exec(t, dsn, `UPDATE movies SET now_playing_last_seen = (now() AT TIME ZONE 'UTC') - interval '1 day' WHERE slug = 'golden-duo-genres-2011';
		UPDATE movies SET now_playing_last_seen = (now() AT TIME ZONE 'UTC') - interval '80 hours' WHERE slug = 'golden-solo-comedy-2012'`)
	a := newApp(t, dsn, movies.Config{})
	path := "/movies/" + sectionsSlug
	words := strings.Fields(longOverview)
	cut := strings.Join(words[:60], " ") + "…"
	if !strings.HasSuffix(cut, "sixtieth word…") {
		t.Fatalf("the test's overview is not cut after its 60th word: %q", cut)
	}
	p := dead{a.env.Get(path)}
	if got := p.Text("#movie-overview-text"); got != cut {
		t.Errorf("dead overview %q, want %q", got, cut)
	}
	if p.Text("#toggle-overview") != "Show more" || !slices.Equal(p.attrs("#toggle-overview", "href"), []string{path + "?overview=full"}) {
		t.Errorf("toggle %q %q", p.Text("#toggle-overview"), p.attrs("#toggle-overview", "href"))
	}
	f := dead{a.env.Get(path + "?cast=all&overview=full")}
	if f.Text("#movie-overview-text") != strings.Join(words, " ") || f.Text("#toggle-overview") != "Show less" ||
		!slices.Equal(f.attrs("#toggle-overview", "href"), []string{path + "?cast=all"}) {
		t.Errorf("?overview=full: %q %q %q", f.Text("#movie-overview-text"), f.Text("#toggle-overview"), f.attrs("#toggle-overview", "href"))
	}
	// The band: fresh regions only, sorted, with the showtimes link.
	const showtimes = "https://wombie.com/movies/golden-trio-genres-2010-900000007?utm_source=cinegraph&utm_medium=referral&utm_campaign=movie_show"
	if p.Text("#in-theaters-title") != "In Theaters Now" || p.Text("#in-theaters-line") != "Currently showing in 2 countries based on TMDB data" ||
		!slices.Equal(p.Texts("#in-theaters .theater-region-code"), []string{"GB", "US"}) || p.Text("#theater-region-GB") != "🇬🇧 GB" ||
		!slices.Equal(p.attrs("#showtimes-link", "href"), []string{showtimes}) {
		t.Errorf("band: %q %q %q %q %q", p.Text("#in-theaters-title"), p.Text("#in-theaters-line"), p.Texts("#in-theaters .theater-region-code"),
			p.Text("#theater-region-GB"), p.attrs("#showtimes-link", "href"))
	}
	// Only the global stamp: the band without regions; a stale one, or
	// none: no band. A short overview has no toggle.
	d := dead{a.env.Get("/movies/golden-duo-genres-2011")}
	if d.Text("#in-theaters-title") != "In Theaters Now" || d.Has("#in-theaters-line") || d.Has(".theater-region") || !d.Has("#showtimes-link") {
		t.Errorf("duo (global stamp only): %q", d.Texts("#in-theaters"))
	}
	if d.Has("#toggle-overview") || d.Text("#movie-overview-text") != "drama+comedy; Ada only" {
		t.Errorf("duo overview: %q, toggle %v", d.Text("#movie-overview-text"), d.Has("#toggle-overview"))
	}
	for _, slug := range []string{"golden-solo-comedy-2012", "golden-tie-a"} {
		if (dead{a.env.Get("/movies/" + slug)}).Has("#in-theaters") {
			t.Errorf("%s: band shown without a fresh stamp", slug)
		}
	}
	// Live: the link, then the event, with ?cast=all kept.
	v := a.env.Live(path + "?cast=all")
	if v.Text("#movie-overview-text") != cut || !slices.Equal(v.Texts("#in-theaters .theater-region-code"), []string{"GB", "US"}) {
		t.Fatalf("live: %q %q", v.Text("#movie-overview-text"), v.Texts("#in-theaters .theater-region-code"))
	}
	if err := v.Click("#toggle-overview"); err != nil {
		t.Fatal(err)
	}
	if v.URL() != path+"?cast=all&overview=full" || v.Text("#movie-overview-text") != strings.Join(words, " ") || v.Text("#toggle-overview") != "Show less" {
		t.Errorf("after Show more: %s %q %q", v.URL(), v.Text("#movie-overview-text"), v.Text("#toggle-overview"))
	}
	v.HookPush("toggle_overview", nil)
	if v.URL() != path+"?cast=all" || v.Text("#movie-overview-text") != cut || v.Text("#toggle-overview") != "Show more" {
		t.Errorf("after toggle_overview: %s %q %q", v.URL(), v.Text("#movie-overview-text"), v.Text("#toggle-overview"))
	}
	v.HookPush("toggle_overview", nil)
	if v.URL() != path+"?cast=all&overview=full" || v.Text("#movie-overview-text") != strings.Join(words, " ") {
		t.Errorf("after toggle_overview again: %s %q", v.URL(), v.Text("#movie-overview-text"))
	}
}
