package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
)

func TestDashboardAuthFromEnv(t *testing.T) {
	for _, c := range []struct {
		env      map[string]string
		prod     bool
		user, pw string
	}{
		{env: map[string]string{}, prod: true},
		{env: map[string]string{"TASK_PASSWORD": "t"}, prod: true, pw: "t"},
		{env: map[string]string{"TASK_PASSWORD": "t", "DASHBOARD_PASSWORD": "d", "DASHBOARD_USER": "ops"}, user: "ops", pw: "d"},
	} {
		a := dashboardAuth(c.prod, func(k string) string { return c.env[k] })
		if a.User != c.user || a.Password != c.pw || a.Production != c.prod {
			t.Errorf("env %v: %+v", c.env, a)
		}
	}
}

// TestDashboardWiring: the server as main builds it protects /dashboard:
// disabled in production without a password, Basic auth with one; the
// rest of the app stays public.
func TestDashboardWiring(t *testing.T) {
	cfg := app.Config{Addr: "127.0.0.1:0", Production: true, SecretKeyBase: []byte(e2eSecret)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	get := func(h http.Handler, path string, auth ...string) (int, string) {
		req := httptest.NewRequest(http.MethodGet, "http://x"+path, nil)
		if len(auth) == 2 {
			req.SetBasicAuth(auth[0], auth[1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}

	// Production, no DASHBOARD_PASSWORD nor TASK_PASSWORD: disabled.
	s, err := newServer(cfg, options{SymbiontURL: "http://127.0.0.1:1", Dashboard: dashboardAuth(true, func(string) string { return "" })}, log)
	if err != nil {
		t.Fatal(err)
	}
	if code, body := get(s.handler, "/dashboard"); code != http.StatusForbidden || !strings.Contains(body, "The dashboard is disabled") {
		t.Errorf("prod without a password: GET /dashboard = %d %q", code, body)
	}
	if code, _ := get(s.handler, "/"); code != http.StatusOK {
		t.Errorf("GET / = %d", code)
	}

	// Production with TASK_PASSWORD: Basic auth.
	env := map[string]string{"TASK_PASSWORD": "gate-pw"}
	s, err = newServer(cfg, options{SymbiontURL: "http://127.0.0.1:1", TaskPassword: "gate-pw",
		Dashboard: dashboardAuth(true, func(k string) string { return env[k] })}, log)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := get(s.handler, "/dashboard/services"); code != http.StatusUnauthorized {
		t.Errorf("no credentials: GET /dashboard/services = %d, want 401", code)
	}
	if code, _ := get(s.handler, "/dashboard/services", "admin", "wrong"); code != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want 401", code)
	}
	code, body := get(s.handler, "/dashboard/services", "admin", "gate-pw")
	if code != http.StatusOK || !strings.Contains(body, `id="dash-services"`) {
		t.Errorf("right password: %d\n%s", code, body)
	}
}
