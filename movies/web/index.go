package web

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/movies"
)

// Index is the /movies page (MOVIES.md §2–§4). Its state is the URL: every
// control is a link or a GET form to a canonical URL (§12.1), which the
// live client turns into a live patch; HandleParams runs the search. The
// drawer and the scoring modal are the only state outside the URL.
type Index struct {
	store *movies.Store
	log   *slog.Logger
	path  string // IndexPath or IndexPathV2: URLs the controls build stay on it

	rawURL   string     // the URL as given (path and query)
	params   url.Values // its parameters without the page's UI-only ones
	peopleQ  string     // people_q: the no-JavaScript people search
	q        movies.Query
	res      movies.Result
	opts     *movies.FilterOptions
	resolver movies.Resolver
	people   []movies.Person // the selected people, resolved
	invalid  []movies.FieldError
	err      error // the search failed: the error state

	genreSet map[string]bool // selected genre slugs
	listSet  map[string]bool // selected list source keys
	festSet  map[int64]bool  // selected festival ids

	retryGen int // bumped by every load: stale retry ticks are ignored
	retryIn  int // seconds until the automatic retry (connected only)
	attempts int // failed loads in a row

	drawer  bool
	scoring bool

	sorts []sortItem // sortItems, made once per load
}

type retryTick struct{ gen int }

// Mount implements live.View.
func (v *Index) Mount(s *live.Socket, _ live.Params) error {
	s.SetTitle("Movies · Cinegraph")
	if s.Connected() {
		// Data changes (imports, score updates) refresh the results.
		s.Subscribe(v.store.Config().Topic)
	}
	return nil
}

// HandleParams runs the search for the URL: on the first render, on join,
// on every live patch (controls, back and forward). The URL is honoured as
// typed; only URLs built by controls are canonical.
func (v *Index) HandleParams(s *live.Socket, u *url.URL, _ live.Params) error {
	all := u.Query()
	if _, ok := all[paramForm]; ok {
		// A plain GET form (no live connection): go to its canonical URL.
		p := withoutUIOnly(all)
		if q := strings.TrimSpace(p.Get("search")); q != "" {
			p.Set("search", q)
		} else {
			delete(p, "search")
		}
		to, err := v.store.Canonicalize(s.Context(), v.path, p)
		if err != nil {
			to = movies.EncodeParams(v.path, p)
		}
		if !s.Connected() {
			s.Redirect(to)
			return nil
		}
		s.PushPatch(to, true)
		all = p
		u = &url.URL{Path: v.path, RawQuery: strings.TrimPrefix(strings.TrimPrefix(to, v.path), "?")}
	}
	v.rawURL = v.path
	if u.RawQuery != "" {
		v.rawURL += "?" + u.RawQuery
	}
	v.peopleQ = strings.TrimSpace(all.Get(paramPeopleQ))
	v.params = withoutUIOnly(all)
	v.load(s)
	s.SetMeta(v.meta(s))
	return nil
}

// meta is the SEO metadata of the dead render: the canonical URL is the
// canonical form of the filters on /movies (also for /movies-v2, the same
// page), without the default page=1.
func (v *Index) meta(s *live.Socket) live.Meta {
	p := movies.CanonicalParams(v.params, v.resolver)
	if p.Get("page") == "1" {
		p.Del("page")
	}
	d := "Films across canonical lists, festivals, and critical canon."
	if v.err == nil && len(v.invalid) == 0 {
		d = thousands(v.res.Total) + " films across canonical lists, festivals, and critical canon."
	}
	return pageMeta(s, "Movies", d, movies.EncodeParams(IndexPath, p), "website", "")
}

