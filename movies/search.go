package movies

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Path is the query path a search took (§7).
type Path string

// Query paths.
const (
	PathRankings Path = "rankings" // §7.1 default browse on movie_discovery_rankings_mv
	PathScore    Path = "score"    // §7.2 plain score sort, stitched pages
	PathGeneric  Path = "generic"  // §7.3/7.4 everything else
)

// Result is one page of search results.
type Result struct {
	Cards      []Card // at most PerPage; read-only (shared with the cache)
	Total      int64  // exact count of matching movies (the hero count)
	Page       int
	PerPage    int
	TotalPages int  // ≥ 1
	Sort       Sort // the ordering applied (show this one: bugs B2/B3)
	Path       Path // which query path ran
	Errors     []FieldError
	At         time.Time // when the database answered (cached results keep it)
}

// LensChip is one lens percentage on a card (lens sorts only).
type LensChip struct {
	Lens    string // mob, critics, festival_recognition, time_machine, auteurs
	Emoji   string
	Percent int
	Active  bool // the lens being sorted by
}

// Card is a film card (§2.1).
type Card struct {
	ID          int64
	Slug        string
	Title       string
	ReleaseDate *time.Time
	PosterPath  string
	// Score is the white badge value (one decimal): the preset's weighted
	// score on a preset sort, else the CineGraph display score (only with
	// ≥ 2 evidence lenses); nil = no badge. Unused on lens sorts.
	Score *float64
	// Lens sorts: the active lens, its cached percentage (round(score×10)
	// clamped 0–100) for the purple pill, and the chips (percent ≥ 5).
	Lens        string
	LensPercent *int
	Lenses      []LensChip
	// Certification is the best US certification, filled only when the
	// max_age filter is active.
	Certification string
	// Scoreability (from movie_scoreability_view).
	PresentLenses     int
	ScoreabilityState string // scoreable | limited | insufficient_evidence
	ConfidenceLabel   string // high | medium | low | insufficient
	Reason            string // the italic reason line
}

// Href returns /movies/<slug>, or /movies/<id> when the slug is empty.
func (c Card) Href() string {
	if c.Slug != "" {
		return "/movies/" + c.Slug
	}
	return "/movies/" + strconv.FormatInt(c.ID, 10)
}

// PosterURL returns the w500 TMDb poster URL, or "" (gradient tile).
func (c Card) PosterURL() string { return tmdbImage("w500", c.PosterPath) }

// Year returns the release year, or "" without a date.
func (c Card) Year() string {
	if c.ReleaseDate == nil {
		return ""
	}
	return strconv.Itoa(c.ReleaseDate.Year())
}

var lensOrder = []struct{ key, col, emoji string }{
	{"mob", "mob_score", "👥"}, {"critics", "critics_score", "🎭"}, {"festival_recognition", "festival_recognition_score", "🏆"},
	{"time_machine", "time_machine_score", "⏳"}, {"auteurs", "auteurs_score", "🎬"},
}

// plan is a query resolved against the database's ids: what runs, and the
// cache key.
type plan struct {
	Path           Path
	Sort           Sort
	Page           int
	Search         string     `json:",omitempty"`
	GenreIDs       []int64    `json:",omitempty"`
	Decade         *int       `json:",omitempty"`
	ListKeys       []string   `json:",omitempty"`
	FestivalIDs    []int64    `json:",omitempty"`
	PeopleIDs      []int64    `json:",omitempty"`
	PeopleAll      bool       `json:",omitempty"`
	PeopleRole     string     `json:",omitempty"`
	RatingPreset   string     `json:",omitempty"`
	MaxAge         *int       `json:",omitempty"`
	ShowUnreleased bool       `json:",omitempty"`
	Year           *int       `json:",omitempty"`
	YearFrom       *int       `json:",omitempty"`
	YearTo         *int       `json:",omitempty"`
	RuntimeMin     *int       `json:",omitempty"`
	RuntimeMax     *int       `json:",omitempty"`
	RatingMin      *float64   `json:",omitempty"`
	Countries      []int64    `json:",omitempty"`
	Languages      []string   `json:",omitempty"`
	CompanyIDs     []int64    `json:",omitempty"`
	AwardStatus    string     `json:",omitempty"`
	AwardCategory  *int       `json:",omitempty"`
	AwardYearFrom  *int       `json:",omitempty"`
	AwardYearTo    *int       `json:",omitempty"`
	Discovery      string     `json:",omitempty"`
	AwardPreset    string     `json:",omitempty"`
	FestRecMin     *float64   `json:",omitempty"`
	TimeMachineMin *float64   `json:",omitempty"`
	AuteursMin     *float64   `json:",omitempty"`
	Disparity      string     `json:",omitempty"`
	Weights        []float64  `json:",omitempty"` // preset weights in lensWeightsOrder
	Today          *time.Time `json:",omitempty"`
}

var lensWeightsOrder = []string{"mob", "critics", "festival_recognition", "time_machine", "auteurs", "box_office"}

