package examples_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/live/examples"
	"github.com/cortex-cinegraph/golive/live/livetest"
)

func TestAsync(t *testing.T) {
	perLine(t, func(t *testing.T, env *livetest.Env) {
		p := env.Get("/examples/async")
		for _, id := range []string{"quote", "forecast", "crashy"} {
			if got := p.Text("#" + id + " .loading"); !strings.HasPrefix(got, "Loading") {
				t.Fatalf("dead render #%s: %q, want the loading state", id, got)
			}
		}
		v := env.Live("/examples/async")
		equal(t, "joined quote loading", v.Has("#quote .loading"), true)
		noErr(t, v.AwaitAsync())
		equal(t, "quote", v.Text("#quote-result"), examples.AsyncQuote+" (load 1)")
		equal(t, "quote still loading", v.Has("#quote .loading"), false)
		equal(t, "forecast", v.Text("#forecast-error"), "Could not load the forecast: "+examples.AsyncForecastError)
		equal(t, "crashy", v.Text("#crashy-error"), "panic: "+examples.AsyncCrashyPanic)
		equalList(t, "states", v.Attrs("section", "data-state"), []string{"ok", "failed", "failed", "idle"})

		// A reload shows loading and keeps the previous quote meanwhile.
		noErr(t, v.Click("#reload-quote"))
		equal(t, "reloading", v.Has("#quote .loading"), true)
		equal(t, "quote while reloading", v.Text("#quote-result"), examples.AsyncQuote+" (load 1)")
		noErr(t, v.AwaitAsync())
		equal(t, "reloaded quote", v.Text("#quote-result"), examples.AsyncQuote+" (load 2)")

		noErr(t, v.Click("#quick-report"))
		equal(t, "report", v.Text("#report-text"), "report 1 running…")
		noErr(t, v.AwaitAsync())
		equalList(t, "report state", v.Attrs("#report", "data-state"), []string{"done"})
		if got := v.Text("#report-text"); !strings.HasPrefix(got, "report 1: 10 rows (in ") {
			t.Fatalf("report = %q", got)
		}

		noErr(t, v.Click("#slow-report"))
		equalList(t, "slow report state", v.Attrs("#report", "data-state"), []string{"running"})
		noErr(t, v.Click("#cancel-report"))
		noErr(t, v.AwaitAsync())
		equalList(t, "cancelled report state", v.Attrs("#report", "data-state"), []string{"cancelled"})
		if got := v.Text("#report-text"); !strings.HasPrefix(got, "live: async task canceled: cancelled by the user (after ") {
			t.Fatalf("cancelled report = %q", got)
		}
		noErr(t, v.Click("#cancel-report"))
		equal(t, "second cancel", v.Text("#report-text"), "no report running")

		// A slow report left running ends with the view (TestMain checks
		// that no goroutine is left).
		noErr(t, v.Click("#slow-report"))
		// The cancelled job's goroutine may still be on its way out (its
		// outcome was posted at the cancel): wait for it, then count.
		deadline := time.Now().Add(5 * time.Second)
		for env.Engine.Stats().AsyncTasks.Load() > 1 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		equal(t, "running tasks", env.Engine.Stats().AsyncTasks.Load(), int64(1))
		v.Close()
		env.Close()
		equal(t, "running tasks after the view ended", env.Engine.Stats().AsyncTasks.Load(), int64(0))
	})
}
