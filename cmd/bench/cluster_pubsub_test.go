package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// The scenario re-executes its binary as the node processes: under go test
// that binary is the test binary, which must then be a node, not run tests.
func init() {
	if code, ok := runAsClusterNode(); ok {
		os.Exit(code)
	}
}

// TestClusterPubSubSmoke runs the cluster-pubsub scenario briefly: two
// node processes on a throwaway PostgreSQL. It checks that every message
// was counted and measured, never how fast.
func TestClusterPubSubSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and two node processes")
	}
	o := defaultOptions()
	o.Duration, o.Warmup, o.QuietWait = time.Second, 0, 0
	o.Log = testWriter{t}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r, err := runClusterPubSub(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Phases) != 2 || len(r.Problems) != 0 {
		t.Fatalf("phases %d, problems %v", len(r.Phases), r.Problems)
	}
	for _, p := range r.Phases {
		if p.Published == 0 || p.Received != p.Published || p.Lost != 0 || p.OutOfOrder != 0 {
			t.Errorf("%s: published %d, received %d, lost %d, out of order %d", p.Name, p.Published, p.Received, p.Lost, p.OutOfOrder)
		}
		if p.P50Ms <= 0 || p.MaxMs < p.P99Ms || p.DeliveredPerSec <= 0 || p.Receiver.Received == 0 || !p.Sender.LinkUp {
			t.Errorf("%s: measurements missing: %+v", p.Name, p)
		}
	}
	if fixed := r.Phases[0]; fixed.Published < 900 || fixed.Published > 1000 {
		t.Errorf("fixed rate: published %d in 1 s at %.0f msg/s", fixed.Published, cpsRate)
	}
	if md := r.markdown(); !strings.Contains(md, "| fixed rate | ") || !strings.Contains(md, "| max throughput | ") {
		t.Errorf("report lacks the phases:\n%s", md)
	}
}
