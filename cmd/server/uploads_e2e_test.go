package main

// File uploads in the browser: TestUploadsBrowser runs
// assets/e2e/uploads_browser.mjs against /examples/uploads per client
// line, over WebSocket and then LongPoll, with the featHarness of
// features_e2e_test.go and GET /uploads for the files left in the
// server's upload dir.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
	"github.com/cortex-cinegraph/golive/internal/e2e"
	"github.com/cortex-cinegraph/golive/live/examples"
)

func TestUploadsBrowser(t *testing.T) {
	chromium := e2e.RequireChromium(t)
	e2e.RequireAssets(t, "app.js", "app-1.1.js", "app-1.0.js")
	for _, line := range featLines {
		t.Run("client-"+line, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			h := newFeatHarness(t, line, func(c *app.Config) { c.UploadDir = dir })
			ctl := h.control(t)
			ctl.Handle("GET /uploads", func(*http.Request) (any, error) {
				ents, err := os.ReadDir(dir)
				return map[string]int64{"files": int64(len(ents)), "crashes": h.st.Engine.Stats().Crashes.Load()}, err
			})
			e2e.RunNode(t, "uploads_browser.mjs", map[string]string{
				"E2E_URL":           h.srv.URL(),
				"E2E_CONTROL":       ctl.URL(),
				"CHROMIUM_PATH":     chromium,
				"E2E_CLIENT_LINE":   line,
				"E2E_CLIENT_VSN":    h.st.Config.ClientVersion(),
				"E2E_AUTO_MAX_SIZE": strconv.Itoa(examples.UploadsAutoMaxSize),
			}, 170*time.Second)
			h.checkTransports(t)
			if c := h.st.Engine.Stats().Crashes.Load(); c != 0 {
				t.Errorf("%d view crashes", c)
			}
		})
	}
}

// TestUpload100MBBoundedHeap uploads 100 MB over WebSocket in 64 000-byte
// chunks (socketload.UploadFile, as the JS client sends them) and samples
// the heap meanwhile: chunks go straight to the temporary file, so the
// heap in use must grow by far less than the file.
func TestUpload100MBBoundedHeap(t *testing.T) {
	dir := t.TempDir()
	h := newFeatHarness(t, "1.2", func(c *app.Config) { c.UploadDir = dir })
	const size = 100 << 20
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	sum := sha256.New()
	src := io.TeeReader(io.LimitReader(rand.NewChaCha8([32]byte{1}), size), sum)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := socketload.UploadFile(ctx, socketload.UploadConfig{
		Base: h.srv.URL(), Path: "/examples/uploads/big?chunk=64000", Input: "file", Change: "validate", Submit: "save",
	}, "big.bin", size, src)
	close(stop)
	<-sampled
	if err != nil {
		t.Fatal(err)
	}
	want := hex.EncodeToString(sum.Sum(nil))
	if !strings.Contains(string(res.SubmitReply), want) || !strings.Contains(string(res.SubmitReply), strconv.Itoa(size)) {
		t.Fatalf("submit reply does not show the file's size and SHA-256 %s: %.500s", want, res.SubmitReply)
	}
	growth := int64(peak.Load()) - int64(base)
	t.Logf("100 MB in %v (%.0f MB/s); heap in use grew by at most %.1f MB", res.Duration, float64(size)/1e6/res.Duration.Seconds(), float64(growth)/1e6)
	if growth > 24<<20 {
		t.Fatalf("heap in use grew by %d MB while uploading 100 MB", growth>>20)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("temporary files left: %d", len(ents))
	}
}
