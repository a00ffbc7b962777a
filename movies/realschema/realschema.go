// Package realschema loads cinegraph's real schema, the pg_dump of the
// database its own Ecto migrations build (movies/testdata/cinegraph, with
// the commit it came from and the script that makes it), into an empty
// database. Tests (through movies/pgtest) and the production-size bench
// use it; it lives outside pgtest so that a binary need not import testing.
package realschema

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5"
)

// File is the dump, relative to the module root.
const File = "movies/testdata/cinegraph/schema.sql"

// Load runs the dump in the database at dsn, which must be empty. The
// dump is read from the module the working directory is in.
func Load(ctx context.Context, dsn string) error {
	path, err := Path()
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
		return fmt.Errorf("loading %s: %w", File, err)
	}
	return nil
}

// Path finds the dump above the working directory (at the module root).
func Path() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, File), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("realschema: no go.mod above the working directory")
		}
		dir = parent
	}
}
