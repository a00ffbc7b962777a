package movies_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
	"github.com/cortex-cinegraph/golive/movies/sample"
)

// oracle runs an independent SQL query returning movie ids in order.
func oracle(t *testing.T, dsn, sql string, args ...any) []int64 {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, sql, args...)
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, sql)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// all returns every card of a search, page by page, failing on a
// duplicate (stable pagination, B6).
func all(t *testing.T, s *movies.Store, raw string) ([]int64, movies.Result) {
	t.Helper()
	var ids []int64
	seen := map[int64]bool{}
	var first movies.Result
	for page := 1; ; page++ {
		p := params(t, raw)
		p.Set("page", fmt.Sprint(page))
		res, err := s.Search(context.Background(), movies.ParseQuery(p))
		if err != nil {
			t.Fatalf("%s page %d: %v", raw, page, err)
		}
		if page == 1 {
			first = res
		}
		for _, c := range res.Cards {
			if seen[c.ID] {
				t.Fatalf("%s: movie %d on two pages", raw, c.ID)
			}
			seen[c.ID] = true
			ids = append(ids, c.ID)
		}
		if page >= res.TotalPages {
			break
		}
		if len(res.Cards) != movies.PerPage {
			t.Fatalf("%s: page %d of %d has %d cards", raw, page, res.TotalPages, len(res.Cards))
		}
	}
	if int64(len(ids)) != first.Total {
		t.Fatalf("%s: %d cards over all pages, total says %d", raw, len(ids), first.Total)
	}
	return ids, first
}

func golden(slug string) int64 { return sample.GoldenBySlug(slug).ID() }

const released = `m.import_status = 'full' AND m.release_date <= CURRENT_DATE`