var lensColumns = []string{"mob_score", "critics_score", "festival_recognition_score", "time_machine_score", "auteurs_score", "box_office_score"}

func (p *plan) key() string {
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// filtered reports whether any filter (search included) is active.
func (p *plan) filtered() bool {
	return p.Search != "" || p.GenreIDs != nil || p.Decade != nil || p.ListKeys != nil || p.FestivalIDs != nil ||
		p.PeopleIDs != nil || p.RatingPreset != "" || p.MaxAge != nil || p.Year != nil || p.YearFrom != nil ||
		p.YearTo != nil || p.RuntimeMin != nil || p.RuntimeMax != nil || p.RatingMin != nil || p.Countries != nil ||
		p.Languages != nil || p.CompanyIDs != nil || p.AwardStatus != "" || p.AwardCategory != nil ||
		p.AwardYearFrom != nil || p.AwardYearTo != nil || p.Discovery != "" || p.AwardPreset != "" ||
		p.FestRecMin != nil || p.TimeMachineMin != nil || p.AuteursMin != nil || p.Disparity != ""
}

// resolve turns q into a plan: slugs to ids through the filter options and
// the people and company tables, unknown slugs dropped (unknown numeric ids
// kept, so they filter to nothing, as in the original), and the path
// chosen (§7 dispatch).
func (s *Store) resolve(ctx context.Context, q Query) (*plan, error) {
	o, err := s.FilterOptions(ctx)
	if err != nil {
		return nil, err
	}
	p := &plan{Sort: q.ActiveSort(), Page: q.Page, Search: q.Search, Decade: q.Decade, RatingPreset: q.RatingPreset,
		MaxAge: q.MaxAge, ShowUnreleased: q.ShowUnreleased, Year: q.Year, YearFrom: q.YearFrom, YearTo: q.YearTo,
		RuntimeMin: q.RuntimeMin, RuntimeMax: q.RuntimeMax, RatingMin: q.RatingMin, Countries: sortedUnique64(q.Countries),
		Languages: sortedUniqueStr(q.Languages), AwardStatus: q.AwardStatus, AwardCategory: q.AwardCategoryID,
		AwardYearFrom: q.AwardYearFrom, AwardYearTo: q.AwardYearTo, Discovery: q.DiscoveryPreset, AwardPreset: q.AwardPreset,
		FestRecMin: q.FestivalRecognitionMin, TimeMachineMin: q.TimeMachineMin, AuteursMin: q.AuteursMin,
		Disparity: q.Disparity, PeopleRole: q.PeopleRole, Today: s.today()}
	if p.Year != nil {
		p.YearFrom, p.YearTo = nil, nil // year wins, as in the original
	}
	var ids []int64
	for _, v := range q.Genres {
		if id, ok := isID(v); ok {
			ids = append(ids, id)
		} else if g, ok := o.GenreBy(v); ok {
			ids = append(ids, g.ID)
		}
	}
	p.GenreIDs = sortedUnique64(ids)
	var keys []string
	for _, v := range q.Lists {
		if l, ok := o.ListBy(v); ok {
			keys = append(keys, l.SourceKey)
		}
	}
	p.ListKeys = sortedUniqueStr(keys)
	ids = nil
	for _, v := range q.Festivals {
		if id, ok := isID(v); ok {
			ids = append(ids, id)
		} else if f, ok := o.FestivalBy(v); ok {
			ids = append(ids, f.ID)
		}
	}
	if len(ids) == 0 && q.FestivalID != nil {
		ids = []int64{int64(*q.FestivalID)}
	}
	p.FestivalIDs = sortedUnique64(ids)
	if len(q.People) > 0 {
		ids = nil
		var slugs []string
		for _, v := range q.People {
			if id, ok := isID(v); ok {
				ids = append(ids, id)
			} else {
				slugs = append(slugs, v)
			}
		}
		if len(slugs) > 0 {
			people, err := s.People(ctx, slugs)
			if err != nil {
				return nil, err
			}
			for _, pp := range people {
				ids = append(ids, pp.ID)
			}
		}
		p.PeopleIDs = sortedUnique64(ids)
		p.PeopleAll = q.PeopleMatchAll && len(p.PeopleIDs) > 1
	}
	if len(q.Companies) > 0 {
		ids = nil
		var slugs []string
		for _, v := range q.Companies {
			if id, ok := isID(v); ok {
				ids = append(ids, id)
			} else {
				slugs = append(slugs, Slugify(v))
			}
		}
		if len(slugs) > 0 {
			cids, err := s.companyIDs(ctx, slugs)
			if err != nil {
				return nil, err
			}
			ids = append(ids, cids...)
		}
		p.CompanyIDs = sortedUnique64(ids)
	}
	// Weights: a preset sort, or sort=score_* with preset=<slug>.
	weightsFor := func(slug string) {
		if pr, ok := o.Profile(slug); ok {
			for _, k := range lensWeightsOrder {
				p.Weights = append(p.Weights, pr.Weights[k])
			}
		}
	}
	switch {
	case p.Sort.IsPreset():
		weightsFor(p.Sort.Criteria)
	case p.Sort.Criteria == "score" && q.Preset != "":
		weightsFor(q.Preset)
	}
	switch {
	case p.Sort.Criteria == "discovery_score" && p.Sort.Desc && !p.filtered() && !p.ShowUnreleased:
		p.Path = PathRankings
	case p.Sort.Criteria == "score" && q.Preset == "" && !p.filtered():
		p.Path = PathScore
	default:
		p.Path = PathGeneric
	}
	return p, nil
}

func (s *Store) companyIDs(ctx context.Context, slugs []string) ([]int64, error) {
	key := "companies:" + strings.Join(sortedUniqueStr(slugs), ",")
	ps, _, err := s.lookups.get(ctx, key, s.cfg.ResultTTL, func(ctx context.Context) ([]Person, error) {
		ctx, cancel := s.timeout(ctx)
		defer cancel()
		rows, err := s.db.Query(ctx, `SELECT id FROM production_companies WHERE slug = ANY($1::text[])`, slugs)
		if err != nil {
			return nil, err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		out := make([]Person, len(ids))
		for i, id := range ids {
			out[i].ID = id
		}
		return out, err
	})
	var ids []int64
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids, err
}

// Search runs q and returns one page of cards with the exact total. An
// invalid q returns a Result with Errors and Total 0 together with an
// *InvalidQueryError, without touching the database. Identical concurrent
// searches run once (singleflight) and results are cached for ResultTTL
// (at least ShareTTL); every database call runs under QueryTimeout. A
// timeout returns an error wrapping context.DeadlineExceeded.
func (s *Store) Search(ctx context.Context, q Query) (Result, error) {
	if err := q.Err(); err != nil {
		return Result{Page: max(q.Page, 1), PerPage: PerPage, TotalPages: 1, Sort: q.ActiveSort(), Errors: q.Errors}, err
	}
	p, err := s.resolve(ctx, q)
	if err != nil {
		return Result{}, err
	}
	ttl := s.cfg.ResultTTL
	if ttl < s.cfg.ShareTTL {
		ttl = s.cfg.ShareTTL
	}
	start := time.Now()
	res, shared, err := s.results.get(ctx, p.key(), ttl, func(ctx context.Context) (Result, error) {
		ctx, cancel := s.timeout(ctx)
		defer cancel()
		return s.run(ctx, p)
	})
	if err != nil {
		s.log.Error("movies: search failed", "params", q.Params.Encode(), "path", p.Path, "err", err,
			"took", time.Since(start).Round(time.Millisecond), "shared", shared)
		return Result{}, fmt.Errorf("movies: search: %w", err)
	}
	res.Cards = append([]Card(nil), res.Cards...)
	return res, nil
}

func (s *Store) run(ctx context.Context, p *plan) (Result, error) {
	res := Result{Page: p.Page, PerPage: PerPage, Sort: p.Sort, Path: p.Path}
	o, err := s.ordering(ctx, p)
	if err == nil {
		err = s.page(ctx, p, o, &res)
	}
	if err != nil {
		return Result{}, err
	}
	res.TotalPages = int((res.Total + PerPage - 1) / PerPage)
	if res.TotalPages < 1 {
		res.TotalPages = 1
	}
	res.At = time.Now()
	return res, nil
}

// args collects positional query arguments.
type args struct{ v []any }

func (a *args) add(v any) string {
	a.v = append(a.v, v)
	return "$" + strconv.Itoa(len(a.v))
}

func (a *args) today(p *plan) string {
	if p.Today == nil {
		return "CURRENT_DATE"
	}
	return a.add(*p.Today) + "::date"
}

// orderKey is one ORDER BY item.
type orderKey struct {
	expr      string
	desc      bool
	nullsLast bool
}

func (k orderKey) sql(expr string) string {
	s := expr
	if k.desc {
		s += " DESC"
	} else {
		s += " ASC"
	}
	// Only spell out the NULL placement when it differs from the
	// default (NULLS LAST for ASC, NULLS FIRST for DESC), so plain column
	// orders still match plain btree indexes.
	if k.desc && k.nullsLast {
		s += " NULLS LAST"
	} else if !k.desc && !k.nullsLast {
		s += " NULLS FIRST"
	}
	return s
}

func scanCards(rows pgx.Rows, p *plan) ([]Card, error) {
	var out []Card
	for rows.Next() {
		var c Card
		var sortScore, display *float64
		var lens [5]*float64
		var cert *string
		if err := rows.Scan(&c.ID, &c.Slug, &c.Title, &c.ReleaseDate, &c.PosterPath, &sortScore,
			&c.PresentLenses, &c.ScoreabilityState, &c.ConfidenceLabel, &display,
			&lens[0], &lens[1], &lens[2], &lens[3], &lens[4], &cert); err != nil {
			return nil, err
		}
		if cert != nil && p.MaxAge != nil {
			c.Certification = *cert
		}
		switch {
		case p.Sort.IsLens():
			c.Lens = p.Sort.Criteria
			for i, l := range lensOrder {
				if lens[i] == nil {
					continue
				}
				pct := int(math.Max(0, math.Min(100, math.Round(*lens[i]*10))))
				if l.key == c.Lens {
					c.LensPercent = &pct
				}
				if pct >= 5 {
					c.Lenses = append(c.Lenses, LensChip{Lens: l.key, Emoji: l.emoji, Percent: pct, Active: l.key == c.Lens})
				}
			}
		case p.Weights != nil && sortScore != nil:
			v := math.Round(*sortScore*10) / 10
			c.Score = &v
		case display != nil:
			v := math.Round(*display*10) / 10
			c.Score = &v
		}
		c.Reason = reason(c, p.Sort.IsLens())
		out = append(out, c)
	}
	return out, rows.Err()
}

func confidenceWord(label string) string {
	switch label {
	case "high":
		return "High"
	case "medium":
		return "Medium"
	case "low":
		return "Low"
	}
	return "Limited"
}

func reason(c Card, lensSort bool) string {
	lenses := fmt.Sprintf(" · %d of 6 evidence lenses", c.PresentLenses)
	switch {
	case lensSort:
		return confidenceWord(c.ConfidenceLabel) + " confidence" + lenses
	case c.ScoreabilityState == "scoreable":
		return confidenceWord(c.ConfidenceLabel) + " confidence" + lenses
	case c.ScoreabilityState == "limited":
		return "Limited confidence" + lenses
	}
	return "Not enough evidence yet"
}

// rankingsSQL is §7.1: the materialized view in the order of its partial
// rank index (an index-only scan).
func rankingsSQL(p *plan, a *args) string {
	return `SELECT r.movie_id FROM movie_discovery_rankings_mv r
		WHERE r.import_status = 'full' AND r.is_released AND r.release_date <= ` + a.today(p) + `
		ORDER BY r.default_discovery_score DESC NULLS LAST, r.release_date DESC NULLS LAST, r.movie_id`
}

// lensCount is the number of present lenses (> 0) of score cache sc.
const lensCount = `((COALESCE(sc.mob_score,0)>0)::int + (COALESCE(sc.critics_score,0)>0)::int +
    (COALESCE(sc.festival_recognition_score,0)>0)::int + (COALESCE(sc.time_machine_score,0)>0)::int +
    (COALESCE(sc.auteurs_score,0)>0)::int + (COALESCE(sc.box_office_score,0)>0)::int)`

// adjustedScore is the confidence-adjusted score, spelled exactly as
// idx_score_caches_scoreability_sort_desc so the planner can use it.
const adjustedScore = `(sc.overall_score * (` + lensCount + `::double precision / 6.0))`

// scoreable is §7.2's condition on score cache sc: version 6, a score and
// at least two lenses.
const scoreable = `sc.calculation_version = '6' AND sc.overall_score IS NOT NULL AND ` + lensCount + ` >= 2`

// scoreableSQL orders §7.2's scoreable movies by confidence-adjusted
// score, then release date and id.
func scoreableSQL(p *plan, a *args) string {
	// Ascending uses NULLS FIRST: the partial index holds no NULLs, and
	// that spelling lets the planner scan the DESC NULLS LAST index
	// backwards.
	keys := []orderKey{{adjustedScore, p.Sort.Desc, p.Sort.Desc}, {"m.release_date", true, true}}
	return "SELECT m.id FROM movie_score_caches sc JOIN movies m ON m.id = sc.movie_id WHERE " +
		strings.Join(append([]string{scoreable}, baseConds(p, a)...), " AND ") + " ORDER BY " + orderSQL(keys)
}

// scoreRestSQL orders the movies §7.2 does not score by release date and
// id; they follow the scoreable ones.
func scoreRestSQL(p *plan, a *args) string {
	where := append([]string{`NOT EXISTS (SELECT 1 FROM movie_score_caches sc WHERE sc.movie_id = m.id AND ` + scoreable + `)`}, baseConds(p, a)...)
	return "SELECT m.id FROM movies m WHERE " + strings.Join(where, " AND ") + " ORDER BY " + orderSQL([]orderKey{releaseKey(p, true)})
}

// orderSQL is the ORDER BY list of keys, then the id (the tie-breaker
// every ordering ends with).
func orderSQL(keys []orderKey) string {
	var order []string
	for _, k := range keys {
		order = append(order, k.sql(k.expr))
	}
	return strings.Join(append(order, "m.id"), ", ")
}

// releaseKey orders by release date. When unreleased (and so NULL-dated)
// movies are excluded, the NULL placement cannot matter and the key is
// spelled as the plain index order.
func releaseKey(p *plan, desc bool) orderKey {
	if !p.ShowUnreleased {
		return orderKey{"m.release_date", desc, !desc}
	}
	return orderKey{"m.release_date", desc, true}
}

// latest returns the value of a movie's external metric (one row per
// movie, source and metric type: the unique index guarantees it).
func latest(source, metric string) string {
	return fmt.Sprintf(`(SELECT em.value FROM external_metrics em WHERE em.movie_id = m.id AND em.source = '%s' AND em.metric_type = '%s' ORDER BY em.fetched_at DESC LIMIT 1)`, source, metric)
}

// baseConds are the conditions every search applies to movies m: fully
// imported and, unless show_unreleased, released.
func baseConds(p *plan, a *args) []string {
	w := []string{"m.import_status = 'full'"}
	if !p.ShowUnreleased {
		// One NULL-date rule everywhere (B9): a film without a release date
		// counts as unreleased.
		w = append(w, "m.release_date <= "+a.today(p))
	}
	return w
}

// filterConds returns the filter conditions of the generic path (§3.5 with
// the decisions of §12), besides baseConds: conditions on the row of
// movies m (cols), and subqueries selecting the ids of the movies that
// pass (subs; a movie may appear more than once).
func filterConds(p *plan, a *args) (cols, subs []string) {
	var w []string
	if p.Search != "" {
		w = append(w, "m.title ILIKE "+a.add("%"+escapeLike(p.Search)+"%"))
	}
	if n := len(p.GenreIDs); n == 1 {
		subs = append(subs, "SELECT mg.movie_id FROM movie_genres mg WHERE mg.genre_id = "+a.add(p.GenreIDs[0])+"::bigint")
	} else if n > 1 {
		subs = append(subs, "SELECT mg.movie_id FROM movie_genres mg WHERE mg.genre_id = ANY("+a.add(p.GenreIDs)+
			"::bigint[]) GROUP BY mg.movie_id HAVING count(DISTINCT mg.genre_id) = "+a.add(n)+"::int")
	}
	if p.Decade != nil {
		d := a.add(*p.Decade)
		w = append(w, "m.release_date >= make_date("+d+"::int, 1, 1)", "m.release_date <= make_date("+d+"::int + 9, 12, 31)")
	}
	if p.Year != nil {
		w = append(w, "EXTRACT(YEAR FROM m.release_date) = "+a.add(*p.Year)+"::numeric")
	}
	if p.YearFrom != nil {
		w = append(w, "m.release_date >= make_date("+a.add(*p.YearFrom)+"::int, 1, 1)")
	}
	if p.YearTo != nil {
		w = append(w, "m.release_date <= make_date("+a.add(*p.YearTo)+"::int, 12, 31)")
	}
	if p.RuntimeMin != nil {
		w = append(w, "m.runtime >= "+a.add(*p.RuntimeMin)+"::int")
	}
	if p.RuntimeMax != nil {
		w = append(w, "m.runtime <= "+a.add(*p.RuntimeMax)+"::int")
	}
	if p.ListKeys != nil {
		w = append(w, "m.canonical_sources ?| "+a.add(p.ListKeys)+"::text[]")
	}
	if p.Languages != nil {
		w = append(w, "m.original_language = ANY("+a.add(p.Languages)+"::text[])")
	}
	if p.Countries != nil {
		subs = append(subs, "SELECT mpc.movie_id FROM movie_production_countries mpc WHERE mpc.production_country_id = ANY("+a.add(p.Countries)+"::bigint[])")
	}
	if p.CompanyIDs != nil {
		subs = append(subs, "SELECT mpc.movie_id FROM movie_production_companies mpc WHERE mpc.production_company_id = ANY("+a.add(p.CompanyIDs)+"::bigint[])")
	}
	if p.RatingMin != nil {
		w = append(w, latest("tmdb", "rating_average")+" >= "+a.add(*p.RatingMin)+"::double precision")
	}
	// Festivals and the URL-only award filters: one nominations subquery.
	if p.FestivalIDs != nil || p.AwardStatus != "" || p.AwardCategory != nil || p.AwardYearFrom != nil || p.AwardYearTo != nil {
		sub := "SELECT fn.movie_id FROM festival_nominations fn"
		var sw []string
		if p.FestivalIDs != nil || p.AwardYearFrom != nil || p.AwardYearTo != nil {
			sub += " JOIN festival_ceremonies fc ON fc.id = fn.ceremony_id"
		}
		if p.FestivalIDs != nil {
			sw = append(sw, "fc.organization_id = ANY("+a.add(p.FestivalIDs)+"::bigint[])")
		}
		if p.AwardYearFrom != nil {
			sw = append(sw, "fc.year >= "+a.add(*p.AwardYearFrom)+"::int")
		}
		if p.AwardYearTo != nil {
			sw = append(sw, "fc.year <= "+a.add(*p.AwardYearTo)+"::int")
		}
		if p.AwardCategory != nil {
			sw = append(sw, "fn.category_id = "+a.add(*p.AwardCategory)+"::bigint")
		}
		switch p.AwardStatus {
		case "won", "multiple_awards":
			sw = append(sw, "fn.won")
		case "nominated_only":
			sw = append(sw, "NOT fn.won")
		}
		if len(sw) > 0 {
			sub += " WHERE " + strings.Join(sw, " AND ")
		}
		if p.AwardStatus == "multiple_awards" {
			sub += " GROUP BY fn.movie_id HAVING count(*) > 1"
		}
		subs = append(subs, sub)
	}
	if p.PeopleIDs != nil {
		sub := "SELECT mc.movie_id FROM movie_credits mc WHERE mc.person_id = ANY(" + a.add(p.PeopleIDs) + "::bigint[])"
		if role := roleSQL(p.PeopleRole); role != "" {
			sub += " AND " + role
		}
		if p.PeopleAll {
			sub += " GROUP BY mc.movie_id HAVING count(DISTINCT mc.person_id) = " + a.add(len(p.PeopleIDs)) + "::int"
		}
		subs = append(subs, sub)
	}
	switch p.RatingPreset {
	case "highly_rated", "well_reviewed":
		// Average over the sources present (B10 fixed: a single-source
		// rating is no longer halved).
		min := "7.5"
		if p.RatingPreset == "well_reviewed" {
			min = "6.0"
		}
		w = append(w, `(SELECT avg(em.value) FROM external_metrics em WHERE em.movie_id = m.id
			AND em.source IN ('tmdb', 'imdb') AND em.metric_type = 'rating_average') >= `+min)
	case "critically_acclaimed":
		w = append(w, `EXISTS (SELECT 1 FROM external_metrics em WHERE em.movie_id = m.id AND (
			(em.source = 'metacritic' AND em.metric_type = 'metascore' AND em.value >= 70) OR
			(em.source = 'rotten_tomatoes' AND em.metric_type = 'tomatometer' AND em.value >= 80)))`)
	}
	if p.MaxAge != nil {
		w = append(w, ageSQL(*p.MaxAge, a))
	}
	switch p.Discovery {
	case "award_winners":
		subs = append(subs, "SELECT fn.movie_id FROM festival_nominations fn WHERE fn.won")
	case "popular_favorites":
		w = append(w, "(COALESCE("+latest("tmdb", "rating_average")+", 0) / 10.0 * 0.5 + COALESCE("+latest("imdb", "rating_average")+", 0) / 10.0 * 0.5) >= 0.7")
	case "hidden_gems":
		w = append(w, "COALESCE("+latest("tmdb", "rating_average")+", 0) >= 7.0 AND COALESCE("+latest("tmdb", "rating_votes")+", 0) < 10000")
	}
	if p.AwardPreset != "" {
		cond := map[string]string{"recent_awards": "fc.year >= 2020", "2010s": "fc.year BETWEEN 2010 AND 2019",
			"2000s": "fc.year BETWEEN 2000 AND 2009", "classic": "fc.year < 2000"}[p.AwardPreset]
		subs = append(subs, "SELECT fn.movie_id FROM festival_nominations fn JOIN festival_ceremonies fc ON fc.id = fn.ceremony_id WHERE "+cond)
	}
	if p.FestRecMin != nil {
		w = append(w, "EXISTS (SELECT 1 FROM movie_score_caches sc WHERE sc.movie_id = m.id AND sc.festival_recognition_score >= "+a.add(*p.FestRecMin)+"::double precision)")
	}
	if p.TimeMachineMin != nil {
		w = append(w, timeMachineSQL+" >= "+a.add(*p.TimeMachineMin)+"::double precision")
	}
	if p.AuteursMin != nil {
		w = append(w, auteursSQL+" >= "+a.add(*p.AuteursMin)+"::double precision")
	}
	if p.Disparity != "" {
		w = append(w, "EXISTS (SELECT 1 FROM movie_score_caches sc WHERE sc.movie_id = m.id AND sc.disparity_category = "+a.add(p.Disparity)+")")
	}
	return w, subs
}

// filterSetSQL selects the ids of the movies p's filters select, without
// baseConds (the orderings apply those), possibly with repeats; "" when
// the filters select every movie (e.g. discovery_preset=critically_acclaimed,
// which the original accepts and ignores).
func filterSetSQL(p *plan, a *args) string {
	cols, subs := filterConds(p, a)
	if len(cols) == 0 && len(subs) == 0 {
		return ""
	}
	if len(cols) == 0 {
		// Only id subqueries: no need to visit movies at all.
		return "(" + strings.Join(subs, ") INTERSECT (") + ")"
	}
	for _, sub := range subs {
		cols = append(cols, "m.id IN ("+sub+")")
	}
	return "SELECT m.id FROM movies m WHERE " + strings.Join(cols, " AND ")
}

func roleSQL(role string) string {
	jobs := map[string][]string{
		"writer":          {"Writer", "Screenplay", "Story", "Novel", "Characters", "Teleplay", "Adaptation"},
		"producer":        {"Producer", "Executive Producer", "Associate Producer", "Co-Producer", "Line Producer"},
		"cinematographer": {"Director of Photography", "Cinematography", "Cinematographer"},
		"composer":        {"Original Music Composer", "Composer", "Music", "Music Score"},
		"editor":          {"Editor", "Film Editor", "Editorial", "Editing"},
	}
	switch role {
	case "director":
		return "mc.job = 'Director'"
	case "cast":
		return "mc.credit_type = 'cast'"
	}
	if js, ok := jobs[role]; ok {
		return "mc.job IN ('" + strings.Join(js, "', '") + "')"
	}
	return ""
}

// certAges are the minimum ages of the US certifications (§3.5).
var certAges = []struct {
	cert string
	age  int
}{{"G", 0}, {"PG", 7}, {"PG-13", 13}, {"R", 17}, {"NC-17", 18}}

// ageSQL is the max_age filter: the OMDb content rating (normalised) when
// the movie has one, else its US release certifications.
func ageSQL(maxAge int, a *args) string {
	var allowed, disallowed []string
	for _, c := range certAges {
		if c.age <= maxAge {
			allowed = append(allowed, c.cert)
		} else {
			disallowed = append(disallowed, c.cert)
		}
	}
	if len(allowed) == 0 {
		return "false"
	}
	al := a.add(allowed) + "::text[]"
	omdb := `FROM external_metrics em WHERE em.movie_id = m.id AND em.source = 'omdb' AND em.metric_type = 'content_rating'`
	s := `(EXISTS (SELECT 1 ` + omdb + ` AND regexp_replace(upper(btrim(em.text_value)), '^RATED ', '') = ANY(` + al + `))
	OR (NOT EXISTS (SELECT 1 ` + omdb + `)
	    AND EXISTS (SELECT 1 FROM movie_release_dates rd WHERE rd.movie_id = m.id AND rd.country_code = 'US' AND rd.certification = ANY(` + al + `))`
	if maxAge < 18 && len(disallowed) > 0 {
		s += `
	    AND NOT EXISTS (SELECT 1 FROM movie_release_dates rd WHERE rd.movie_id = m.id AND rd.country_code = 'US' AND rd.certification = ANY(` + a.add(disallowed) + `::text[]))`
	}
	return s + "))"
}

const timeMachineSQL = `LEAST(1.0,
	0.1 * (CASE WHEN jsonb_typeof(m.canonical_sources) = 'object'
	            THEN (SELECT count(*) FROM jsonb_object_keys(m.canonical_sources)) ELSE 0 END)
	+ COALESCE((SELECT CASE WHEN em.value IS NULL OR em.value <= 0 THEN 0 ELSE ln(em.value + 1) / ln(1001) END
	            FROM external_metrics em WHERE em.movie_id = m.id AND em.source = 'tmdb' AND em.metric_type = 'popularity_score'
	            ORDER BY em.fetched_at DESC LIMIT 1), 0))`

const auteursSQL = `COALESCE((SELECT avg(DISTINCT pm.score) / 100.0 FROM movie_credits mc
	JOIN person_metrics pm ON pm.person_id = mc.person_id AND pm.metric_type = 'quality_score'
	WHERE mc.movie_id = m.id), 0)`

// inlineDiscovery is the discovery formula computed per row (§6.1), used
// for movies that the materialized view does not hold yet.
func inlineDiscovery(today string) string {
	pop, votes, rating := latest("tmdb", "popularity_score"), latest("tmdb", "rating_votes"), latest("tmdb", "rating_average")
	return `(0.35 * COALESCE(exp(GREATEST(-700.0, -0.01 * GREATEST(0.0, (` + today + ` - COALESCE(m.release_date, ` + today + `))::double precision))), 0.5)
	+ 0.35 * COALESCE(ln(GREATEST(` + pop + `, 1.0) + 1.0) / ln(1000.0), 0.0)
	+ 0.20 * COALESCE(ln(GREATEST(` + votes + `, 1.0) + 1.0) / ln(100000.0), 0.0)
	+ 0.10 * (SELECT CASE WHEN v.votes IS NOT NULL AND v.rating IS NOT NULL AND v.votes >= 10 THEN v.rating / 10.0 ELSE 0.5 END
	          FROM (SELECT ` + votes + ` AS votes, ` + rating + ` AS rating) v))`
}

// genericOrder returns the joins and order keys of a sort on the generic
// path (§6.2/§7.4; NULLs last and id as the final tie-breaker, B6 fixed).
// restrict, when not "", is an SQL array of the only movie ids ordered: the
// per-movie aggregates are then computed for those alone.
func genericOrder(p *plan, a *args, restrict string) (joins []string, keys []orderKey) {
	s := p.Sort
	only := func(col string) string {
		if restrict == "" {
			return ""
		}
		return " WHERE " + col + " = ANY(" + restrict + ")"
	}
	metricJoin := func(alias, source, metric string) {
		joins = append(joins, fmt.Sprintf("LEFT JOIN external_metrics %[1]s ON %[1]s.movie_id = m.id AND %[1]s.source = '%[2]s' AND %[1]s.metric_type = '%[3]s'", alias, source, metric))
	}
	avgOf := func(x, y string) string {
		return fmt.Sprintf("((COALESCE(%[1]s.value, 0) + COALESCE(%[2]s.value, 0)) / NULLIF((%[1]s.value IS NOT NULL)::int + (%[2]s.value IS NOT NULL)::int, 0))", x, y)
	}
	switch s.Criteria {
	case "title":
		keys = []orderKey{{"m.title", s.Desc, true}}
	case "release_date":
		keys = []orderKey{releaseKey(p, s.Desc)}
	case "runtime":
		keys = []orderKey{{"m.runtime", s.Desc, true}}
	case "rating":
		metricJoin("em_r", "tmdb", "rating_average")
		keys = []orderKey{{"em_r.value", s.Desc, true}}
	case "popularity":
		metricJoin("em_p", "tmdb", "popularity_score")
		keys = []orderKey{{"em_p.value", s.Desc, true}}
	case "mob":
		metricJoin("em_t", "tmdb", "rating_average")
		metricJoin("em_i", "imdb", "rating_average")
		keys = []orderKey{{avgOf("em_t", "em_i") + " / 10.0", s.Desc, true}}
	case "critics":
		metricJoin("em_rt", "rotten_tomatoes", "tomatometer")
		metricJoin("em_mc", "metacritic", "metascore")
		keys = []orderKey{{avgOf("em_rt", "em_mc") + " / 100.0", s.Desc, true}}
	case "festival_recognition":
		joins = append(joins, `LEFT JOIN (SELECT fn.movie_id, LEAST(1.0, 0.2 * count(*) FILTER (WHERE fn.won) + 0.05 * count(*)) AS v
			FROM festival_nominations fn`+only("fn.movie_id")+` GROUP BY fn.movie_id) fr ON fr.movie_id = m.id`)
		keys = []orderKey{{"COALESCE(fr.v, 0)", s.Desc, true}}
	case "time_machine":
		keys = []orderKey{{timeMachineSQL, s.Desc, true}}
	case "auteurs":
		joins = append(joins, `LEFT JOIN (SELECT mc.movie_id, avg(DISTINCT pm.score) / 100.0 AS v FROM movie_credits mc
			JOIN person_metrics pm ON pm.person_id = mc.person_id AND pm.metric_type = 'quality_score'`+only("mc.movie_id")+`
			GROUP BY mc.movie_id) au ON au.movie_id = m.id`)
		keys = []orderKey{{"COALESCE(au.v, 0)", s.Desc, true}}
	case "discovery_score":
		// The materialized view's score (what bare /movies orders by), with
		// the inline formula for movies the view does not hold yet.
		joins = append(joins, "LEFT JOIN movie_discovery_rankings_mv r ON r.movie_id = m.id")
		keys = []orderKey{{"COALESCE(r.default_discovery_score, " + inlineDiscovery(a.today(p)) + ")", s.Desc, true}, {"m.release_date", true, true}}
	default: // score and presets
		joins = append(joins, "LEFT JOIN movie_score_caches sc ON sc.movie_id = m.id")
		if p.Weights != nil {
			keys = []orderKey{{weightedScore(p, a), s.Desc, true}}
		} else {
			keys = []orderKey{
				{"CASE WHEN sc.overall_score IS NOT NULL AND " + lensCount + " >= 2 THEN 0 ELSE 1 END", false, true},
				{adjustedScore, s.Desc, true},
				{"m.release_date", true, true},
			}
		}
	}
	return joins, keys
}

// weightedScore is a preset's score of score cache sc: the weighted sum of
// its lenses, NULL without a cache row.
func weightedScore(p *plan, a *args) string {
	var terms []string
	for i, col := range lensColumns {
		terms = append(terms, a.add(p.Weights[i])+"::double precision * COALESCE(sc."+col+", 0)")
	}
	return "CASE WHEN sc.movie_id IS NULL THEN NULL ELSE " + strings.Join(terms, " + ") + " END"
}

// genericOrderSQL orders the movies of the generic path by p's sort: every
// movie (set nil), or those of set (§7.3/7.4; the filters are applied
// through set).
func genericOrderSQL(p *plan, a *args, set []int64) string {
	where := baseConds(p, a)
	restrict := ""
	if set != nil {
		restrict = a.add(set) + "::bigint[]"
		where = append(where, "m.id = ANY("+restrict+")")
	}
	joins, keys := genericOrder(p, a, restrict)
	return "SELECT m.id FROM movies m " + strings.Join(joins, " ") + " WHERE " + strings.Join(where, " AND ") + " ORDER BY " + orderSQL(keys)
}

// ErrNotFound is returned by Movie for an unknown slug or id.
var ErrNotFound = errors.New("movies: movie not found")
