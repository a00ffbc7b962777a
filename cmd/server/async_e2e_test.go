package main

// Async work in the browser: TestAsyncBrowser runs
// assets/e2e/async_browser.mjs against /examples/async per client line,
// over WebSocket and then LongPoll, with the featHarness of
// features_e2e_test.go (it checks on the server which transport each run
// used) and GET /async for the engine's running async tasks.

import (
	"net/http"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/internal/e2e"
	"github.com/cortex-cinegraph/golive/live/examples"
)

func TestAsyncBrowser(t *testing.T) {
	chromium := e2e.RequireChromium(t)
	e2e.RequireAssets(t, "app.js", "app-1.1.js", "app-1.0.js")
	for _, line := range featLines {
		t.Run("client-"+line, func(t *testing.T) {
			t.Parallel()
			h := newFeatHarness(t, line)
			ctl := h.control(t)
			ctl.Handle("GET /async", func(*http.Request) (any, error) {
				es := h.st.Engine.Stats()
				return map[string]int64{"tasks": es.AsyncTasks.Load(), "views": es.Views.Load(), "crashes": es.Crashes.Load()}, nil
			})
			e2e.RunNode(t, "async_browser.mjs", map[string]string{
				"E2E_URL":            h.srv.URL(),
				"E2E_CONTROL":        ctl.URL(),
				"CHROMIUM_PATH":      chromium,
				"E2E_CLIENT_LINE":    line,
				"E2E_CLIENT_VSN":     h.st.Config.ClientVersion(),
				"E2E_QUOTE":          examples.AsyncQuote,
				"E2E_FORECAST_ERROR": examples.AsyncForecastError,
				"E2E_CRASHY_PANIC":   examples.AsyncCrashyPanic,
			}, 115*time.Second)
			h.checkTransports(t)
			if c := h.st.Engine.Stats().Crashes.Load(); c != 0 {
				t.Errorf("%d view crashes", c)
			}
		})
	}
}
