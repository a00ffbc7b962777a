// Package movies is the data layer of the cinegraph movies pages (/movies
// and /movies/:slug; specification ../shared/spec/MOVIES.md). It reads the
// cinegraph PostgreSQL schema subset of §6 unchanged — same tables,
// columns, views and materialized view — so a real cinegraph DATABASE_URL
// works, through pgx/v5 pgxpool in a mode that works behind PgBouncer in
// transaction pooling (QueryExecModeExec: no named server-side prepared
// statements).
//
// It owns:
//
//   - the URL contract: [ParseQuery] turns /movies parameters into a
//     [Query] with per-parameter validation errors ([FieldError],
//     [InvalidQueryError]); [ParseSort] and [Query.ActiveSort] give the
//     ordering actually applied; [Canonicalize] / [CanonicalParams] /
//     [EncodeParams] build the canonical URL an event pushes, with a
//     [Resolver] ([Store.Resolver] or [Store.Canonicalize] against the
//     database); [ActiveFilterCount] and [ClearFilters];
//   - the searches: [Store.Search] runs the three query paths of §7 (the
//     materialized view for the default browse, the stitched plain score
//     sort, and the generic filtered query) with the semantics of §3.5 and
//     the decisions of §12, and returns a [Result]: 24 [Card]s, the exact
//     total and the pagination;
//   - what the controls need: [Store.FilterOptions] (genres, lists,
//     festivals, decades, age and rating choices, valid presets, the sort
//     catalog), [Store.SearchPeople] (the people autocomplete),
//     [Store.People] (selected people), [Store.Movie] (the read-only show
//     page), [Store.Connections] (its Collabs and Related sections),
//     [Store.Person] (the people pages), [Store.SlugForID] /
//     [Store.PersonSlugForID] (the SEO redirects);
//   - caching as §5: results (15 min) and filter options (24 h) with
//     configurable TTLs, and the orderings behind the results (the ordered
//     ids of every movie per sort, and of each filter set; see order.go),
//     so a deep page is a slice plus one 24-row query; singleflight for
//     concurrent identical searches, a
//     short share window so the dead render and the connected mount use one
//     result even with caching off, invalidation by a message on the PubSub
//     topic [ChangedTopic] ([Store.NotifyChanged], [Store.Invalidate]);
//     every database call runs under [Config].QueryTimeout, except that
//     the loading of a shared ordering goes on after its caller gave up,
//     under [Config].OrderingTimeout, so that on a catalogue where
//     ordering every movie takes longer it is still computed once;
//   - the schema: embedded goose migrations run only by [Migrate] (the
//     `moviesdb migrate` command, the embedded default, tests), which
//     refuses a database that already holds a cinegraph schema
//     ([DetectSchema], [ErrForeignSchema]); [RefreshRankings];
//   - the embedded default database of `make run` without DATABASE_URL:
//     [StartEmbedded];
//   - the index check of the default browse and common filters:
//     [Store.Explain], [ExplainCases].
//
// Subpackages: migrations (the SQL), sample (the deterministic generator
// and golden edge cases), pgcluster (private PostgreSQL and PgBouncer
// processes), pgtest (throwaway clusters for tests).
package movies
