package examples

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// How long the example's pretend back ends take: long enough to see the
// loading state, short enough for tests.
const (
	AsyncQuoteDelay    = 400 * time.Millisecond
	AsyncForecastDelay = 600 * time.Millisecond
	AsyncQuickReport   = 300 * time.Millisecond
	// AsyncSlowReport is long enough to cancel it, or to close the tab
	// while it runs.
	AsyncSlowReport = time.Minute
)

// AsyncQuote is the quote the example loads, AsyncForecastError why its
// forecast always fails, AsyncCrashyPanic what its third load panics with.
const (
	AsyncQuote         = "Simple is better than complex."
	AsyncForecastError = "forecast service unavailable"
	AsyncCrashyPanic   = "the crashy back end fell over"
)

// AsyncDemo is /examples/async: values loaded in the background with
// live.AssignAsync (one that succeeds, one that fails, one that panics)
// and a report job run with StartAsync that can be cancelled.
type AsyncDemo struct {
	quote    live.AsyncResult[string]
	forecast live.AsyncResult[string]
	crashy   live.AsyncResult[string]
	loads    int // quote loads so far, shown with the quote

	report      string // idle, running, done, cancelled, failed
	reportText  string
	reportRuns  int
	reportStart time.Time
}

// Mount implements live.View. On the dead render the three values show
// their loading state; the loads start when the browser connects.
func (v *AsyncDemo) Mount(s *live.Socket, p live.Params) error {
	s.SetTitle("Async")
	v.report = "idle"
	v.loadQuote(s)
	live.AssignAsync(s, &v.forecast, func(ctx context.Context) (string, error) {
		if err := pause(ctx, AsyncForecastDelay); err != nil {
			return "", err
		}
		return "", errors.New(AsyncForecastError)
	})
	v.loadCrashy(s)
	return nil
}

func (v *AsyncDemo) loadQuote(s *live.Socket) {
	n := v.loads + 1
	live.AssignAsync(s, &v.quote, func(ctx context.Context) (string, error) {
		if err := pause(ctx, AsyncQuoteDelay); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s (load %d)", AsyncQuote, n), nil
	})
	if s.Connected() {
		v.loads = n
	}
}

func (v *AsyncDemo) loadCrashy(s *live.Socket) {
	live.AssignAsync(s, &v.crashy, func(ctx context.Context) (string, error) {
		if err := pause(ctx, AsyncQuickReport); err != nil {
			return "", err
		}
		// The panic becomes the failed state; the view lives on.
		panic(AsyncCrashyPanic)
	})
}

// HandleEvent implements live.EventHandler.
func (v *AsyncDemo) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "reload-quote":
		v.loadQuote(s)
	case "reload-crashy":
		v.loadCrashy(s)
	case "quick-report", "slow-report":
		d := AsyncQuickReport
		if e.Name == "slow-report" {
			d = AsyncSlowReport
		}
		v.reportRuns++
		n := v.reportRuns
		// A newer run replaces a running one: its context ends.
		s.StartAsync("report", func(ctx context.Context) (any, error) {
			if err := pause(ctx, d); err != nil {
				return nil, err
			}
			return fmt.Sprintf("report %d: %d rows", n, 10*n), nil
		})
		v.report, v.reportText, v.reportStart = "running", fmt.Sprintf("report %d running…", n), time.Now()
	case "cancel-report":
		if !s.CancelAsync("report", errors.New("cancelled by the user")) {
			v.reportText = "no report running"
		}
	}
	return nil
}

// HandleAsync implements live.AsyncHandler: the report's outcome.
func (v *AsyncDemo) HandleAsync(s *live.Socket, name string, val any, err error) error {
	took := time.Since(v.reportStart).Round(time.Millisecond)
	switch {
	case errors.Is(err, live.ErrAsyncCanceled):
		v.report, v.reportText = "cancelled", fmt.Sprintf("%v (after %v)", err, took)
	case err != nil:
		v.report, v.reportText = "failed", err.Error()
	default:
		v.report, v.reportText = "done", fmt.Sprintf("%v (in %v)", val, took)
	}
	return nil
}

// Render implements live.View.
func (v *AsyncDemo) Render() templ.Component { return asyncPage(v) }

// pause waits d, or until ctx ends (the view left, the task was
// cancelled or replaced).
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// asyncState names an AsyncResult's state for data-state.
func asyncState[T any](r live.AsyncResult[T]) string {
	switch {
	case r.Loading():
		return "loading"
	case r.Failed():
		return "failed"
	case r.OK():
		return "ok"
	}
	return "idle"
}
