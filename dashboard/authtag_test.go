package dashboard

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/transport"
)

// A page rendered before a password change cannot join after it: its
// token records the credentials that admitted it, and the join is answered
// "reload" with 401, so the browser asks for the new password.
func TestJoinAfterPasswordChangeIsRefused(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sessions := transport.NewSessions([]byte("0123456789abcdef0123456789abcdef"))
	router := &transport.Router{}
	e, err := live.New(live.Config{Secret: []byte("0123456789abcdef0123456789abcdef"), Sessions: sessions, Router: router, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Config{Engine: e, Auth: Auth{Password: "one", Production: true}, Logger: log, Refresh: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	sock := transport.NewServer(transport.Config{Router: router, Sessions: sessions, Secret: []byte("0123456789abcdef0123456789abcdef"), Logger: log})
	mux := http.NewServeMux()
	d.Register(mux)
	mux.Handle("/live/", sock)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = sock.Shutdown(ctx)
	}()

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	req, _ := http.NewRequest("GET", srv.URL+"/dashboard", nil)
	req.SetBasicAuth("ops", "one")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	find := func(re string) string {
		m := regexp.MustCompile(re).FindStringSubmatch(string(body))
		if m == nil {
			t.Fatalf("%s not in the page:\n%s", re, body)
		}
		return m[1]
	}
	csrf := find(`name="csrf-token" content="([^"]+)"`)
	id := find(`<div id="([^"]+)" data-phx-main`)
	session := find(`data-phx-session="([^"]+)"`)
	static := find(`data-phx-static="([^"]+)"`)

	join := func() map[string]any {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		u := "ws" + strings.TrimPrefix(srv.URL, "http") + "/live/websocket?vsn=2.0.0&_csrf_token=" + csrf
		hdr := http.Header{}
		for _, c := range jar.Cookies(res.Request.URL) {
			hdr.Add("Cookie", c.Name+"="+c.Value)
		}
		conn, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: hdr})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.CloseNow()
		frame, _ := json.Marshal([]any{"1", "1", "lv:" + id, "phx_join", map[string]any{
			"url": srv.URL + "/dashboard", "session": session, "static": static,
			"params": map[string]any{"_csrf_token": csrf, "_mounts": 0},
		}})
		if err := conn.Write(ctx, websocket.MessageText, frame); err != nil {
			t.Fatal(err)
		}
		for {
			_, data, err := conn.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var msg []json.RawMessage
			if json.Unmarshal(data, &msg) != nil || len(msg) != 5 || string(msg[3]) != `"phx_reply"` {
				continue
			}
			var reply map[string]any
			_ = json.Unmarshal(msg[4], &reply)
			return reply
		}
	}
	if r := join(); r["status"] != "ok" {
		t.Fatalf("join with the current password: %v", r)
	}
	d.pwHash = sha256.Sum256([]byte("two")) // the password changed (a restart, in real life)
	r := join()
	resp, _ := r["response"].(map[string]any)
	if r["status"] != "error" || resp["reason"] != "reload" || resp["status"] != float64(http.StatusUnauthorized) {
		t.Fatalf("join with a page from before the password change: %v, want error reload 401", r)
	}
}
