package movies_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgcluster"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
	"github.com/cortex-cinegraph/golive/pubsub"
)

func withParam(dsn, k, v string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		panic(err)
	}
	q := u.Query()
	q.Set(k, v)
	u.RawQuery = q.Encode()
	return u.String()
}

// A burst of 200 concurrent identical mounts on a pool of two connections
// runs one query and never exhausts the pool; the dead render and the join
// that follows share one result even with the result cache off.
func TestBurstSharesOneQuery(t *testing.T) {
	dsn := withParam(seededDSN(t), "pool_max_conns", "2")
	s := openStore(t, dsn, movies.Config{ResultTTL: -1})
	q := movies.ParseQuery(params(t, "genres=drama&sort=popularity"))
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, 200)
	totals := make(chan int64, 200)
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := s.Search(context.Background(), q)
			errs <- err
			totals <- res.Total
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	close(totals)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var first int64 = -1
	for n := range totals {
		if first >= 0 && n != first {
			t.Fatalf("different totals %d, %d", first, n)
		}
		first = n
	}
	if st := s.Stats(); st.Queries != 1 {
		t.Errorf("200 identical searches ran %d queries", st.Queries)
	}
	if n := s.Pool().Stat().TotalConns(); n > 2 {
		t.Errorf("pool grew to %d connections", n)
	}
	// The connected mount after the dead render: served from the share.
	if _, err := s.Search(context.Background(), q); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Queries != 1 || st.Hits == 0 {
		t.Errorf("join after render: %+v", st)
	}
	// Many different searches at once queue for the two connections and
	// all finish within the deadline.
	var wg2 sync.WaitGroup
	var failed sync.Map
	for i := range 60 {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			raw := fmt.Sprintf("page=%d&sort=%s", i%14+1, []string{"title", "score_desc", "rating", "release_date_desc"}[i%4])
			if _, err := s.Search(context.Background(), movies.ParseQuery(params(t, raw))); err != nil {
				failed.Store(raw, err)
			}
		}()
	}
	wg2.Wait()
	failed.Range(func(k, v any) bool { t.Errorf("%s: %v", k, v); return true })
}

// A message on the PubSub topic drops the caches.
func TestInvalidationOverPubSub(t *testing.T) {
	dsn := pgtest.Seeded(t, migrate)
	ps := pubsub.NewLocal()
	s := openStore(t, dsn, movies.Config{PubSub: ps})
	other := openStore(t, dsn, movies.Config{PubSub: ps})
	ctx := context.Background()
	q := movies.ParseQuery(params(t, "search=zebra%20crossing"))
	for _, st := range []*movies.Store{s, other} {
		if res, err := st.Search(ctx, q); err != nil || res.Total != 0 {
			t.Fatalf("before: %v %v", res.Total, err)
		}
	}
	o1, _ := s.FilterOptions(ctx)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `INSERT INTO movies (tmdb_id, title, slug, release_date, inserted_at, updated_at)
		VALUES (77, 'Zebra Crossing', 'zebra-crossing', '2000-01-01', now(), now());
		INSERT INTO genres (tmdb_id, name, inserted_at, updated_at) VALUES (99999, 'Noir', now(), now())`); err != nil {
		t.Fatal(err)
	}
	if res, _ := s.Search(ctx, q); res.Total != 0 {
		t.Fatalf("cached result expected before the message, got %d", res.Total)
	}
	if err := s.NotifyChanged(ctx); err != nil {
		t.Fatal(err)
	}
	for _, st := range []*movies.Store{s, other} {
		if res, err := st.Search(ctx, q); err != nil || res.Total != 1 {
			t.Errorf("after the message: %d %v", res.Total, err)
		}
	}
	o2, _ := s.FilterOptions(ctx)
	if len(o2.Genres) != len(o1.Genres)+1 {
		t.Errorf("filter options not reloaded: %d genres", len(o2.Genres))
	}
}

