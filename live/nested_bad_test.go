package live_test

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"go.uber.org/goleak"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/examples"
	"github.com/cortex-cinegraph/golive/live/livetest"
)

// ghostParent renders a child of a kind only its own engine registers.
type ghostParent struct{ kind *live.ChildView }

func (g *ghostParent) Mount(*live.Socket, live.Params) error { return nil }
func (g *ghostParent) Render() templ.Component {
	return live.Render(g.kind, "ghost", live.RenderOpts{})
}

type ghostChild struct{}

func (ghostChild) Mount(*live.Socket, live.Params) error { return nil }
func (ghostChild) Render() templ.Component               { return templ.Raw("<p>ghost</p>") }

// Child joins with tokens the server did not give this parent on this
// socket are refused with the reason the client acts on ("stale": it
// reloads the page), each cause logged once, and nothing else is hurt:
// the parent and its real children keep working, nothing is left running.
func TestNestedBadChildJoins(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	logs := &logBuf{}
	env := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) { examples.Register(e, mux) },
		livetest.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))))
	// Another node of the deployment (the same secret) that knows one more
	// child kind than env.
	other := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		kind := e.Child("test.ghost", func() live.View { return ghostChild{} })
		e.Session("g").Handle(mux, "GET /ghost", "test.ghost-parent", func() live.View { return &ghostParent{kind: kind} })
	})

	v := env.Live("/examples/nested")
	a, err := v.Child("child-a")
	if err != nil {
		t.Fatal(err)
	}
	tok := v.Attrs("#child-b", "data-phx-session")[0]

	refused := func(what string, err error) {
		t.Helper()
		var je *livetest.JoinError
		if !errors.As(err, &je) || je.Reason != "stale" {
			t.Fatalf("%s: %v, want a join refused as stale", what, err)
		}
	}
	forged := tok[:len(tok)/2] + strings.Repeat("A", 4) + tok[len(tok)/2+4:]
	for i := 0; i < 3; i++ { // repeats are not logged again
		_, err := v.JoinChild("child-b", forged)
		refused("forged token", err)
	}
	// A token the server signed, but for a parent on another socket.
	v2 := env.Live("/examples/nested")
	_, err = v.JoinChild("child-b", v2.Attrs("#child-b", "data-phx-session")[0])
	refused("another socket's token", err)
	// A parent that has ended (a child's token comes with its parent's
	// join, never in the dead render).
	if got := env.Get("/examples/nested").Attrs("#child-b", "data-phx-session"); len(got) != 1 || got[0] != "" {
		t.Fatalf("dead render's child session = %q, want empty", got)
	}
	v3 := env.Live("/examples/nested")
	gone := v3.Attrs("#child-b", "data-phx-session")[0]
	v3.Close()
	// The server forgets v3 just after its socket closes: until then the
	// join is refused as from another socket.
	for deadline := time.Now().Add(5 * time.Second); logs.count("parent is not connected") == 0; {
		if time.Now().After(deadline) {
			t.Fatalf("a child of an ended parent never refused as such:\n%s", logs.b.String())
		}
		_, err = v.JoinChild("child-b", gone)
		refused("ended parent", err)
	}
	// A child kind this engine does not register.
	_, err = v.JoinChild("ghost", other.Live("/ghost").Attrs("#ghost", "data-phx-session")[0])
	refused("unknown child kind", err)
	// A real token on the wrong topic.
	_, err = v.JoinChild("child-x", tok)
	refused("topic of another child", err)

	for _, why := range []string{
		"live view join refused: session token",
		"live view join refused: child view's parent is on another socket",
		"live view join refused: child view's parent is not connected",
		"live view join refused: child session token names an unknown child view",
		"live view join refused: topic does not match the child session token's view id",
	} {
		if n := logs.count(why); n != 1 {
			t.Errorf("%q logged %d times, want once:\n%s", why, n, logs.b.String())
		}
	}
	// The parent, its child and the real token still work.
	if err := a.Click("#child-a-inc"); err != nil || a.Text("#child-a-count") != "1" {
		t.Fatalf("child a after the refusals: %v %s", err, a.HTML())
	}
	b, err := v.Child("child-b")
	if err != nil {
		t.Fatalf("the real child b: %v", err)
	}
	if err := b.Click("#child-b-inc"); err != nil || b.Text("#child-b-count") != "1" {
		t.Fatalf("child b: %v %s", err, b.HTML())
	}
	if err := v.Click("#parent-inc"); err != nil || v.Text("#parent-count") != "1" {
		t.Fatalf("parent after the refusals: %v", err)
	}
	env.Close()
	other.Close()
}

// A child's crash is logged once, with the view's name (not a second time
// by the transport), and only that child ends.
func TestNestedChildCrashLoggedOnce(t *testing.T) {
	logs := &logBuf{}
	env := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) { examples.Register(e, mux) },
		livetest.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))))
	v := env.Live("/examples/nested")
	b, err := v.Child("child-b")
	if err != nil {
		t.Fatal(err)
	}
	_ = b.Click("#child-b-crash")
	if err := b.AwaitEnd(); !errors.Is(err, livetest.ErrViewCrashed) {
		t.Fatalf("child b after crash: %v, want ErrViewCrashed", err)
	}
	if err := v.Click("#parent-inc"); err != nil || v.Text("#parent-count") != "1" {
		t.Fatalf("parent after its child crashed: %v", err)
	}
	if n := strings.Count(logs.b.String(), "level=ERROR"); n != 1 {
		t.Fatalf("%d error lines for one crash, want 1:\n%s", n, logs.b.String())
	}
	if !strings.Contains(logs.b.String(), "live view panicked") || !strings.Contains(logs.b.String(), "view=examples.nested.counter") {
		t.Fatalf("crash log lacks the view:\n%s", logs.b.String())
	}
}
