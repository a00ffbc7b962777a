package live_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/livetest"
)

// crashView's Mount crashes (live.ErrCrash) in the dead render (dead) or
// once connected (connected); it may render a child that does the same.
type crashView struct {
	dead, connected bool
	child           *live.ChildView
	count           int
}

func (v *crashView) Mount(s *live.Socket, _ live.Params) error {
	if s.Connected() && v.connected || !s.Connected() && v.dead {
		return fmt.Errorf("boom: %w", live.ErrCrash)
	}
	return nil
}

func (v *crashView) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "inc" {
		v.count++
	}
	return nil
}

func (v *crashView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if _, err := io.WriteString(w, `<p id="count">`+strconv.Itoa(v.count)+`</p><button id="inc" phx-click="inc">+1</button>`); err != nil {
			return err
		}
		if v.child == nil {
			return nil
		}
		return live.Render(v.child, "child", live.RenderOpts{}).Render(ctx, w)
	})
}

func crashRoutes(e *live.Engine, mux *http.ServeMux) {
	ls := e.Session("default")
	deadChild := e.Child("crash.dead", func() live.View { return &crashView{dead: true} })
	joinChild := e.Child("crash.join", func() live.View { return &crashView{connected: true} })
	ls.Handle(mux, "GET /ok", "ok", func() live.View { return &crashView{} })
	ls.Handle(mux, "GET /crash/dead", "crash.dead", func() live.View { return &crashView{dead: true} })
	ls.Handle(mux, "GET /crash/join", "crash.join", func() live.View { return &crashView{connected: true} })
	ls.Handle(mux, "GET /crash/child-dead", "crash.child-dead", func() live.View { return &crashView{child: deadChild} })
	ls.Handle(mux, "GET /crash/child-join", "crash.child-join", func() live.View { return &crashView{child: joinChild} })
	ls.Handle(mux, "GET /error/join", "error.join", func() live.View {
		return &errOnJoin{}
	})
}

// errOnJoin's connected Mount fails with a plain error: the error view.
type errOnJoin struct{}

func (errOnJoin) Mount(s *live.Socket, _ live.Params) error {
	if s.Connected() {
		return errors.New("no catalogue")
	}
	return nil
}
func (errOnJoin) Render() templ.Component { return templ.Raw(`<p id="fine">fine</p>`) }

// A mount crash in the dead render (the view's or a child's) answers a
// bare 500 page: no layout, so no client that would mount again.
func TestCrashDeadRender(t *testing.T) {
	env := livetest.New(t, crashRoutes)
	for _, path := range []string{"/crash/dead", "/crash/child-dead"} {
		p := env.Get(path)
		if p.Status != http.StatusInternalServerError || strings.TrimSpace(p.Body) != "Internal Server Error" {
			t.Errorf("GET %s: %d %q, want 500 and a bare error page", path, p.Status, p.Body)
		}
	}
}

// A connected mount crash refuses the join with "join crashed" (the client
// reloads the page), where a plain mount error shows the error view.
func TestCrashJoin(t *testing.T) {
	env := livetest.New(t, crashRoutes)
	v := env.Live("/ok")
	var je *livetest.JoinError
	if err := v.Navigate("/crash/join"); !errors.As(err, &je) || je.Reason != "join crashed" {
		t.Fatalf("join of a view whose mount crashed: %v, want refused with join crashed", err)
	}
	w := env.Live("/error/join")
	if !w.Has("[data-live-error]") {
		t.Fatalf("plain mount error: want the error view, got %s", w.HTML())
	}
}

// A child whose connected mount crashes is refused alone (the client
// retries its join); its parent goes on.
func TestCrashChildJoin(t *testing.T) {
	env := livetest.New(t, crashRoutes)
	v := env.Live("/crash/child-join")
	for range 2 {
		var je *livetest.JoinError
		if _, err := v.Child("child"); !errors.As(err, &je) || je.Reason != "join crashed" {
			t.Fatalf("child join: %v, want refused with join crashed", err)
		}
	}
	if err := v.Click("#inc"); err != nil {
		t.Fatal(err)
	}
	if got := v.Text("#count"); got != "1" {
		t.Fatalf("parent count after its child's crashes = %q, want 1", got)
	}
}
