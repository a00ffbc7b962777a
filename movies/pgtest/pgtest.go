package pgtest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/movies/pgcluster"
	"github.com/cortex-cinegraph/golive/movies/sample"
)

var (
	mu       sync.Mutex
	cluster  *pgcluster.Cluster
	startErr error
	started  bool
	tmpDir   string
	seq      atomic.Int64

	templates = map[string]*templateDB{}
)

type templateDB struct {
	once sync.Once
	name string
	err  error
}

// Migrator applies the schema to a database; package movies passes its
// Migrate (pgtest cannot import movies, whose tests use pgtest).
type Migrator func(ctx context.Context, dsn string) error

// Main runs the package's tests and then stops the shared cluster, if one
// was started, and removes its directory. Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	Stop()
	return code
}

// Stop stops the shared cluster now (Main does it at the end).
func Stop() {
	mu.Lock()
	defer mu.Unlock()
	if cluster != nil {
		_ = cluster.Stop()
		cluster = nil
	}
	if tmpDir != "" {
		_ = os.RemoveAll(tmpDir)
		tmpDir = ""
	}
}

// Cluster returns the package's shared cluster, starting it on first use.
// It fails the test (skips it under -short) when PostgreSQL is unavailable.
func Cluster(t testing.TB) *pgcluster.Cluster {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if !started {
		started = true
		cluster, startErr = start()
	}
	if startErr != nil {
		if testing.Short() {
			t.Skipf("no PostgreSQL (skipped under -short): %v", startErr)
		}
		t.Fatalf("pgtest: cannot start a throwaway PostgreSQL: %v", startErr)
	}
	return cluster
}

func start() (*pgcluster.Cluster, error) {
	if _, err := pgcluster.FindBinDir(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "movies-pgtest-")
	if err != nil {
		return nil, err
	}
	tmpDir = dir
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var log *slog.Logger
	if os.Getenv("PGTEST_VERBOSE") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return pgcluster.Start(ctx, pgcluster.Config{
		Dir: filepath.Join(dir, "data"), TCP: true, Ephemeral: true, Log: log,
		Settings: map[string]string{"max_connections": "200", "shared_buffers": "'256MB'"},
	})
}

// TempDir returns a directory next to the cluster's, removed with it
// (for a PgBouncer's files).
func TempDir(t testing.TB) string {
	t.Helper()
	Cluster(t)
	d, err := os.MkdirTemp(tmpDir, "aux-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

// Empty returns the URL of a new empty database.
func Empty(t testing.TB) string {
	t.Helper()
	c := Cluster(t)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), seq.Add(1))
	createFrom(t, c, name, "")
	return c.DSN(name)
}

// Migrated returns the URL of a new database with the schema (no rows).
func Migrated(t testing.TB, migrate Migrator) string {
	t.Helper()
	kind, migrate := schemaMigrator("migrated", migrate)
	return fromTemplate(t, kind, func(ctx context.Context, dsn string) error { return migrate(ctx, dsn) })
}

// Seeded returns the URL of a new database with the schema and the
// committed small set (sample.SmallSet generated movies and the golden
// ones). Each call returns a new database; tests that only read can share
// one.
func Seeded(t testing.TB, migrate Migrator) string {
	t.Helper()
	kind, migrate := schemaMigrator("seeded", migrate)
	return fromTemplate(t, kind, func(ctx context.Context, dsn string) error {
		if err := migrate(ctx, dsn); err != nil {
			return err
		}
		return Load(ctx, dsn, sample.SmallSet)
	})
}

// Load loads n generated movies (plus the golden ones) into the database.
func Load(ctx context.Context, dsn string, n int64) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var log *slog.Logger
	if os.Getenv("PGTEST_VERBOSE") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return sample.Load(ctx, conn, sample.Config{Movies: n, Log: log})
}

func fromTemplate(t testing.TB, kind string, fill func(ctx context.Context, dsn string) error) string {
	t.Helper()
	c := Cluster(t)
	mu.Lock()
	tpl := templates[kind]
	if tpl == nil {
		tpl = &templateDB{name: fmt.Sprintf("tpl_%s_%d", kind, os.Getpid())}
		templates[kind] = tpl
	}
	mu.Unlock()
	tpl.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if tpl.err = c.CreateDatabase(ctx, tpl.name); tpl.err != nil {
			return
		}
		tpl.err = fill(ctx, c.DSN(tpl.name))
	})
	if tpl.err != nil {
		t.Fatalf("pgtest: preparing the %s template database: %v", kind, tpl.err)
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), seq.Add(1))
	createFrom(t, c, name, tpl.name)
	return c.DSN(name)
}

func createFrom(t testing.TB, c *pgcluster.Cluster, name, template string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer conn.Close(ctx)
	q := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		q += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if _, err := conn.Exec(ctx, q); err != nil {
		t.Fatalf("pgtest: %s: %v", q, err)
	}
}

// Exec runs sql on dsn (a test's own database, e.g. from Seeded) and fails
// the test on an error: for the rows a test adds to the sample set.
func Exec(t testing.TB, dsn, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("pgtest.Exec: %v\n%s", err, sql)
	}
}
