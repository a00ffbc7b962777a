package web

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/movies"
)

// Show is the read-only show page /movies/:slug (MOVIES.md §8): the movie
// by slug or numeric id, with its score, ratings, cast and crew (linking to
// the people pages), studios, awards, lists, key collaborations, release
// dates and related movies, and its SEO metadata in the dead render.
// Nothing is recomputed or enqueued. An unknown movie is a 404; a database
// failure is an "unavailable" mount error, which the engine shows with a
// retry countdown. Collabs and related movies, the videos and keywords,
// and the watch providers come from further queries; when one fails the
// page is shown without its sections (logged).
//
// The Watch section is for one region: ?region=XX, else the region of the
// browser's locale (the browser_locale connect param the app bundle
// sends; so the dead render, which has none, uses US until the view
// connects), else US. Its region menu sends change_availability_region,
// which patches ?region= into the URL; without the live connection it is
// a GET form.
//
// A long overview (more than 60 words) is cut with a "Show more" link to
// ?overview=full (patched live; the toggle_overview event does the same);
// a movie in theaters (movies.Theaters) gets the "In Theaters Now" band
// with its regions and a Wombie showtimes link.
type Show struct {
	store *movies.Store
	log   *slog.Logger

	slug   string
	path   string
	params url.Values
	m      *movies.MovieDetail
	conn   *movies.Connections  // never nil once loaded
	media  *movies.Media        // nil when its query failed
	avail  *movies.Availability // nil when its query failed
	region string               // the Watch section's region

	fullCast, fullCrew, allReleases bool
	fullOverview                    bool
	scoring                         bool
}

const shortList = 12

// Mount loads the movie.
func (v *Show) Mount(s *live.Socket, p live.Params) error {
	v.slug = p.Get("slug")
	if err := v.load(s); err != nil {
		return err
	}
	if s.Connected() {
		s.Subscribe(v.store.Config().Topic)
	}
	return nil
}

func (v *Show) load(s *live.Socket) error {
	m, err := v.store.Movie(s.Context(), v.slug)
	if errors.Is(err, movies.ErrNotFound) {
		return &live.StatusError{Status: http.StatusNotFound, Err: fmt.Errorf("movie not found: %q", v.slug)}
	}
	if err != nil {
		v.log.Error("movie page: loading the movie failed", "slug", v.slug, "request_id", s.RequestID(), "err", err)
		return fmt.Errorf("loading movie %q: %w: %w", v.slug, live.ErrUnavailable, err)
	}
	conn, err := v.store.Connections(s.Context(), m.ID)
	if err != nil {
		v.log.Warn("movie page: loading collabs and related movies failed; showing the page without them",
			"slug", v.slug, "request_id", s.RequestID(), "err", err)
		conn = &movies.Connections{}
	}
	media, err := v.store.Media(s.Context(), m.ID)
	if err != nil {
		v.log.Warn("movie page: loading videos and keywords failed; showing the page without them",
			"slug", v.slug, "request_id", s.RequestID(), "err", err)
	}
	v.m, v.conn, v.media = m, conn, media
	if v.region != "" {
		v.loadAvailability(s)
	}
	t := v.titleYear()
	s.SetTitle(t + " · " + SiteName)
	s.SetMeta(pageMeta(s, t, v.description(), v.canonicalPath(), "video.movie", m.PosterURL()))
	return nil
}

// loadAvailability loads the watch providers of v.region; a failure leaves
// the page without the Watch section.
func (v *Show) loadAvailability(s *live.Socket) {
	a, err := v.store.Availability(s.Context(), v.m.ID, v.region)
	if err != nil {
		v.log.Warn("movie page: loading watch providers failed; showing the page without them",
			"slug", v.slug, "region", v.region, "request_id", s.RequestID(), "err", err)
		a = nil
	}
	v.avail = a
}

// defaultRegion is the Watch section's region without a choice.
const defaultRegion = "US"

// pickRegion is the Watch section's region: ?region= (any case), else the
// browser locale's region, else US.
func pickRegion(s *live.Socket, q url.Values) string {
	if r := strings.ToUpper(q.Get("region")); movies.ValidRegion(r) {
		return r
	}
	if r := localeRegion(s.ConnectParam("browser_locale")); r != "" {
		return r
	}
	return defaultRegion
}

// localeRegion is the region subtag of a BCP 47 locale ("en-GB" → "GB",
// "zh-Hant-TW" → "TW"), "" without one ("fr").
func localeRegion(locale string) string {
	parts := strings.FieldsFunc(locale, func(r rune) bool { return r == '-' || r == '_' })
	for _, p := range parts[min(1, len(parts)):] {
		if r := strings.ToUpper(p); movies.ValidRegion(r) {
			return r
		}
	}
	return ""
}

