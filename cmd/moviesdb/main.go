package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgcluster"
	"github.com/cortex-cinegraph/golive/movies/sample"
)

func usage() {
	fmt.Fprint(os.Stderr, `usage: moviesdb [-db URL] [-var DIR] COMMAND [flags]

commands:
  migrate                    apply the embedded migrations (never to a cinegraph schema)
  seed [-reset]              load the committed small set (300 generated movies + golden edge cases)
  generate -n N [-seed S] [-reset]
                             load N generated movies with COPY (100k–1M for benchmarks)
  explain [-check] [-analyze] [-throwaway N]
                             EXPLAIN the default browse and the common filters; -check fails
                             unless each uses its index; -throwaway runs on a private cluster
                             loaded with N movies
  refresh                    refresh movie_discovery_rankings_mv (concurrently)

The database is -db, else $DATABASE_URL, else the embedded one under -var (default var).
`)
}

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	fs := flag.NewFlagSet("moviesdb", flag.ExitOnError)
	fs.Usage = usage
	dbURL := fs.String("db", os.Getenv("DATABASE_URL"), "database URL (default $DATABASE_URL)")
	varDir := fs.String("var", "var", "directory of the embedded database")
	_ = fs.Parse(os.Args[1:])
	if fs.NArg() == 0 {
		usage()
		os.Exit(2)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	cmd, args := fs.Arg(0), fs.Args()[1:]
	if err := run(ctx, log, cmd, args, *dbURL, *varDir); err != nil {
		fmt.Fprintln(os.Stderr, "moviesdb:", err)
		os.Exit(1)
	}
}

// database returns the URL to work on, starting the embedded database when
// no URL is given.
func database(ctx context.Context, log *slog.Logger, dbURL, varDir string) (string, func(), error) {
	if dbURL != "" {
		return dbURL, func() {}, nil
	}
	log.Info("moviesdb: no DATABASE_URL; using the embedded database", "dir", filepath.Join(varDir, "postgres"))
	return movies.StartEmbedded(ctx, varDir, log)
}

func run(ctx context.Context, log *slog.Logger, cmd string, args []string, dbURL, varDir string) error {
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	switch cmd {
	case "migrate":
		_ = fs.Parse(args)
		dsn, stop, err := database(ctx, log, dbURL, varDir)
		if err != nil {
			return err
		}
		defer stop()
		applied, err := movies.Migrate(ctx, dsn, log)
		if err != nil {
			return err
		}
		fmt.Printf("applied %d migration(s)\n", len(applied))
		return nil

	case "seed", "generate":
		n := fs.Int64("n", sample.SmallSet, "number of generated movies")
		seed := fs.Uint64("seed", sample.DefaultSeed, "generator seed")
		reset := fs.Bool("reset", false, "empty the tables first (only on a database migrated by moviesdb)")
		_ = fs.Parse(args)
		if cmd == "seed" {
			*n = sample.SmallSet
		}
		dsn, stop, err := database(ctx, log, dbURL, varDir)
		if err != nil {
			return err
		}
		defer stop()
		return load(ctx, log, dsn, *n, *seed, *reset)

	case "explain":
		check := fs.Bool("check", false, "exit non-zero unless every case uses its index")
		analyze := fs.Bool("analyze", false, "EXPLAIN ANALYZE (runs the queries)")
		throwaway := fs.Int64("throwaway", 0, "run on a private throwaway cluster loaded with N movies")
		_ = fs.Parse(args)
		if *throwaway > 0 {
			dsn, stop, err := throwawayCluster(ctx, log, *throwaway)
			if err != nil {
				return err
			}
			defer stop()
			return explain(ctx, dsn, *check, *analyze)
		}
		dsn, stop, err := database(ctx, log, dbURL, varDir)
		if err != nil {
			return err
		}
		defer stop()
		return explain(ctx, dsn, *check, *analyze)

	case "refresh":
		_ = fs.Parse(args)
		dsn, stop, err := database(ctx, log, dbURL, varDir)
		if err != nil {
			return err
		}
		defer stop()
		t0 := time.Now()
		if err := movies.RefreshRankings(ctx, dsn); err != nil {
			return err
		}
		fmt.Printf("refreshed movie_discovery_rankings_mv in %v\n", time.Since(t0).Round(time.Millisecond))
		return nil
	}
	usage()
	return fmt.Errorf("unknown command %q", cmd)
}

