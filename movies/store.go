package movies

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cortex-cinegraph/golive/pubsub"
)

// ChangedTopic is the PubSub topic on which a data change is announced;
// every Store subscribed to it drops its caches.
const ChangedTopic = "movies:changed"

// Config configures a Store. The zero value is usable: every zero field
// takes the default named in its comment.
type Config struct {
	// QueryTimeout bounds every database call a Store makes for a caller
	// (default 3s).
	QueryTimeout time.Duration
	// OrderingTimeout bounds the loading of a cached ordering: every
	// movie in one sort's order, or one filter's set (default 60s). Such a
	// load is shared and runs on after the caller that started it has
	// given up at QueryTimeout, so that on a catalogue where ordering
	// everything takes longer than QueryTimeout (1M+ movies) the next
	// caller finds it cached instead of starting it over.
	OrderingTimeout time.Duration
	// OrderingBudget bounds the bytes of the cached orderings and filter
	// sets (default 64 MiB; about 8 bytes a movie per ordering). The
	// least recently used go first.
	OrderingBudget int
	// ResultTTL is how long a search result is reused (default 15m, as the
	// original; negative disables result caching except ShareTTL).
	ResultTTL time.Duration
	// ShareTTL is the shortest time a result is kept even when ResultTTL is
	// shorter, so the dead render and the connected mount that follows it
	// share one query (default 10s).
	ShareTTL time.Duration
	// OptionsTTL is how long filter options are reused (default 24h).
	OptionsTTL time.Duration
	// PeopleTTL is how long a people autocomplete answer is reused
	// (default 30s, as the original component).
	PeopleTTL time.Duration
	// MaxResults bounds the number of cached search results (default 10000).
	MaxResults int
	// PubSub, when set, is subscribed to Topic: any message drops the
	// caches. Store.NotifyChanged publishes on it.
	PubSub pubsub.PubSub
	// Topic defaults to ChangedTopic.
	Topic string
	// Today pins "today" for every path (tests); nil uses the database's
	// CURRENT_DATE (decision §12.6: one clock).
	Today func() time.Time
	// RefreshEvery, when positive, refreshes movie_discovery_rankings_mv
	// periodically (CONCURRENTLY) and then invalidates (opt-in, §12.7:
	// off while the Elixir app owns the refresh).
	RefreshEvery time.Duration
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.QueryTimeout <= 0 {
		c.QueryTimeout = 3 * time.Second
	}
	if c.OrderingBudget <= 0 {
		c.OrderingBudget = defaultOrderingBudget
	}
	if c.OrderingTimeout <= 0 {
		c.OrderingTimeout = 60 * time.Second
	}
	if c.OrderingTimeout < c.QueryTimeout {
		c.OrderingTimeout = c.QueryTimeout
	}
	if c.ResultTTL == 0 {
		c.ResultTTL = 15 * time.Minute
	}
	if c.ShareTTL <= 0 {
		c.ShareTTL = 10 * time.Second
	}
	if c.OptionsTTL <= 0 {
		c.OptionsTTL = 24 * time.Hour
	}
	if c.PeopleTTL <= 0 {
		c.PeopleTTL = 30 * time.Second
	}
	if c.MaxResults <= 0 {
		c.MaxResults = 10000
	}
	if c.Topic == "" {
		c.Topic = ChangedTopic
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// querier is what the store needs from a pool (pgxpool.Pool).
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error)
}

// Store reads the movies pages' data from a cinegraph database, with the
// caches of §5. It is safe for concurrent use.
type Store struct {
	pool     *pgxpool.Pool
	db       querier
	cfg      Config
	log      *slog.Logger
	ownsPool bool

	results *ttlCache[Result]
	options *ttlCache[*FilterOptions]
	people  *ttlCache[[]Person]
	lookups *ttlCache[[]Person]
	ord     *orders

	unsubscribe func()
	// closing ends the shared loads that outlive their callers (orderings
	// under OrderingTimeout) when the store closes.
	closing     context.Context
	close       context.CancelFunc
	stopRefresh chan struct{}
	closeOnce   sync.Once
	refreshDone chan struct{}
}

// PoolConfig parses a database URL into a pool configuration that works
// behind PgBouncer in transaction mode: queries use pgx's
// QueryExecModeExec (the extended protocol with the unnamed statement, in
// one round trip), never named server-side prepared statements. A
// default_query_exec_mode given in the URL (e.g. simple_protocol) wins.
func PoolConfig(dsn string) (*pgxpool.Config, error) {
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("movies: bad database URL: %w", err)
	}
	if !strings.Contains(dsn, "default_query_exec_mode") {
		pc.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeExec
	}
	if pc.ConnConfig.RuntimeParams == nil {
		pc.ConnConfig.RuntimeParams = map[string]string{}
	}
	if _, ok := pc.ConnConfig.RuntimeParams["application_name"]; !ok {
		pc.ConnConfig.RuntimeParams["application_name"] = "golive-movies"
	}
	return pc, nil
}

