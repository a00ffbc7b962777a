package movies

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/movies/pgtest"
)

func orderTestStore(t *testing.T, cfg Config) (*Store, string) {
	t.Helper()
	dsn := pgtest.Seeded(t, func(ctx context.Context, dsn string) error {
		_, err := Migrate(ctx, dsn, nil)
		return err
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Open(ctx, dsn, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, dsn
}

func mustPlan(t *testing.T, s *Store, raw string) *plan {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := ParseQuery(v)
	if err := q.Err(); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	p, err := s.resolve(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// reference is the straightforward form of a generic search: one statement
// that filters and sorts every matching movie (what the store ran, with
// LIMIT/OFFSET, for each page before orderings), and its count.
func reference(t *testing.T, s *Store, p *plan) ([]int64, int64) {
	t.Helper()
	ctx := context.Background()
	where := func(a *args) string {
		cols, subs := filterConds(p, a)
		w := append(baseConds(p, a), cols...)
		for _, sub := range subs {
			w = append(w, "m.id IN ("+sub+")")
		}
		return strings.Join(w, " AND ")
	}
	a := &args{}
	w := where(a)
	joins, keys := genericOrder(p, a, "")
	sql := "SELECT m.id FROM movies m " + strings.Join(joins, " ") + " WHERE " + w + " ORDER BY " + orderSQL(keys)
	rows, err := s.db.Query(ctx, sql, a.v...)
	if err != nil {
		t.Fatalf("reference: %v\n%s", err, sql)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	ca := &args{}
	var n int64
	if err := s.db.QueryRow(ctx, "SELECT count(*) FROM movies m WHERE "+where(ca), ca.v...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return ids, n
}

var referenceFilters = []string{"", "genres=drama", "genres=western", "genres=drama,comedy&show_unreleased=true",
	"show_unreleased=true", "search=golden", "people=ada-golden,bo-golden", "max_age=12&decade=2000",
	"discovery_preset=critically_acclaimed", "lists=criterion,1001-movies&rating_preset=well_reviewed", "genres=999999"}

// Every sort, in both directions and bare, over every kind of filter,
// gives exactly the order and total of the straightforward query, whichever
// way the ordering is built: the global ordering restricted to the filter
// set, the filter set's own ordering, or a cached global ordering found
// first.
func TestOrderingsMatchReference(t *testing.T) {
	s, _ := orderTestStore(t, Config{})
	ctx := context.Background()
	modes := []struct {
		name      string
		directMax int
		warm      bool
	}{{"global restricted to the set", 0, false}, {"own ordering", 1 << 30, false}, {"cached global found first", 1 << 30, true}}
	for _, mode := range modes {
		s.ord.directMax = mode.directMax
		s.ord.own.Store(0)
		s.Invalidate()
		for _, c := range SortCriteria {
			for _, suffix := range []string{"", "_asc", "_desc"} {
				for _, f := range referenceFilters {
					raw := "sort=" + c + suffix + "&" + f
					p := mustPlan(t, s, raw)
					if p.Path != PathGeneric {
						continue // the rankings and score paths: TestPaths
					}
					if mode.warm {
						if _, err := s.globalOrdering(ctx, p); err != nil {
							t.Fatal(err)
						}
					} else if mode.directMax > 0 {
						s.Invalidate() // no global ordering to find first
					}
					own := s.ord.own.Load()
					o, err := s.ordering(ctx, p)
					if err != nil {
						t.Fatalf("%s: %v", raw, err)
					}
					got, total := o.page(0, 1<<30)
					if mode.name == "own ordering" && p.selective() && total > 0 && s.ord.own.Load() == own {
						t.Errorf("%s: the set was not ordered by its own query", raw)
					}
					want, wantTotal := reference(t, s, p)
					if total != wantTotal || !slices.Equal(got, want) {
						t.Errorf("%s (%s): %d ids (total %d), the reference %d (count %d); first %v vs %v",
							raw, mode.name, len(got), total, len(want), wantTotal, got[:min(5, len(got))], want[:min(5, len(want))])
					}
					if mode.warm && s.ord.own.Load() != 0 {
						t.Fatalf("%s: ordered the set itself with the global ordering cached", raw)
					}
				}
			}
		}
	}
}

// Page by page through Search (the cards and the totals users see), with
// filters whose ordering is the global one restricted to the filter set:
// every page holds exactly the reference's slice, and a page past the end
// is empty with the real total.
func TestDeepPagesMatchReference(t *testing.T) {
	s, _ := orderTestStore(t, Config{})
	s.ord.directMax = 0
	ctx := context.Background()
	for _, c := range SortCriteria {
		for _, raw := range []string{"sort=" + c + "_desc&genres=drama", "sort=" + c + "_asc&show_unreleased=true&runtime_min=95"} {
			p := mustPlan(t, s, raw)
			want, total := reference(t, s, p)
			pages := (len(want) + PerPage - 1) / PerPage
			for page := 1; page <= pages+1; page++ {
				v, _ := url.ParseQuery(raw)
				v.Set("page", fmt.Sprint(page))
				res, err := s.Search(ctx, ParseQuery(v))
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, card := range res.Cards {
					got = append(got, card.ID)
				}
				lo, hi := min((page-1)*PerPage, len(want)), min(page*PerPage, len(want))
				if res.Total != total || !slices.Equal(got, want[lo:hi]) || res.TotalPages != max(pages, 1) {
					t.Errorf("%s page %d: %v (total %d, %d pages), want %v (total %d)", raw, page, got, res.Total, res.TotalPages, want[lo:hi], total)
				}
			}
		}
	}
}

// The next page of a search, the other filters over the same sort and the
// unfiltered sort come from the cached orderings: no ordering or filter
// set is computed again.
func TestOrderingsAreReused(t *testing.T) {
	s, _ := orderTestStore(t, Config{})
	s.ord.directMax = 0
	ctx := context.Background()
	loads := func() uint64 { _, _, l, _ := s.ord.lists.stats(); return l }
	search := func(raw string) Result {
		t.Helper()
		v, _ := url.ParseQuery(raw)
		res, err := s.Search(ctx, ParseQuery(v))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	steps := []struct {
		raw   string
		loads uint64 // new list loads
	}{
		{"genres=drama&sort=rating_desc", 3}, // the drama set, the rating ordering, their cut
		{"genres=drama&sort=rating_desc&page=3", 0},
		{"genres=comedy&sort=rating_desc&page=2", 2}, // the comedy set and cut
		{"sort=rating_desc&page=5", 0},
		{"genres=comedy&sort=title_asc", 2},                             // the title ordering and cut
		{"genres=comedy&sort=title_asc&page=2&show_unreleased=true", 2}, // idem, unreleased included
	}
	for _, st := range steps {
		before := loads()
		res := search(st.raw)
		if n := loads() - before; n != st.loads {
			t.Errorf("%s: %d orderings or sets loaded, want %d", st.raw, n, st.loads)
		}
		if len(res.Cards) == 0 || res.Total == 0 {
			t.Errorf("%s: empty", st.raw)
		}
	}
	// A change notice drops them.
	s.Invalidate()
	before := loads()
	search("genres=drama&sort=rating_desc&page=2")
	if n := loads() - before; n != 3 {
		t.Errorf("after Invalidate: %d loads, want 3", n)
	}
}

// The heavy queries run with JIT compilation off: on a database that would
// JIT every query, the queries a search runs, run as the store runs them,
// show no JIT section in their plans, while the same queries outside the
// store's transaction do.
func TestHeavyQueriesWithoutJIT(t *testing.T) {
	s, dsn := orderTestStore(t, Config{})
	ctx := context.Background()
	var available bool
	if err := s.db.QueryRow(ctx, "SELECT pg_jit_available()").Scan(&available); err != nil {
		t.Fatal(err)
	}
	if !available {
		t.Skip("this PostgreSQL has no JIT support (llvmjit not installed)")
	}
	u, _ := url.Parse(dsn)
	db := strings.TrimPrefix(u.Path, "/")
	if _, err := s.db.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{db}.Sanitize()+" SET jit_above_cost = 0"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, dsn, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	s2.ord.directMax = 0
	ex := &explainer{}
	if _, err := s2.run(context.WithValue(ctx, explainKey{}, ex), mustPlan(t, s2, "genres=drama&sort=auteurs_desc")); err != nil {
		t.Fatal(err)
	}
	// EXPLAIN prints the JIT section only with costs.
	plan := func(q rowQuerier, r recorded) string {
		rows, err := q.Query(ctx, "EXPLAIN (ANALYZE, TIMING OFF) "+r.sql, r.args...)
		if err != nil {
			t.Fatal(err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(lines, "\n")
	}
	var heavy int
	for _, r := range ex.queries {
		if r.label == labelCards {
			continue
		}
		heavy++
		if err := s2.heavy(ctx, func(q rowQuerier) error {
			if pl := plan(q, r); strings.Contains(pl, "JIT:") {
				t.Errorf("%s was compiled:\n%s", r.label, pl)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if pl := plan(s2.db, r); !strings.Contains(pl, "JIT:") {
			t.Errorf("control: %s is not compiled outside the store's transaction, the check proves nothing:\n%s", r.label, pl)
		}
	}
	if heavy != 2 {
		t.Errorf("%d heavy queries (filter set, ordering), want 2", heavy)
	}
}

func TestIDSetAndRestrict(t *testing.T) {
	order := []int64{9, 3, 1 << 40, 7, 5, 1, 2, 900000010}
	for _, set := range [][]int64{{1, 3, 7, 9}, {1, 3, 7, 9, 900000010, 1 << 40}} { // dense; with far ids
		s := newIDSet(set)
		if (s.far != nil) != (len(set) > 4) || len(s.bits) > 1 {
			t.Errorf("%v: %d bitmap words, far %v", set, len(s.bits), s.far)
		}
		for _, id := range []int64{0, 1, 2, 3, 4, 7, 9, 10, 900000010, 1 << 40, -1, 1<<40 + 1} {
			if s.has(id) != slices.Contains(set, id) {
				t.Errorf("%v has %d: %v", set, id, s.has(id))
			}
		}
		want := []int64{9, 3, 7, 1}
		if len(set) > 4 {
			want = []int64{9, 3, 1 << 40, 7, 1, 900000010}
		}
		if got := restrict(order, set); !slices.Equal(got, want) {
			t.Errorf("%v: %v, want %v", set, got, want)
		}
	}
	o := ordered(order)
	if p, total := o.page(5, 24); !slices.Equal(p, []int64{1, 2, 900000010}) || total != 8 {
		t.Errorf("page: %v %d", p, total)
	}
	if p, total := o.page(24, 24); len(p) != 0 || total != 8 {
		t.Errorf("past the end: %v %d", p, total)
	}
	if p, _ := ordered(nil).page(0, 24); len(p) != 0 {
		t.Errorf("empty: %v", p)
	}
	if s := newIDSet(nil); s.has(0) {
		t.Error("empty set has 0")
	}
}

// The budget cache keeps the recently used entries within its budget and
// never stores an entry larger than the whole budget.
func TestBudgetCache(t *testing.T) {
	now := time.Unix(0, 0)
	c := newBudgetCache(100, func(v []int64) int { return len(v) }, func() time.Time { return now })
	ctx := context.Background()
	put := func(k string, n int) {
		t.Helper()
		if _, _, err := c.get(ctx, k, time.Minute, func(context.Context) ([]int64, error) { return make([]int64, n), nil }); err != nil {
			t.Fatal(err)
		}
	}
	put("a", 40)
	put("b", 40)
	if _, ok := c.peek("a"); !ok { // a is now more recent than b
		t.Fatal("a missing")
	}
	put("c", 40) // over budget: b, the least recently used, goes
	if _, ok := c.peek("b"); ok {
		t.Error("b kept over budget")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.peek(k); !ok {
			t.Errorf("%s evicted", k)
		}
	}
	if c.used != 80 {
		t.Errorf("used %d", c.used)
	}
	put("huge", 101)
	if _, ok := c.peek("huge"); ok || c.used != 80 {
		t.Errorf("an entry larger than the budget was stored (used %d)", c.used)
	}
	now = now.Add(2 * time.Minute)
	if _, ok := c.peek("a"); ok {
		t.Error("expired entry returned")
	}
	put("d", 90) // the expired ones go first
	if c.used != 90 || len(c.entries) != 1 {
		t.Errorf("after expiry: used %d, %d entries", c.used, len(c.entries))
	}
	c.invalidate()
	if c.used != 0 {
		t.Errorf("used %d after invalidate", c.used)
	}
}

// Heavy queries take at most half the pool: with new filter sets stuck
// behind a lock, a page of a cached ordering still gets a connection and
// answers at once.
func TestHeavyQueriesLeaveConnections(t *testing.T) {
	_, dsn := orderTestStore(t, Config{})
	u, _ := url.Parse(dsn)
	q := u.Query()
	q.Set("pool_max_conns", "4")
	u.RawQuery = q.Encode()
	ctx := context.Background()
	s, err := Open(ctx, u.String(), Config{QueryTimeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	search := func(ctx context.Context, raw string) error {
		v, _ := url.ParseQuery(raw)
		_, err := s.Search(ctx, ParseQuery(v))
		return err
	}
	if err := search(ctx, "sort=title_asc"); err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	tx, err := admin.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "LOCK TABLE movie_genres IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 4)
	for _, g := range []string{"drama", "comedy", "western", "war"} {
		go func() { done <- search(ctx, "genres="+g+"&sort=title_asc") }()
	}
	time.Sleep(300 * time.Millisecond) // the four are waiting on the lock or for a slot
	pctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	t0 := time.Now()
	if err := search(pctx, "sort=title_asc&page=3"); err != nil {
		t.Errorf("a page of a cached ordering behind blocked heavy queries: %v after %v", err, time.Since(t0))
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Errorf("after the lock: %v", err)
		}
	}
}

// An ordering that takes longer than QueryTimeout (a catalogue of a
// million movies) is not lost: the search that started it fails at its own
// deadline, the load goes on under OrderingTimeout, and the next search
// finds it cached instead of starting it over.
func TestSlowOrderingOutlivesItsSearch(t *testing.T) {
	s, dsn := orderTestStore(t, Config{QueryTimeout: 200 * time.Millisecond, OrderingTimeout: 30 * time.Second})
	ctx := context.Background()
	loads := func() uint64 { _, _, l, _ := s.ord.lists.stats(); return l }
	search := func(raw string) error {
		v, _ := url.ParseQuery(raw)
		_, err := s.Search(ctx, ParseQuery(v))
		return err
	}
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	tx, err := admin.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	// The lock makes the ordering of every movie slow: it waits for it.
	if _, err := tx.Exec(ctx, "LOCK TABLE movies IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	before := loads()
	if err := search("sort=runtime_desc"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("search behind the lock: %v, want a deadline error", err)
	}
	// Well past QueryTimeout: a load bounded by it would have failed by now.
	time.Sleep(3 * s.cfg.QueryTimeout)
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	var err2 error
	for range 20 { // until the load, released from the lock, is done
		if err2 = search("sort=runtime_desc"); err2 == nil {
			break
		}
	}
	if err2 != nil {
		t.Fatalf("search after the lock: %v", err2)
	}
	if n := loads() - before; n != 1 {
		t.Errorf("%d loads of the ordering, want 1 (the first, finished after its search gave up)", n)
	}
}

// Expired entries leave within a sweep period even when the cache is far
// from full: a cache of 10,000 short-lived results must not hold them all.
func TestCacheDropsExpired(t *testing.T) {
	now := time.Unix(0, 0)
	c := newTTLCache[int](10000, func() time.Time { return now })
	ctx := context.Background()
	put := func(k string) {
		t.Helper()
		if _, _, err := c.get(ctx, k, 10*time.Second, func(context.Context) (int, error) { return 1, nil }); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 100 {
		put(strconv.Itoa(i))
		now = now.Add(100 * time.Millisecond)
	}
	now = now.Add(cacheSweepEvery)
	put("fresh")
	if n := len(c.entries); n != 1 {
		t.Fatalf("%d entries after every other one expired and a sweep period passed, want 1", n)
	}
}
