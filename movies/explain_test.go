package movies_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
)

// TestExplainIndexes loads 100,000 generated movies with COPY (10–20 s on
// two cores) and asserts that the default browse and the common filters use
// their indexes and never scan movies sequentially. MOVIES_EXPLAIN=<n>
// changes the size, MOVIES_EXPLAIN=0 skips it; it is skipped under -short.
// `moviesdb explain -check` runs the same check against any database, and
// `moviesdb explain -throwaway 100000 -check` on a private one.
func TestExplainIndexes(t *testing.T) {
	n := int64(100_000)
	if v := os.Getenv("MOVIES_EXPLAIN"); v != "" {
		n, _ = strconv.ParseInt(v, 10, 64)
	}
	if n <= 0 || testing.Short() {
		t.Skip("MOVIES_EXPLAIN=0 or -short")
	}
	ctx := context.Background()
	dsn := pgtest.Migrated(t, migrate)
	t0 := time.Now()
	if err := pgtest.Load(ctx, dsn, n); err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d movies in %v", n, time.Since(t0).Round(time.Second))
	s := openStore(t, dsn, movies.Config{QueryTimeout: 10 * time.Second})
	person := topPerson(t, dsn)
	for _, c := range movies.ExplainCases {
		t.Run(c.Name, func(t *testing.T) {
			q := movies.ParseQuery(params(t, strings.ReplaceAll(c.Params, "{person}", person)))
			path, plans, err := s.Explain(ctx, q, false)
			if err != nil {
				t.Fatal(err)
			}
			if problem := c.CheckPlan(path, plans); problem != "" {
				t.Errorf("%s\n%s", problem, strings.Join(plans, "\n----\n"))
			}
			t0 := time.Now()
			if _, err := s.Search(ctx, q); err != nil {
				t.Fatal(err)
			}
			t.Logf("cold search %v", time.Since(t0).Round(time.Millisecond))
		})
	}
}

func topPerson(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var slug string
	if err := conn.QueryRow(ctx, `SELECT p.slug FROM people p JOIN movie_credits mc ON mc.person_id = p.id
		GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1`).Scan(&slug); err != nil {
		t.Fatal(err)
	}
	return slug
}
