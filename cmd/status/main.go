// Command status is the cortex status dashboard server (`make run-status`):
// the live status page, mission control and /dashboard. Configured by the
// same environment variables as the Elixir release: PORT, PHX_HOST,
// SECRET_KEY_BASE, SYMBIONT_URL, SYMBIONT_TOKEN, TASK_PASSWORD,
// CHECK_ORIGIN.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/status"
	"github.com/cortex-cinegraph/golive/status/symbiont"
	"github.com/cortex-cinegraph/golive/views"
)

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if err := run(log); err != nil {
		fmt.Fprintln(os.Stderr, "status:", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	cfg, err := app.FromEnv(4001)
	if err != nil {
		return err
	}
	st, err := app.New(cfg, log, views.Layout)
	if err != nil {
		return err
	}
	base := os.Getenv("SYMBIONT_URL")
	if base == "" {
		base = "http://127.0.0.1:8111"
	}
	client := &symbiont.Client{BaseURL: base, Token: os.Getenv("SYMBIONT_TOKEN"), Timeout: 5 * time.Second}
	checker := &status.Checker{Client: client, PubSub: st.Engine.PubSub(), Interval: 5 * time.Second, Log: log}
	a := &status.App{Checker: checker, Client: client, TaskPassword: os.Getenv("TASK_PASSWORD")}
	if a.TaskPassword == "" {
		log.Warn("TASK_PASSWORD is not set: mission control refuses everyone and says why")
	}
	log.Info("Symbiont API", "url", base, "token_set", client.Token != "")
	a.Register(st.Engine, st.Mux)
	st.Mux.Handle("GET /metrics", st.MetricsHandler())
	st.Mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go checker.Run(ctx)
	return st.Serve(ctx, st.Mux)
}
