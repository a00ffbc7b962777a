package movies

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
)

type explainKey struct{}

// explainer collects the queries a search runs, for Store.Explain.
type explainer struct {
	mu      sync.Mutex
	queries []recorded
}

// Explain returns the EXPLAIN output of the queries Search runs for q on a
// cold cache, in order: the filter set (filtered searches), the ordering
// (of every movie, or of the filter set) and the cards of the page. Each
// plan starts with a "-- <query>" line naming it. The search runs once,
// bypassing the caches, to follow the path it takes (the size of a filter
// set decides the next query); with analyze the queries run again under
// EXPLAIN ANALYZE (without timings). Plans are taken in the same
// transaction settings the queries run in.
func (s *Store) Explain(ctx context.Context, q Query, analyze bool) (Path, []string, error) {
	if err := q.Err(); err != nil {
		return "", nil, err
	}
	p, err := s.resolve(ctx, q)
	if err != nil {
		return "", nil, err
	}
	ex := &explainer{}
	ctx, cancel := context.WithTimeout(context.WithValue(ctx, explainKey{}, ex), 10*s.cfg.QueryTimeout)
	defer cancel()
	if _, err := s.run(ctx, p); err != nil {
		return p.Path, nil, err
	}
	prefix := "EXPLAIN (COSTS OFF) "
	if analyze {
		prefix = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) "
	}
	var plans []string
	for _, r := range ex.queries {
		var lines []string
		err := s.heavy(ctx, func(db rowQuerier) error {
			rows, err := db.Query(ctx, prefix+r.sql, r.args...)
			if err != nil {
				return err
			}
			lines, err = pgx.CollectRows(rows, pgx.RowTo[string])
			return err
		})
		if err != nil {
			return p.Path, nil, fmt.Errorf("explain %s: %w\n%s", r.label, err, r.sql)
		}
		plans = append(plans, "-- "+r.label+"\n"+strings.Join(lines, "\n"))
	}
	return p.Path, plans, nil
}

// ExplainCase is a common browse or filter whose plan must use an index.
type ExplainCase struct {
	Name   string
	Params string // URL query
	Path   Path
	// Index must appear in one of the plans (for a filter: the filter
	// set's); "a|b": either (cinegraph's schema has duplicate indexes on
	// the same columns, under other names).
	Index string
}

// ExplainCases are the default browse and the common filters checked at
// 100k movies (`moviesdb explain`, TestExplainIndexes). {person} is
// replaced by the slug of the person with the most credits.
var ExplainCases = []ExplainCase{
	{"default browse", "", PathRankings, "movie_discovery_rankings_mv_default_rank_idx"},
	{"default browse, page 40", "page=40", PathRankings, "movie_discovery_rankings_mv_default_rank_idx"},
	{"highest rated", "sort=score_desc", PathScore, "idx_score_caches_scoreability_sort_desc"},
	// An ordering of every movie by release date reads them all (once per
	// cache lifetime); the page's cards are then fetched by id.
	{"most recent", "sort=release_date_desc", PathGeneric, "movies_pkey"},
	{"genre", "genres=western", PathGeneric, "movie_genres_genre_id_index"},
	{"two genres, most recent", "genres=western,war&sort=release_date_desc", PathGeneric, "movie_genres_genre_id_index"},
	{"decade", "decade=1950", PathGeneric, "release_date"},
	{"list", "lists=criterion", PathGeneric, "movies_canonical_sources_index"},
	{"festival", "festivals=cannes", PathGeneric, "festival_ceremonies_organization_id_year_index|idx_festival_ceremonies_org_year"},
	{"person", "people={person}", PathGeneric, "movie_credits_person_id_job_index|movie_credits_person_id_credit_type_index|movie_credits_person_movie_job_idx"},
	{"search", "search=lighthouse", PathGeneric, "movies_title_trgm_idx"},
}

var seqScanMovies = regexp.MustCompile(`Seq Scan on movies\b`)

// CheckPlan returns a problem with a case's plans, or "": some plan must
// name the expected index, and only an ordering of every movie (computed
// once per cache lifetime, for all filters) may scan movies sequentially;
// the filter sets, the orderings of filter sets and the cards may not.
func (c ExplainCase) CheckPlan(path Path, plans []string) string {
	if path != c.Path {
		return fmt.Sprintf("took path %s, want %s", path, c.Path)
	}
	if len(plans) == 0 {
		return "no plan"
	}
	var problems []string
	all := strings.Join(plans, "\n")
	if !slices.ContainsFunc(strings.Split(c.Index, "|"), func(ix string) bool { return strings.Contains(all, ix) }) {
		problems = append(problems, "no plan uses "+strings.ReplaceAll(c.Index, "|", " or "))
	}
	for i, pl := range plans {
		label, _, _ := strings.Cut(strings.TrimPrefix(pl, "-- "), "\n")
		if !scansEveryMovie(label) && seqScanMovies.MatchString(pl) {
			problems = append(problems, fmt.Sprintf("plan %d (%s) scans movies sequentially", i+1, label))
		}
	}
	return strings.Join(problems, "; ")
}
