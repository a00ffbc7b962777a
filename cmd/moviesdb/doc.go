// Command moviesdb manages the movies pages' database: it is the only
// thing that ever migrates or writes sample data.
//
//	moviesdb migrate                 apply the embedded migrations (refuses a cinegraph schema)
//	moviesdb seed [-reset]           load the committed small set (300 generated + golden movies)
//	moviesdb generate -n 100000      load N generated movies with COPY (benchmarks; up to 1M)
//	moviesdb explain [-check]        print EXPLAIN of the default browse and common filters
//	moviesdb explain -throwaway 100000 -check
//	                                 the same on a private throwaway cluster loaded with N movies
//	moviesdb refresh                 REFRESH MATERIALIZED VIEW CONCURRENTLY movie_discovery_rankings_mv
//
// The database is $DATABASE_URL (or -db); without either, the embedded
// default database under var/ (-var) is started for the command and
// stopped after it, as `make run` does.
package main
