package movies

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// Orderings.
//
// Every search is answered in two steps: the ordering (the ids of every
// matching movie, in the page's order), then the 24 cards of the page,
// fetched by id. Orderings are cached (as long as results), so the next
// page, the page after a deep jump and the total are a slice of a cached
// list plus one 24-row query, instead of recomputing every sort key and
// counting the whole filtered set again for each page.
//
// Orderings are shared as widely as their semantics allow. A sort over
// every movie (the "global" ordering of a sort: import_status 'full' and,
// unless show_unreleased, released) is computed once; a filtered search
// then needs only its filter set (the ids its filters select, without the
// sort — one narrow, indexed query), and its ordering is the global one
// restricted to that set. Sort keys are per-movie expressions that no
// filter changes, so the restriction keeps exactly the order, ties and
// NULL placement of a query that filters and sorts in one go; the tests
// compare every sort against such a query. Small filter sets (a person, a
// search, a festival) are ordered by their own query instead, which costs
// little and does not compute a sort over every movie for a few ids.
// Either way the filtered ordering is cached too, so its next pages are
// slices.
//
// The heavy queries (orderings, filter sets) run in a read-only
// transaction with JIT compilation off: their correlated sort keys are
// costed high enough to trigger it, and compiling them took longer than
// running them (0.8 s of JIT for a 0.15 s query at 100k movies).

// directMax is the largest filter set that is ordered by its own query
// when the global ordering of its sort is not cached.
const directMax = 5000

// defaultOrderingBudget bounds the memory of the cached orderings and
// filter sets (about 8 bytes an id) unless Config.OrderingBudget says
// otherwise: at 100k movies a global ordering is under 1 MB, at 1.15 M
// about 9 MB.
const defaultOrderingBudget = 64 << 20

// heavySettings applies to the transaction of a heavy query only (SET
// LOCAL semantics, so it works behind PgBouncer in transaction mode).
// work_mem lets the sort of a whole ordering stay in memory.
const heavySettings = `SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)`

// orders holds the ordering caches of a Store.
type orders struct {
	lists     *ttlCache[[]int64]
	directMax int
	own       atomic.Uint64 // filter sets ordered by their own query (tests)
	// slots bounds the heavy queries running at once to half the pool, so
	// a burst of new orderings (a cold cache, a change notice) never
	// leaves the cheap card queries of cached orderings without a
	// connection.
	slots chan struct{}
}

func newOrders(now func() time.Time, poolSize, budget int) *orders {
	return &orders{
		lists:     newBudgetCache(budget, func(ids []int64) int { return 8*len(ids) + 64 }, now),
		directMax: directMax,
		slots:     make(chan struct{}, max(1, poolSize/2)),
	}
}

// rowQuerier is what the ordering queries need: a pool or a transaction.
type rowQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// heavy runs fn in a read-only transaction with heavySettings, under ctx's
// deadline, once a slot is free.
func (s *Store) heavy(ctx context.Context, fn func(q rowQuerier) error) error {
	select {
	case s.ord.slots <- struct{}{}:
		defer func() { <-s.ord.slots }()
	case <-ctx.Done():
		return ctx.Err()
	}
	return pgx.BeginTxFunc(ctx, s.db, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, heavySettings); err != nil {
			return err
		}
		return fn(tx)
	})
}

