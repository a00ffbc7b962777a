// Command server is the movies server (`make run`): the cinegraph movies
// pages (/movies, /movies/:slug; / redirects to /movies) and the live
// examples, on PORT (default 4000).
//
// The database is DATABASE_URL (a cinegraph PostgreSQL database; pgxpool
// URL parameters such as pool_max_conns apply). Without it the server
// starts a private PostgreSQL from the machine's server binaries under
// MOVIES_DATA_DIR (default var/), migrated and loaded with the sample data
// on first start, and stops it on exit.
//
// Optional: MOVIES_QUERY_TIMEOUT (default 3s), MOVIES_RESULT_TTL (15m;
// negative disables result caching), MOVIES_OPTIONS_TTL (24h),
// MOVIES_REFRESH_EVERY (off: refresh the discovery materialized view
// periodically; leave off while the Elixir app owns the refresh),
// MOVIES_WARM ("default": the default browse and the three primary sorts
// are searched once at start, so their orderings are cached before the
// first visitors; "all": every plain sort in both directions too, for a
// catalogue of a million movies; "off" skips it), MOVIES_ORDERING_BUDGET_MB
// (64: the memory of the cached orderings, about 9 MB each at 1.15 M
// movies).
//
// /dashboard is protected as in the status app: DASHBOARD_PASSWORD (else
// TASK_PASSWORD) and DASHBOARD_USER; disabled in production without a
// password. GET /healthz answers "ok"; GET /health and /health/db answer
// as cinegraph's (JSON; /health/db 503 while the database does not).
//
// Cluster mode (CLUSTER_DATABASE_URL, NODE_NAME, NODE_URL, DRAIN_PERIOD;
// see cmd/internal/app and `make run-cluster`): the store's cache
// invalidations travel on the cluster PubSub, and every node drops its
// caches when its PubSub link comes back after an outage (invalidations
// sent meanwhile were missed).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/dashboard"
	"github.com/cortex-cinegraph/golive/live/examples"
	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/web"
	"github.com/cortex-cinegraph/golive/pubsub"
	"github.com/cortex-cinegraph/golive/views"
)

func main() { os.Exit(run()) }

func run() int {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg, err := app.FromEnv(4000)
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		return 2
	}
	st, err := app.New(cfg, log, views.Layout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		return 2
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, stop, err := openStore(ctx, st.Engine.PubSub(), log)
	if err != nil {
		st.Close()
		fmt.Fprintln(os.Stderr, "server:", err)
		return 2
	}
	defer stop()
	// Invalidations published while the cluster link was down were missed.
	st.OnPubSubReconnect(store.Invalidate)
	register(st, store)
	dash, err := mountDashboard(st, os.Getenv, poolStats(store.Pool()))
	if err != nil {
		st.Close()
		fmt.Fprintln(os.Stderr, "server:", err)
		return 2
	}
	dash.Start(ctx)
	if err := st.Serve(ctx, dashboard.CountRequests(st.Mux)); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		return 1
	}
	return 0
}

// register mounts everything the server serves on st (the e2e tests build
// their servers with it too).
func register(st *app.Stack, store *movies.Store) {
	web.Register(st.Engine, st.Mux, store, st.Log)
	examples.Register(st.Engine, st.Mux)
	st.Mux.Handle("GET /metrics", st.MetricsHandler())
	st.Mux.Handle("GET /healthz", st.Health())
	st.RegisterHealth("cinegraph", func(ctx context.Context) error {
		_, err := store.Pool().Exec(ctx, "SELECT 1")
		return err
	})
	st.Mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, web.IndexPath, http.StatusFound)
	})
}

// mountDashboard mounts /dashboard with the status app's authentication
// rules (app.DashboardAuth) and, in cluster mode, the cluster's nodes on
// its cluster page. db may be nil (no database page).
func mountDashboard(st *app.Stack, getenv func(string) string, db dashboard.PoolStats) (*dashboard.Dashboard, error) {
	dash, err := dashboard.New(dashboard.Config{
		Engine: st.Engine, Socket: st.Socket, Cluster: st.ClusterSource(), DB: db,
		Auth: app.DashboardAuth(st.Config.Production, getenv), Logger: st.Log,
	})
	if err != nil {
		return nil, err
	}
	dash.Register(st.Mux)
	return dash, nil
}

