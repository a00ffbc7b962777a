package movies

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
)

type explainKey struct{}

// explainer collects EXPLAIN output instead of running page queries.
type explainer struct {
	analyze bool
	plans   []string
	pending []pendingExplain
}

func (e *explainer) explain(ctx context.Context, db querier, sqls []string, argss [][]any) error {
	for i, q := range sqls {
		prefix := "EXPLAIN (COSTS OFF) "
		if e.analyze {
			prefix = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) "
		}
		rows, err := db.Query(ctx, prefix+q, argss[i]...)
		if err != nil {
			return fmt.Errorf("explain: %w\n%s", err, q)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		e.plans = append(e.plans, strings.Join(lines, "\n"))
	}
	return nil
}

// queue adds a page query to b, or, under Explain, a query that returns no
// rows after recording the real query's plan.
func queue(ctx context.Context, b *pgx.Batch, sql string, args []any) *pgx.QueuedQuery {
	if ex, ok := ctx.Value(explainKey{}).(*explainer); ok {
		ex.pending = append(ex.pending, pendingExplain{sql, args})
		return b.Queue("SELECT 1 WHERE false")
	}
	return b.Queue(sql, args...)
}

type pendingExplain struct {
	sql  string
	args []any
}

// Explain returns the EXPLAIN output of the queries Search runs for q
// (page query, then count query), bypassing the cache. With analyze the
// queries are executed (EXPLAIN ANALYZE, without timings).
func (s *Store) Explain(ctx context.Context, q Query, analyze bool) (Path, []string, error) {
	if err := q.Err(); err != nil {
		return "", nil, err
	}
	p, err := s.resolve(ctx, q)
	if err != nil {
		return "", nil, err
	}
	ex := &explainer{analyze: analyze}
	ctx = context.WithValue(ctx, explainKey{}, ex)
	ctx, cancel := context.WithTimeout(ctx, 10*s.cfg.QueryTimeout)
	defer cancel()
	if _, err := s.run(ctx, p); err != nil {
		return p.Path, nil, err
	}
	for _, pe := range ex.pending {
		if err := ex.explain(ctx, s.db, []string{pe.sql}, [][]any{pe.args}); err != nil {
			return p.Path, nil, err
		}
	}
	return p.Path, ex.plans, nil
}

// ExplainCase is a common browse or filter whose plan must use an index.
type ExplainCase struct {
	Name   string
	Params string // URL query
	Path   Path
	// Index must appear in the page query's plan.
	Index string
	// CountScans allows a sequential scan in the count plan, for cases
	// that count (nearly) every movie, where it is the best plan.
	CountScans bool
}

// ExplainCases are the default browse and the common filters checked at
// 100k movies (`moviesdb explain`, TestExplainIndexes). {person} is
// replaced by the slug of the person with the most credits.
var ExplainCases = []ExplainCase{
	{"default browse", "", PathRankings, "movie_discovery_rankings_mv_default_rank_idx", false},
	{"default browse, page 40", "page=40", PathRankings, "movie_discovery_rankings_mv_default_rank_idx", false},
	{"highest rated", "sort=score_desc", PathScore, "idx_score_caches_scoreability_sort_desc", false},
	{"most recent", "sort=release_date_desc", PathGeneric, "idx_movies_import_status_release_date", true},
	{"genre", "genres=western", PathGeneric, "movie_genres_genre_id_index", false},
	{"two genres, most recent", "genres=western,war&sort=release_date_desc", PathGeneric, "movie_genres_genre_id_index", false},
	{"decade", "decade=1950", PathGeneric, "release_date", false},
	{"list", "lists=criterion", PathGeneric, "movies_canonical_sources_index", false},
	{"festival", "festivals=cannes", PathGeneric, "festival_ceremonies_organization_id_year_index", false},
	{"person", "people={person}", PathGeneric, "movie_credits_person_id_job_index", false},
	{"search", "search=lighthouse", PathGeneric, "movies_title_trgm_idx", false},
}

var seqScanMovies = regexp.MustCompile(`Seq Scan on movies\b`)

// CheckPlan returns a problem with a case's plans, or "": the page plan
// must name the expected index and no plan may scan movies sequentially.
func (c ExplainCase) CheckPlan(path Path, plans []string) string {
	if path != c.Path {
		return fmt.Sprintf("took path %s, want %s", path, c.Path)
	}
	if len(plans) == 0 {
		return "no plan"
	}
	var problems []string
	if !strings.Contains(plans[0], c.Index) {
		problems = append(problems, "page plan does not use "+c.Index)
	}
	for i, pl := range plans {
		if i > 0 && c.CountScans {
			continue
		}
		if seqScanMovies.MatchString(pl) {
			problems = append(problems, fmt.Sprintf("plan %d scans movies sequentially", i+1))
		}
	}
	return strings.Join(problems, "; ")
}
