package e2e

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAssetsDir(t *testing.T) {
	dir, err := AssetsDir()
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(dir) || filepath.Base(dir) != "assets" {
		t.Errorf("AssetsDir() = %q, want an absolute path ending in assets", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "e2e", "lib.mjs")); err != nil {
		t.Errorf("assets dir has no e2e/lib.mjs: %v", err)
	}
}

func TestPhoenixPage(t *testing.T) {
	srv := NewServer(t, PhoenixPage(`a <b> & "c"`, `console.log("</script>")`))
	res, err := http.Get(srv.URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page := string(body)
	for _, want := range []string{
		`<title>a &lt;b&gt; &amp; &#34;c&#34;</title>`,
		`<script src="/assets/phoenix.js"></script>`,
		`console.log("<\/script>")`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestAssetHandler(t *testing.T) {
	srv := NewServer(t, AssetHandler())
	for path, want := range map[string]int{
		"/assets/README":      http.StatusOK, // committed, always present
		"/assets/nope.js":     http.StatusNotFound,
		"/assets/":            http.StatusNotFound,
		"/other/README":       http.StatusNotFound,
		"/assets/../go.mod":   http.StatusNotFound,
		"/assets/%2e%2e/x.js": http.StatusNotFound,
	} {
		res, err := http.Get(srv.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, res.StatusCode, want)
		}
	}
}

// TestServerRestart checks that Stop cuts every connection, hijacked ones
// included, and Start listens again on the same port.
func TestServerRestart(t *testing.T) {
	hijacked := make(chan net.Conn, 1)
	srv := NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hijack" {
			c, brw, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			brw.WriteString("HTTP/1.1 101 Switching Protocols\r\n\r\n")
			brw.Flush()
			hijacked <- c
			return
		}
		io.WriteString(w, "ok")
	}))
	get := func() error {
		c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		res, err := c.Get(srv.URL() + "/")
		if err != nil {
			return err
		}
		res.Body.Close()
		return nil
	}
	if err := get(); err != nil {
		t.Fatal(err)
	}
	// A hijacked connection, as a WebSocket would be.
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /hijack HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(conn)
	if line, err := br.ReadString('\n'); err != nil || !strings.Contains(line, "101") {
		t.Fatalf("hijack: %q %v", line, err)
	}
	if line, err := br.ReadString('\n'); err != nil || line != "\r\n" {
		t.Fatalf("hijack: %q %v", line, err)
	}
	<-hijacked

	srv.Stop(false)
	if err := get(); err == nil {
		t.Fatal("GET succeeded after Stop")
	}
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := br.ReadByte(); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("hijacked connection still open after an abrupt Stop: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	if err := get(); err != nil {
		t.Fatalf("GET after Start on %s: %v", srv.Addr(), err)
	}
	srv.Stop(true)
	srv.Stop(true) // idempotent
}

func TestControl(t *testing.T) {
	c := NewControl(t)
	c.Handle("GET /ok", func(*http.Request) (any, error) { return map[string]int{"n": 1}, nil })
	c.Handle("GET /bad", func(*http.Request) (any, error) { return nil, errors.New("broken") })
	for path, want := range map[string]string{"/ok": `{"n":1}`, "/bad": `{"error":"broken"}`} {
		res, err := http.Get(c.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		var got, exp any
		json.NewDecoder(res.Body).Decode(&got)
		res.Body.Close()
		json.Unmarshal([]byte(want), &exp)
		gb, _ := json.Marshal(got)
		eb, _ := json.Marshal(exp)
		if string(gb) != string(eb) {
			t.Errorf("GET %s = %s, want %s", path, gb, eb)
		}
	}
}

// TestRunNode checks, through the selftest script, that a passing script is
// recognised and that a failing or hanging one is reported as such.
func TestRunNode(t *testing.T) {
	RequireNode(t)
	dir := mustAssetsDir(t)
	cases := []struct {
		name           string
		env            map[string]string
		timeout        time.Duration
		code           int
		passed, failed int
	}{
		{"pass", nil, 30 * time.Second, 0, 2, 0},
		{"fail", map[string]string{"E2E_SELFTEST_FAIL": "1"}, 30 * time.Second, 1, 2, 1},
		// The deadline (timeout minus a margin) stops the script itself
		// before RunNode has to kill it.
		{"hang", map[string]string{"E2E_SELFTEST_HANG": "1"}, 5 * time.Second, 2, 2, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := runNode(dir, "selftest.mjs", tc.env, tc.timeout)
			if err != nil {
				t.Fatal(err)
			}
			if res.TimedOut || res.ExitCode != tc.code || res.Passed != tc.passed || res.Failed != tc.failed {
				t.Errorf("timed out %v, exit %d, %d passed, %d failed; want exit %d, %d passed, %d failed\nstdout:\n%s\nstderr:\n%s",
					res.TimedOut, res.ExitCode, res.Passed, res.Failed, tc.code, tc.passed, tc.failed, res.Stdout, res.Stderr)
			}
			if !strings.Contains(res.Stdout, "cleanup ran") {
				t.Errorf("cleanups did not run:\n%s", res.Stdout)
			}
		})
	}
	if _, err := runNode(dir, "no-such-script.mjs", nil, time.Second); err == nil {
		t.Error("runNode of a missing script: no error")
	}
}