// openStore opens the movies store on DATABASE_URL, or on the embedded
// database it starts. stop closes the store and stops that database.
func openStore(ctx context.Context, ps pubsub.PubSub, log *slog.Logger) (*movies.Store, func(), error) {
	cfg := movies.Config{PubSub: ps, Logger: log}
	for _, d := range []struct {
		env string
		dst *time.Duration
	}{
		{"MOVIES_QUERY_TIMEOUT", &cfg.QueryTimeout},
		{"MOVIES_RESULT_TTL", &cfg.ResultTTL},
		{"MOVIES_OPTIONS_TTL", &cfg.OptionsTTL},
		{"MOVIES_REFRESH_EVERY", &cfg.RefreshEvery},
	} {
		if s := os.Getenv(d.env); s != "" {
			v, err := time.ParseDuration(s)
			if err != nil {
				return nil, nil, fmt.Errorf("%s=%q: %w", d.env, s, err)
			}
			*d.dst = v
		}
	}
	if s := os.Getenv("MOVIES_ORDERING_BUDGET_MB"); s != "" {
		mb, err := strconv.Atoi(s)
		if err != nil || mb <= 0 {
			return nil, nil, fmt.Errorf("MOVIES_ORDERING_BUDGET_MB=%q: want a positive number of MiB", s)
		}
		cfg.OrderingBudget = mb << 20
	}
	warm, err := warmList(os.Getenv("MOVIES_WARM"))
	if err != nil {
		return nil, nil, err
	}
	dsn := os.Getenv("DATABASE_URL")
	stopDB := func() {}
	if dsn == "" {
		dir := os.Getenv("MOVIES_DATA_DIR")
		if dir == "" {
			dir = "var"
		}
		d, stop, err := movies.StartEmbedded(ctx, dir, log)
		if err != nil {
			return nil, nil, fmt.Errorf("%w\n(or set DATABASE_URL to a cinegraph PostgreSQL database)", err)
		}
		dsn, stopDB = d, stop
	}
	store, err := movies.Open(ctx, dsn, cfg)
	if err != nil {
		stopDB()
		return nil, nil, fmt.Errorf("movies database: %w", err)
	}
	// The pool connects lazily; say now, not at the first visitor, that
	// the database does not answer. The server still starts (the database
	// may come up after it): pages show their error state meanwhile.
	pctx, pcancel := context.WithTimeout(ctx, startPingTimeout)
	if err := store.Pool().Ping(pctx); err != nil {
		log.Error("movies: the database does not answer at start; pages show the error state until it does (check DATABASE_URL and that PostgreSQL accepts connections)",
			"error", err, "timeout", startPingTimeout)
	}
	pcancel()
	warmCtx, stopWarm := context.WithCancel(ctx)
	warmed := make(chan struct{})
	go func() {
		defer close(warmed)
		if len(warm) == 0 {
			return
		}
		start := time.Now()
		if err := store.Warm(warmCtx, warm); err != nil {
			log.Warn("movies: warming the primary searches failed (they will be computed on first use)", "error", err)
			return
		}
		log.Info("movies: primary searches warmed", "took", time.Since(start).Round(time.Millisecond))
	}()
	return store, func() {
		stopWarm()
		<-warmed
		store.Close()
		stopDB()
	}, nil
}

// startPingTimeout bounds the start-up check of the database.
const startPingTimeout = 5 * time.Second

// warmQueries are what most visitors open first: the default browse and
// the three primary sorts. Filtered searches reuse their orderings.
var warmQueries = []string{"", "sort=release_date_desc", "sort=score_desc", "sort=popularity_desc"}

// warmList is MOVIES_WARM's list: "" or "default" warmQueries, "off"
// none, "all" also every other plain sort in both directions (on a
// catalogue of a million movies each ordering costs seconds the first
// time; about 9 MB each to keep, so raise MOVIES_ORDERING_BUDGET_MB too).
func warmList(v string) ([]string, error) {
	switch v {
	case "", "default":
		return warmQueries, nil
	case "off":
		return nil, nil
	case "all":
		out := slices.Clone(warmQueries)
		for _, c := range movies.SortCriteria {
			for _, dir := range []string{"_asc", "_desc"} {
				if q := "sort=" + c + dir; !slices.Contains(out, q) {
					out = append(out, q)
				}
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("MOVIES_WARM=%q: want default, all or off", v)
}

// poolStats shows the movies pool on the dashboard's database page.
func poolStats(pool *pgxpool.Pool) dashboard.PoolStats {
	return dashboard.PoolStatsFunc(func() []dashboard.Stat {
		s := pool.Stat()
		i := func(n int32) string { return strconv.Itoa(int(n)) }
		n := func(n int64) string { return strconv.FormatInt(n, 10) }
		return []dashboard.Stat{
			{Name: "Open connections", Value: i(s.TotalConns())},
			{Name: "In use", Value: i(s.AcquiredConns())},
			{Name: "Idle", Value: i(s.IdleConns())},
			{Name: "Being opened", Value: i(s.ConstructingConns())},
			{Name: "Max open", Value: i(s.MaxConns())},
			{Name: "Acquires", Value: n(s.AcquireCount())},
			{Name: "Waited for a connection", Value: n(s.EmptyAcquireCount())},
			{Name: "Time waiting", Value: s.EmptyAcquireWaitTime().String()},
			{Name: "Cancelled acquires", Value: n(s.CanceledAcquireCount())},
		}
	})
}
