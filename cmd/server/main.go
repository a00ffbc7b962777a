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
// periodically; leave off while the Elixir app owns the refresh).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
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
	ctx := context.Background()
	store, stop, err := openStore(ctx, st.Engine.PubSub(), log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		return 2
	}
	defer stop()
	register(st, store)
	if err := st.Serve(ctx, st.Mux); err != nil {
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
	st.Mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, web.IndexPath, http.StatusFound)
	})
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
	return store, func() {
		store.Close()
		stopDB()
	}, nil
}