// Each filter (§3.5, with §12's fixes), against the golden edge cases and
// independent counts.
func TestFilters(t *testing.T) {
	dsn := seededDSN(t)
	s := openStore(t, dsn, movies.Config{})
	cases := []struct {
		raw      string
		path     movies.Path
		in, out  []string
		total    int64  // -1: not checked
		oracleSQ string // count oracle (WHERE clause over movies m), optional
	}{
		{"", movies.PathRankings, []string{"golden-tie-a", "golden-sentinel-1"}, []string{"golden-no-date", "golden-future-2099", "golden-partial"}, -1, released},
		{"show_unreleased=true", movies.PathGeneric, []string{"golden-no-date", "golden-future-2099"}, []string{"golden-partial"}, -1, `m.import_status = 'full'`},
		{"genres=drama,comedy", movies.PathGeneric, []string{"golden-trio-genres-2010", "golden-duo-genres-2011"}, []string{"golden-solo-comedy-2012", "golden-tie-a"}, -1,
			released + ` AND (SELECT count(*) FROM movie_genres g WHERE g.movie_id = m.id AND g.genre_id IN (4, 7)) = 2`},
		{"genres[]=romance&genres[]=4&genres[]=drama", movies.PathGeneric, []string{"golden-trio-genres-2010"}, []string{"golden-duo-genres-2011"}, -1,
			released + ` AND (SELECT count(*) FROM movie_genres g WHERE g.movie_id = m.id AND g.genre_id IN (4, 7, 14)) = 3`},
		{"genres=999999", movies.PathGeneric, nil, nil, 0, ""},
		{"genres=no-such-genre", movies.PathRankings, nil, nil, -1, released},
		{"decade=1995", movies.PathGeneric, []string{"golden-2003"}, nil, -1, released + ` AND m.release_date BETWEEN '1995-01-01' AND '2004-12-31'`},
		{"decade=1990", movies.PathGeneric, nil, []string{"golden-2003"}, -1, released + ` AND m.release_date BETWEEN '1990-01-01' AND '1999-12-31'`},
		{"lists=criterion", movies.PathGeneric, []string{"golden-two-lists"}, []string{"golden-inactive-list"}, -1, released + ` AND m.canonical_sources ? 'criterion'`},
		{"lists=1001-movies,national_film_registry", movies.PathGeneric, []string{"golden-two-lists"}, nil, -1,
			released + ` AND (m.canonical_sources ? '1001_movies' OR m.canonical_sources ? 'national_film_registry')`},
		{"lists=afi-top-100", movies.PathGeneric, []string{"golden-inactive-list"}, []string{"golden-two-lists"}, -1, ""},
		{"festivals=cannes", movies.PathGeneric, []string{"golden-cannes-winner"}, []string{"golden-spirit-nominee"}, -1,
			released + ` AND m.id IN (SELECT fn.movie_id FROM festival_nominations fn JOIN festival_ceremonies fc ON fc.id = fn.ceremony_id WHERE fc.organization_id = 2)`},
		{"festivals=oscars,8", movies.PathGeneric, []string{"golden-cannes-winner", "golden-spirit-nominee"}, nil, -1, ""},
		{"festivals=no-such-festival", movies.PathRankings, nil, nil, -1, released},
		{"people=ada-golden,bo-golden", movies.PathGeneric, []string{"golden-trio-genres-2010", "golden-duo-genres-2011", "golden-solo-comedy-2012"}, nil, 3, ""},
		{"people=ada-golden,bo-golden&people_match=all", movies.PathGeneric, []string{"golden-trio-genres-2010"}, nil, 1, ""},
		{"people=ada-golden&people_match=all", movies.PathGeneric, []string{"golden-trio-genres-2010", "golden-duo-genres-2011"}, nil, 2, ""},
		{fmt.Sprintf("people_ids=%d", sample.GoldenAda), movies.PathGeneric, []string{"golden-trio-genres-2010", "golden-duo-genres-2011"}, nil, 2, ""},
		{"people=cy-golden&people_role=director", movies.PathGeneric, []string{"golden-trio-genres-2010", "golden-solo-comedy-2012", "golden-cannes-winner"}, nil, 3, ""},
		{"people=ada-golden&people_role=director", movies.PathGeneric, nil, nil, 0, ""},
		{"people=ada-golden&people_role=cast", movies.PathGeneric, nil, nil, 2, ""},
		{"rating_preset=highly_rated", movies.PathGeneric, []string{"golden-tmdb-only-8"}, []string{"golden-imdb-only-7", "golden-tie-a"}, -1,
			released + ` AND (SELECT avg(value) FROM external_metrics e WHERE e.movie_id = m.id AND e.source IN ('tmdb','imdb') AND e.metric_type = 'rating_average') >= 7.5`},
		{"rating_preset=well_reviewed", movies.PathGeneric, []string{"golden-tmdb-only-8", "golden-imdb-only-7", "golden-tie-a"}, []string{"golden-solo-comedy-2012"}, -1, ""},
		{"rating_preset=critically_acclaimed", movies.PathGeneric, []string{"golden-metascore-75", "golden-tomatometer-85"}, []string{"golden-low-critics"}, -1, ""},
		{"max_age=6", movies.PathGeneric, []string{"golden-cert-lower-g"}, []string{"golden-cert-omdb-pg", "golden-cert-us-pg13"}, -1, ""},
		{"max_age=12", movies.PathGeneric, []string{"golden-cert-omdb-pg", "golden-cert-lower-g"},
			[]string{"golden-cert-not-rated", "golden-cert-us-pg-r", "golden-cert-us-pg13", "golden-cert-rated-pg13", "golden-tie-a"}, -1, ""},
		{"max_age=16", movies.PathGeneric, []string{"golden-cert-omdb-pg", "golden-cert-us-pg13", "golden-cert-rated-pg13", "golden-cert-lower-g"},
			[]string{"golden-cert-not-rated", "golden-cert-us-pg-r"}, -1, ""},
		{"max_age=99", movies.PathGeneric, []string{"golden-cert-us-pg-r", "golden-cert-us-pg13"}, []string{"golden-cert-not-rated"}, -1, ""},
		{"search=100%25", movies.PathGeneric, []string{"100-golden-percent-2012"}, []string{"1000-golden-thousand-2012"}, -1, ""},
		{"search=n_U", movies.PathGeneric, []string{"golden-under-2013"}, []string{"goldenxunder-2013"}, 1, ""},
		{`search=\`, movies.PathGeneric, []string{"golden-backslash-2013"}, nil, 1, ""},
		{"search=CAF%C3%89%20golden", movies.PathGeneric, []string{"cafe-golden-u-2014"}, nil, 1, ""},
		{"search=golden%20tie", movies.PathGeneric, []string{"golden-tie-a", "golden-tie-b", "golden-tie-c"}, nil, 3, ""},
		{"year=2003", movies.PathGeneric, []string{"golden-2003"}, nil, -1, released + ` AND EXTRACT(YEAR FROM m.release_date) = 2003`},
		{"year_from=2003&year_to=2003", movies.PathGeneric, []string{"golden-2003"}, nil, -1, released + ` AND EXTRACT(YEAR FROM m.release_date) = 2003`},
		{"runtime_min=105&runtime_max=110", movies.PathGeneric, []string{"golden-trio-genres-2010", "golden-duo-genres-2011"}, nil, -1,
			released + ` AND m.runtime BETWEEN 105 AND 110`},
		{"rating_min=7.9", movies.PathGeneric, []string{"golden-tmdb-only-8"}, []string{"golden-tie-a"}, -1, ""},
		{"companies=northlight-pictures", movies.PathGeneric, []string{"golden-tie-a", "golden-tie-b", "golden-tie-c"}, nil, -1,
			released + ` AND m.id IN (SELECT movie_id FROM movie_production_companies WHERE production_company_id = 1)`},
		{"production_company_ids=1", movies.PathGeneric, []string{"golden-tie-a"}, nil, -1, ""},
		{"countries=3&languages=fr", movies.PathGeneric, []string{"golden-trio-genres-2010"}, nil, -1, ""},
		{"award_status=won", movies.PathGeneric, []string{"golden-cannes-winner"}, []string{"golden-spirit-nominee"}, -1, ""},
		{"award_status=nominated_only", movies.PathGeneric, []string{"golden-cannes-winner", "golden-spirit-nominee"}, nil, -1, ""},
		{"award_year_from=2016&award_year_to=2016", movies.PathGeneric, []string{"golden-spirit-nominee"}, []string{"golden-cannes-winner"}, -1, ""},
		{"discovery_preset=award_winners", movies.PathGeneric, []string{"golden-cannes-winner"}, []string{"golden-spirit-nominee"}, -1, ""},
		{"award_preset=2010s", movies.PathGeneric, []string{"golden-cannes-winner", "golden-spirit-nominee"}, nil, -1, ""},
		{"festival_recognition_min=8", movies.PathGeneric, []string{"golden-six-lenses", "golden-version-five"}, nil, -1, ""},
		{"auteurs_min=0.85", movies.PathGeneric, []string{"golden-cannes-winner"}, nil, -1, ""},
		{"time_machine_min=0.2", movies.PathGeneric, []string{"golden-two-lists", "golden-tie-a"}, []string{"golden-null-runtime"}, -1, ""},
		{"page=999", movies.PathRankings, nil, nil, -1, released},
	}
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			ids, res := all(t, s, c.raw)
			if res.Path != c.path {
				t.Errorf("path %s, want %s", res.Path, c.path)
			}
			for _, slug := range c.in {
				if !slices.Contains(ids, golden(slug)) {
					t.Errorf("%s missing", slug)
				}
			}
			for _, slug := range c.out {
				if slices.Contains(ids, golden(slug)) {
					t.Errorf("%s should be filtered out", slug)
				}
			}
			if c.total >= 0 && res.Total != c.total {
				t.Errorf("total %d, want %d", res.Total, c.total)
			}
			if c.oracleSQ != "" {
				want := oracle(t, dsn, "SELECT m.id FROM movies m WHERE "+c.oracleSQ+" ORDER BY m.id")
				got := slices.Clone(ids)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("got %d movies, the oracle %d", len(got), len(want))
				}
			}
		})
	}
	// page beyond the last: no cards, the real total.
	res, err := s.Search(context.Background(), movies.ParseQuery(params(t, "page=999")))
	if err != nil || len(res.Cards) != 0 || res.Total == 0 || res.Page != 999 {
		t.Errorf("page=999: %d cards, total %d, err %v", len(res.Cards), res.Total, err)
	}
}

// Certification labels are filled only under max_age.
func TestCertificationLabels(t *testing.T) {
	s := openStore(t, seededDSN(t), movies.Config{})
	ctx := context.Background()
	res, err := s.Search(ctx, movies.ParseQuery(params(t, "max_age=16&search=golden%20cert")))
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{}
	for _, c := range res.Cards {
		labels[c.Slug] = c.Certification
	}
	want := map[string]string{"golden-cert-omdb-pg": "PG", "golden-cert-us-pg13": "PG-13", "golden-cert-rated-pg13": "PG-13", "golden-cert-lower-g": "G"}
	for k, v := range want {
		if labels[k] != v {
			t.Errorf("%s: certification %q, want %q", k, labels[k], v)
		}
	}
	res, _ = s.Search(ctx, movies.ParseQuery(params(t, "search=golden%20cert")))
	for _, c := range res.Cards {
		if c.Certification != "" {
			t.Errorf("%s: certification without max_age", c.Slug)
		}
	}
}

// Invalid parameters: the whole search fails with the parameter named and a
// zero count, without touching the database (B5 fixed: the page can say why).
func TestInvalidSearch(t *testing.T) {
	s := openStore(t, seededDSN(t), movies.Config{})
	for _, raw := range []string{"sort=bogus", "page=0", "max_age=120", "show_unreleased=maybe", "sort=balanced", "sort=box_office_desc"} {
		res, err := s.Search(context.Background(), movies.ParseQuery(params(t, raw)))
		var inv *movies.InvalidQueryError
		if !errors.As(err, &inv) || len(inv.Errors) == 0 {
			t.Errorf("%s: err %v", raw, err)
			continue
		}
		if res.Total != 0 || len(res.Cards) != 0 || len(res.Errors) == 0 || !strings.HasPrefix(raw, res.Errors[0].Param) {
			t.Errorf("%s: result %+v", raw, res)
		}
	}
	if st := s.Stats(); st.Queries != 0 {
		t.Errorf("invalid searches ran %d queries", st.Queries)
	}
}

// Every sort, both directions and bare, on the full set and on a filtered
// set: pages never overlap and cover the total (B6 fixed), and the
// plain-column sorts match independent orderings with NULLs last and id as
// the tie-breaker.
func TestSorts(t *testing.T) {
	dsn := seededDSN(t)
	s := openStore(t, dsn, movies.Config{})
	for _, c := range movies.SortCriteria {
		for _, suffix := range []string{"", "_asc", "_desc"} {
			sortV := c + suffix
			for _, filter := range []string{"", "&genres=drama", "&show_unreleased=true"} {
				raw := "sort=" + sortV + filter
				_, res := all(t, s, raw)
				want, _ := movies.ParseSort(sortV)
				if res.Sort != want {
					t.Errorf("%s: applied %+v", raw, res.Sort)
				}
			}
		}
	}
	metric := func(source, typ string) string {
		return fmt.Sprintf(`(SELECT value FROM external_metrics e WHERE e.movie_id = m.id AND e.source = '%s' AND e.metric_type = '%s')`, source, typ)
	}
	checks := []struct{ raw, order string }{
		{"sort=title", "m.title ASC, m.id"},
		{"sort=title_desc", "m.title DESC, m.id"},
		{"sort=release_date", "m.release_date ASC, m.id"},
		{"sort=release_date_desc", "m.release_date DESC, m.id"},
		{"sort=runtime_desc", "m.runtime DESC NULLS LAST, m.id"},
		{"sort=runtime", "m.runtime ASC NULLS LAST, m.id"},
		{"sort=rating_desc", metric("tmdb", "rating_average") + " DESC NULLS LAST, m.id"},
		{"sort=rating_asc", metric("tmdb", "rating_average") + " ASC NULLS LAST, m.id"},
		{"sort=popularity", metric("tmdb", "popularity_score") + " DESC NULLS LAST, m.id"},
		{"sort=critics", "(SELECT avg(value) / 100.0 FROM external_metrics e WHERE e.movie_id = m.id AND ((e.source = 'rotten_tomatoes' AND e.metric_type = 'tomatometer') OR (e.source = 'metacritic' AND e.metric_type = 'metascore'))) DESC NULLS LAST, m.id"},
		{"sort=mob_asc", "(SELECT avg(value) / 10.0 FROM external_metrics e WHERE e.movie_id = m.id AND e.source IN ('imdb', 'tmdb') AND e.metric_type = 'rating_average') ASC NULLS LAST, m.id"},
		{"sort=festival_recognition", "LEAST(1.0, (SELECT 0.2 * count(*) FILTER (WHERE won) + 0.05 * count(*) FROM festival_nominations fn WHERE fn.movie_id = m.id)) DESC, m.id"},
		{"sort=discovery_score_desc&show_unreleased=true", "(SELECT r.default_discovery_score FROM movie_discovery_rankings_mv r WHERE r.movie_id = m.id) DESC NULLS LAST, m.release_date DESC NULLS LAST, m.id"},
	}
	for _, c := range checks {
		where := released
		if strings.Contains(c.raw, "show_unreleased=true") {
			where = "m.import_status = 'full'"
		}
		want := oracle(t, dsn, "SELECT m.id FROM movies m WHERE "+where+" ORDER BY "+c.order)
		got, _ := all(t, s, c.raw)
		if !slices.Equal(got, want) {
			t.Errorf("%s: order differs from the oracle (first ids %v vs %v)", c.raw, head(got), head(want))
		}
	}
	// The golden ties come out in id order.
	got, _ := all(t, s, "sort=title&search=golden%20tie")
	if !slices.Equal(got, []int64{golden("golden-tie-a"), golden("golden-tie-b"), golden("golden-tie-c")}) {
		t.Errorf("ties: %v", got)
	}
}

func head(ids []int64) []int64 { return ids[:min(len(ids), 5)] }

// The default browse (§7.1) and the plain score sort (§7.2) against
// independent queries.
func TestPaths(t *testing.T) {
	dsn := seededDSN(t)
	s := openStore(t, dsn, movies.Config{})
	want := oracle(t, dsn, `SELECT r.movie_id FROM movie_discovery_rankings_mv r
		WHERE r.import_status = 'full' AND r.is_released AND r.release_date <= CURRENT_DATE
		ORDER BY r.default_discovery_score DESC NULLS LAST, r.release_date DESC NULLS LAST, r.movie_id`)
	got, res := all(t, s, "")
	if res.Path != movies.PathRankings || !slices.Equal(got, want) {
		t.Errorf("default browse: path %s, %d ids (oracle %d), first %v vs %v", res.Path, len(got), len(want), head(got), head(want))
	}
	if !res.Sort.Default || res.Sort.Criteria != "discovery_score" || !res.Sort.Desc {
		t.Errorf("default sort reported as %+v", res.Sort)
	}
	lenses := `((COALESCE(sc.mob_score,0)>0)::int + (COALESCE(sc.critics_score,0)>0)::int + (COALESCE(sc.festival_recognition_score,0)>0)::int +
		(COALESCE(sc.time_machine_score,0)>0)::int + (COALESCE(sc.auteurs_score,0)>0)::int + (COALESCE(sc.box_office_score,0)>0)::int)`
	for _, dir := range []string{"DESC", "ASC"} {
		ok := `sc.calculation_version = '6' AND sc.overall_score IS NOT NULL AND ` + lenses + ` >= 2`
		want := oracle(t, dsn, `SELECT m.id FROM movies m LEFT JOIN movie_score_caches sc ON sc.movie_id = m.id WHERE `+released+`
			ORDER BY CASE WHEN `+ok+` THEN 0 ELSE 1 END,
			CASE WHEN `+ok+` THEN sc.overall_score * (`+lenses+`::double precision / 6.0) END `+dir+` NULLS LAST,
			m.release_date DESC NULLS LAST, m.id`)
		raw := "sort=score_" + strings.ToLower(dir)
		got, res := all(t, s, raw)
		if res.Path != movies.PathScore || !slices.Equal(got, want) {
			t.Errorf("%s: path %s, first %v vs oracle %v", raw, res.Path, head(got), head(want))
		}
	}
	// The version-5 golden movie is "insufficient" on the plain score path
	// but scoreable on the generic one.
	plain, _ := all(t, s, "sort=score_desc")
	generic, res := all(t, s, "sort=score_desc&genres=music")
	if res.Path != movies.PathGeneric {
		t.Errorf("filtered score sort took %s", res.Path)
	}
	v5, six := golden("golden-version-five"), golden("golden-six-lenses")
	if slices.Index(plain, v5) < slices.Index(plain, golden("golden-two-lenses")) {
		t.Errorf("plain score path ranks the version-5 cache as scoreable")
	}
	if slices.Index(generic, six) != 0 || slices.Index(generic, v5) != 1 {
		t.Errorf("generic score sort: %v", head(generic))
	}
	// score with preset=… uses the profile's weights (generic path).
	_, res = all(t, s, "sort=score_desc&preset=hidden_gems")
	if res.Path != movies.PathGeneric {
		t.Errorf("sort=score_desc&preset: path %s", res.Path)
	}
}

// Card fields (§2.1): badges per sort kind, lens chips, reason lines, links.
func TestCards(t *testing.T) {
	s := openStore(t, seededDSN(t), movies.Config{})
	ctx := context.Background()
	find := func(raw, slug string) movies.Card {
		t.Helper()
		ids, _ := all(t, s, raw)
		for page := 1; page <= (len(ids)+23)/24; page++ {
			p := params(t, raw)
			p.Set("page", fmt.Sprint(page))
			res, err := s.Search(ctx, movies.ParseQuery(p))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range res.Cards {
				if c.Slug == slug {
					return c
				}
			}
		}
		t.Fatalf("%s not in %s", slug, raw)
		return movies.Card{}
	}
	c := find("genres=music", "golden-six-lenses")
	if c.Score == nil || *c.Score != 8.8 || c.Reason != "High confidence · 6 of 6 evidence lenses" || c.ScoreabilityState != "scoreable" {
		t.Errorf("six lenses: %+v", c)
	}
	if c.Href() != "/movies/golden-six-lenses" || c.PosterURL() != "https://image.tmdb.org/t/p/w500/golden37.jpg" || c.Year() != "2018" {
		t.Errorf("links: %s %s %s", c.Href(), c.PosterURL(), c.Year())
	}
	c = find("genres=music", "golden-two-lenses")
	if c.Score == nil || *c.Score != 7.5 || c.Reason != "Limited confidence · 2 of 6 evidence lenses" {
		t.Errorf("two lenses: %+v", c)
	}
	c = find("genres=music", "golden-one-lens")
	if c.Score != nil || c.Reason != "Not enough evidence yet" {
		t.Errorf("one lens: %+v", c)
	}
	c = find("genres=music", "golden-explicit-zeros")
	if c.PresentLenses != 1 || c.Score != nil {
		t.Errorf("explicit zeros count as missing: %+v", c)
	}
	c = find("genres=music&sort=mob", "golden-six-lenses")
	if c.Lens != "mob" || c.LensPercent == nil || *c.LensPercent != 90 || len(c.Lenses) != 5 || !c.Lenses[0].Active {
		t.Errorf("lens sort card: %+v", c)
	}
	c = find("genres=music&sort=critics_choice", "golden-six-lenses")
	if c.Score == nil || math.Abs(*c.Score-8.85) > 0.051 {
		t.Errorf("preset badge: %v", c.Score)
	}
	c = find("search=golden&sort=critics_choice", "golden-2003")
	if c.Score != nil {
		t.Errorf("preset badge without a score cache: %v", *c.Score)
	}
}

// FilterOptions: genres by name, active lists, festivals, decades, and only
// the presets that validate (B4 fixed).
func TestFilterOptions(t *testing.T) {
	s := openStore(t, seededDSN(t), movies.Config{})
	o, err := s.FilterOptions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Genres) != 19 || o.Genres[0].Name != "Action" || o.Genres[0].Slug != "action" || o.Genres[18].Slug != "western" {
		t.Errorf("genres: %+v", o.Genres)
	}
	if len(o.Lists) != 4 || len(o.AllLists) != 5 {
		t.Errorf("lists: %d active, %d all", len(o.Lists), len(o.AllLists))
	}
	if l, ok := o.ListBy("criterion"); !ok || l.URLValue() != "criterion" {
		t.Errorf("criterion: %+v", l)
	}
	if len(o.Festivals) != 8 {
		t.Errorf("festivals: %d", len(o.Festivals))
	}
	year := time.Now().UTC().Year()
	if o.Decades[0] != year/10*10 || o.Decades[len(o.Decades)-1] != 1900 {
		t.Errorf("decades: %v", o.Decades)
	}
	if len(o.Presets) != 5 || len(o.AllProfiles) != 6 {
		t.Errorf("presets: %d valid of %d", len(o.Presets), len(o.AllProfiles))
	}
	var overflow int
	for _, so := range o.SortOptions() {
		if _, ok := movies.ParseSort(so.Criteria); !ok {
			t.Errorf("sort option %s does not validate", so.Criteria)
		}
		if so.Group != "" {
			overflow++
		}
	}
	if overflow != 8+5 {
		t.Errorf("%d overflow sorts", overflow)
	}
}

// The canonical URL through the database resolver.
func TestStoreCanonicalize(t *testing.T) {
	s := openStore(t, seededDSN(t), movies.Config{})
	raw := fmt.Sprintf("genres=7,comedy&festivals=2,8&lists=criterion,sight_sound_critics_2022&people=%d,bo-golden&people_match=all&page=1&search=golden",
		sample.GoldenAda)
	got, err := s.Canonicalize(context.Background(), "/movies", params(t, raw))
	if err != nil {
		t.Fatal(err)
	}
	want := "/movies?festivals=cannes&genres=comedy,drama&lists=criterion,sight-sound-2022&page=1&people=ada-golden,bo-golden&people_match=all&search=golden"
	if got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
	// The canonical URL means the same search as the original one.
	a, _ := all(t, s, raw)
	b, _ := all(t, s, strings.TrimPrefix(want, "/movies?"))
	if !slices.Equal(a, b) {
		t.Errorf("canonical URL changes the results: %v vs %v", a, b)
	}
}

func TestSearchPeople(t *testing.T) {
	s := openStore(t, seededDSN(t), movies.Config{})
	ctx := context.Background()
	if got, _ := s.SearchPeople(ctx, " a ", 10); got != nil {
		t.Errorf("one character: %v", got)
	}
	got, err := s.SearchPeople(ctx, "ADA G", 10)
	if err != nil || len(got) == 0 || got[0].Slug != "ada-golden" {
		t.Fatalf("prefix: %+v %v", got, err)
	}
	got, _ = s.SearchPeople(ctx, "golden", 10)
	var slugs []string
	for _, p := range got {
		slugs = append(slugs, p.Slug)
	}
	if !slices.Equal(slugs, []string{"ada-golden", "bo-golden", "cy-golden"}) {
		t.Errorf("contains, by popularity: %v", slugs)
	}
	got, _ = s.SearchPeople(ctx, "a%", 10)
	if len(got) != 0 {
		t.Errorf("%% is literal: %v", got)
	}
	ps, err := s.People(ctx, []string{"bo-golden", fmt.Sprint(sample.GoldenAda), "nobody"})
	if err != nil || len(ps) != 2 || ps[0].Slug != "bo-golden" || ps[1].Slug != "ada-golden" {
		t.Errorf("People: %+v %v", ps, err)
	}
}

func TestMovie(t *testing.T) {
	s := openStore(t, seededDSN(t), movies.Config{})
	ctx := context.Background()
	m, err := s.Movie(ctx, "golden-trio-genres-2010")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Genres) != 3 || len(m.Cast) != 2 || len(m.Directors) != 1 || m.Directors[0].Slug != "cy-golden" || m.Cast[0].Slug != "ada-golden" {
		t.Errorf("trio: %+v", m)
	}
	byID, err := s.Movie(ctx, fmt.Sprint(m.ID))
	if err != nil || byID.Slug != m.Slug {
		t.Errorf("by id: %v %v", byID, err)
	}
	if _, err := s.Movie(ctx, "no-such-movie"); !errors.Is(err, movies.ErrNotFound) {
		t.Errorf("unknown slug: %v", err)
	}
	m, _ = s.Movie(ctx, "golden-cannes-winner")
	if len(m.Nominations) != 2 || !m.Nominations[0].Won && !m.Nominations[1].Won {
		t.Errorf("nominations: %+v", m.Nominations)
	}
	m, _ = s.Movie(ctx, "golden-two-lists")
	if len(m.Lists) != 2 {
		t.Errorf("lists: %+v", m.Lists)
	}
	m, _ = s.Movie(ctx, "golden-cert-omdb-pg")
	if m.ContentRating != "PG" || m.Certification != "PG" || len(m.ReleaseDates) != 1 {
		t.Errorf("certification: %q %q %v", m.ContentRating, m.Certification, m.ReleaseDates)
	}
	m, _ = s.Movie(ctx, "golden-six-lenses")
	if m.Score == nil || *m.Score.Lenses["box_office"] != 8.8 || m.Scoreability.State != "scoreable" || len(m.Scoreability.PresentLabels) != 6 {
		t.Errorf("score: %+v %+v", m.Score, m.Scoreability)
	}
	m, _ = s.Movie(ctx, "golden-tie-a")
	if len(m.Ratings) != 4 || len(m.Companies) != 1 {
		t.Errorf("ratings/companies: %+v %+v", m.Ratings, m.Companies)
	}
	slug, ok, err := s.SlugForID(ctx, golden("golden-tie-b"))
	if !ok || slug != "golden-tie-b" || err != nil {
		t.Errorf("SlugForID: %q %v %v", slug, ok, err)
	}
	if _, ok, _ := s.SlugForID(ctx, 123456789); ok {
		t.Errorf("SlugForID of a missing movie")
	}
	if slug, ok, _ := s.PersonSlugForID(ctx, sample.GoldenBo); !ok || slug != "bo-golden" {
		t.Errorf("PersonSlugForID: %q", slug)
	}
}

// Config.Today pins "today" in every path: in 2099 the future golden movie
// is released.
func TestPinnedToday(t *testing.T) {
	s := openStore(t, seededDSN(t), movies.Config{Today: func() time.Time { return time.Date(2099, 6, 1, 0, 0, 0, 0, time.UTC) }})
	ids, _ := all(t, s, "search=golden%20future")
	if !slices.Equal(ids, []int64{golden("golden-future-2099")}) {
		t.Errorf("pinned today: %v", ids)
	}
	s = openStore(t, seededDSN(t), movies.Config{Today: func() time.Time { return time.Date(2001, 5, 4, 0, 0, 0, 0, time.UTC) }})
	ids, _ = all(t, s, "search=golden%20tie")
	if len(ids) != 0 {
		t.Errorf("the ties are not released on 2001-05-04: %v", ids)
	}
}

func TestQueryTimeout(t *testing.T) {
	s := openStore(t, seededDSN(t), movies.Config{QueryTimeout: time.Nanosecond})
	_, err := s.Search(context.Background(), movies.ParseQuery(params(t, "sort=title")))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a deadline error", err)
	}
}

// The "In theaters" state (cinegraph's currently_in_theaters?): the
// per-region stamps decide when there are any, else the global stamp;
// fresh means within the last 3 days by the database's clock.
func TestMovieTheaters(t *testing.T) {
	dsn := pgtest.Seeded(t, migrate)
	// Stamps are UTC, as cinegraph writes them (timestamp without time
	// zone; ISO 8601 with Z in the jsonb).
	pgtest.Exec(t, dsn, `
		UPDATE movies SET now_playing_last_seen = (now() AT TIME ZONE 'UTC') - interval '2 days' WHERE slug = 'golden-tie-a';
		UPDATE movies SET now_playing_last_seen = (now() AT TIME ZONE 'UTC') - interval '4 days' WHERE slug = 'golden-tie-b';
		UPDATE movies SET now_playing_last_seen = now() AT TIME ZONE 'UTC',
			now_playing_region_last_seen = jsonb_build_object(
				'US', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
				'FR', to_char((now() AT TIME ZONE 'UTC') - interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'),
				'DE', to_char((now() AT TIME ZONE 'UTC') - interval '5 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
				'GB', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'),
				'JP', 42)
			WHERE slug = 'golden-tie-c';
		UPDATE movies SET now_playing_last_seen = now() AT TIME ZONE 'UTC',
			now_playing_region_last_seen = jsonb_build_object('US', to_char((now() AT TIME ZONE 'UTC') - interval '6 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
			WHERE slug = 'golden-two-lists';
		UPDATE movies SET now_playing_last_seen = now() AT TIME ZONE 'UTC', now_playing_region_last_seen = '{}' WHERE slug = 'golden-six-lenses';
		UPDATE movies SET now_playing_last_seen = now() AT TIME ZONE 'UTC', now_playing_region_last_seen = '["US"]' WHERE slug = 'golden-one-lens';`)
	s := openStore(t, dsn, movies.Config{})
	for _, c := range []struct {
		slug    string
		now     bool
		regions []string
	}{
		{"golden-tie-a", true, nil},                  // global stamp 2 days old
		{"golden-tie-b", false, nil},                 // 4 days: stale
		{"golden-tie-c", true, []string{"FR", "US"}}, // fresh regions only (no offset, not a string, stale: out)
		{"golden-two-lists", false, nil},             // regions decide over a fresh global stamp
		{"golden-six-lenses", true, nil},             // empty map: the global stamp
		{"golden-one-lens", true, nil},               // not an object: the global stamp
		{"golden-trio-genres-2010", false, nil},      // never seen
	} {
		m, err := s.Movie(context.Background(), c.slug)
		if err != nil {
			t.Fatal(err)
		}
		if m.Theaters.Now != c.now || !slices.Equal(m.Theaters.Regions, c.regions) {
			t.Errorf("%s: %+v, want now %v regions %v", c.slug, m.Theaters, c.now, c.regions)
		}
	}
}
