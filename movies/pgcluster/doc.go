// Package pgcluster runs private PostgreSQL servers (and a PgBouncer in
// front of one) from the machine's own PostgreSQL binaries, for the movies
// package's embedded default database and for the throwaway clusters of the
// tests and benchmarks.
//
// It owns:
//
//   - finding the server binaries ([FindBinDir]: $PG_BINDIR, then the newest
//     /usr/lib/postgresql/*/bin, then PATH) and saying exactly what to install
//     when they are missing ([ErrNoBinaries]);
//   - initdb and pg_ctl start/stop of a data directory ([Start],
//     [Cluster.Stop]), run as the unprivileged `postgres` user when the
//     process is root (PostgreSQL refuses to run as root; the directory is
//     chowned to that user) and as the current user otherwise;
//   - listening on a Unix socket inside the data directory and, when asked,
//     on a random 127.0.0.1 port; never on another address;
//   - PgBouncer in transaction pooling mode in front of a cluster
//     ([StartBouncer]), with a generated ini, on a random loopback port.
//
// Nothing is downloaded: everything comes from Debian's postgresql and
// pgbouncer packages.
package pgcluster
