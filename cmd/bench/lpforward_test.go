package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestLPForwardQuick runs lp-forward at smoke size: two echoserver nodes,
// the load once on a and once through b. It checks that every ping was
// answered, that b forwarded in the second run only and never held a
// session, and that the report shows both runs; never how fast.
func TestLPForwardQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two echoservers")
	}
	o := defaultOptions()
	o.quick()
	o.Duration = time.Second
	o.Log = testWriter{t}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := runLPForward(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if p := r.problems(); len(p) > 0 {
		t.Fatalf("problems: %v", p)
	}
	for _, x := range []*lpForwardRun{r.Same, r.Via} {
		tr := x.Traffic
		if x.Open.Joined != r.Sessions || tr.Sent < 190 || tr.Received != tr.Sent || tr.Errors != 0 {
			t.Errorf("%s: joined %d of %d, sent %d, received %d, errors %d (%s)",
				x.Name, x.Open.Joined, r.Sessions, tr.Sent, tr.Received, tr.Errors, tr.FirstError)
		}
		if x.StatsB["LongPollSessions"] != 0 || x.StatsA["LongPollSessions"] < int64(r.Sessions) {
			t.Errorf("%s: sessions on a %d, on b %d", x.Name, x.StatsA["LongPollSessions"], x.StatsB["LongPollSessions"])
		}
	}
	if r.Same.ForwardedB != 0 || r.Via.ForwardedB < r.Via.Traffic.Polls+r.Via.Traffic.Posts-int64(r.Sessions) {
		t.Errorf("b forwarded %d (same node) and %d (via b, %d polls + %d posts)",
			r.Same.ForwardedB, r.Via.ForwardedB, r.Via.Traffic.Polls, r.Via.Traffic.Posts)
	}
	md := r.markdown()
	for _, want := range []string{"| same node |", "| via another node |", "Added by the other node"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}
