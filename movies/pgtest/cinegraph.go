package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5"
)

// SchemaEnv names the environment variable that picks the schema Migrated
// and Seeded build: unset or "ours" runs the Migrator the test passes (our
// migrations); "cinegraph" loads instead the real schema, dumped from
// cinegraph's own Ecto migrations (movies/testdata/cinegraph), so the same
// tests run against the production tables. `make test` runs the movies
// tests both ways.
const SchemaEnv = "MOVIES_SCHEMA"

// Schema returns the schema the tests run on: "ours" or "cinegraph".
func Schema() string {
	if os.Getenv(SchemaEnv) == "cinegraph" {
		return "cinegraph"
	}
	return "ours"
}

// CinegraphSchemaFile is the dump, relative to the module root.
const CinegraphSchemaFile = "movies/testdata/cinegraph/schema.sql"

// LoadCinegraphSchema loads the real cinegraph schema into the database at
// dsn (empty).
func LoadCinegraphSchema(ctx context.Context, dsn string) error {
	path, err := cinegraphSchemaPath()
	if err != nil {
		return err
	}
	sql, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	// A connection of its own: the dump empties search_path for the session.
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	// No arguments: the simple protocol, which runs the whole script.
	if _, err := conn.Exec(ctx, string(sql)); err != nil {
		return fmt.Errorf("loading %s: %w", CinegraphSchemaFile, err)
	}
	return nil
}

func cinegraphSchemaPath() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, CinegraphSchemaFile), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("pgtest: no go.mod above the working directory")
		}
		dir = parent
	}
}

// schemaMigrator is migrate, or the real schema's loader when the tests
// run on it; the template's kind is named for the schema.
func schemaMigrator(kind string, migrate Migrator) (string, Migrator) {
	if Schema() == "cinegraph" {
		return kind + "_cinegraph", LoadCinegraphSchema
	}
	return kind, migrate
}