// load runs the search for v.params and sets the page's state: results,
// the invalid state (the parameters that are wrong) or the error state
// (with an automatic retry when connected).
func (v *Index) load(s *live.Socket) {
	ctx := s.Context()
	v.retryGen++
	v.retryIn = 0
	v.sorts = nil
	v.q = movies.ParseQuery(v.params)
	v.res = movies.Result{Page: max(v.q.Page, 1), PerPage: movies.PerPage, TotalPages: 1, Sort: v.q.ActiveSort()}
	v.invalid, v.err, v.people = nil, nil, nil
	v.resolver = identity{}

	opts, err := v.store.FilterOptions(ctx)
	if err != nil {
		v.opts = &movies.FilterOptions{}
		v.fail(s, err)
		v.sets()
		return
	}
	v.opts = opts
	if r, err := v.store.Resolver(ctx, v.params); err == nil {
		v.resolver = r
	} else {
		v.fail(s, err)
		v.sets()
		return
	}
	if len(v.q.People) > 0 {
		if v.people, err = v.store.People(ctx, v.q.People); err != nil {
			v.fail(s, err)
			v.sets()
			return
		}
	}
	v.sets()
	res, err := v.store.Search(ctx, v.q)
	var inv *movies.InvalidQueryError
	switch {
	case errors.As(err, &inv):
		v.invalid = inv.Errors
		v.res.Errors = inv.Errors
	case err != nil:
		v.fail(s, err)
	default:
		v.res = res
		v.attempts = 0
	}
}

// fail records a failed load: the page shows the error state (never a
// crash, never a blank page) and, when connected, retries by itself with a
// growing delay.
func (v *Index) fail(s *live.Socket, err error) {
	v.err = err
	v.attempts++
	v.log.Error("movies page: search failed; showing the error state",
		"params", v.params.Encode(), "connected", s.Connected(), "attempt", v.attempts,
		"request_id", s.RequestID(), "err", err)
	if s.Connected() {
		v.retryIn = min(2<<min(v.attempts-1, 4), 30)
		s.SendAfter(time.Second, retryTick{gen: v.retryGen})
	}
}

// sets indexes the selected genres, lists and festivals.
func (v *Index) sets() {
	v.genreSet, v.listSet, v.festSet = map[string]bool{}, map[string]bool{}, map[int64]bool{}
	for _, g := range v.q.Genres {
		if x, ok := v.opts.GenreBy(g); ok {
			v.genreSet[x.Slug] = true
		}
	}
	for _, l := range v.q.Lists {
		if x, ok := v.opts.ListBy(l); ok {
			v.listSet[x.SourceKey] = true
		}
	}
	for _, f := range v.q.Festivals {
		if x, ok := v.opts.FestivalBy(f); ok {
			v.festSet[x.ID] = true
		}
	}
}

// HandleInfo handles the retry countdown and data changes.
func (v *Index) HandleInfo(s *live.Socket, msg any) error {
	switch m := msg.(type) {
	case retryTick:
		if m.gen != v.retryGen || v.err == nil {
			return nil
		}
		if v.retryIn--; v.retryIn > 0 {
			s.SendAfter(time.Second, m)
			return nil
		}
		v.load(s)
	default:
		// A message on the movies:changed topic: the store has dropped
		// its caches; show fresh results.
		v.load(s)
	}
	return nil
}

// HandleEvent handles the client events of §4. Every URL change is a live
// patch to the canonical URL (§3.4); the controls on the page are links to
// those same URLs, so these handlers serve other clients and tests.
func (v *Index) HandleEvent(s *live.Socket, e live.Event) error {
	val := e.Value
	switch e.Name {
	case "search":
		v.patch(s, v.searchTo(val.Get("search")))
	case "sort_criteria_changed":
		v.patch(s, v.sortTo(val.Get("criteria")))
	case "toggle_sort_direction":
		v.patch(s, v.directionTo())
	case "change_sort":
		v.patch(s, v.changeSortTo(val.Get("sort")))
	case "page":
		v.patch(s, v.pageTo(val.Get("page")))
	case "toggle_chip":
		v.patch(s, v.chipTo(val.Get("key"), chipValue(val), val.Get("mode")))
	case "set_rating_preset":
		v.patch(s, v.ratingTo(chipValue(val)))
	case "set_people_match":
		v.patch(s, v.matchTo(val.Get("match")))
	case "remove_filter":
		v.patch(s, v.removeTo(val.Get("filter")))
	case "clear_filters":
		v.patch(s, v.clearTo())
	case "apply_filters":
		v.patch(s, v.applyTo(val))
	case "apply_and_close":
		v.drawer = false
		v.patch(s, v.applyTo(val))
	case "toggle_drawer":
		v.drawer = !v.drawer
		v.scoring = false
	case "hide_drawer":
		v.drawer = false
	case "show_scoring_info":
		v.scoring = true
		v.drawer = false
	case "hide_scoring_info":
		v.scoring = false
	case "close_overlays": // Escape
		v.drawer, v.scoring = false, false
	case "retry":
		v.load(s)
	}
	return nil
}

