package movies

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/cortex-cinegraph/golive/movies/migrations"
)

// VersionTable is the table in which goose records the applied migrations.
const VersionTable = "movies_goose_db_version"

// ErrForeignSchema is returned by Migrate when the database already holds
// a cinegraph schema that these migrations did not create.
var ErrForeignSchema = errors.New("movies: the database already holds a cinegraph schema that was not created by " +
	"`moviesdb migrate` (it has a movies table but no " + VersionTable + " table); refusing to migrate it. " +
	"The server only reads such a database: set DATABASE_URL to it and run the server without migrating")

// SchemaState describes what a database holds.
type SchemaState int

// Schema states.
const (
	SchemaEmpty   SchemaState = iota // no movies table: Migrate will create the schema
	SchemaOurs                       // created by these migrations (may have pending ones)
	SchemaForeign                    // a cinegraph (or other) schema: never migrated
)

func (s SchemaState) String() string {
	return [...]string{"empty", "migrated by moviesdb", "foreign (cinegraph)"}[s]
}

// DetectSchema tells whether the database at dsn is empty, was migrated by
// this package, or holds somebody else's (cinegraph's) schema.
func DetectSchema(ctx context.Context, dsn string) (SchemaState, error) {
	conn, err := connect(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	return detect(ctx, conn)
}

func detect(ctx context.Context, conn *pgx.Conn) (SchemaState, error) {
	var ours, movies, ecto bool
	err := conn.QueryRow(ctx, `SELECT
		to_regclass($1) IS NOT NULL,
		to_regclass('movies') IS NOT NULL,
		to_regclass('schema_migrations') IS NOT NULL`, VersionTable).Scan(&ours, &movies, &ecto)
	switch {
	case err != nil:
		return 0, err
	case ours:
		return SchemaOurs, nil
	case movies || ecto:
		return SchemaForeign, nil
	}
	return SchemaEmpty, nil
}

func connect(ctx context.Context, dsn string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("movies: bad database URL: %w", err)
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	return pgx.ConnectConfig(ctx, cfg)
}

// Migrate applies the embedded migrations to the database at dsn. It is
// only ever called explicitly (`moviesdb migrate`, the embedded default
// database, tests). It refuses, with ErrForeignSchema, a database that
// already holds a cinegraph schema it did not create. It returns the
// versions it applied.
func Migrate(ctx context.Context, dsn string, log *slog.Logger) ([]int64, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	state, err := DetectSchema(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if state == SchemaForeign {
		return nil, ErrForeignSchema
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	return migrateDB(ctx, db, log)
}

func migrateDB(ctx context.Context, db *sql.DB, log *slog.Logger) ([]int64, error) {
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS,
		goose.WithTableName(VersionTable), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return nil, err
	}
	res, err := p.Up(ctx)
	var applied []int64
	for _, r := range res {
		if r.Source != nil {
			applied = append(applied, r.Source.Version)
			log.Info("movies: migrated", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
		}
	}
	if err != nil {
		return applied, fmt.Errorf("movies: migrate: %w", err)
	}
	return applied, nil
}

// RefreshRankings refreshes movie_discovery_rankings_mv (CONCURRENTLY, so
// readers are not blocked; it needs the unique index on movie_id). This is
// the job the Elixir app runs periodically; here it is explicit
// (`moviesdb refresh`) or opt-in.
func RefreshRankings(ctx context.Context, dsn string) error {
	conn, err := connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "REFRESH MATERIALIZED VIEW CONCURRENTLY movie_discovery_rankings_mv")
	return err
}
