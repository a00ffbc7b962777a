package movies

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/movies/pgcluster"
	"github.com/cortex-cinegraph/golive/movies/sample"
)

// EmbeddedDatabase is the database name of the embedded default.
const EmbeddedDatabase = "cinegraph"

// StartEmbedded starts the private PostgreSQL that `make run` uses when
// DATABASE_URL is unset: the machine's PostgreSQL server binaries, a data
// directory dir/postgres (initdb on first start; run as the unprivileged
// postgres user when this process is root), listening only on a Unix
// socket in that directory. On first start it migrates the database and
// loads the committed small sample set. It returns the database URL and a
// stop function (fast shutdown; call it on exit). Nothing is downloaded:
// when the binaries are missing the error says what to install or which
// variable to set.
func StartEmbedded(ctx context.Context, dir string, log *slog.Logger) (dsn string, stop func(), err error) {
	if log == nil {
		log = slog.Default()
	}
	if _, err := pgcluster.FindBinDir(); err != nil {
		return "", nil, fmt.Errorf("movies: embedded database: %w", err)
	}
	dataDir, err := filepath.Abs(filepath.Join(dir, "postgres"))
	if err != nil {
		return "", nil, err
	}
	if !pgcluster.Reachable(dataDir) {
		// Running as root in a directory the postgres user cannot reach
		// (e.g. under /root): keep the cluster in the temp directory.
		sum := sha256.Sum256([]byte(dataDir))
		alt := filepath.Join(os.TempDir(), "golive-movies-"+hex.EncodeToString(sum[:6]), "postgres")
		log.Warn("movies: data directory not reachable by the postgres user; using the temp directory instead", "wanted", dataDir, "using", alt)
		dataDir = alt
		if err := os.MkdirAll(filepath.Dir(alt), 0o755); err != nil {
			return "", nil, err
		}
		if err := os.Chmod(filepath.Dir(alt), 0o755); err != nil {
			return "", nil, err
		}
	} else if err := os.MkdirAll(filepath.Dir(dataDir), 0o755); err != nil {
		return "", nil, err
	}
	c, err := pgcluster.Start(ctx, pgcluster.Config{Dir: dataDir, Log: log})
	if err != nil {
		return "", nil, fmt.Errorf("movies: embedded database: %w", err)
	}
	stop = func() {
		if err := c.Stop(); err != nil {
			log.Error("movies: stopping the embedded database", "err", err)
		}
	}
	fail := func(err error) (string, func(), error) {
		stop()
		return "", nil, fmt.Errorf("movies: embedded database: %w", err)
	}
	if err := c.CreateDatabase(ctx, EmbeddedDatabase); err != nil {
		return fail(err)
	}
	dsn = c.DSN(EmbeddedDatabase)
	state, err := DetectSchema(ctx, dsn)
	if err != nil {
		return fail(err)
	}
	if state == SchemaForeign {
		log.Info("movies: embedded database holds a cinegraph schema; using it as it is", "dir", dataDir)
		return dsn, stop, nil
	}
	if _, err := Migrate(ctx, dsn, log); err != nil {
		return fail(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fail(err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM movies").Scan(&n); err != nil {
		return fail(err)
	}
	if n == 0 {
		log.Info("movies: loading the sample data set", "movies", sample.SmallSet, "golden", len(sample.Golden))
		if err := sample.Load(ctx, conn, sample.Config{Movies: sample.SmallSet, Log: log}); err != nil {
			return fail(err)
		}
	}
	log.Info("movies: embedded database ready", "dir", dataDir, "movies", max(n, sample.SmallSet+int64(len(sample.Golden))))
	return dsn, stop, nil
}
