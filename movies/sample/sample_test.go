package sample_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
	"github.com/cortex-cinegraph/golive/movies/sample"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func migrate(ctx context.Context, dsn string) error {
	_, err := movies.Migrate(ctx, dsn, nil)
	return err
}

// digest returns an md5 of every row hanging off movies with id <= maxID
// (or generated people with id <= maxPerson), table by table.
func digest(t *testing.T, dsn string, maxID, maxPerson int64) map[string]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	queries := map[string]string{
		"movies":                `SELECT md5(string_agg(row(m.*)::text, '|' ORDER BY id)) FROM movies m WHERE id <= $1 AND $2::bigint > 0`,
		"movie_genres":          `SELECT md5(string_agg(row(g.*)::text, '|' ORDER BY movie_id, genre_id)) FROM movie_genres g WHERE movie_id <= $1 AND $2::bigint > 0`,
		"external_metrics":      `SELECT md5(string_agg(row(movie_id, source, metric_type, value, text_value)::text, '|' ORDER BY movie_id, source, metric_type)) FROM external_metrics WHERE movie_id <= $1 AND $2::bigint > 0`,
		"movie_credits":         `SELECT md5(string_agg(row(movie_id, person_id, credit_id, job, cast_order)::text, '|' ORDER BY credit_id)) FROM movie_credits WHERE movie_id <= $1 AND $2::bigint > 0`,
		"movie_score_caches":    `SELECT md5(string_agg(row(movie_id, mob_score, critics_score, overall_score, calculation_version)::text, '|' ORDER BY movie_id)) FROM movie_score_caches WHERE movie_id <= $1 AND $2::bigint > 0`,
		"festival_nominations":  `SELECT md5(string_agg(row(ceremony_id, category_id, movie_id, won)::text, '|' ORDER BY movie_id, ceremony_id, category_id)) FROM festival_nominations WHERE movie_id <= $1 AND $2::bigint > 0`,
		"movie_release_dates":   `SELECT md5(string_agg(row(movie_id, country_code, certification, release_type)::text, '|' ORDER BY movie_id, country_code, release_type)) FROM movie_release_dates WHERE movie_id <= $1 AND $2::bigint > 0`,
		"movie_keywords":        `SELECT md5(string_agg(row(k.*)::text, '|' ORDER BY movie_id, keyword_id)) FROM movie_keywords k WHERE movie_id <= $1 AND $2::bigint > 0`,
		"movie_videos":          `SELECT md5(string_agg(row(movie_id, tmdb_id, key, type, official, published_at)::text, '|' ORDER BY id)) FROM movie_videos WHERE movie_id <= $1 AND $2::bigint > 0`,
		"movie_watch_providers": `SELECT md5(string_agg(row(movie_id, watch_provider_id, region, monetization_type, display_priority, tmdb_link)::text, '|' ORDER BY id)) FROM movie_watch_providers WHERE movie_id <= $1 AND $2::bigint > 0`,
		"people":                `SELECT md5(string_agg(row(p.*)::text, '|' ORDER BY id)) FROM people p WHERE id <= $2 AND $1::bigint > 0`,
	}
	out := map[string]string{}
	for name, q := range queries {
		var s *string
		if err := conn.QueryRow(ctx, q, maxID, maxPerson).Scan(&s); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s == nil {
			t.Fatalf("%s: no rows", name)
		}
		out[name] = *s
	}
	return out
}

// Row i is identical whatever N: load 300 and 700 movies and compare the
// first 300 movies (and the people they can reference) table by table.
func TestRowIIndependentOfN(t *testing.T) {
	ctx := context.Background()
	small := pgtest.Seeded(t, migrate)
	big := pgtest.Migrated(t, migrate)
	if err := pgtest.Load(ctx, big, 700); err != nil {
		t.Fatal(err)
	}
	a := digest(t, small, sample.SmallSet, sample.PeopleFor(sample.SmallSet))
	b := digest(t, big, sample.SmallSet, sample.PeopleFor(sample.SmallSet))
	for k, v := range a {
		if b[k] != v {
			t.Errorf("%s differs between N=300 and N=700", k)
		}
	}
}

// Movies only reference people that exist, titles and slugs are unique, and
// the mix of §9 is there.
func TestSmallSetShape(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Seeded(t, migrate)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	checks := []struct {
		name string
		q    string
		ok   func(n int64) bool
	}{
		{"movies", `SELECT count(*) FROM movies`, func(n int64) bool { return n == sample.SmallSet+int64(len(sample.Golden)) }},
		{"distinct titles of generated movies", `SELECT count(DISTINCT title) FROM movies WHERE id <= 300`, func(n int64) bool { return n == 300 }},
		{"null release dates", `SELECT count(*) FROM movies WHERE release_date IS NULL`, func(n int64) bool { return n >= 1 }},
		{"future release dates", `SELECT count(*) FROM movies WHERE release_date > '2030-01-01'`, func(n int64) bool { return n >= 2 }},
		{"non-full imports", `SELECT count(*) FROM movies WHERE import_status <> 'full'`, func(n int64) bool { return n >= 2 }},
		{"movies in lists", `SELECT count(*) FROM movies WHERE canonical_sources <> '{}'`, func(n int64) bool { return n >= 3 }},
		{"nominations", `SELECT count(DISTINCT movie_id) FROM festival_nominations`, func(n int64) bool { return n >= 5 }},
		{"score caches", `SELECT count(*) FROM movie_score_caches`, func(n int64) bool { return n >= 200 }},
		{"scoreability states", `SELECT count(DISTINCT scoreability_state) FROM movie_scoreability_view`, func(n int64) bool { return n == 3 }},
		{"omdb content ratings", `SELECT count(*) FROM external_metrics WHERE source = 'omdb'`, func(n int64) bool { return n >= 80 }},
		{"people with several films", `SELECT count(*) FROM (SELECT person_id FROM movie_credits GROUP BY person_id HAVING count(DISTINCT movie_id) >= 3) s`, func(n int64) bool { return n >= 10 }},
		{"dangling credits", `SELECT count(*) FROM movie_credits c LEFT JOIN people p ON p.id = c.person_id WHERE p.id IS NULL`, func(n int64) bool { return n == 0 }},
		{"rankings", `SELECT count(*) FROM movie_discovery_rankings_mv`, func(n int64) bool { return n == sample.SmallSet+int64(len(sample.Golden)) }},
	}
	for _, c := range checks {
		var n int64
		if err := conn.QueryRow(ctx, c.q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !c.ok(n) {
			t.Errorf("%s: got %d", c.name, n)
		}
	}
}

// TestLoadSpeed loads SAMPLE_N movies (opt-in, e.g. SAMPLE_N=100000) and
// reports the time.
func TestLoadSpeed(t *testing.T) {
	n, _ := strconv.ParseInt(os.Getenv("SAMPLE_N"), 10, 64)
	if n == 0 {
		t.Skip("set SAMPLE_N to time a load")
	}
	dsn := pgtest.Migrated(t, migrate)
	t0 := time.Now()
	if err := pgtest.Load(context.Background(), dsn, n); err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d movies in %v", n, time.Since(t0))
}
