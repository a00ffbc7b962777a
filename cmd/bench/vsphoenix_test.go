package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
)

// The recordings in testdata/phoenix-ref come from the real Phoenix 1.7.24
// / LiveView 1.0.19 reference app: websocket.json and longpoll.json are
// phoenix-ref's captures (a Chromium tab driven by the JS client),
// counter.html is its dead render of /counter, build.sh its build script.

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "phoenix-ref", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestPhoenixPage: the live client finds its tokens in Phoenix's page.
func TestPhoenixPage(t *testing.T) {
	tok, err := socketload.ParsePage(readTestdata(t, "counter.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok.ID, "phx-") || tok.CSRF == "" || !strings.HasPrefix(tok.Session, "SFMyNTY.") || !strings.HasPrefix(tok.Static, "SFMyNTY.") {
		t.Fatalf("tokens: %+v", tok)
	}
}

// TestPhoenixWebSocketFrames: the live client reads Phoenix's join and
// click replies as the JS client does: the join's rendered tree, the
// click's diff holding only the new count.
func TestPhoenixWebSocketFrames(t *testing.T) {
	var cap struct {
		Frames []struct {
			Phase, Dir, Payload string
		}
	}
	if err := json.Unmarshal(readTestdata(t, "websocket.json"), &cap); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range cap.Frames {
		if f.Dir != "server->client" {
			continue
		}
		ref, rep, err := socketload.ParseReply([]byte(f.Payload))
		if err != nil || rep.Status != "ok" || rep.Err != "" || rep.FrameBytes != len(f.Payload) {
			t.Fatalf("%s: ref %d, %+v, %v", f.Phase, ref, rep, err)
		}
		switch f.Phase {
		case "join":
			if ref != 4 || !strings.Contains(string(rep.Diff), `"s":["<div id=\"counter-page\">`) {
				t.Errorf("join reply: ref %d, rendered %.200s", ref, rep.Diff)
			}
		case "click":
			if string(rep.Diff) != `{"0":"1"}` || !onlyCount(rep.Diff) || rep.DiffBytes != 9 {
				t.Errorf("click reply diff %s (%d B)", rep.Diff, rep.DiffBytes)
			}
		}
		seen[f.Phase] = true
	}
	if !seen["join"] || !seen["click"] {
		t.Fatalf("phases seen: %v", seen)
	}
	// A push is not taken for a reply; garbage is an error.
	if _, _, err := socketload.ParseReply([]byte(`["4",null,"lv:phx-x","diff",{"0":"2"}]`)); err != socketload.ErrNotReply {
		t.Errorf("push: %v", err)
	}
	if _, _, err := socketload.ParseReply([]byte(`{"event":"phx_reply"}`)); err == nil || err == socketload.ErrNotReply {
		t.Errorf("malformed: %v", err)
	}
}

// TestPhoenixLongPollBodies: Phoenix's LongPoll answers as the client
// reads them: the open (410 and a token), POST acknowledgements (200),
// polls bringing the join and click replies.
func TestPhoenixLongPollBodies(t *testing.T) {
	var cap struct {
		Requests []struct {
			Phase, Method string
			Status        int
			Body          string `json:"response_body"`
		}
	}
	if err := json.Unmarshal(readTestdata(t, "longpoll.json"), &cap); err != nil {
		t.Fatal(err)
	}
	var opens, acks int
	var click bool
	for i, r := range cap.Requests {
		if r.Body == "" {
			continue
		}
		status, token, msgs, err := socketload.ParseLongPoll([]byte(r.Body))
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		switch {
		case status == 410:
			opens++
			if token == "" || i != 0 {
				t.Errorf("open answer %d: token %q", i, token)
			}
		case r.Method == "POST":
			acks++
			if status != 200 {
				t.Errorf("POST %d answered %d", i, status)
			}
		case status == 200:
			for _, m := range msgs {
				_, rep, err := socketload.ParseReply([]byte(m))
				if err != nil || rep.Status != "ok" {
					t.Fatalf("poll %d message %.100s: %+v %v", i, m, rep, err)
				}
				if r.Phase == "join" && string(rep.Diff) == `{"0":"1"}` {
					click = true // the click's reply came on the join phase's last poll
				}
				if r.Phase == "click" && string(rep.Diff) == `{"0":"1"}` {
					click = true
				}
			}
		}
	}
	if opens != 1 || acks == 0 || !click {
		t.Fatalf("opens %d, POST acks %d, click reply seen %v", opens, acks, click)
	}
}

// TestPhoenixDeps: build.sh's DEPS list is read, and missing mirrors are
// named with how to fetch them.
func TestPhoenixDeps(t *testing.T) {
	deps, err := phoenixDeps(readTestdata(t, "build.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if len(deps) != 16 || deps[0] != (phoenixDep{"phoenix", "phoenixframework+phoenix", "v1.7.24"}) {
		t.Fatalf("deps: %+v", deps)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "phoenixframework+phoenix", "repo"), 0o755); err != nil {
		t.Fatal(err)
	}
	missing := missingMirrors(deps, dir)
	if len(missing) != 15 || missing[0].Name != "phoenix_live_view" {
		t.Fatalf("missing: %+v", missing)
	}
	msg := missingMirrorsError(missing, dir).Error()
	for _, want := range []string{"15 of its git mirrors are missing", "fetch github:phoenixframework/phoenix_live_view", "fetch github:mtrudel/bandit", "git clone --mirror"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if _, err := phoenixDeps([]byte("echo no list\n")); err == nil {
		t.Error("a build.sh without DEPS was accepted")
	}
}

func vsTestSide(server, tr string, clickUs, p99, rssPerView, joinUs float64) *vsSide {
	s := &vsSide{Server: server, Transport: tr, Views: 5000, RSSPerView: rssPerView, CPUJoinUs: joinUs, CPUPageUs: 100, CPUClickUs: clickUs}
	s.Pages.OK, s.Joins.OK = 5000, 5000
	s.Traffic.Sent, s.Traffic.Received, s.Traffic.AllReplies, s.Traffic.Achieved = 5000, 5000, 6000, 500
	s.Traffic.Latency.P50Ms, s.Traffic.Latency.P99Ms = p99/2, p99
	s.Click = socketload.LiveReply{Status: "ok", FrameBytes: 93, Diff: json.RawMessage(`{"0":"1"}`), DiffBytes: 9}
	return s
}

// TestVsMarkdown: the table has one row per measure and transport, the
// ratio golive ÷ Phoenix and the verdict against ½.
func TestVsMarkdown(t *testing.T) {
	r := &vsResult{
		Command: "go run ./cmd/bench -scenarios vs-phoenix",
		Started: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC),
		Machine: machine{NumCPU: 2, CPUModel: "AMD EPYC", MemTotal: "23.5 GiB", Kernel: "6.18", GoVersion: "go1.26"},
		Options: vsOptions{Clients: 1000, Rate: 500, Views: 5000, Duration: 10 * time.Second, Warmup: 2 * time.Second,
			Transports: []string{socketload.WebSocket, socketload.LongPoll}},
		Sides: []*vsSide{
			vsTestSide(sideGo, socketload.WebSocket, 100, 0.6, 20<<10, 200),
			vsTestSide(sidePhoenix, socketload.WebSocket, 250, 1.3, 61<<10, 1500),
			vsTestSide(sideGo, socketload.LongPoll, 300, 2, 50<<10, 400),
		},
		Failures: []string{"Phoenix longpoll clicks: boom"},
	}
	md := r.markdown()
	for _, want := range []string{
		"**Machine:** 2 cores (AMD EPYC), 23.5 GiB, Linux 6.18, go1.26",
		"**Command:** `go run ./cmd/bench -scenarios vs-phoenix`",
		"| measure | transport | golive | Phoenix | ratio | target ≤ ½ Phoenix |",
		"| server CPU per click | WebSocket | 100 µs | 250 µs | 0.40 | **met** |",
		"| click round trip p50 | WebSocket | 0.30 ms | 0.65 ms | 0.46 | (reported) |",
		"| click round trip p99 | WebSocket | 0.60 ms | 1.30 ms | 0.46 | **met** |",
		"| memory per connected view (RSS) | WebSocket | 20.0 KiB | 61.0 KiB | 0.33 | **met** |",
		"| server CPU per join (connect + phx_join) | WebSocket | 200 µs | 1500 µs | 0.13 | **met** |",
		"| server CPU per page GET (dead render) | WebSocket | 100 µs | 100 µs | 1.00 | (reported) |",
		"| server CPU per click | LongPoll | 300 µs | — | — | not measured |",
		"| golive, WebSocket | 5000 / 5000 (500/s) | 0 |",
		"- Phoenix longpoll clicks: boom",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	// Over half is not met; a side with problems is flagged.
	r.Sides[0].CPUClickUs = 200
	r.Sides[1].Problems = []string{"clicks: 3 errors"}
	md = r.markdown()
	for _, want := range []string{
		"| server CPU per click | WebSocket | 200 µs | 250 µs | 0.80 | **not met** |",
		"| server CPU per join (connect + phx_join) | WebSocket | 200 µs | 1500 µs | 0.13 | met, but with errors (below) |",
		"- Phoenix WebSocket: clicks: 3 errors",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

// TestPhoenixBuilt: a scratch copy counts as built only when build.sh
// finished and every source file is the same as in the shared folder.
func TestPhoenixBuilt(t *testing.T) {
	src, dir := t.TempDir(), filepath.Join(t.TempDir(), "phoenix-ref")
	for name, body := range map[string]string{"build.sh": "#!/bin/sh\n", "lib/phoenix_ref/counter_live.ex": "defmodule X do end\n"} {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o444) // the shared folder is read-only
		if strings.HasSuffix(name, ".sh") {
			mode = 0o555
		}
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	if err := copyTree(src, dir); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(dir, "build.sh")); err != nil || st.Mode().Perm() != 0o755 {
		t.Fatalf("build.sh copied as %v, %v", st.Mode(), err)
	}
	if phoenixBuilt(src, dir) {
		t.Fatal("built before any build output")
	}
	for _, p := range []string{"_build/prod/lib/phoenix_ref/ebin/x.beam", "priv/static/app.js", "priv/static/assets/phoenix_live_view.js"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !phoenixBuilt(src, dir) {
		t.Fatal("not built after the build output appeared")
	}
	if err := os.WriteFile(filepath.Join(dir, "lib/phoenix_ref/counter_live.ex"), []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if phoenixBuilt(src, dir) {
		t.Fatal("built although a source differs")
	}
}
