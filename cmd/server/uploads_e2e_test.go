package main

// File uploads in the browser: TestUploadsBrowser runs
// assets/e2e/uploads_browser.mjs against /examples/uploads per client
// line, over WebSocket and then LongPoll, with the featHarness of
// features_e2e_test.go and GET /uploads for the files left in the
// server's upload dir.

import (
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
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
