package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
)

// TestUploadsQuick runs the uploads scenario at smoke size (1 MiB files,
// three concurrent clients) against a freshly built liveserver: every
// upload must arrive whole (the scenario checks each SHA-256), no
// temporary file may be left, and the report must show both transports
// and the RSS line; never how fast.
func TestUploadsQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs cmd/liveserver")
	}
	o := defaultOptions()
	o.quick()
	o.Log = testWriter{t}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r, err := runUploads(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) > 0 {
		t.Fatalf("problems: %v", r.Problems)
	}
	if len(r.Runs) != 2 || r.Runs[0].Transport != socketload.WebSocket || r.Runs[1].Transport != socketload.LongPoll {
		t.Fatalf("runs: %+v", r.Runs)
	}
	for _, x := range r.Runs {
		if x.Bytes != o.Upload.Size || x.MBps <= 0 {
			t.Errorf("%s: %d bytes of %d at %.1f MB/s", x.Transport, x.Bytes, o.Upload.Size, x.MBps)
		}
	}
	if m := r.Mem; m == nil || m.Completed != o.Upload.Clients || m.RSSBefore == 0 || m.RSSPeak < m.RSSBefore {
		t.Fatalf("concurrent part: %+v", r.Mem)
	}
	md := r.markdown()
	for _, want := range []string{"| websocket |", "| longpoll |", "3 clients uploading 1 MiB each", "at peak"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}
