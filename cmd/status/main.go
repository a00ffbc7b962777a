// Command status is the cortex status dashboard server (`make run-status`):
// the live status page, mission control and /dashboard. Configured by the
// same environment variables as the Elixir release: PORT, PHX_HOST,
// SECRET_KEY_BASE, SYMBIONT_URL, SYMBIONT_TOKEN, TASK_PASSWORD,
// CHECK_ORIGIN; plus DASHBOARD_PASSWORD (default: TASK_PASSWORD) and
// DASHBOARD_USER (default: any user name) for /dashboard, which is
// disabled in production (APP_ENV=prod) when neither password is set.
// STATUS_CHECK_INTERVAL (a duration, default 5s) is how often this node
// asks the Symbiont API for service status and publishes the result.
//
// Cluster mode (CLUSTER_DATABASE_URL, NODE_NAME, NODE_URL, DRAIN_PERIOD;
// see cmd/internal/app): only the leader (the first alive node by name)
// asks the API; its updates reach the status pages on every node, and the
// next node takes over if it dies.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/dashboard"
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
	o, err := optionsFromEnv(cfg)
	if err != nil {
		return err
	}
	srv, err := newServer(cfg, o, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	return srv.serve(context.Background(), ln)
}

// options are the status app's settings beyond app.Config.
type options struct {
	SymbiontURL   string
	SymbiontToken string
	TaskPassword  string
	Dashboard     dashboard.Auth
	// ClientTimeout bounds each Symbiont call (default 5 s); HTTP is the
	// client's HTTP client (default http.DefaultClient).
	ClientTimeout time.Duration
	HTTP          *http.Client
	// CheckInterval is how often services are checked (default 5 s); a
	// negative value starts no checker loop (tests call CheckOnce).
	CheckInterval time.Duration
	// PollInterval is mission control's progress poll (default 1 s).
	PollInterval time.Duration
}

// optionsFromEnv reads the environment, at start, never compiled in.
func optionsFromEnv(cfg app.Config) (options, error) {
	o := options{
		SymbiontURL:   os.Getenv("SYMBIONT_URL"),
		SymbiontToken: os.Getenv("SYMBIONT_TOKEN"),
		TaskPassword:  os.Getenv("TASK_PASSWORD"),
	}
	if o.SymbiontURL == "" {
		o.SymbiontURL = "http://127.0.0.1:8111"
	}
	if v := os.Getenv("STATUS_CHECK_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		// Zero or negative would mean "default" or "no checker" to
		// options; from the environment that is more likely a typo.
		if err != nil || d <= 0 {
			return o, fmt.Errorf("STATUS_CHECK_INTERVAL=%q is not a positive duration such as 5s or 300ms", v)
		}
		o.CheckInterval = d
	}
	o.Dashboard = dashboardAuth(cfg.Production, os.Getenv)
	return o, nil
}

// dashboardAuth is the dashboard's authentication from the environment:
// DASHBOARD_PASSWORD, else TASK_PASSWORD (the same gate as mission
// control); DASHBOARD_USER if set. The movies server shares the rule.
func dashboardAuth(production bool, getenv func(string) string) dashboard.Auth {
	return app.DashboardAuth(production, getenv)
}

// server is the status app wired on the shared stack.
type server struct {
	st      *app.Stack
	app     *status.App
	checker *status.Checker
	dash    *dashboard.Dashboard
	opts    options
	handler http.Handler
}

func newServer(cfg app.Config, o options, log *slog.Logger) (*server, error) {
	st, err := app.New(cfg, log, views.Layout)
	if err != nil {
		return nil, err
	}
	client := &symbiont.Client{BaseURL: o.SymbiontURL, Token: o.SymbiontToken, Timeout: o.ClientTimeout, HTTP: o.HTTP}
	if client.Timeout == 0 {
		client.Timeout = 5 * time.Second
	}
	checker := &status.Checker{Client: client, PubSub: st.Engine.PubSub(), Interval: o.CheckInterval, Log: log}
	if st.Cluster != nil {
		// One node asks the API for the whole cluster; the others receive
		// its updates and take over if it dies.
		checker.Leader = st.Cluster.Leader
	}
	a := &status.App{Checker: checker, Client: client, TaskPassword: o.TaskPassword, PollInterval: o.PollInterval}
	if a.TaskPassword == "" {
		log.Warn("TASK_PASSWORD is not set: mission control refuses everyone and says why")
	}
	log.Info("Symbiont API", "url", o.SymbiontURL, "token_set", client.Token != "")
	a.Register(st.Engine, st.Mux)

	dash, err := dashboard.New(dashboard.Config{Engine: st.Engine, Socket: st.Socket, Cluster: st.ClusterSource(), Auth: o.Dashboard, Logger: log})
	if err != nil {
		st.Close()
		return nil, err
	}
	for _, p := range a.DashboardPages() {
		dash.AddPage(p)
	}
	dash.Register(st.Mux)

	st.Mux.Handle("GET /metrics", st.MetricsHandler())
	st.Mux.Handle("GET /healthz", st.Health())
	st.RegisterHealth("status", nil)
	return &server{st: st, app: a, checker: checker, dash: dash, opts: o, handler: dashboard.CountRequests(st.Mux)}, nil
}

// serve runs the service checker and the dashboard's sampler and serves
// on ln until ctx ends or SIGINT/SIGTERM (then drains).
func (s *server) serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if s.opts.CheckInterval >= 0 {
		go s.checker.Run(ctx)
	}
	s.dash.Start(ctx)
	return s.st.ServeListener(ctx, ln, s.handler)
}
