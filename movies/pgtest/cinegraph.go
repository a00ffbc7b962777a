package pgtest

import (
	"context"
	"os"

	"github.com/cortex-cinegraph/golive/movies/realschema"
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
const CinegraphSchemaFile = realschema.File

// LoadCinegraphSchema loads the real cinegraph schema into the database at
// dsn (empty).
func LoadCinegraphSchema(ctx context.Context, dsn string) error {
	return realschema.Load(ctx, dsn)
}

// schemaMigrator is migrate, or the real schema's loader when the tests
// run on it; the template's kind is named for the schema.
func schemaMigrator(kind string, migrate Migrator) (string, Migrator) {
	if Schema() == "cinegraph" {
		return kind + "_cinegraph", LoadCinegraphSchema
	}
	return kind, migrate
}
