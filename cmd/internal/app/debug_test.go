package app

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestDebugAddrLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:6060", "[::1]:6060", "localhost:6060"} {
		if err := loopbackOnly(addr); err != nil {
			t.Errorf("%s refused: %v", addr, err)
		}
	}
	for _, addr := range []string{":6060", "0.0.0.0:6060", "10.1.2.3:6060", "example.com:6060", "127.0.0.1"} {
		if err := loopbackOnly(addr); err == nil {
			t.Errorf("%s accepted", addr)
		}
	}
	t.Setenv("DEBUG_ADDR", "0.0.0.0:6060")
	if _, err := FromEnv(4000); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("FromEnv with DEBUG_ADDR=0.0.0.0:6060: %v, want a loopback error", err)
	}
}

func TestServeDebug(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	addr, err := serveDebug(ctx, "127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + addr.String() + "/debug/pprof/heap?debug=1"
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "heap profile") {
		t.Fatalf("GET %s: %d %.100s", url, resp.StatusCode, body)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		if _, err := c.Get(url); err != nil {
			break // closed with its context
		}
		if time.Now().After(deadline) {
			t.Fatal("the debug listener still answers after its context ended")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestHTTPIdleTimeout: a keep-alive connection its client leaves unused is
// closed, on the public listener and on DEBUG_ADDR's, instead of holding a
// goroutine in the server forever.
func TestHTTPIdleTimeout(t *testing.T) {
	old := httpIdleTimeout
	httpIdleTimeout = 300 * time.Millisecond
	t.Cleanup(func() { httpIdleTimeout = old })

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	st, err := New(Config{Addr: ln.Addr().String(), SecretKeyBase: []byte(secret)}, quiet, nil)
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	st.Mux.Handle("GET /healthz", st.Health())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.ServeListener(ctx, ln, st.Mux) }()
	t.Cleanup(func() { cancel(); <-done })
	dbg, err := serveDebug(ctx, "127.0.0.1:0", quiet)
	if err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct{ name, addr, path string }{
		{"public", ln.Addr().String(), "/healthz"},
		{"DEBUG_ADDR", dbg.String(), "/debug/pprof/"},
	} {
		conn, err := net.DialTimeout("tcp", c.addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", c.path)
		br := bufio.NewReader(conn)
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || res.Close {
			t.Fatalf("%s: GET %s: status %d, close %v; want 200 kept alive", c.name, c.path, res.StatusCode, res.Close)
		}
		// Left idle, the server must close it: the read ends with EOF, well
		// before this deadline.
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		start := time.Now()
		if n, err := br.ReadByte(); err != io.EOF {
			t.Fatalf("%s: idle keep-alive connection: read %v, %v after %s; want EOF (closed by the server)", c.name, n, err, time.Since(start))
		}
	}
}