// Open connects a pool to dsn (see PoolConfig; pool_max_conns and the
// other pgxpool URL parameters apply) and returns a Store that owns it.
func Open(ctx context.Context, dsn string, cfg Config) (*Store, error) {
	pc, err := PoolConfig(dsn)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, err
	}
	s := New(pool, cfg)
	s.ownsPool = true
	return s, nil
}

// New returns a Store reading through pool (configure it with PoolConfig
// when PgBouncer is in the way). Close does not close a pool given here.
func New(pool *pgxpool.Pool, cfg Config) *Store {
	cfg = cfg.withDefaults()
	now := time.Now
	s := &Store{
		pool: pool, db: pool, cfg: cfg, log: cfg.Logger,
		results: newTTLCache[Result](cfg.MaxResults, now),
		options: newTTLCache[*FilterOptions](4, now),
		people:  newTTLCache[[]Person](1000, now),
		lookups: newTTLCache[[]Person](10000, now),
		ord:     newOrders(now, int(pool.Config().MaxConns), cfg.OrderingBudget),
	}
	s.closing, s.close = context.WithCancel(context.Background())
	if cfg.PubSub != nil {
		s.unsubscribe = cfg.PubSub.Subscribe(cfg.Topic, func(any) { s.Invalidate() })
	}
	if cfg.RefreshEvery > 0 {
		s.stopRefresh, s.refreshDone = make(chan struct{}), make(chan struct{})
		go s.refreshLoop()
	}
	return s
}

// Close stops the Store's subscription and refresher, and closes the pool
// if Open made it.
func (s *Store) Close() {
	s.closeOnce.Do(func() {
		s.close()
		if s.unsubscribe != nil {
			s.unsubscribe()
		}
		if s.stopRefresh != nil {
			close(s.stopRefresh)
			<-s.refreshDone
		}
		if s.ownsPool {
			s.pool.Close()
		}
	})
}

// Pool returns the store's pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Config returns the store's configuration with defaults applied.
func (s *Store) Config() Config { return s.cfg }

// Invalidate drops every cached result, filter option and lookup. It is
// what a message on the PubSub topic triggers.
func (s *Store) Invalidate() {
	s.results.invalidate()
	s.options.invalidate()
	s.people.invalidate()
	s.lookups.invalidate()
	s.ord.lists.invalidate()
}

// NotifyChanged announces a data change on the configured PubSub (every
// subscribed Store, on every node, invalidates) and invalidates this
// Store even without a PubSub.
func (s *Store) NotifyChanged(ctx context.Context) error {
	if s.cfg.PubSub == nil {
		s.Invalidate()
		return nil
	}
	return s.cfg.PubSub.Publish(ctx, s.cfg.Topic, "changed")
}

// CacheStats counts the result cache's traffic.
type CacheStats struct {
	Hits, Misses, Queries uint64 // Queries = searches that ran against the database
	Entries               int
}

// Stats returns the result cache's counters.
func (s *Store) Stats() CacheStats {
	h, m, l, n := s.results.stats()
	return CacheStats{Hits: h, Misses: m, Queries: l, Entries: n}
}

func (s *Store) refreshLoop() {
	defer close(s.refreshDone)
	t := time.NewTicker(s.cfg.RefreshEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stopRefresh:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			_, err := s.db.Exec(ctx, "REFRESH MATERIALIZED VIEW CONCURRENTLY movie_discovery_rankings_mv")
			cancel()
			if err != nil {
				s.log.Error("movies: refreshing movie_discovery_rankings_mv", "err", err)
				continue
			}
			_ = s.NotifyChanged(context.Background())
		}
	}
}

// today returns the pinned date, or nil for the database's CURRENT_DATE.
func (s *Store) today() *time.Time {
	if s.cfg.Today == nil {
		return nil
	}
	t := s.cfg.Today().UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return &d
}

func (s *Store) timeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.cfg.QueryTimeout)
}

// FilterOptions returns the genres, lists, festivals, decades, presets and
// fixed choices the filters need (cached for OptionsTTL).
func (s *Store) FilterOptions(ctx context.Context) (*FilterOptions, error) {
	o, _, err := s.options.get(ctx, "options", s.cfg.OptionsTTL, func(ctx context.Context) (*FilterOptions, error) {
		ctx, cancel := s.timeout(ctx)
		defer cancel()
		return loadOptions(ctx, s.db, s.today(), time.Now())
	})
	return o, err
}

// Person is a person as the people filter shows them.
type Person struct {
	ID          int64
	Name        string
	Slug        string
	ProfilePath string // TMDb path; see ProfileURL
	Department  string // known_for_department
	Popularity  float64
}

