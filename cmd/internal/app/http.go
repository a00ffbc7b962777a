package app

import (
	"context"
	"encoding/json"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on what a request may carry, checked before any handler runs.
// A longer header block gets net/http's 431; a longer query string 414
// (Cowboy, which Phoenix ran on, stops request lines at 8,000 bytes).
const (
	MaxHeaderBytes = 32 << 10
	MaxQueryBytes  = 8 << 10
)

// secureHeaders are what Phoenix's browser pipeline sets by default
// (put_secure_browser_headers, with the generators' content security
// policy), so a page served here is framed, sniffed and referred exactly
// as the Elixir app's was.
var secureHeaders = [...][2]string{
	{"X-Frame-Options", "SAMEORIGIN"},
	{"X-Content-Type-Options", "nosniff"},
	{"Referrer-Policy", "strict-origin-when-cross-origin"},
	{"X-Permitted-Cross-Domain-Policies", "none"},
	{"Content-Security-Policy", "base-uri 'self'; frame-ancestors 'self'"},
}

// Handler is h as [Stack.ServeListener] serves it: every response carries
// the secure browser headers (set before h runs, so a handler may still
// change one), and in cluster mode the name of the node that answered.
func (st *Stack) Handler(h http.Handler) http.Handler {
	node := ""
	if st.Cluster != nil {
		node = st.Cluster.Name()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		for _, kv := range secureHeaders {
			hd.Set(kv[0], kv[1])
		}
		if node != "" {
			hd.Set(NodeHeader, node)
		}
		if msg, code := badQuery(r.URL.RawQuery); code != 0 {
			st.Log.Info("refused a request", "status", code, "path", r.URL.Path, "reason", msg, "query_bytes", len(r.URL.RawQuery))
			http.Error(w, msg, code)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// badQuery says why a query string is refused, as Plug refuses it before
// a Phoenix app sees it: too long, malformed percent-encoding, or names
// and values that are not UTF-8. Go's own parsing would silently drop or
// pass on what it cannot read.
func badQuery(q string) (string, int) {
	if q == "" {
		return "", 0
	}
	if len(q) > MaxQueryBytes {
		return "414 URI Too Long: the query string is over 8 KiB", http.StatusRequestURITooLong
	}
	// A raw ";" is data to Plug, an error to url.ParseQuery.
	vals, err := url.ParseQuery(strings.ReplaceAll(q, ";", "%3B"))
	if err != nil {
		return "400 Bad Request: the query string is malformed (" + err.Error() + ")", http.StatusBadRequest
	}
	for k, vs := range vals {
		ok := utf8.ValidString(k)
		for _, v := range vs {
			ok = ok && utf8.ValidString(v)
		}
		if !ok {
			return "400 Bad Request: the query string is not valid UTF-8", http.StatusBadRequest
		}
	}
	return "", 0
}

// httpErrorLog sends net/http's own messages (TLS handshakes, accept
// errors, panics outside our recovery) to the structured log.
func httpErrorLog(l *slog.Logger) *log.Logger {
	return slog.NewLogLogger(l.Handler(), slog.LevelWarn)
}

// A HealthCheck reports whether a dependency answers (nil) and is given
// a deadline.
type HealthCheck func(ctx context.Context) error

// healthTimeout bounds each dependency check of /health/db: a monitor
// wants an answer, and a database that takes longer is not healthy.
const healthTimeout = 2 * time.Second

// RegisterHealth serves cinegraph's health endpoints on st.Mux:
// GET /health answers 200 {"status":"ok","service":…,"timestamp":…}
// whenever the process serves; with db set, GET /health/db answers 200
// with the database's latency, or 503 "degraded" with its error. The
// older GET /healthz (plain text, cluster aware) stays.
func (st *Stack) RegisterHealth(service string, db HealthCheck) {
	st.Mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		writeHealth(w, http.StatusOK, map[string]any{"status": "ok", "service": service, "timestamp": time.Now().UTC()})
	})
	if db == nil {
		return
	}
	st.Mux.HandleFunc("GET /health/db", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
		defer cancel()
		start := time.Now()
		err := db(ctx)
		primary := map[string]any{"checked_at": time.Now().UTC()}
		code, status := http.StatusOK, "ok"
		if err != nil {
			code, status = http.StatusServiceUnavailable, "degraded"
			primary["status"], primary["error"] = "unhealthy", err.Error()
			st.Log.Warn("health: database check failed", "error", err)
		} else {
			primary["status"] = "healthy"
			primary["latency_ms"] = float64(time.Since(start).Microseconds()) / 1000
		}
		writeHealth(w, code, map[string]any{
			"status":    status,
			"service":   service,
			"databases": map[string]any{"primary": primary},
			"timestamp": time.Now().UTC(),
		})
	})
}

func writeHealth(w http.ResponseWriter, code int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}
