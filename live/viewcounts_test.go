package live_test

import (
	"context"
	"io"
	"maps"
	"net/http"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/livetest"
)

type countedView struct{}

func (countedView) Mount(*live.Socket, live.Params) error { return nil }

func (countedView) Render() templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, `<p>plain</p>`)
		return err
	})
}

// waitCounts waits for the engine's per-name counts to equal want: a view
// ends on its channel's goroutine shortly after the client leaves.
func waitCounts(t *testing.T, e *live.Engine, want map[string]int) {
	t.Helper()
	var got map[string]int
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if got = e.ViewCounts(); maps.Equal(got, want) {
			return
		}
	}
	t.Fatalf("view counts = %v, want %v", got, want)
}

// TestViewCounts: connected views are counted per view name as they
// join, navigate to another view and end; the dead render counts nothing.
func TestViewCounts(t *testing.T) {
	env := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		ls := e.Session("s")
		ls.Handle(mux, "GET /a", "view.a", func() live.View { return countedView{} })
		ls.Handle(mux, "GET /b", "view.b", func() live.View { return countedView{} })
	})
	if got := env.Engine.ViewCounts(); len(got) != 0 {
		t.Fatalf("counts before any view = %v", got)
	}
	env.Get("/a")
	if got := env.Engine.ViewCounts(); len(got) != 0 {
		t.Fatalf("a dead render counted: %v", got)
	}
	a1, a2 := env.Live("/a"), env.Live("/a")
	b := env.Live("/b")
	waitCounts(t, env.Engine, map[string]int{"view.a": 2, "view.b": 1})

	// The map is a copy.
	env.Engine.ViewCounts()["view.a"] = 99
	waitCounts(t, env.Engine, map[string]int{"view.a": 2, "view.b": 1})

	if err := a2.Navigate("/b"); err != nil {
		t.Fatal(err)
	}
	waitCounts(t, env.Engine, map[string]int{"view.a": 1, "view.b": 2})
	a1.Close()
	waitCounts(t, env.Engine, map[string]int{"view.b": 2})
	b.Close()
	a2.Close()
	waitCounts(t, env.Engine, map[string]int{})
}
