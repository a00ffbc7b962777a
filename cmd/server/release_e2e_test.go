package main

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/internal/e2e"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
)

// TestRelease builds the release as `make release` does and runs each
// binary alone: copied into an empty directory, started with nothing but
// the production environment, away from the source tree (so an asset or
// template read from disk would show), then stopped with SIGTERM as
// systemd stops it.
func TestRelease(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the release binaries (minutes); not in -short")
	}
	e2e.RequireProgram(t, "make", "make")
	e2e.RequireAssets(t, "app.js")
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// -o assets: the bundles are built already (make test builds them
	// first); rebuilding them here would rewrite assets/dist while other
	// packages' tests compile and embed it.
	mk := exec.CommandContext(ctx, "make", "-C", root, "-o", "assets", "release", "RELEASE_DIR="+out)
	if b, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("make release: %v\n%s", err, b)
	}

	// The binaries alone, in a directory of their own.
	run := t.TempDir()
	for _, name := range []string{"golive-movies", "golive-status"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(run, name), b, 0o755); err != nil {
			t.Fatal(err)
		}
		requireStatic(t, filepath.Join(run, name))
	}
	secret := strings.Repeat("r", 64)
	common := []string{"APP_ENV=prod", "BIND=127.0.0.1", "PORT=0", "SECRET_KEY_BASE=" + secret, "PHX_HOST=golive.test", "PATH=/usr/bin:/bin"}

	t.Run("movies", func(t *testing.T) {
		dsn := pgtest.Seeded(t, migrateMovies)
		p := startRelease(t, filepath.Join(run, "golive-movies"), run, append(common, "DATABASE_URL="+dsn, "MOVIES_WARM=off"))
		page := p.get(t, "/movies", http.StatusOK)
		for _, want := range []string{"data-phx-main", `href="/movies/`, `name="csrf-token"`} {
			if !strings.Contains(page.body, want) {
				t.Errorf("/movies lacks %q", want)
			}
		}
		for h, want := range map[string]string{
			"X-Frame-Options":        "SAMEORIGIN",
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "strict-origin-when-cross-origin",
		} {
			if got := page.header.Get(h); got != want {
				t.Errorf("/movies %s = %q, want %q", h, got, want)
			}
		}
		checkDigestedAssets(t, p, page.body)
		var health struct{ Status, Service string }
		p.getJSON(t, "/health", http.StatusOK, &health)
		if health.Status != "ok" || health.Service != "cinegraph" {
			t.Errorf("/health = %+v", health)
		}
		var db struct {
			Status    string
			Databases map[string]struct{ Status string }
		}
		p.getJSON(t, "/health/db", http.StatusOK, &db)
		if db.Status != "ok" || db.Databases["primary"].Status != "healthy" {
			t.Errorf("/health/db = %+v", db)
		}
		p.stop(t)
		t.Run("systemd", func(t *testing.T) {
			startUnderSystemd(t, "movies", filepath.Join(run, "golive-movies"), []string{"SECRET_KEY_BASE=" + secret, "PHX_HOST=golive.test", "DATABASE_URL=" + dsn, "MOVIES_WARM=off"})
		})
	})

	t.Run("status", func(t *testing.T) {
		// The Symbiont API is down (nothing listens on port 9 here): the page
		// still renders and says so.
		p := startRelease(t, filepath.Join(run, "golive-status"), run, append(common, "SYMBIONT_URL=http://127.0.0.1:9", "TASK_PASSWORD=pw"))
		page := p.get(t, "/", http.StatusOK)
		if !strings.Contains(page.body, "data-phx-main") {
			t.Errorf("/ is not a live page:\n%.400s", page.body)
		}
		checkDigestedAssets(t, p, page.body)
		var health struct{ Status, Service string }
		p.getJSON(t, "/health", http.StatusOK, &health)
		if health.Status != "ok" || health.Service != "status" {
			t.Errorf("/health = %+v", health)
		}
		p.stop(t)
		t.Run("systemd", func(t *testing.T) {
			startUnderSystemd(t, "status", filepath.Join(run, "golive-status"), []string{"SECRET_KEY_BASE=" + secret, "PHX_HOST=golive.test", "SYMBIONT_URL=http://127.0.0.1:9", "TASK_PASSWORD=pw"})
		})
	})
}

// requireStatic fails unless the ELF file asks for no dynamic loader.
func requireStatic(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s is dynamically linked (has an interpreter)", filepath.Base(path))
		}
	}
}

var digestedScript = regexp.MustCompile(`/assets/app-[0-9a-f]{10}\.js`)

// checkDigestedAssets follows the page's script to its digested name and
// checks it is served from the binary, cached for a year.
func checkDigestedAssets(t *testing.T, p *releaseProc, body string) {
	t.Helper()
	src := digestedScript.FindString(body)
	if src == "" {
		t.Fatalf("the page names no digested app.js:\n%.600s", body)
	}
	js := p.get(t, src, http.StatusOK)
	if cc := js.header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("%s Cache-Control = %q", src, cc)
	}
	if ct := js.header.Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Errorf("%s Content-Type = %q", src, ct)
	}
	if !strings.Contains(js.body, "LiveSocket") && len(js.body) < 10_000 {
		t.Errorf("%s is not the client bundle (%d bytes)", src, len(js.body))
	}
}

type releaseProc struct {
	cmd    *exec.Cmd
	url    string
	exited chan error
	log    *bytes.Buffer
}

type response struct {
	header http.Header
	body   string
}

var listeningURL = regexp.MustCompile(`msg=listening url=(http://\S+)`)

// startRelease starts bin in dir with exactly env and waits for its
// "listening" log line.
func startRelease(t *testing.T, bin, dir string, env []string) *releaseProc {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Dir, cmd.Env = dir, env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &releaseProc{cmd: cmd, exited: make(chan error, 1), log: &bytes.Buffer{}}
	found := make(chan string, 1)
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for l := range lines {
			p.log.WriteString(l + "\n")
			if m := listeningURL.FindStringSubmatch(l); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	go func() {
		<-done // all output read before Wait closes the pipe
		p.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("%s log:\n%s", filepath.Base(bin), p.log.String())
		}
	})
	select {
	case p.url = <-found:
	case err := <-p.exited:
		p.exited <- err
		t.Fatalf("%s exited at start: %v\n%s", filepath.Base(bin), err, p.log.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not log its listening URL in 60 s", filepath.Base(bin))
	}
	return p
}

func (p *releaseProc) get(t *testing.T, path string, status int) response {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(p.url + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != status {
		t.Fatalf("GET %s: %d, want %d\n%.400s", path, res.StatusCode, status, b)
	}
	return response{res.Header, string(b)}
}

func (p *releaseProc) getJSON(t *testing.T, path string, status int, v any) {
	t.Helper()
	r := p.get(t, path, status)
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, r.body)
	}
}

// stop sends SIGTERM and wants a clean exit (status 0) within the drain
// bound, as systemd's TimeoutStopSec=30s allows.
func (p *releaseProc) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("still running 30 s after SIGTERM")
	}
	if !strings.Contains(p.log.String(), "shutting down") {
		t.Errorf("no drain logged:\n%s", p.log.String())
	}
}