// ProfileURL returns the w92 TMDb avatar URL, or "" without a profile.
func (p Person) ProfileURL() string { return tmdbImage("w92", p.ProfilePath) }

func tmdbImage(size, path string) string {
	if path == "" {
		return ""
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return "https://image.tmdb.org/t/p/" + size + path
}

// People returns the people named by values (ids or slugs, as in the
// people / people_ids parameters), in the order of values, unknown ones
// dropped.
func (s *Store) People(ctx context.Context, values []string) ([]Person, error) {
	var ids []int64
	var slugs []string
	for _, v := range values {
		if id, ok := isID(v); ok {
			ids = append(ids, id)
		} else if sl := Slugify(v); sl != "" {
			slugs = append(slugs, sl)
		}
	}
	if len(ids) == 0 && len(slugs) == 0 {
		return nil, nil
	}
	key := fmt.Sprint(ids, slugs)
	found, _, err := s.lookups.get(ctx, key, s.cfg.ResultTTL, func(ctx context.Context) ([]Person, error) {
		ctx, cancel := s.timeout(ctx)
		defer cancel()
		rows, err := s.db.Query(ctx, `SELECT id, name, COALESCE(slug, ''), COALESCE(profile_path, ''),
			COALESCE(known_for_department, ''), COALESCE(popularity, 0)
			FROM people WHERE id = ANY($1::bigint[]) OR slug = ANY($2::text[])`, ids, slugs)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, scanPerson)
	})
	if err != nil {
		return nil, fmt.Errorf("movies: people lookup: %w", err)
	}
	var out []Person
	seen := map[int64]bool{}
	for _, v := range values {
		for _, p := range found {
			id, isNum := isID(v)
			if ((isNum && p.ID == id) || (!isNum && p.Slug != "" && p.Slug == Slugify(v))) && !seen[p.ID] {
				seen[p.ID] = true
				out = append(out, p)
			}
		}
	}
	return out, nil
}

func scanPerson(r pgx.CollectableRow) (Person, error) {
	var p Person
	err := r.Scan(&p.ID, &p.Name, &p.Slug, &p.ProfilePath, &p.Department, &p.Popularity)
	return p, err
}

// resolver is the database-backed Resolver.
type resolver struct {
	o      *FilterOptions
	people []Person
}

func (r resolver) GenreSlug(v string) (string, bool) {
	g, ok := r.o.GenreBy(v)
	return g.Slug, ok
}

func (r resolver) ListSlug(v string) (string, bool) {
	l, ok := r.o.ListBy(v)
	return l.URLValue(), ok
}

func (r resolver) FestivalSlug(v string) (string, bool) {
	f, ok := r.o.FestivalBy(v)
	return f.Slug, ok && f.Slug != ""
}

func (r resolver) PersonSlug(v string) (string, bool) {
	id, isNum := isID(v)
	for _, p := range r.people {
		if (isNum && p.ID == id) || (!isNum && p.Slug != "" && p.Slug == Slugify(v)) {
			return p.Slug, p.Slug != ""
		}
	}
	return "", false
}

// Resolver returns a Resolver for canonicalising params: filter options
// plus the people params names.
func (s *Store) Resolver(ctx context.Context, params url.Values) (Resolver, error) {
	o, err := s.FilterOptions(ctx)
	if err != nil {
		return nil, err
	}
	var values []string
	for _, k := range []string{"people_ids", "people", "people_search[people_ids]"} {
		if vs, ok := listParam(params, k); ok {
			values = append(values, vs...)
		}
	}
	people, err := s.People(ctx, values)
	if err != nil {
		return nil, err
	}
	return resolver{o: o, people: people}, nil
}

// Canonicalize returns the canonical URL (path?query) for params, as an
// event pushes it (§3.4).
func (s *Store) Canonicalize(ctx context.Context, path string, params url.Values) (string, error) {
	r, err := s.Resolver(ctx, params)
	if err != nil {
		return "", err
	}
	return Canonicalize(path, params, r), nil
}

