package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/dashboard"
)

// TestMoviesDashboard: the movies server's /dashboard follows the status
// app's rules (disabled in production without a password, Basic auth with
// DASHBOARD_PASSWORD or TASK_PASSWORD, open in development) and has the
// cluster page; the movies pages stay public.
func TestMoviesDashboard(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	build := func(prod bool, env map[string]string) http.Handler {
		t.Helper()
		st, err := app.New(app.Config{Production: prod, SecretKeyBase: []byte(strings.Repeat("k", 64))}, log, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.Close)
		pool := dashboard.PoolStatsFunc(func() []dashboard.Stat { return []dashboard.Stat{{Name: "Open connections", Value: "2"}} })
		if _, err := mountDashboard(st, func(k string) string { return env[k] }, pool); err != nil {
			t.Fatal(err)
		}
		st.Mux.HandleFunc("GET /movies", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "movies") })
		return st.Mux
	}
	get := func(h http.Handler, path string, auth ...string) (int, string) {
		req := httptest.NewRequest(http.MethodGet, "http://x"+path, nil)
		if len(auth) == 2 {
			req.SetBasicAuth(auth[0], auth[1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}

	h := build(true, nil)
	if code, body := get(h, "/dashboard/cluster"); code != http.StatusForbidden || !strings.Contains(body, "The dashboard is disabled") {
		t.Errorf("prod without a password: %d %.200q", code, body)
	}
	if code, _ := get(h, "/movies"); code != http.StatusOK {
		t.Errorf("GET /movies = %d", code)
	}

	for _, env := range []map[string]string{{"DASHBOARD_PASSWORD": "pw"}, {"TASK_PASSWORD": "pw"}} {
		h = build(true, env)
		if code, _ := get(h, "/dashboard/cluster"); code != http.StatusUnauthorized {
			t.Errorf("%v, no credentials: %d", env, code)
		}
		if code, _ := get(h, "/dashboard/cluster", "ops", "nope"); code != http.StatusUnauthorized {
			t.Errorf("%v, wrong password: %d", env, code)
		}
		code, body := get(h, "/dashboard/cluster", "ops", "pw")
		if code != http.StatusOK || !strings.Contains(body, "single node, in-process PubSub") || !strings.Contains(body, `id="dash-menu-database"`) {
			t.Errorf("%v, right password: %d\n%s", env, code, body)
		}
	}

	h = build(false, nil)
	if code, body := get(h, "/dashboard/cluster"); code != http.StatusOK || !strings.Contains(body, `id="dash-open-warning"`) {
		t.Errorf("development without a password: %d", code)
	}
}
