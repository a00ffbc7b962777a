package status

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/pubsub"
	"github.com/cortex-cinegraph/golive/status/symbiont"
	"github.com/cortex-cinegraph/golive/status/symbiont/standin"
)

func TestFormatTimeShowsUnparsableRaw(t *testing.T) {
	for in, want := range map[string]string{
		"2026-11-22T04:22:29Z":           "2026-11-22 04:22:29 UTC",
		"2026-11-22T05:22:29+01:00":      "2026-11-22 04:22:29 UTC",
		"2026-11-22T04:22:29.123456":     "2026-11-22 04:22:29 UTC",
		"2026-11-22T04:22:29.123456789Z": "2026-11-22 04:22:29 UTC",
		"yesterday-ish":                  "yesterday-ish",
		"2026-13-45T99:99:99Z":           "2026-13-45T99:99:99Z",
		"":                               "never",
	} {
		if got := FormatTime(in); got != want {
			t.Errorf("FormatTime(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseServicesTolerant(t *testing.T) {
	raw := map[string]any{"services": []any{
		map[string]any{"name": "b", "state": "up", "checked_at": "2026-11-22T04:22:29Z"},
		map[string]any{"name": "a", "state": "exploded"},
		map[string]any{"state": "down", "error": "boom"},
		"not an object",
		42.0,
	}}
	got := parseServices(raw)
	if len(got) != 3 {
		t.Fatalf("got %d services: %+v", len(got), got)
	}
	if got[0].Name != "(unnamed)" || got[0].State != "down" || got[0].Error != "boom" {
		t.Errorf("unnamed service: %+v", got[0])
	}
	if got[1].Name != "a" || got[1].State != "unknown" {
		t.Errorf("unknown state not normalised: %+v", got[1])
	}
	if got[2].Name != "b" || got[2].State != "up" {
		t.Errorf("b: %+v", got[2])
	}
	if s := parseServices(map[string]any{"services": "nope"}); len(s) != 0 {
		t.Errorf("non-list services: %+v", s)
	}
}

// In a cluster only the leader's checker asks the API; the others keep
// what it publishes as their last known state.
func TestCheckerOnlyLeaderAsks(t *testing.T) {
	api := func(state string) (*standin.Server, string) {
		s := standin.New()
		s.SetServices([]standin.Service{{Name: "db", State: state, CheckedAt: "2026-11-22T04:22:29Z"}})
		srv := httptest.NewServer(s)
		t.Cleanup(srv.Close)
		return s, srv.URL
	}
	leaderAPI, leaderURL := api("down")
	followerAPI, followerURL := api("up")
	ps := pubsub.NewLocal()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	run := func(url string, leader bool) *Checker {
		c := &Checker{Client: &symbiont.Client{BaseURL: url}, PubSub: ps, Interval: 20 * time.Millisecond,
			Leader: func() bool { return leader }}
		wg.Add(1)
		go func() { defer wg.Done(); c.Run(ctx) }()
		return c
	}
	follower := run(followerURL, false)
	run(leaderURL, true)
	deadline := time.Now().Add(5 * time.Second)
	for leaderAPI.Calls("status") < 5 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	if n := followerAPI.Calls("status"); n != 0 {
		t.Errorf("the follower asked its API %d times, want 0", n)
	}
	if got := follower.Last().Services; len(got) != 1 || got[0].State != "down" {
		t.Fatalf("follower's last state = %+v, want the leader's update (db down)", got)
	}
}