// chipValue is the event's value: item, else a non-empty id, else value.
func chipValue(p live.Params) string {
	if p.Has("item") {
		return p.Get("item")
	}
	if id := p.Get("id"); id != "" {
		return id
	}
	return p.Get("value")
}

// patch pushes to (unless the page is already there).
func (v *Index) patch(s *live.Socket, to string) {
	if to != v.rawURL {
		s.PushPatch(to, false)
	}
}

// Render implements live.View.
func (v *Index) Render() templ.Component { return indexPage(v) }

// --- URLs of the controls ---------------------------------------------------

// to returns the canonical URL of the current parameters changed by f.
func (v *Index) to(f func(p url.Values)) string {
	p := cloneValues(v.params)
	f(p)
	return movies.Canonicalize(v.path, p, v.resolver)
}

func (v *Index) searchTo(text string) string {
	return v.to(func(p url.Values) {
		if text = strings.TrimSpace(text); text == "" {
			delete(p, "search")
		} else {
			p.Set("search", text)
		}
		p.Set("page", "1")
	})
}

func dir(desc bool) string {
	if desc {
		return "desc"
	}
	return "asc"
}

// sortTo selects criteria keeping the direction applied now; "" is the
// default discovery ordering (no sort parameter).
func (v *Index) sortTo(criteria string) string {
	return v.to(func(p url.Values) {
		if criteria == "" {
			delete(p, "sort")
		} else {
			p.Set("sort", criteria+"_"+dir(v.q.ActiveSort().Desc))
		}
		p.Set("page", "1")
	})
}

func (v *Index) directionTo() string {
	a := v.q.ActiveSort()
	return v.to(func(p url.Values) {
		p.Set("sort", a.Criteria+"_"+dir(!a.Desc))
		p.Set("page", "1")
	})
}

func (v *Index) changeSortTo(s string) string {
	return v.to(func(p url.Values) {
		if s == "" {
			delete(p, "sort")
		} else {
			p.Set("sort", s)
		}
		p.Set("page", "1")
	})
}

func (v *Index) pageTo(page string) string {
	return v.to(func(p url.Values) { p.Set("page", page) })
}

// resolved maps the values of list parameter key to their canonical
// values (unknown values kept as given).
func (v *Index) resolved(key string, values []string) []string {
	var f func(string) (string, bool)
	switch key {
	case "genres":
		f = v.resolver.GenreSlug
	case "lists":
		f = v.resolver.ListSlug
	case "festivals":
		f = v.resolver.FestivalSlug
	case "people":
		f = v.resolver.PersonSlug
	}
	out := make([]string, 0, len(values))
	for _, x := range values {
		if f != nil {
			if c, ok := f(x); ok && c != "" {
				x = c
			}
		}
		out = append(out, x)
	}
	return out
}

// chipTo toggles a chip: multi adds or removes value (compared by
// canonical value, so an id in the URL toggles off too: bug B12 fixed);
// single sets it, or removes it when it is the current value or empty.
func (v *Index) chipTo(key, value, mode string) string {
	return v.to(func(p url.Values) {
		if mode == "single" {
			if value == "" || lastValue(p, key) == value {
				delete(p, key)
			} else {
				p.Set(key, value)
			}
		} else if key != "" {
			cur := v.resolved(key, listValues(p, key))
			want := v.resolved(key, []string{value})[0]
			out := []string{want}
			removed := false
			for _, c := range cur {
				if c == want {
					removed = true
					continue
				}
				out = append(out, c)
			}
			if removed {
				out = out[1:]
			}
			setList(p, key, out)
		}
		p.Set("page", "1")
	})
}

func (v *Index) ratingTo(value string) string {
	return v.to(func(p url.Values) {
		if value == "" || lastValue(p, "rating_preset") == value {
			delete(p, "rating_preset")
		} else {
			p.Set("rating_preset", value)
		}
		p.Set("page", "1")
	})
}

func (v *Index) matchTo(m string) string {
	return v.to(func(p url.Values) {
		if m == "all" {
			p.Set("people_match", "all")
		} else {
			delete(p, "people_match")
		}
		p.Set("page", "1")
	})
}

func (v *Index) removeTo(key string) string {
	return v.to(func(p url.Values) {
		removeFilter(p, key)
		p.Set("page", "1")
	})
}

