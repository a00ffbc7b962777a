package movies_test

import (
	"context"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func migrate(ctx context.Context, dsn string) error {
	_, err := movies.Migrate(ctx, dsn, nil)
	return err
}

var (
	sharedOnce sync.Once
	sharedDSN  string
)

// seededDSN returns a database with the committed small set, shared by the
// read-only tests of the package.
func seededDSN(t *testing.T) string {
	t.Helper()
	sharedOnce.Do(func() { sharedDSN = pgtest.Seeded(t, migrate) })
	if sharedDSN == "" {
		t.Fatal("no shared database")
	}
	return sharedDSN
}

func openStore(t *testing.T, dsn string, cfg movies.Config) *movies.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := movies.Open(ctx, dsn, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func params(t *testing.T, raw string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