func load(ctx context.Context, log *slog.Logger, dsn string, n int64, seed uint64, reset bool) error {
	state, err := movies.DetectSchema(ctx, dsn)
	if err != nil {
		return err
	}
	switch state {
	case movies.SchemaForeign:
		return errors.New("refusing to write sample data into a cinegraph database that moviesdb did not create")
	case movies.SchemaEmpty:
		if _, err := movies.Migrate(ctx, dsn, log); err != nil {
			return err
		}
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if reset {
		if _, err := conn.Exec(ctx, `TRUNCATE movies, genres, people, movie_lists, festival_organizations,
			production_companies, production_countries, metric_weight_profiles RESTART IDENTITY CASCADE`); err != nil {
			return err
		}
	}
	t0 := time.Now()
	err = sample.Load(ctx, conn, sample.Config{Movies: n, Seed: seed, Log: log})
	if errors.Is(err, sample.ErrNotEmpty) {
		return fmt.Errorf("%w (add -reset to replace them)", err)
	}
	if err != nil {
		return err
	}
	fmt.Printf("loaded %d generated + %d golden movies in %v\n", n, len(sample.Golden), time.Since(t0).Round(time.Millisecond))
	return nil
}

func throwawayCluster(ctx context.Context, log *slog.Logger, n int64) (string, func(), error) {
	dir, err := os.MkdirTemp("", "moviesdb-explain-")
	if err != nil {
		return "", nil, err
	}
	_ = os.Chmod(dir, 0o755)
	c, err := pgcluster.Start(ctx, pgcluster.Config{Dir: filepath.Join(dir, "data"), Ephemeral: true, Log: log})
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	stop := func() { _ = c.Stop(); os.RemoveAll(dir) }
	if err := c.CreateDatabase(ctx, "movies"); err != nil {
		stop()
		return "", nil, err
	}
	dsn := c.DSN("movies")
	if err := load(ctx, log, dsn, n, sample.DefaultSeed, false); err != nil {
		stop()
		return "", nil, err
	}
	return dsn, stop, nil
}

func explain(ctx context.Context, dsn string, check, analyze bool) error {
	s, err := movies.Open(ctx, dsn, movies.Config{QueryTimeout: 30 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	defer s.Close()
	var person string
	if err := s.Pool().QueryRow(ctx, `SELECT COALESCE(p.slug, p.id::text) FROM people p JOIN movie_credits mc ON mc.person_id = p.id
		GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1`).Scan(&person); err != nil {
		return fmt.Errorf("finding a person: %w", err)
	}
	var failed []string
	for _, c := range movies.ExplainCases {
		raw := strings.ReplaceAll(c.Params, "{person}", person)
		q := movies.ParseQuery(mustQuery(raw))
		path, plans, err := s.Explain(ctx, q, analyze)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		t0 := time.Now()
		if _, err := s.Search(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		took := time.Since(t0)
		problem := c.CheckPlan(path, plans)
		status := "ok"
		if problem != "" {
			status = "PROBLEM: " + problem
			failed = append(failed, c.Name)
		}
		fmt.Printf("=== %s  /movies?%s  path=%s  search=%v  %s\n", c.Name, raw, path, took.Round(time.Microsecond), status)
		for i, p := range plans {
			label := []string{"page", "count"}[min(i, 1)]
			fmt.Printf("--- %s query\n%s\n", label, p)
		}
		fmt.Println()
	}
	fmt.Printf("%d passed, %d failed\n", len(movies.ExplainCases)-len(failed), len(failed))
	if check && len(failed) > 0 {
		return fmt.Errorf("index check failed: %s", strings.Join(failed, ", "))
	}
	return nil
}

func mustQuery(raw string) url.Values {
	v, err := url.ParseQuery(raw)
	if err != nil {
		panic(err)
	}
	return v
}
