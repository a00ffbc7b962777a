package assets

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
)

func serveGet(t *testing.T, path string) *http.Response {
	t.Helper()
	srv := httptest.NewServer(http.StripPrefix("/assets", Handler()))
	t.Cleanup(srv.Close)
	res, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// Pages link to digested names, cached for a year; the plain names are
// still served, revalidated.
func TestDigestedNames(t *testing.T) {
	if !Built() {
		t.Fatal("assets/dist is not built: run make assets (make test does)")
	}
	for _, c := range []struct{ name, re, ctype string }{
		{"app.js", `^/assets/app-[0-9a-f]{10}\.js$`, "text/javascript; charset=utf-8"},
		{"app-1.0.js", `^/assets/app-1\.0-[0-9a-f]{10}\.js$`, "text/javascript; charset=utf-8"},
		{"app.css", `^/assets/app-[0-9a-f]{10}\.css$`, "text/css; charset=utf-8"},
	} {
		p := Path(c.name)
		if !regexp.MustCompile(c.re).MatchString(p) {
			t.Errorf("Path(%q) = %q", c.name, p)
			continue
		}
		want, err := fs.ReadFile(FS(), c.name)
		if err != nil {
			t.Fatal(err)
		}
		res := serveGet(t, p)
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || string(body) != string(want) || res.Header.Get("Cache-Control") != Immutable || res.Header.Get("Content-Type") != c.ctype {
			t.Errorf("GET %s: %d, %d bytes (want %d), %v", p, res.StatusCode, len(body), len(want), res.Header)
		}
		res = serveGet(t, "/assets/"+c.name)
		if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET plain %s: %d %v", c.name, res.StatusCode, res.Header)
		}
	}
	if p := Path("missing.js"); p != "/assets/missing.js" {
		t.Errorf("Path of a file not built = %q", p)
	}
	for _, p := range []string{"/assets/app-0000000000.js", "/assets/README", "/assets/", "/assets/missing.js"} {
		if res := serveGet(t, p); res.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
		}
	}
}