// titleYear is "Title (year)", or the title alone without a date.
func (v *Show) titleYear() string {
	if y := v.year(); y != "" {
		return v.m.Title + " (" + y + ")"
	}
	return v.m.Title
}

// canonicalPath is /movies/<slug> (by id without a slug), whichever URL
// (/movies-v2/…, the id) the page was reached by.
func (v *Show) canonicalPath() string {
	return movies.FilmRef{ID: v.m.ID, Slug: v.m.Slug}.Href()
}

// description is the overview, shortened; without one, a line made of
// what the page shows.
func (v *Show) description() string {
	if v.m.Overview != "" {
		return summary(v.m.Overview, descriptionRunes)
	}
	d := v.titleYear()
	if ds := v.directors(); ds != "" {
		d += ", directed by " + ds
	}
	return summary(d+": score, cast, crew, awards and lists on "+SiteName+".", descriptionRunes)
}

// section is an entry of the in-page section nav.
type section struct{ ID, Label string }

// sections are the page's sections in order, exactly those rendered:
// Collabs and Related only when they have entries.
func (v *Show) sections() []section {
	out := []section{{"score", "Score"}}
	if v.avail != nil {
		out = append(out, section{"watch", "Watch"})
	}
	out = append(out, section{"cast", "Cast"}, section{"crew", "Crew"}, section{"studios", "Studios"}, section{"awards", "Awards"}, section{"lists", "Lists"})
	if len(v.conn.Collabs) > 0 {
		out = append(out, section{"collabs", "Collabs"})
	}
	if len(v.videos()) > 0 {
		out = append(out, section{"video", "Video"})
	}
	if len(v.keywords()) > 0 {
		out = append(out, section{"keywords", "Keywords"})
	}
	out = append(out, section{"releases", "Releases"})
	if len(v.conn.Related) > 0 {
		out = append(out, section{"related", "Related"})
	}
	return out
}

// HandleParams reads the list toggles (?cast=all, ?crew=all,
// ?releases=all) and the overview's (?overview=full): links that work
// with or without the live connection;
// and the Watch region (?region=), loading its providers when it changed.
func (v *Show) HandleParams(s *live.Socket, u *url.URL, _ live.Params) error {
	v.path = u.Path
	v.params = u.Query()
	v.fullCast = v.params.Get("cast") == "all"
	v.fullCrew = v.params.Get("crew") == "all"
	v.allReleases = v.params.Get("releases") == "all"
	v.fullOverview = v.params.Get("overview") == "full"
	if r := pickRegion(s, v.params); r != v.region || v.avail == nil {
		v.region = r
		v.loadAvailability(s)
	}
	return nil
}

func (v *Show) videos() []movies.Video {
	if v.media == nil {
		return nil
	}
	return v.media.Videos
}

func (v *Show) keywords() []movies.Keyword {
	if v.media == nil {
		return nil
	}
	return v.media.Keywords
}

// regionHref is the page with ?region=r (the other params kept).
func (v *Show) regionHref(r string) string {
	p := cloneValues(v.params)
	p.Set("region", r)
	return movies.EncodeParams(v.pagePath(), p)
}

func (v *Show) pagePath() string {
	if v.path == "" {
		return IndexPath + "/" + v.slug
	}
	return v.path
}

// regionHidden are the params the region form carries besides region.
func (v *Show) regionHidden() []hiddenField {
	var out []hiddenField
	for _, k := range slices.Sorted(maps.Keys(v.params)) {
		if k == "region" {
			continue
		}
		for _, val := range v.params[k] {
			out = append(out, hiddenField{k, val})
		}
	}
	return out
}

// regionOptions are the region menu's entries: the active regions, plus
// the current one when it is not among them (a locale's region without
// providers), so the menu always shows it.
func (v *Show) regionOptions() []movies.WatchRegion {
	out := v.avail.Regions
	for _, r := range out {
		if r.ISO == v.region {
			return out
		}
	}
	return append([]movies.WatchRegion{{ISO: v.region, Name: v.region}}, out...)
}

// HandleEvent handles the page's events (§8).
func (v *Show) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "toggle_full_cast":
		s.PushPatch(v.toggleHref("cast"), false)
	case "toggle_full_crew":
		s.PushPatch(v.toggleHref("crew"), false)
	case "toggle_all_releases":
		s.PushPatch(v.toggleHref("releases"), false)
	case "toggle_overview":
		s.PushPatch(v.overviewHref(), false)
	case "change_availability_region":
		r := strings.ToUpper(e.Value.Get("region"))
		if !movies.ValidRegion(r) {
			// Not from the page's menu: say so in the log, keep the page.
			v.log.Warn("movie page: change_availability_region without a valid region", "region", e.Value.Get("region"), "request_id", s.RequestID())
			return nil
		}
		s.PushPatch(v.regionHref(r), false)
	case "show_score_modal":
		v.scoring = true
	case "hide_score_modal", "close_overlays":
		v.scoring = false
	}
	return nil
}