func (v *Index) clearTo() string {
	return movies.Canonicalize(v.path, movies.ClearFilters(v.params), v.resolver)
}

// applyTo applies the drawer form: the lists, festivals and unreleased
// fields it holds replace the URL's (bug B1 fixed: unchecking the last
// value removes it). The original's nested filters[…] form is accepted too.
func (v *Index) applyTo(form live.Params) string {
	src := form
	if form.Has("filters") {
		src = form.Map("filters")
	}
	return v.to(func(p url.Values) {
		for _, key := range []string{"lists", "festivals"} {
			if !src.Has(key) {
				continue
			}
			var vals []string
			for _, x := range src.Strings(key) {
				for _, y := range strings.Split(x, ",") {
					if y = strings.TrimSpace(y); y != "" {
						vals = append(vals, y)
					}
				}
			}
			setList(p, key, vals)
		}
		if src.Has("show_unreleased") {
			if src.Get("show_unreleased") == "true" {
				p.Set("show_unreleased", "true")
			} else {
				delete(p, "show_unreleased")
			}
		}
		p.Set("page", "1")
	})
}

// peopleTo selects exactly people (the autocomplete): people=<slugs>,
// legacy people_ids dropped, people_match kept only with two or more.
func (v *Index) peopleTo(people []movies.Person) string {
	p := cloneValues(v.params)
	removeFilter(p, "people")
	var slugs []string
	for _, x := range people {
		if x.Slug != "" {
			slugs = append(slugs, x.Slug)
		}
	}
	setList(p, "people", slugs)
	if len(slugs) >= 2 && lastValue(v.params, "people_match") == "all" {
		p.Set("people_match", "all")
	}
	p.Set("page", "1")
	return movies.Canonicalize(v.path, p, withPeople{Resolver: v.resolver, extra: people})
}