// Through a real PgBouncer in transaction pooling mode (2 server
// connections for 8 clients): every path, the show page, the people
// search and the options give the same answers as a direct connection.
// The control: pgx's default statement cache (named prepared statements)
// breaks through the same bouncer, which shows the test can fail.
func TestThroughPgBouncer(t *testing.T) {
	if _, err := pgcluster.FindBouncer(); err != nil {
		if testing.Short() {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	dsn := seededDSN(t)
	u, _ := url.Parse(dsn)
	db := strings.TrimPrefix(u.Path, "/")
	ctx := context.Background()
	b, err := pgcluster.StartBouncer(ctx, pgtest.Cluster(t), db, pgtest.TempDir(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Stop)
	direct := openStore(t, dsn, movies.Config{})
	bounced := openStore(t, withParam(b.DSN(), "pool_max_conns", "8"), movies.Config{ResultTTL: -1, ShareTTL: time.Millisecond})
	queries := []string{"", "page=3", "sort=score_desc", "sort=score_asc&page=13", "genres=drama,comedy&sort=title", "max_age=12",
		"people=ada-golden,bo-golden&people_match=all", "lists=criterion&sort=critics_choice", "search=golden&sort=mob",
		"festivals=cannes,oscars&sort=festival_recognition", "decade=1990&sort=rating_asc", "show_unreleased=true&sort=auteurs"}
	want := map[string]movies.Result{}
	for _, raw := range queries {
		r, err := direct.Search(ctx, movies.ParseQuery(params(t, raw)))
		if err != nil {
			t.Fatal(err)
		}
		want[raw] = r
	}
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 5 {
				for i, raw := range queries {
					raw := raw
					if (i+w+round)%2 == 0 {
						if round > 0 {
							raw += fmt.Sprintf("&x=%d-%d", w, round) // defeat the share
						}
					}
					got, err := bounced.Search(ctx, movies.ParseQuery(params(t, raw)))
					if err != nil {
						errs <- fmt.Errorf("%s: %w", raw, err)
						return
					}
					w := want[strings.Split(raw, "&x=")[0]]
					if got.Total != w.Total || !reflect.DeepEqual(ids(got), ids(w)) {
						errs <- fmt.Errorf("%s: differs through the bouncer", raw)
					}
				}
				if _, err := bounced.Movie(ctx, "golden-trio-genres-2010"); err != nil {
					errs <- err
				}
				if _, err := bounced.SearchPeople(ctx, fmt.Sprintf("gold%d", round), 10); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if _, err := bounced.FilterOptions(ctx); err != nil {
		t.Error(err)
	}

	// Control: named prepared statements through the same bouncer.
	pc, err := pgxpool.ParseConfig(withParam(b.DSN(), "pool_max_conns", "8"))
	if err != nil {
		t.Fatal(err)
	}
	pc.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheStatement
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var broke sync.Once
	var brokeErr error
	var wg2 sync.WaitGroup
	for w := range 8 {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			for i := range 30 {
				var n int
				err := pool.QueryRow(ctx, fmt.Sprintf("SELECT count(*) + %d FROM movies WHERE id > $1", i%5), w).Scan(&n)
				if err != nil {
					broke.Do(func() { brokeErr = err })
				}
			}
		}()
	}
	wg2.Wait()
	if brokeErr == nil {
		t.Errorf("control: named prepared statements did not fail through PgBouncer in transaction mode; is it pooling?")
	} else {
		t.Logf("control: statement cache through the bouncer fails as expected: %v", brokeErr)
	}
}

func ids(r movies.Result) []int64 {
	var out []int64
	for _, c := range r.Cards {
		out = append(out, c.ID)
	}
	return out
}

// Migrations run only on an empty or own database; a cinegraph schema is
// refused with a clear message.
func TestMigrate(t *testing.T) {
	ctx := context.Background()
	// Our migrations, whichever schema the other tests run on.
	dsn := pgtest.Empty(t)
	if _, err := movies.Migrate(ctx, dsn, nil); err != nil {
		t.Fatal(err)
	}
	if st, err := movies.DetectSchema(ctx, dsn); err != nil || st != movies.SchemaOurs {
		t.Errorf("migrated: %v %v", st, err)
	}
	if applied, err := movies.Migrate(ctx, dsn, nil); err != nil || len(applied) != 0 {
		t.Errorf("second migrate: %v %v", applied, err)
	}
	for _, ddl := range []string{
		"CREATE TABLE movies (id bigserial PRIMARY KEY, title varchar(255))",
		"CREATE TABLE schema_migrations (version bigint PRIMARY KEY, inserted_at timestamp)",
	} {
		dsn := pgtest.Empty(t)
		if st, _ := movies.DetectSchema(ctx, dsn); st != movies.SchemaEmpty {
			t.Errorf("empty database detected as %v", st)
		}
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, ddl); err != nil {
			t.Fatal(err)
		}
		conn.Close(ctx)
		_, err = movies.Migrate(ctx, dsn, nil)
		if !errors.Is(err, movies.ErrForeignSchema) || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("%s: migrate gave %v", ddl, err)
		}
		if st, _ := movies.DetectSchema(ctx, dsn); st != movies.SchemaForeign {
			t.Errorf("%s: detected %v", ddl, st)
		}
	}
	// The production schema itself.
	real := pgtest.Empty(t)
	if err := pgtest.LoadCinegraphSchema(ctx, real); err != nil {
		t.Fatal(err)
	}
	if st, _ := movies.DetectSchema(ctx, real); st != movies.SchemaForeign {
		t.Errorf("cinegraph's schema detected as %v", st)
	}
	if _, err := movies.Migrate(ctx, real, nil); !errors.Is(err, movies.ErrForeignSchema) {
		t.Errorf("migrate on cinegraph's schema gave %v", err)
	}
}

// The embedded default: initdb + start, migrate and seed on first start,
// reuse the data on the second, stop on exit.
func TestStartEmbedded(t *testing.T) {
	pgtest.Cluster(t) // fails clearly (or skips under -short) without PostgreSQL
	dir, err := os.MkdirTemp("", "movies-embedded-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var total int64
	for round := range 2 {
		dsn, stop, err := movies.StartEmbedded(ctx, dir, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		s, err := movies.Open(ctx, dsn, movies.Config{})
		if err != nil {
			stop()
			t.Fatal(err)
		}
		res, err := s.Search(ctx, movies.ParseQuery(nil))
		s.Close()
		stop()
		if err != nil {
			t.Fatal(err)
		}
		if round == 0 {
			total = res.Total
			if total < 300 {
				t.Errorf("embedded database has %d movies", total)
			}
		} else if res.Total != total {
			t.Errorf("restart changed the data: %d then %d", total, res.Total)
		}
	}
	if _, err := os.Stat(dir + "/postgres/postmaster.pid"); !os.IsNotExist(err) {
		t.Errorf("server still running after stop: %v", err)
	}
}

func TestStartEmbeddedWithoutBinaries(t *testing.T) {
	t.Setenv("PG_BINDIR", "/nonexistent")
	_, _, err := movies.StartEmbedded(context.Background(), t.TempDir(), slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "apt-get install postgresql") || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("err = %v", err)
	}
}

// Opt-in periodic refresh: the materialized view picks up a new movie and
// the caches are dropped, without any message from outside.
func TestPeriodicRefresh(t *testing.T) {
	dsn := pgtest.Seeded(t, migrate)
	s := openStore(t, dsn, movies.Config{RefreshEvery: 100 * time.Millisecond})
	ctx := context.Background()
	before, err := s.Search(ctx, movies.ParseQuery(nil))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `INSERT INTO movies (tmdb_id, title, slug, release_date, inserted_at, updated_at)
		VALUES (78, 'Fresh Arrival', 'fresh-arrival', '2001-01-01', now(), now())`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := s.Search(ctx, movies.ParseQuery(nil))
		if err != nil {
			t.Fatal(err)
		}
		if res.Total == before.Total+1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("total still %d after 10s", res.Total)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Warm fills the cache under the resolved key: a differently spelled URL
// for the same search is a hit.
func TestWarm(t *testing.T) {
	s := openStore(t, seededDSN(t), movies.Config{})
	ctx := context.Background()
	if err := s.Warm(ctx, []string{"genres=drama,comedy&per_page=24", "sort=bogus"}); err == nil {
		t.Error("warming an invalid search gave no error")
	}
	before := s.Stats().Queries
	if _, err := s.Search(ctx, movies.ParseQuery(params(t, "genres[]=4&genres[]=drama&page=1"))); err != nil {
		t.Fatal(err)
	}
	if s.Stats().Queries != before {
		t.Error("the warmed search ran again")
	}
}
