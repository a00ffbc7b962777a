// Package sample makes the movies page's sample data: the deterministic
// generator of MOVIES.md §9 and the hand-written "golden" edge cases, loaded
// into a database that has the cinegraph schema subset (see package
// migrations) with PostgreSQL COPY.
//
// It owns:
//
//   - the reference data (the 19 TMDb genres, the canonical lists, the
//     festival organizations with ceremonies and categories, the weight
//     profiles, production companies and countries);
//   - the generator: every table draws from its own splitmix64 stream per
//     entity index (seed ⊕ table ⊕ i), so movie i and everything hanging off
//     it (metrics, credits, score cache, nominations, keywords, videos,
//     watch-provider offers per region, …) is identical whatever the
//     number of movies generated, and movie i only ever
//     references people 1..i/2+50, all of which exist for any N ≥ i;
//   - the golden movies (ids from GoldenBase): ties, NULL and sentinel
//     dates, unreleased films, multi-genre and two-person films for the ALL
//     semantics, OMDb/TMDb certification conflicts, `%`/`_`/non-ASCII
//     titles, single-source ratings, partial imports, every scoreability
//     state; one of them (GoldenSections) has hand-written keywords,
//     videos and offers for the show page's tests. They are part of
//     every load, so tests can rely on them at any size;
//   - [Load]: reference data, N generated movies, the golden movies, then
//     sequences, REFRESH MATERIALIZED VIEW and ANALYZE.
//
// The committed small set is Load with Movies = SmallSet (300) and the
// default seed: the generator's first 300 movies plus the golden movies.
// No third-party data is used: titles and names are made from word lists
// in this package.
package sample
