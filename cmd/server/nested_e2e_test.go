package main

// Nested live views in the browser: TestNestedBrowser runs
// assets/e2e/nested_browser.mjs against /examples/nested per client line,
// over WebSocket and then LongPoll, with the featHarness of
// features_e2e_test.go. Each transport run crashes one child on purpose.

import (
	"net/http"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/internal/e2e"
)

func TestNestedBrowser(t *testing.T) {
	chromium := e2e.RequireChromium(t)
	e2e.RequireAssets(t, "app.js", "app-1.1.js", "app-1.0.js")
	for _, line := range featLines {
		t.Run("client-"+line, func(t *testing.T) {
			t.Parallel()
			h := newFeatHarness(t, line)
			ctl := h.control(t)
			ctl.Handle("GET /views", func(*http.Request) (any, error) {
				es := h.st.Engine.Stats()
				return map[string]int64{"views": es.Views.Load(), "crashes": es.Crashes.Load()}, nil
			})
			e2e.RunNode(t, "nested_browser.mjs", map[string]string{
				"E2E_URL":         h.srv.URL(),
				"E2E_CONTROL":     ctl.URL(),
				"CHROMIUM_PATH":   chromium,
				"E2E_CLIENT_LINE": line,
				"E2E_CLIENT_VSN":  h.st.Config.ClientVersion(),
			}, 115*time.Second)
			h.checkTransports(t)
			// One deliberate child crash per transport, nothing else.
			if c := h.st.Engine.Stats().Crashes.Load(); c != 2 {
				t.Errorf("%d view crashes, want 2 (one child per transport)", c)
			}
		})
	}
}
