// Package pgtest gives the tests of the movies packages a real, throwaway
// PostgreSQL: one cluster per `go test` package run (started from TestMain
// with [Main], initdb into a temporary directory as the `postgres` user when
// running as root, on a random 127.0.0.1 port, stopped and removed at the
// end), and fresh databases in it — empty, migrated, or migrated and loaded
// with the committed small sample set — cloned from templates so each costs
// milliseconds.
//
// When the PostgreSQL binaries are missing, tests that ask for a database
// FAIL with a message naming the package to install; only under
// `go test -short` are they skipped instead. A test that silently skipped
// would hide a broken data layer.
package pgtest