// HandleInfo reloads the movie after a data change; a failed reload keeps
// what the page shows.
func (v *Show) HandleInfo(s *live.Socket, _ any) error {
	old, oldConn, oldMedia, oldAvail := v.m, v.conn, v.media, v.avail
	if err := v.load(s); err != nil {
		v.m, v.conn, v.media, v.avail = old, oldConn, oldMedia, oldAvail
	}
	return nil
}

// Render implements live.View.
func (v *Show) Render() templ.Component { return showPage(v) }

func (v *Show) toggleHref(key string) string { return v.flipHref(key, "all") }

// overviewHref shows or cuts the overview.
func (v *Show) overviewHref() string { return v.flipHref("overview", "full") }

// flipHref is the page with key=on, or without key when it is on.
func (v *Show) flipHref(key, on string) string {
	p := cloneValues(v.params)
	if p.Get(key) == on {
		p.Del(key)
	} else {
		p.Set(key, on)
	}
	return movies.EncodeParams(v.pagePath(), p)
}

// overviewWords is the length, in words, beyond which the overview is cut
// (the Elixir page's truncate_words(overview, 60)).
const overviewWords = 60

// overviewCut reports whether the overview is long enough to be cut.
func (v *Show) overviewCut() bool { return len(strings.Fields(v.m.Overview)) > overviewWords }

// overviewText is the overview as shown: in full, or its first words,
// single-spaced, with an ellipsis.
func (v *Show) overviewText() string {
	if v.fullOverview || !v.overviewCut() {
		return v.m.Overview
	}
	return strings.Join(strings.Fields(v.m.Overview)[:overviewWords], " ") + "…"
}

// wombieBase is where the "In theaters" band sends people for showtimes
// (cinegraph's default :wombie_base_url).
const wombieBase = "https://wombie.com"

// showtimesHref is the movie's Wombie page with cinegraph's referral
// parameters ("" without a slug, as the Elixir page, which then has no
// link).
func (v *Show) showtimesHref() string {
	if v.m.Slug == "" {
		return ""
	}
	return wombieBase + "/movies/" + url.PathEscape(v.m.Slug) + "-" + strconv.Itoa(v.m.TmdbID) +
		"?utm_source=cinegraph&utm_medium=referral&utm_campaign=movie_show"
}

// theatersLine is the band's second line: how many regions show the movie.
func (v *Show) theatersLine() string {
	return "Currently showing in " + plural(len(v.m.Theaters.Regions), "country", "countries") + " based on TMDB data"
}

// flagEmoji is the regional-indicator flag of a two-letter region code.
func flagEmoji(region string) string {
	if !movies.ValidRegion(region) {
		return ""
	}
	return string([]rune{0x1F1E6 + rune(region[0]-'A'), 0x1F1E6 + rune(region[1]-'A')})
}

func (v *Show) year() string {
	if v.m.ReleaseDate == nil {
		return ""
	}
	return strconv.Itoa(v.m.ReleaseDate.Year())
}

func (v *Show) released() string {
	if v.m.ReleaseDate == nil {
		return ""
	}
	return v.m.ReleaseDate.Format("2 January 2006")
}

func (v *Show) runtime() string {
	if v.m.Runtime == nil || *v.m.Runtime <= 0 {
		return ""
	}
	h, m := *v.m.Runtime/60, *v.m.Runtime%60
	switch {
	case h == 0:
		return strconv.Itoa(m) + "m"
	case m == 0:
		return strconv.Itoa(h) + "h"
	}
	return strconv.Itoa(h) + "h " + strconv.Itoa(m) + "m"
}

func genreHref(g movies.Genre) string {
	return movies.EncodeParams(IndexPath, url.Values{"genres": {g.Slug}, "page": {"1"}})
}

// lensRow is one lens of the score section.
type lensRow struct {
	Key, Label string
	Percent    int
	Present    bool
}

var lensLabels = []struct{ key, label string }{
	{"mob", "👥 Mob"}, {"critics", "🎭 Critics"}, {"festival_recognition", "🏆 Insiders"},
	{"time_machine", "⏳ Time Machine"}, {"auteurs", "🎬 Auteurs"}, {"box_office", "💰 Box Office"},
}

