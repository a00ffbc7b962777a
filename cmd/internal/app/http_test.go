package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/cortex-cinegraph/golive/assets"
	"github.com/cortex-cinegraph/golive/live/examples"
)

// serve runs st as Serve does, on a loopback port, until the test ends;
// it returns the base URL.
func serve(t *testing.T, st *Stack) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.ServeListener(ctx, ln, st.Mux) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServeListener: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

func newServed(t *testing.T, c Config) (*Stack, string) {
	t.Helper()
	c.SecretKeyBase = []byte(secret)
	st, err := New(c, quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	examples.Register(st.Engine, st.Mux)
	return st, serve(t, st)
}

func fetchURL(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// Every response carries the headers of Phoenix's browser pipeline: live
// pages, errors, assets, the socket endpoint.
func TestSecureBrowserHeaders(t *testing.T) {
	_, base := newServed(t, Config{})
	want := map[string]string{
		"X-Frame-Options":                   "SAMEORIGIN",
		"X-Content-Type-Options":            "nosniff",
		"Referrer-Policy":                   "strict-origin-when-cross-origin",
		"X-Permitted-Cross-Domain-Policies": "none",
		"Content-Security-Policy":           "base-uri 'self'; frame-ancestors 'self'",
	}
	for _, path := range []string{"/examples/counter", "/nope", assets.Path("app.js"), "/live/longpoll?vsn=2.0.0"} {
		res, _ := fetchURL(t, base+path)
		for k, v := range want {
			if got := res.Header.Values(k); len(got) != 1 || got[0] != v {
				t.Errorf("GET %s (%d): %s = %q, want %q", path, res.StatusCode, k, got, v)
			}
		}
	}
}

// Cookies are Secure whenever the public URL is https, though the
// request behind the TLS proxy is plain HTTP; not otherwise.
func TestCookiesSecureBehindTLS(t *testing.T) {
	for _, c := range []struct {
		public string
		secure bool
	}{{"", false}, {"http://golive.test", false}, {"https://golive.test", true}} {
		_, base := newServed(t, Config{PublicURL: c.public})
		res, _ := fetchURL(t, base+"/examples/counter")
		cookies := res.Cookies()
		if len(cookies) == 0 {
			t.Fatalf("PUBLIC_URL %q: no cookie set", c.public)
		}
		for _, ck := range cookies {
			if ck.Secure != c.secure || !ck.HttpOnly {
				t.Errorf("PUBLIC_URL %q: cookie %s Secure=%v HttpOnly=%v, want Secure=%v", c.public, ck.Name, ck.Secure, ck.HttpOnly, c.secure)
			}
		}
	}
}

// /health always answers; /health/db says whether the database does.
func TestHealthEndpoints(t *testing.T) {
	st, base := newServed(t, Config{})
	var dbErr error
	st.RegisterHealth("cinegraph", func(context.Context) error { return dbErr })
	var body struct {
		Status    string `json:"status"`
		Service   string `json:"service"`
		Timestamp string `json:"timestamp"`
		Databases struct {
			Primary map[string]any `json:"primary"`
		} `json:"databases"`
	}
	check := func(path string, code int, status string) {
		t.Helper()
		res, b := fetchURL(t, base+path)
		body.Databases.Primary = nil
		if err := json.Unmarshal([]byte(b), &body); err != nil {
			t.Fatalf("%s: %v: %s", path, err, b)
		}
		if res.StatusCode != code || body.Status != status || body.Service != "cinegraph" || body.Timestamp == "" ||
			res.Header.Get("Content-Type") != "application/json" || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d %s %v, want %d %s", path, res.StatusCode, b, res.Header, code, status)
		}
	}
	check("/health", 200, "ok")
	check("/health/db", 200, "ok")
	if p := body.Databases.Primary; p["status"] != "healthy" || p["latency_ms"] == nil {
		t.Errorf("primary: %v", p)
	}
	dbErr = errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")
	check("/health", 200, "ok")
	check("/health/db", 503, "degraded")
	if p := body.Databases.Primary; p["status"] != "unhealthy" || p["error"] != dbErr.Error() {
		t.Errorf("primary while down: %v", p)
	}

	// Without a database check there is no /health/db.
	st2, base2 := newServed(t, Config{})
	st2.RegisterHealth("status", nil)
	if res, _ := fetchURL(t, base2+"/health/db"); res.StatusCode != 404 {
		t.Errorf("/health/db without a database: %d", res.StatusCode)
	}
}

// Bad input at the edge gets a clear answer before any handler runs, and
// the server goes on serving.
func TestEdgeInput(t *testing.T) {
	_, base := newServed(t, Config{})
	for _, c := range []struct {
		name, query string
		code        int
		says        string
	}{
		{"invalid UTF-8", "?q=%ff%fe", 400, "not valid UTF-8"},
		{"invalid UTF-8 in a name", "?%c3%28=1", 400, "not valid UTF-8"},
		{"bad escape", "?q=%zz", 400, "malformed"},
		{"long query", "?q=" + strings.Repeat("a", MaxQueryBytes), 414, "over 8 KiB"},
		{"semicolon is data", "?q=a;b", 200, ""},
		{"fine", "?q=caf%C3%A9", 200, ""},
	} {
		res, b := fetchURL(t, base+"/examples/counter"+c.query)
		if res.StatusCode != c.code || !strings.Contains(b, c.says) {
			t.Errorf("%s: %d %.200q, want %d saying %q", c.name, res.StatusCode, b, c.code, c.says)
		}
	}

	// A header block over the limit: net/http's 431, then service as usual.
	req, _ := http.NewRequest("GET", base+"/examples/counter", nil)
	req.Header.Set("X-Big", strings.Repeat("b", MaxHeaderBytes+8<<10)) // net/http allows 4 KiB of slack
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("oversized headers: %d", res.StatusCode)
	}
	// A request line far over the limit (the query alone).
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /examples/counter?q=%s HTTP/1.1\r\nHost: x\r\n\r\n", strings.Repeat("q", 2*MaxHeaderBytes))
	line, _ := io.ReadAll(io.LimitReader(conn, 64))
	conn.Close()
	if !regexp.MustCompile(`^HTTP/1\.1 431 `).Match(line) {
		t.Errorf("oversized request line: %q", line)
	}
	if res, _ := fetchURL(t, base+"/examples/counter"); res.StatusCode != 200 {
		t.Errorf("after the bad requests: %d", res.StatusCode)
	}
}