// SearchPeople is the people autocomplete (§4): at least two characters
// after trimming; names starting with the text (case-insensitive) by
// popularity, topped up with names containing it when fewer than 5 start
// with it; at most limit (default 10). The text is matched literally.
// Answers are cached for PeopleTTL.
func (s *Store) SearchPeople(ctx context.Context, text string, limit int) ([]Person, error) {
	text = strings.ToLower(strings.TrimSpace(text))
	if len([]rune(text)) < 2 {
		return nil, nil
	}
	if limit <= 0 {
		limit = 10
	}
	key := fmt.Sprintf("%d:%s", limit, text)
	out, _, err := s.people.get(ctx, key, s.cfg.PeopleTTL, func(ctx context.Context) ([]Person, error) {
		ctx, cancel := s.timeout(ctx)
		defer cancel()
		pat := escapeLike(text)
		rows, err := s.db.Query(ctx, `SELECT id, name, COALESCE(slug, ''), COALESCE(profile_path, ''),
			COALESCE(known_for_department, ''), COALESCE(popularity, 0)
			FROM people WHERE lower(name) LIKE $1 || '%'
			ORDER BY popularity DESC NULLS LAST, id LIMIT $2`, pat, limit)
		if err != nil {
			return nil, err
		}
		first, err := pgx.CollectRows(rows, scanPerson)
		if err != nil || len(first) >= 5 {
			return first, err
		}
		ids := make([]int64, len(first))
		for i, p := range first {
			ids[i] = p.ID
		}
		rows, err = s.db.Query(ctx, `SELECT id, name, COALESCE(slug, ''), COALESCE(profile_path, ''),
			COALESCE(known_for_department, ''), COALESCE(popularity, 0)
			FROM people WHERE lower(name) LIKE '%' || $1 || '%' AND NOT (id = ANY($2::bigint[]))
			ORDER BY popularity DESC NULLS LAST, id LIMIT $3`, pat, ids, limit-len(first))
		if err != nil {
			return nil, err
		}
		more, err := pgx.CollectRows(rows, scanPerson)
		return append(first, more...), err
	})
	if err != nil {
		return nil, fmt.Errorf("movies: people search: %w", err)
	}
	return out, nil
}

// escapeLike escapes LIKE's metacharacters so text matches literally
// (decision §12.2; backslash is PostgreSQL's default LIKE escape).
func escapeLike(text string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(text)
}

// SlugForID returns the slug of movie id, for the /movies/<digits> → slug
// 301 redirect (§1): ok is false when the movie does not exist or has an
// empty slug.
func (s *Store) SlugForID(ctx context.Context, id int64) (slug string, ok bool, err error) {
	return s.slugFor(ctx, "movies", id)
}

// PersonSlugForID is SlugForID for /people/<digits>.
func (s *Store) PersonSlugForID(ctx context.Context, id int64) (slug string, ok bool, err error) {
	return s.slugFor(ctx, "people", id)
}

// SlugForTMDbID finds a movie by its TMDb id (/movies/tmdb/:id).
func (s *Store) SlugForTMDbID(ctx context.Context, tmdbID int64) (slug string, ok bool, err error) {
	return s.slugWhere(ctx, "SELECT slug FROM movies WHERE tmdb_id = $1", tmdbID)
}

// SlugForIMDbID finds a movie by its IMDb id, e.g. "tt0111161"
// (/movies/imdb/:id).
func (s *Store) SlugForIMDbID(ctx context.Context, imdbID string) (slug string, ok bool, err error) {
	return s.slugWhere(ctx, "SELECT slug FROM movies WHERE imdb_id = $1 ORDER BY id LIMIT 1", imdbID)
}

func (s *Store) slugFor(ctx context.Context, table string, id int64) (string, bool, error) {
	return s.slugWhere(ctx, "SELECT slug FROM "+table+" WHERE id = $1", id)
}

func (s *Store) slugWhere(ctx context.Context, sql string, arg any) (string, bool, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	var slug *string
	err := s.db.QueryRow(ctx, sql, arg).Scan(&slug)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if slug == nil || *slug == "" {
		return "", false, nil
	}
	return *slug, true, nil
}

func sortedUnique64(v []int64) []int64 {
	if len(v) == 0 {
		return nil
	}
	out := append([]int64(nil), v...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	n := 1
	for i := 1; i < len(out); i++ {
		if out[i] != out[n-1] {
			out[n] = out[i]
			n++
		}
	}
	return out[:n]
}

func sortedUniqueStr(v []string) []string {
	if len(v) == 0 {
		return nil
	}
	out := append([]string(nil), v...)
	sort.Strings(out)
	n := 1
	for i := 1; i < len(out); i++ {
		if out[i] != out[n-1] {
			out[n] = out[i]
			n++
		}
	}
	return out[:n]
}

// Warm runs the searches of raws (URL queries such as "sort=score_desc")
// so that their first visitors hit the cache. Unlike the original warmer
// (bug B7) the keys are the resolved searches, so a warmed entry serves
// every URL that means the same search. A search that times out while its
// ordering is still loading is asked again until OrderingTimeout has
// passed (the retry joins the load). It returns the first error.
func (s *Store) Warm(ctx context.Context, raws []string) error {
	var first error
	for _, raw := range raws {
		p, err := url.ParseQuery(raw)
		if err == nil {
			deadline := time.Now().Add(s.cfg.OrderingTimeout)
			for {
				_, err = s.Search(ctx, ParseQuery(p))
				if !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil || time.Now().After(deadline) {
					break
				}
			}
		}
		if err != nil && first == nil {
			first = fmt.Errorf("warming %q: %w", raw, err)
		}
	}
	return first
}
