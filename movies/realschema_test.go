package movies_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
)

// column is one column of a table, view or materialized view.
type column struct {
	kind    string // r table, v view, m materialized view
	typ     string // format_type: with length and precision
	notNull bool
}

func columns(t *testing.T, dsn string) map[string]column {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT c.relname || '.' || a.attname, c.relkind::text,
			format_type(a.atttypid, a.atttypmod), a.attnotnull
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm')
		  AND a.attnum > 0 AND NOT a.attisdropped`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]column{}
	for rows.Next() {
		var name string
		var c column
		if err := rows.Scan(&name, &c.kind, &c.typ, &c.notNull); err != nil {
			t.Fatal(err)
		}
		out[name] = c
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSchemaIsCinegraphs compares what our migrations create with the
// real schema, dumped from cinegraph's own migrations: every relation and
// column of ours exists there, of the same kind and type (length and
// precision included), NOT NULL where the real one is (a row we can write
// is one cinegraph accepts). So a store query that runs on our schema
// names nothing the production database lacks; the store's tests also run
// on the real schema itself (MOVIES_SCHEMA=cinegraph, in `make test`).
func TestSchemaIsCinegraphs(t *testing.T) {
	ctx := context.Background()
	ours := pgtest.Empty(t)
	if _, err := movies.Migrate(ctx, ours, nil); err != nil {
		t.Fatal(err)
	}
	real := pgtest.Empty(t)
	if err := pgtest.LoadCinegraphSchema(ctx, real); err != nil {
		t.Fatal(err)
	}
	oc, rc := columns(t, ours), columns(t, real)
	var problems []string
	for name, o := range oc {
		if strings.HasPrefix(name, movies.VersionTable+".") {
			continue // goose's own table
		}
		r, ok := rc[name]
		switch {
		case !ok:
			problems = append(problems, name+": not in cinegraph's schema")
		case o.kind != r.kind:
			problems = append(problems, fmt.Sprintf("%s: relation kind %s, cinegraph's %s", name, o.kind, r.kind))
		case o.typ != r.typ:
			problems = append(problems, fmt.Sprintf("%s: %s, cinegraph's %s", name, o.typ, r.typ))
		case r.notNull && !o.notNull && o.kind == "r":
			problems = append(problems, name+": nullable, NOT NULL in cinegraph's schema")
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
	if len(oc) < 100 || len(rc) < len(oc) {
		t.Fatalf("compared %d columns of ours with %d of cinegraph's: a catalogue query is wrong", len(oc), len(rc))
	}
}
