package app

import (
	"context"
	"io"
	"log/slog"
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
