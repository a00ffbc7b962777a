package sample

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// DB is what Load needs: a *pgx.Conn or a *pgxpool.Pool.
type DB interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Config says what to load.
type Config struct {
	// Movies is the number of generated movies (ids 1..Movies). The golden
	// movies are always added.
	Movies int64
	// Seed of the generator; 0 means DefaultSeed.
	Seed uint64
	// Log receives one line per table; nil discards.
	Log *slog.Logger
}

// ErrNotEmpty is returned when the target database already has movies.
var ErrNotEmpty = errors.New("sample: the database already has movies; load sample data only into a freshly migrated database")

// Load writes, in one transaction, the reference data, cfg.Movies
// generated movies with everything hanging off them, and the golden movies,
// with COPY; then sets the id sequences, refreshes
// movie_discovery_rankings_mv and analyzes. The database must have the
// schema (package migrations) and no movies. Secondary indexes are dropped
// for the copy and rebuilt after it, which is several times faster than
// maintaining them row by row.
func Load(ctx context.Context, db DB, cfg Config) (err error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = DefaultSeed
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	var n int64
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM movies").Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return ErrNotEmpty
	}
	start := time.Now()
	// Skip the per-row foreign-key triggers while copying (the generator
	// only writes consistent rows); that needs superuser, so it is best
	// effort, in a savepoint.
	if _, err := tx.Exec(ctx, "SAVEPOINT role"); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
		if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT role"); err != nil {
			return err
		}
	}
	_, _ = tx.Exec(ctx, "SET LOCAL maintenance_work_mem = '256MB'")
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = t.name
	}
	rows, err := tx.Query(ctx, `SELECT i.indexname, i.indexdef FROM pg_indexes i
		WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
		ORDER BY i.tablename, i.indexname`, names)
	if err != nil {
		return err
	}
	type index struct{ name, def string }
	indexes, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (index, error) {
		var x index
		return x, r.Scan(&x.name, &x.def)
	})
	if err != nil {
		return err
	}
	for _, ix := range indexes {
		if _, err := tx.Exec(ctx, "DROP INDEX "+pgx.Identifier{ix.name}.Sanitize()); err != nil {
			return err
		}
	}
	var total int64
	for _, t := range tables {
		t0 := time.Now()
		src := &source{t: t, seed: seed}
		switch {
		case t.perMovie != nil:
			src.n = cfg.Movies
		case t.perPerson != nil:
			src.n = PeopleFor(cfg.Movies)
		}
		rows, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, src)
		if err != nil {
			return fmt.Errorf("sample: copy %s: %w", t.name, err)
		}
		total += rows
		log.Info("sample: copied", "table", t.name, "rows", rows, "took", time.Since(t0).Round(time.Millisecond))
	}
	t0 := time.Now()
	for _, ix := range indexes {
		t1 := time.Now()
		if _, err := tx.Exec(ctx, ix.def); err != nil {
			return fmt.Errorf("sample: rebuild %s: %w", ix.name, err)
		}
		log.Debug("sample: index", "name", ix.name, "took", time.Since(t1).Round(time.Millisecond))
	}
	log.Info("sample: indexes rebuilt", "n", len(indexes), "took", time.Since(t0).Round(time.Millisecond))
	for _, s := range []string{"movies", "genres", "people", "external_metrics", "movie_score_caches", "movie_credits",
		"movie_lists", "festival_organizations", "festival_ceremonies", "festival_categories", "festival_nominations",
		"movie_release_dates", "production_companies", "production_countries", "metric_weight_profiles", "person_metrics",
		"keywords", "movie_videos", "watch_providers", "watch_provider_regions", "movie_watch_providers"} {
		q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), GREATEST(1, (SELECT COALESCE(max(id), 0) FROM %[1]s)))", s)
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("sample: sequence of %s: %w", s, err)
		}
	}
	t0 = time.Now()
	if _, err := tx.Exec(ctx, "REFRESH MATERIALIZED VIEW movie_discovery_rankings_mv"); err != nil {
		return fmt.Errorf("sample: refresh: %w", err)
	}
	if _, err := tx.Exec(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("sample: analyze: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	log.Info("sample: loaded", "movies", cfg.Movies, "golden", len(Golden), "rows", total,
		"refresh+analyze", time.Since(t0).Round(time.Millisecond), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// source streams one table's rows: reference rows, or the rows of entities
// 1..n followed by the golden rows.
type source struct {
	t      table
	seed   uint64
	n, i   int64
	buf    [][]any
	cur    []any
	golden bool
}

func (s *source) Next() bool {
	for len(s.buf) == 0 {
		switch {
		case s.t.ref != nil:
			if s.golden {
				return false
			}
			s.buf, s.golden = s.t.ref(), true
		case s.i < s.n:
			s.i++
			if s.t.perMovie != nil {
				s.buf = s.t.perMovie(s.seed, s.i)
			} else {
				s.buf = s.t.perPerson(s.seed, s.i)
			}
		case !s.golden:
			s.buf, s.golden = goldenRows(s.t.name), true
		default:
			return false
		}
	}
	s.cur, s.buf = s.buf[0], s.buf[1:]
	return true
}

func (s *source) Values() ([]any, error) { return s.cur, nil }
func (s *source) Err() error             { return nil }