func (v *Show) lenses() []lensRow {
	var out []lensRow
	for _, l := range lensLabels {
		r := lensRow{Key: l.key, Label: l.label}
		if v.m.Score != nil {
			if x := v.m.Score.Lenses[l.key]; x != nil && *x > 0 {
				r.Present = true
				r.Percent = int(math.Max(0, math.Min(100, math.Round(*x*10))))
			}
		}
		out = append(out, r)
	}
	return out
}

func (v *Show) displayScore() string {
	return oneDecimal(v.m.Scoreability.DisplayScore)
}

// reason is the evidence line, as on the cards.
func (v *Show) reason() string {
	sc := v.m.Scoreability
	lenses := fmt.Sprintf(" · %d of 6 evidence lenses", sc.PresentLenses)
	word := map[string]string{"high": "High", "medium": "Medium", "low": "Low"}[sc.ConfidenceLabel]
	if word == "" {
		word = "Limited"
	}
	switch sc.State {
	case "scoreable":
		return word + " confidence" + lenses
	case "limited":
		return "Limited confidence" + lenses
	}
	return "Not enough evidence yet"
}

// rating is one external rating as shown.
type rating struct{ Source, Value string }

func (v *Show) ratings() []rating {
	find := func(source, metric string) *float64 {
		for _, r := range v.m.Ratings {
			if r.Source == source && r.Metric == metric {
				return r.Value
			}
		}
		return nil
	}
	var out []rating
	if x := find("tmdb", "rating_average"); x != nil {
		out = append(out, rating{"TMDb", strconv.FormatFloat(*x, 'f', 1, 64) + "/10"})
	}
	if x := find("imdb", "rating_average"); x != nil {
		out = append(out, rating{"IMDb", strconv.FormatFloat(*x, 'f', 1, 64) + "/10"})
	}
	if x := find("rotten_tomatoes", "tomatometer"); x != nil {
		out = append(out, rating{"Rotten Tomatoes", strconv.FormatFloat(*x, 'f', 0, 64) + "%"})
	}
	if x := find("metacritic", "metascore"); x != nil {
		out = append(out, rating{"Metacritic", strconv.FormatFloat(*x, 'f', 0, 64)})
	}
	return out
}

func (v *Show) cast() []movies.Credit {
	if v.fullCast || len(v.m.Cast) <= shortList {
		return v.m.Cast
	}
	return v.m.Cast[:shortList]
}

func (v *Show) crew() []movies.Credit {
	if v.fullCrew || len(v.m.Crew) <= shortList {
		return v.m.Crew
	}
	return v.m.Crew[:shortList]
}

func (v *Show) releases() []movies.ReleaseDate {
	if v.allReleases || len(v.m.ReleaseDates) <= 6 {
		return v.m.ReleaseDates
	}
	return v.m.ReleaseDates[:6]
}

func (v *Show) directors() string {
	var names []string
	for _, d := range v.m.Directors {
		names = append(names, d.Name)
	}
	return strings.Join(names, ", ")
}

func releaseLine(r movies.ReleaseDate) string {
	s := r.Country
	if r.Date != nil {
		s += " · " + r.Date.Format("2 Jan 2006")
	}
	if r.Certification != "" {
		s += " · " + r.Certification
	}
	return s
}

func nominationLine(n movies.Nomination) string {
	s := n.Festival.Name + " " + strconv.Itoa(n.Year) + " · " + n.Category
	if n.PersonName != "" {
		s += " · " + n.PersonName
	}
	return s
}

func personHref(c movies.Credit) string { return movies.PersonHref(c.PersonID, c.Slug) }

// collabRole is what a Collab person did on this movie.
func collabRole(p movies.CollabPerson) string {
	if p.Director {
		return "Director"
	}
	if p.Character != "" {
		return "as " + p.Character
	}
	return "Cast"
}

func collabID(c movies.Collab) string {
	return "collab-" + strconv.FormatInt(c.A.ID, 10) + "-" + strconv.FormatInt(c.B.ID, 10)
}

func filmLabel(f movies.FilmRef) string {
	if y := f.Year(); y != "" {
		return f.Title + " (" + y + ")"
	}
	return f.Title
}

func sharedLine(r movies.RelatedMovie) string {
	s := plural(r.SharedPeople, "shared person", "shared people")
	if r.SharedGenres > 0 {
		s += " · " + plural(r.SharedGenres, "shared genre", "shared genres")
	}
	return s
}

func creditID(prefix string, i int, c movies.Credit) string {
	return prefix + "-" + strconv.Itoa(i) + "-" + strconv.FormatInt(c.PersonID, 10)
}

func more(n, shown int) string {
	return "Show all " + strconv.Itoa(n) + " (" + strconv.Itoa(n-shown) + " more)"
}
