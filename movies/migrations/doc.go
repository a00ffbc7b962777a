// Package migrations holds the SQL migrations that create the cinegraph
// schema subset (MOVIES.md §6) in a fresh demo or test database. They are
// goose migrations embedded in the binary; package movies runs them, and
// only through its explicit Migrate call (the `moviesdb migrate` command,
// the embedded default database and the tests), never on a database that
// already holds a cinegraph schema.
package migrations