// ids runs sql (which selects one bigint column) and returns its rows in
// order; under Explain the query is recorded with label.
func ids(ctx context.Context, q rowQuerier, label, sql string, args []any) ([]int64, error) {
	record(ctx, label, sql, args)
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// heavyIDs runs ids in a heavy transaction.
func (s *Store) heavyIDs(ctx context.Context, label, sql string, args []any) ([]int64, error) {
	var out []int64
	err := s.heavy(ctx, func(q rowQuerier) (err error) {
		out, err = ids(ctx, q, label, sql, args)
		return err
	})
	return out, err
}

// list returns the cached id list under key, loading it under
// OrderingTimeout when missing (the caller waits at most until its own
// deadline; the load goes on for the next). Lists live as long as results
// (at least ShareTTL) and go with them on Invalidate. Under Explain the
// cache is bypassed, so the plans shown are those of a cold search.
func (s *Store) list(ctx context.Context, key string, load func(ctx context.Context) ([]int64, error)) ([]int64, error) {
	timed := func(ctx context.Context) ([]int64, error) {
		ctx, cancel := context.WithTimeout(ctx, s.cfg.OrderingTimeout)
		defer cancel()
		defer context.AfterFunc(s.closing, cancel)()
		return load(ctx)
	}
	if explaining(ctx) {
		return timed(ctx)
	}
	v, _, err := s.ord.lists.get(ctx, key, max(s.cfg.ResultTTL, s.cfg.ShareTTL), func(ctx context.Context) ([]int64, error) {
		v, err := timed(ctx)
		// Collecting rows leaves up to half the capacity unused; a kept
		// list costs what the budget counts, 8 bytes an id.
		return slices.Clip(slices.Clone(v)), err
	})
	return v, err
}

// ordered is the ordering of a search: the ids of every matching movie,
// in order (read-only: shared with the cache).
type ordered []int64

// page returns the ids at [offset, offset+n) of the ordering and its
// length (the search's total).
func (o ordered) page(offset, n int) (page []int64, total int64) {
	lo, hi := min(offset, len(o)), min(offset+n, len(o))
	return o[lo:hi:hi], int64(len(o))
}

// restrict returns the ids of order that are in set (sorted ascending),
// keeping their order.
func restrict(order, set []int64) []int64 {
	in := newIDSet(set)
	out := make([]int64, 0, min(len(order), len(set)))
	for _, id := range order {
		if in.has(id) {
			out = append(out, id)
		}
	}
	return out
}

// idSet is a set of movie ids for membership tests while walking an
// ordering: a bitmap over the dense range of the ids, and a map for the few
// far beyond it (ids are mostly dense, but one stray id must not make the
// bitmap huge or push every test into a map).
type idSet struct {
	lo   int64
	bits []uint64
	far  map[int64]struct{}
}

// newIDSet returns the set of ids, which must be sorted ascending.
func newIDSet(ids []int64) *idSet {
	s := &idSet{}
	if len(ids) == 0 {
		return s
	}
	s.lo = ids[0]
	// The bitmap spends at most 8 bytes an id, plus 128 kB. (Unsigned
	// differences: exact for sorted ids even where int64 would overflow.)
	span := uint64(len(ids))*64 + 1<<20
	n := sort.Search(len(ids), func(i int) bool { return uint64(ids[i]-s.lo) >= span })
	s.bits = make([]uint64, uint64(ids[n-1]-s.lo)/64+1)
	for _, id := range ids[:n] {
		d := uint64(id - s.lo)
		s.bits[d/64] |= 1 << (d % 64)
	}
	if n < len(ids) {
		s.far = make(map[int64]struct{}, len(ids)-n)
		for _, id := range ids[n:] {
			s.far[id] = struct{}{}
		}
	}
	return s
}

func (s *idSet) has(id int64) bool {
	if d := uint64(id - s.lo); id >= s.lo && d/64 < uint64(len(s.bits)) {
		return s.bits[d/64]&(1<<(d%64)) != 0
	}
	if s.far == nil {
		return false
	}
	_, ok := s.far[id]
	return ok
}

// sortKey is what an ordering depends on besides the filters: its path,
// the sort, the preset weights, the unreleased rule and "today".
func (p *plan) sortKey() string {
	b, err := json.Marshal(struct {
		Path           Path
		Criteria       string
		Desc           bool
		Weights        []float64  `json:",omitempty"`
		ShowUnreleased bool       `json:",omitempty"`
		Today          *time.Time `json:",omitempty"`
	}{p.Path, p.Sort.Criteria, p.Sort.Desc, p.Weights, p.ShowUnreleased, p.Today})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// filterKey is what a filter set depends on: the filters alone.
func (p *plan) filterKey() string {
	f := *p
	f.Path, f.Sort, f.Page, f.Weights, f.ShowUnreleased, f.Today = "", Sort{}, 0, nil, false, nil
	return f.key()
}

// selective reports whether p's filters select some movies only (a filter
// can be a no-op: discovery_preset=critically_acclaimed).
func (p *plan) selective() bool { return p.filtered() && filterSetSQL(p, &args{}) != "" }

// ordering returns the ordering of the search p.
func (s *Store) ordering(ctx context.Context, p *plan) (ordered, error) {
	switch p.Path {
	case PathRankings:
		return s.list(ctx, "all:"+p.sortKey(), func(ctx context.Context) ([]int64, error) {
			a := &args{}
			return s.heavyIDs(ctx, labelRankings, rankingsSQL(p, a), a.v)
		})
	case PathScore:
		return s.list(ctx, "all:"+p.sortKey(), func(ctx context.Context) ([]int64, error) {
			return s.scoreOrdering(ctx, p)
		})
	}
	if !p.selective() {
		return s.globalOrdering(ctx, p)
	}
	set, err := s.list(ctx, "set:"+p.filterKey(), func(ctx context.Context) ([]int64, error) {
		a := &args{}
		found, err := s.heavyIDs(ctx, labelFilterSet, filterSetSQL(p, a), a.v)
		return sortedUnique64(found), err
	})
	if err != nil || len(set) == 0 {
		return nil, err
	}
	return s.list(ctx, "cut:"+p.sortKey()+p.filterKey(), func(ctx context.Context) ([]int64, error) {
		if !explaining(ctx) {
			if all, ok := s.ord.lists.peek("all:" + p.sortKey()); ok {
				return restrict(all, set), nil
			}
		}
		if len(set) <= s.ord.directMax {
			s.ord.own.Add(1)
			a := &args{}
			return s.heavyIDs(ctx, labelOwn, genericOrderSQL(p, a, set), a.v)
		}
		all, err := s.globalOrdering(ctx, p)
		return restrict(all, set), err
	})
}

// globalOrdering is the ordering of every movie for p's sort (generic
// path), whatever p's filters.
func (s *Store) globalOrdering(ctx context.Context, p *plan) ([]int64, error) {
	return s.list(ctx, "all:"+p.sortKey(), func(ctx context.Context) ([]int64, error) {
		a := &args{}
		return s.heavyIDs(ctx, labelAll, genericOrderSQL(p, a, nil), a.v)
	})
}

// scoreOrdering is §7.2: the scoreable movies (version 6, ≥ 2 lenses) by
// confidence-adjusted score, then the rest by release date.
func (s *Store) scoreOrdering(ctx context.Context, p *plan) ([]int64, error) {
	var out []int64
	err := s.heavy(ctx, func(q rowQuerier) error {
		a := &args{}
		first, err := ids(ctx, q, labelScoreable, scoreableSQL(p, a), a.v)
		if err != nil {
			return err
		}
		a = &args{}
		rest, err := ids(ctx, q, labelScoreRest, scoreRestSQL(p, a), a.v)
		out = append(first, rest...)
		return err
	})
	return out, err
}

// page fills res with the total and the cards of p's page of o.
func (s *Store) page(ctx context.Context, p *plan, o ordered, res *Result) error {
	pageIDs, total := o.page((p.Page-1)*PerPage, PerPage)
	res.Total = total
	if len(pageIDs) == 0 {
		return nil
	}
	a := &args{}
	sql := cardsSQL(p, a, pageIDs)
	record(ctx, labelCards, sql, a.v)
	rows, err := s.db.Query(ctx, sql, a.v...)
	if err != nil {
		return err
	}
	cards, err := scanCards(rows, p)
	if err != nil {
		return err
	}
	if len(cards) != len(pageIDs) {
		// A movie of a cached ordering was deleted since: the page is
		// short until the ordering expires or a change notice drops it.
		s.log.Debug("movies: ordering names missing movies", "want", len(pageIDs), "got", len(cards))
	}
	res.Cards = cards
	return nil
}

// The labels of the recorded queries (Explain).
const (
	labelRankings  = "ordering: rankings"
	labelScoreable = "ordering of every movie: score, scoreable"
	labelScoreRest = "ordering of every movie: score, the rest"
	labelAll       = "ordering of every movie"
	labelOwn       = "ordering of the filter set"
	labelFilterSet = "filter set"
	labelCards     = "cards"
)

// scansEveryMovie reports whether a recorded query reads every movie by
// design, once per cache lifetime (a sequential scan is its best plan).
func scansEveryMovie(label string) bool {
	return strings.HasPrefix(label, labelAll)
}

// cardsSQL fetches the cards of ids, in their order.
func cardsSQL(p *plan, a *args, ids []int64) string {
	score := "NULL::double precision"
	if p.Weights != nil {
		score = weightedScore(p, a) + "::double precision"
	}
	cert := "NULL::text"
	if p.MaxAge != nil {
		cert = `COALESCE(
			(SELECT NULLIF(regexp_replace(upper(btrim(em.text_value)), '^RATED ', ''), '') FROM external_metrics em
			  WHERE em.movie_id = m.id AND em.source = 'omdb' AND em.metric_type = 'content_rating'
			  ORDER BY em.fetched_at DESC LIMIT 1),
			(SELECT rd.certification FROM movie_release_dates rd
			  WHERE rd.movie_id = m.id AND rd.country_code = 'US' AND rd.certification IS NOT NULL AND rd.certification <> ''
			  ORDER BY rd.release_type NULLS LAST, rd.id LIMIT 1))`
	}
	return `SELECT m.id, COALESCE(m.slug, ''), m.title, m.release_date, COALESCE(m.poster_path, ''), ` + score + `,
		COALESCE(v.present_lens_count, 0), COALESCE(v.scoreability_state, 'insufficient_evidence'),
		COALESCE(v.score_confidence_label, 'insufficient'), v.cinegraph_display_score,
		sc.mob_score, sc.critics_score, sc.festival_recognition_score, sc.time_machine_score, sc.auteurs_score,
		` + cert + `
	FROM unnest(` + a.add(ids) + `::bigint[]) WITH ORDINALITY AS p(id, ord)
	JOIN movies m ON m.id = p.id
	-- Cinegraph's view is not flattened into a join on its nullable side
	-- (planned as a scan of every movie). A lateral subquery kept apart
	-- (OFFSET 0: not pulled up) takes the movie id into the view, down
	-- to its index scans.
	LEFT JOIN LATERAL (SELECT * FROM movie_scoreability_view v WHERE v.movie_id = p.id OFFSET 0) v ON true
	LEFT JOIN movie_score_caches sc ON sc.movie_id = p.id
	ORDER BY p.ord`
}

// explaining reports whether ctx belongs to Store.Explain.
func explaining(ctx context.Context) bool {
	_, ok := ctx.Value(explainKey{}).(*explainer)
	return ok
}

// record notes a query for Store.Explain (no-op otherwise).
func record(ctx context.Context, label, sql string, args []any) {
	if ex, ok := ctx.Value(explainKey{}).(*explainer); ok {
		ex.mu.Lock()
		ex.queries = append(ex.queries, recorded{label, sql, args})
		ex.mu.Unlock()
	}
}

type recorded struct {
	label, sql string
	args       []any
}