// hidden are the current canonical parameters as hidden inputs of a plain
// GET form, except the keys the form sets itself (and page).
func (v *Index) hidden(except ...string) []hiddenField {
	p := movies.CanonicalParams(v.params, v.resolver)
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []hiddenField
	for _, k := range keys {
		base := strings.TrimSuffix(k, "[]")
		if k == "page" || contains(except, k) || contains(except, base) {
			continue
		}
		for _, x := range p[k] {
			out = append(out, hiddenField{k, x})
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// --- what the template shows ----------------------------------------------

func (v *Index) options() *movies.FilterOptions {
	if v.opts == nil {
		return &movies.FilterOptions{}
	}
	return v.opts
}

// heroCount is the number of films of the current query ("—" when the
// search failed).
func (v *Index) heroCount() string {
	if v.err != nil {
		return "—"
	}
	return thousands(v.res.Total)
}

// filterCount is the number on the Filters button and in the drawer.
func (v *Index) filterCount() int { return movies.ActiveFilterCount(v.params) }

// sortItem is one sort control.
type sortItem struct {
	Criteria, Label, Title, Group string
	Href                          string
	Active                        bool
	Arrow                         string // of the active one: the direction applied
}

type sortGroup struct {
	Name  string
	Items []sortItem
}

const discoverLabel = "✨ Discover"

func arrow(desc bool) string {
	if desc {
		return "↓"
	}
	return "↑"
}

// sortItems are the sort controls: the default discovery ordering, the
// three primary sorts, then the overflow groups. The active one is the
// ordering applied (bugs B2/B3: what the page shows is the truth).
func (v *Index) sortItems() []sortItem {
	if v.sorts != nil {
		return v.sorts
	}
	a := v.q.ActiveSort()
	items := []sortItem{{Criteria: "", Label: discoverLabel, Title: "Cinegraph's default: recent, popular, well-voted and well-rated films first",
		Href: v.sortTo(""), Active: a.Criteria == "discovery_score", Arrow: arrow(a.Desc)}}
	for _, o := range v.options().SortOptions() {
		items = append(items, sortItem{Criteria: o.Criteria, Label: o.Label, Title: o.Title, Group: o.Group,
			Href: v.sortTo(o.Criteria), Active: a.Criteria == o.Criteria, Arrow: arrow(a.Desc)})
	}
	v.sorts = items
	return items
}

func (v *Index) primarySorts() []sortItem {
	var out []sortItem
	for _, it := range v.sortItems() {
		if it.Group == "" {
			out = append(out, it)
		}
	}
	return out
}

func (v *Index) overflowGroups() []sortGroup {
	var out []sortGroup
	for _, it := range v.sortItems() {
		if it.Group == "" {
			continue
		}
		if len(out) == 0 || out[len(out)-1].Name != it.Group {
			out = append(out, sortGroup{Name: it.Group})
		}
		out[len(out)-1].Items = append(out[len(out)-1].Items, it)
	}
	return out
}

// overflowActive is the active overflow sort, if any.
func (v *Index) overflowActive() (sortItem, bool) {
	for _, g := range v.overflowGroups() {
		for _, it := range g.Items {
			if it.Active {
				return it, true
			}
		}
	}
	return sortItem{}, false
}

// sortLabel is the label of the applied ordering.
func (v *Index) sortLabel(a movies.Sort) string {
	if a.Criteria == "discovery_score" {
		return discoverLabel
	}
	for _, o := range v.options().SortOptions() {
		if o.Criteria == a.Criteria {
			return o.Label
		}
	}
	return a.Criteria
}

// genreChip is a genre toggle.
type genreChip struct {
	Genre  movies.Genre
	Active bool
	Href   string
}

func (v *Index) genreChips() []genreChip {
	var out []genreChip
	for _, g := range v.options().Genres {
		out = append(out, genreChip{Genre: g, Active: v.genreSet[g.Slug], Href: v.chipTo("genres", g.Slug, "multi")})
	}
	return out
}

// activeChip is a chip of the active-filter strip.
type activeChip struct {
	Key, Label, Value, Href string
}

// activeChips are the strip's chips in the original's order.
func (v *Index) activeChips() []activeChip {
	p, o := v.params, v.options()
	var out []activeChip
	add := func(key, label, value string) {
		out = append(out, activeChip{Key: key, Label: label, Value: value, Href: v.removeTo(key)})
	}
	if s := lastValue(p, "sort"); s != "" && s != "release_date_desc" {
		if a, ok := movies.ParseSort(s); ok {
			add("sort", "Sort", v.sortLabel(a)+" "+arrow(a.Desc))
		} else {
			add("sort", "Sort", s)
		}
	}
	names := func(key string, name func(string) (string, bool)) {
		if !has(p, key) {
			return
		}
		var ns []string
		for _, x := range listValues(p, key) {
			if n, ok := name(x); ok {
				x = n
			}
			ns = append(ns, x)
		}
		label := map[string]string{"genres": "Genres", "lists": "Lists", "festivals": "Festivals"}[key]
		add(key, label, truncate(strings.Join(ns, ", ")))
	}
	names("genres", func(x string) (string, bool) { g, ok := o.GenreBy(x); return g.Name, ok })
	if has(p, "decade") {
		add("decade", "Decade", lastValue(p, "decade")+"s")
	}
	names("lists", func(x string) (string, bool) { l, ok := o.ListBy(x); return l.Name, ok })
	names("festivals", func(x string) (string, bool) { f, ok := o.FestivalBy(x); return f.Name, ok })
	if has(p, "companies") {
		add("companies", "Companies", plural(len(listValues(p, "companies")), "company", "companies"))
	}
	if has(p, "people") || has(p, "people_ids") {
		n := len(listValues(p, "people"))
		key := "people"
		if has(p, "people_ids") {
			n, key = len(listValues(p, "people_ids")), "people_ids"
		}
		add(key, "Cast & Crew", plural(n, "person", "people"))
	}
	if has(p, "rating_preset") {
		add("rating_preset", "Rating", movies.RatingPresetLabel(lastValue(p, "rating_preset")))
	}
	if has(p, "max_age") {
		a := lastValue(p, "max_age")
		if n, err := strconv.Atoi(a); err == nil {
			a = movies.AgeLabel(n)
		}
		add("max_age", "Age", a)
	}
	if has(p, "show_unreleased") {
		u := "No"
		if lastValue(p, "show_unreleased") == "true" {
			u = "Yes"
		}
		add("show_unreleased", "Unreleased", u)
	}
	return out
}

// choice is a single-select pill of the drawer.
type choice struct {
	ID, Label, Sub string
	Active         bool
	Href           string
}

func (v *Index) decadeChoices() []choice {
	var out []choice
	for _, d := range v.options().Decades {
		id := strconv.Itoa(d)
		out = append(out, choice{ID: id, Label: id + "s", Active: v.q.Decade != nil && *v.q.Decade == d, Href: v.chipTo("decade", id, "single")})
	}
	return out
}

func (v *Index) ageChoices() []choice {
	var out []choice
	for _, c := range v.options().AgeRatings {
		active := v.q.MaxAge == nil && c.Value == ""
		if n, err := strconv.Atoi(c.Value); err == nil && v.q.MaxAge != nil {
			active = *v.q.MaxAge == n
		}
		out = append(out, choice{ID: c.Value, Label: c.Label, Active: active, Href: v.chipTo("max_age", c.Value, "single")})
	}
	return out
}

var ratingFaces = map[string][2]string{
	"":                     {"Any", "rating"},
	"highly_rated":         {"7.5+", "Acclaimed"},
	"well_reviewed":        {"6.0+", "Solid"},
	"critically_acclaimed": {"Top tier", "Critics' picks"},
}

func (v *Index) ratingChoices() []choice {
	var out []choice
	for _, c := range v.options().Ratings {
		f, ok := ratingFaces[c.Value]
		if !ok {
			f = [2]string{c.Label, ""}
		}
		out = append(out, choice{ID: c.Value, Label: f[0], Sub: f[1], Active: v.q.RatingPreset == c.Value, Href: v.ratingTo(c.Value)})
	}
	return out
}

// listOption is a drawer checkbox.
type listOption struct {
	ID, Value, Label string
	Checked          bool
}

func (v *Index) listOptions() []listOption {
	var out []listOption
	for _, l := range v.options().Lists {
		out = append(out, listOption{ID: "list-" + movies.Slugify(l.SourceKey), Value: l.SourceKey, Label: l.Name, Checked: v.listSet[l.SourceKey]})
	}
	return out
}

func (v *Index) festivalOptions() []listOption {
	var out []listOption
	for _, f := range v.options().Festivals {
		id := strconv.FormatInt(f.ID, 10)
		label := f.Name
		if f.Abbreviation != "" && f.Abbreviation != f.Name {
			label += " (" + f.Abbreviation + ")"
		}
		out = append(out, listOption{ID: "festival-" + id, Value: id, Label: label, Checked: v.festSet[f.ID]})
	}
	return out
}

// pager is the pagination line.
type pager struct {
	Show               bool
	Page, Pages        int
	Total              string
	PrevHref, NextHref string // "" when disabled
}

func (v *Index) pager() pager {
	r := v.res
	pg := pager{Show: v.err == nil && r.TotalPages > 1, Page: r.Page, Pages: r.TotalPages, Total: thousands(r.Total)}
	if r.Page > 1 {
		pg.PrevHref = v.pageTo(strconv.Itoa(r.Page - 1))
	}
	if r.Page < r.TotalPages {
		pg.NextHref = v.pageTo(strconv.Itoa(r.Page + 1))
	}
	return pg
}

// invalidFix is an invalid parameter with the URL that drops it.
type invalidFix struct {
	Error movies.FieldError
	Href  string
}

func (v *Index) invalidFixes() []invalidFix {
	var out []invalidFix
	for _, e := range v.invalid {
		key := e.Param
		out = append(out, invalidFix{Error: e, Href: v.to(func(p url.Values) {
			delete(p, key)
			if key == "page" {
				return
			}
			if !v.pageInvalid() {
				p.Set("page", "1")
			}
		})})
	}
	return out
}

func (v *Index) pageInvalid() bool {
	for _, e := range v.invalid {
		if e.Param == "page" {
			return true
		}
	}
	return false
}

// errorText says what failed, for the error state.
func (v *Index) errorText() string {
	switch {
	case v.err == nil:
		return ""
	case errors.Is(v.err, context.DeadlineExceeded):
		return "The film database took too long to answer."
	}
	return "The film database is not answering right now."
}

// --- formatting -------------------------------------------------------------

// thousands formats n with comma separators: 1234567 → "1,234,567".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// truncate shortens names longer than 30 characters to 28 and "…".
func truncate(s string) string {
	r := []rune(s)
	if len(r) > 30 {
		return string(r[:28]) + "…"
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func hasOverflow(v *Index) bool {
	_, ok := v.overflowActive()
	return ok
}
