// Command server is the movies server (`make run`): the cinegraph movies
// page and the live examples, on PORT (default 4000).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/live/examples"
	"github.com/cortex-cinegraph/golive/views"
)

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg, err := app.FromEnv(4000)
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(2)
	}
	st, err := app.New(cfg, log, views.Layout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(2)
	}
	examples.Register(st.Engine, st.Mux)
	st.Mux.Handle("GET /metrics", st.MetricsHandler())
	st.Mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/examples/counter", http.StatusFound)
	})
	if err := st.Serve(context.Background(), st.Mux); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}
