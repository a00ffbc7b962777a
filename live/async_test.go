package live_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/a-h/templ"
	"go.uber.org/goleak"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/livetest"
)

// asyncView is a view whose async work each test defines: mount runs in
// Mount (dead and connected), event on every click.
type asyncView struct {
	org   live.AsyncResult[string]
	outs  []string // HandleAsync outcomes, in order
	mount func(s *live.Socket, v *asyncView)
	event func(s *live.Socket, v *asyncView, name string)
}

func (v *asyncView) Mount(s *live.Socket, _ live.Params) error {
	if v.mount != nil {
		v.mount(s, v)
	}
	return nil
}

func (v *asyncView) HandleEvent(s *live.Socket, e live.Event) error {
	if v.event != nil {
		v.event(s, v, e.Name)
	}
	return nil
}

func (v *asyncView) HandleAsync(s *live.Socket, name string, val any, err error) error {
	if err != nil {
		v.outs = append(v.outs, name+" failed: "+err.Error())
	} else {
		v.outs = append(v.outs, fmt.Sprintf("%s ok: %v", name, val))
	}
	return nil
}

// state renders an AsyncResult as "loading", "ok:R", "failed:E" joined by
// spaces ("" when idle).
func state[T any](r live.AsyncResult[T]) string {
	var p []string
	if r.Loading() {
		p = append(p, "loading")
	}
	if r.OK() {
		p = append(p, fmt.Sprintf("ok:%v", r.Result()))
	}
	if r.Failed() {
		p = append(p, "failed:"+r.Err().Error())
	}
	return strings.Join(p, " ")
}

func (v *asyncView) Render() templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<p id="org">%s</p><p id="outs">%s</p><button id="b" phx-click="b">b</button><button id="c" phx-click="c">c</button>`,
			html.EscapeString(state(v.org)), html.EscapeString(strings.Join(v.outs, "; ")))
		return err
	})
}

// asyncEnv serves one asyncView made by mk at /a.
func asyncEnv(t *testing.T, mk func() *asyncView, opts ...livetest.Option) *livetest.Env {
	return livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		e.Session("t").Handle(mux, "GET /a", "t.a", func() live.View { return mk() })
	}, opts...)
}

// gate is a load function that blocks until released (or its context
// ends) and counts its runs.
type gate struct {
	release chan struct{}
	runs    atomic.Int32
	val     string
	err     error
}

func newGate(val string, err error) *gate {
	return &gate{release: make(chan struct{}), val: val, err: err}
}

func (g *gate) load(ctx context.Context) (string, error) {
	g.runs.Add(1)
	select {
	case <-g.release:
		return g.val, g.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func TestAsyncResultTransitions(t *testing.T) {
	var r live.AsyncResult[int]
	if state(r) != "" {
		t.Fatalf("zero value = %q, want idle", state(r))
	}
	r.SetLoading()
	r.SetOK(1)
	r.SetLoading()
	if got := state(r); got != "loading ok:1" {
		t.Fatalf("reloading = %q: the previous result stays while loading", got)
	}
	r.SetFailed(errors.New("x"))
	if got := state(r); got != "ok:1 failed:x" {
		t.Fatalf("failed reload = %q", got)
	}
	r.SetLoading()
	if got := state(r); got != "loading ok:1" {
		t.Fatalf("loading after failure = %q: the failure is cleared", got)
	}
	r.SetFailed(nil)
	if !r.Failed() || r.Err() == nil {
		t.Fatal("SetFailed(nil) does not fail")
	}
	r.SetOK(2)
	if got := state(r); got != "ok:2" {
		t.Fatalf("ok = %q", got)
	}
}

// The dead render shows loading and runs nothing; the connected mount runs
// the load; its outcome arrives as a diff; a reload keeps the old result
// while loading and after failing.
func TestAssignAsyncStates(t *testing.T) {
	for _, line := range livetest.Lines {
		t.Run(line, func(t *testing.T) {
			ok, bad := newGate("Acme", nil), newGate("", errors.New("upstream down"))
			env := asyncEnv(t, func() *asyncView {
				return &asyncView{
					mount: func(s *live.Socket, v *asyncView) { live.AssignAsync(s, &v.org, ok.load) },
					event: func(s *live.Socket, v *asyncView, _ string) { live.AssignAsync(s, &v.org, bad.load) },
				}
			}, livetest.WithClient(line))
			p := env.Get("/a")
			if got := p.Text("#org"); got != "loading" {
				t.Fatalf("dead render #org = %q, want loading", got)
			}
			if n := ok.runs.Load(); n != 0 {
				t.Fatalf("the dead render ran the load %d times", n)
			}
			v := env.Live("/a")
			if got := v.Text("#org"); got != "loading" {
				t.Fatalf("joined #org = %q, want loading", got)
			}
			close(ok.release)
			if err := v.AwaitAsync(); err != nil {
				t.Fatal(err)
			}
			if got := v.Text("#org"); got != "ok:Acme" {
				t.Fatalf("#org = %q, want ok:Acme", got)
			}
			if n := ok.runs.Load(); n != 1 {
				t.Fatalf("load ran %d times, want 1 (connected mount only)", n)
			}
			if err := v.Click("#b"); err != nil {
				t.Fatal(err)
			}
			if got := v.Text("#org"); got != "loading ok:Acme" {
				t.Fatalf("reloading #org = %q", got)
			}
			close(bad.release)
			if err := v.AwaitAsync(); err != nil {
				t.Fatal(err)
			}
			if got := v.Text("#org"); got != "ok:Acme failed:upstream down" {
				t.Fatalf("failed reload #org = %q", got)
			}
		})
	}
}

// The outcome is pushed by itself, without the test asking: a diff push
// the client applies when it arrives.
func TestAssignAsyncPushesDiff(t *testing.T) {
	g := newGate("pushed", nil)
	env := asyncEnv(t, func() *asyncView {
		return &asyncView{mount: func(s *live.Socket, v *asyncView) { live.AssignAsync(s, &v.org, g.load) }}
	})
	v := env.Live("/a")
	close(g.release)
	deadline := time.Now().Add(5 * time.Second)
	for v.Text("#org") != "ok:pushed" {
		if time.Now().After(deadline) {
			t.Fatalf("#org = %q, no diff pushed", v.Text("#org"))
		}
		// Sync reads the frames that have arrived; it does not wait for
		// the async work.
		if err := v.Sync(); err != nil {
			t.Fatal(err)
		}
	}
}

// A panic in the task is the failed state; the view lives on.
func TestAsyncPanic(t *testing.T) {
	env := asyncEnv(t, func() *asyncView {
		return &asyncView{
			mount: func(s *live.Socket, v *asyncView) {
				live.AssignAsync(s, &v.org, func(context.Context) (string, error) { panic("kaboom") })
			},
			event: func(s *live.Socket, v *asyncView, _ string) {
				s.StartAsync("job", func(context.Context) (any, error) { panic(errors.New("job kaboom")) })
			},
		}
	})
	v := env.Live("/a")
	if err := v.AwaitAsync(); err != nil {
		t.Fatal(err)
	}
	if got := v.Text("#org"); got != "failed:panic: kaboom" {
		t.Fatalf("#org = %q", got)
	}
	if err := v.Click("#b"); err != nil {
		t.Fatal(err)
	}
	if err := v.AwaitAsync(); err != nil {
		t.Fatal(err)
	}
	if got := v.Text("#outs"); got != "job failed: panic: job kaboom" {
		t.Fatalf("#outs = %q", got)
	}
	if c := env.Engine.Stats().Crashes.Load(); c != 0 {
		t.Fatalf("%d view crashes", c)
	}
}

// A second AssignAsync of the same result replaces the first: its context
// ends and its outcome never shows.
func TestAssignAsyncReplaced(t *testing.T) {
	first := make(chan error, 1)
	second := newGate("second", nil)
	env := asyncEnv(t, func() *asyncView {
		return &asyncView{
			mount: func(s *live.Socket, v *asyncView) {
				if !s.Connected() {
					return
				}
				live.AssignAsync(s, &v.org, func(ctx context.Context) (string, error) {
					<-ctx.Done()
					first <- context.Cause(ctx)
					return "first", nil // late and unwanted
				})
			},
			event: func(s *live.Socket, v *asyncView, _ string) { live.AssignAsync(s, &v.org, second.load) },
		}
	})
	v := env.Live("/a")
	if err := v.Click("#b"); err != nil {
		t.Fatal(err)
	}
	if cause := <-first; cause == nil || !strings.Contains(cause.Error(), "replaced") {
		t.Fatalf("first task's context cause = %v, want replaced", cause)
	}
	close(second.release)
	if err := v.AwaitAsync(); err != nil {
		t.Fatal(err)
	}
	if got := v.Text("#org"); got != "ok:second" {
		t.Fatalf("#org = %q", got)
	}
}

var errLeaving = errors.New("user left")

// CancelAssignAsync fails the result at once and ends the task's context
// with the reason.
func TestCancelAssignAsync(t *testing.T) {
	cause := make(chan error, 1)
	env := asyncEnv(t, func() *asyncView {
		return &asyncView{
			mount: func(s *live.Socket, v *asyncView) {
				live.AssignAsync(s, &v.org, func(ctx context.Context) (string, error) {
					<-ctx.Done()
					cause <- context.Cause(ctx)
					return "late", nil
				})
			},
			event: func(s *live.Socket, v *asyncView, name string) {
				ok := live.CancelAssignAsync(s, &v.org, errLeaving)
				v.outs = append(v.outs, fmt.Sprint("cancelled ", ok))
			},
		}
	})
	v := env.Live("/a")
	if err := v.Click("#b"); err != nil {
		t.Fatal(err)
	}
	if got := v.Text("#org"); got != "failed:live: async task canceled: user left" {
		t.Fatalf("#org = %q", got)
	}
	if c := <-cause; !errors.Is(c, live.ErrAsyncCanceled) || !errors.Is(c, errLeaving) {
		t.Fatalf("task context cause = %v", c)
	}
	if err := v.Click("#b"); err != nil { // nothing left to cancel
		t.Fatal(err)
	}
	if err := v.AwaitAsync(); err != nil {
		t.Fatal(err)
	}
	if got := v.Text("#outs"); got != "cancelled true; cancelled false" {
		t.Fatalf("#outs = %q", got)
	}
	if got := v.Text("#org"); got != "failed:live: async task canceled: user left" {
		t.Fatalf("#org after the cancelled task returned = %q", got)
	}
}

// StartAsync delivers to HandleAsync; CancelAsync delivers the
// cancellation there; a newer task of the same name replaces the older.
func TestStartAsync(t *testing.T) {
	quick := newGate("42", nil)
	causes := make(chan error, 2)
	slow := func(ctx context.Context) (any, error) {
		<-ctx.Done()
		causes <- context.Cause(ctx)
		return "never shown", nil
	}
	started := 0
	env := asyncEnv(t, func() *asyncView {
		return &asyncView{
			mount: func(s *live.Socket, v *asyncView) {
				s.StartAsync("quick", func(ctx context.Context) (any, error) { return quick.load(ctx) })
			},
			event: func(s *live.Socket, v *asyncView, name string) {
				switch name {
				case "b": // start slow, or replace it with the next one
					started++
					n := started
					if n == 2 {
						s.StartAsync("slow", func(ctx context.Context) (any, error) {
							v, err := slow(ctx)
							return fmt.Sprint(v, n), err
						})
						return
					}
					s.StartAsync("slow", slow)
				case "c":
					s.CancelAsync("slow", errLeaving)
				}
			},
		}
	})
	if env.Get("/a"); quick.runs.Load() != 0 {
		t.Fatal("the dead render ran StartAsync's function")
	}
	v := env.Live("/a")
	close(quick.release)
	if err := v.AwaitAsync(); err != nil {
		t.Fatal(err)
	}
	if got := v.Text("#outs"); got != "quick ok: 42" {
		t.Fatalf("#outs = %q", got)
	}
	for range 2 {
		if err := v.Click("#b"); err != nil {
			t.Fatal(err)
		}
	}
	if c := <-causes; c == nil || !strings.Contains(c.Error(), "replaced") {
		t.Fatalf("replaced task's cause = %v", c)
	}
	if err := v.Click("#c"); err != nil {
		t.Fatal(err)
	}
	if c := <-causes; !errors.Is(c, live.ErrAsyncCanceled) || !errors.Is(c, errLeaving) {
		t.Fatalf("cancelled task's cause = %v", c)
	}
	if err := v.AwaitAsync(); err != nil {
		t.Fatal(err)
	}
	// One outcome for the two slow tasks: the cancellation of the newer.
	if got := v.Text("#outs"); got != "quick ok: 42; slow failed: live: async task canceled: user left" {
		t.Fatalf("#outs = %q", got)
	}
}

// CancelAsync followed by StartAsync of the same name: the cancellation
// of the older task is dropped, the newer one's outcome delivered.
func TestCancelThenRestart(t *testing.T) {
	g := newGate("fresh", nil)
	env := asyncEnv(t, func() *asyncView {
		return &asyncView{
			mount: func(s *live.Socket, v *asyncView) {
				s.StartAsync("job", func(ctx context.Context) (any, error) { <-ctx.Done(); return nil, ctx.Err() })
			},
			event: func(s *live.Socket, v *asyncView, _ string) {
				s.CancelAsync("job", nil)
				s.StartAsync("job", func(ctx context.Context) (any, error) { return g.load(ctx) })
			},
		}
	})
	v := env.Live("/a")
	if err := v.Click("#b"); err != nil {
		t.Fatal(err)
	}
	close(g.release)
	if err := v.AwaitAsync(); err != nil {
		t.Fatal(err)
	}
	if got := v.Text("#outs"); got != "job ok: fresh" {
		t.Fatalf("#outs = %q", got)
	}
}

// The view's end cancels its tasks and waits for them: once the server has
// ended the view's channel, no task goroutine is left, even one that takes
// a while to stop after its context ends.
func TestAsyncEndsWithView(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	causes := make(chan error, 2)
	var stopped atomic.Int32
	slowStop := func(ctx context.Context) (string, error) {
		<-ctx.Done()
		causes <- context.Cause(ctx)
		// A cleanup that ignores the context for a moment (closing a
		// connection, say): the view's end must still wait for it.
		time.Sleep(100 * time.Millisecond)
		stopped.Add(1)
		return "", ctx.Err()
	}
	env := asyncEnv(t, func() *asyncView {
		return &asyncView{mount: func(s *live.Socket, v *asyncView) {
			live.AssignAsync(s, &v.org, slowStop)
			s.StartAsync("job", func(ctx context.Context) (any, error) { return slowStop(ctx) })
		}}
	})
	v := env.Live("/a")
	if n := env.Engine.Stats().AsyncTasks.Load(); n != 2 {
		t.Fatalf("AsyncTasks = %d, want 2", n)
	}
	v.Close()
	for range 2 {
		if c := <-causes; c == nil {
			t.Fatal("task context not cancelled")
		}
	}
	env.Close() // returns once every channel has ended
	if n := stopped.Load(); n != 2 {
		t.Fatalf("%d of 2 tasks had returned when the view had ended", n)
	}
	if n := env.Engine.Stats().AsyncTasks.Load(); n != 0 {
		t.Fatalf("AsyncTasks = %d after the view ended", n)
	}
}

// A task that ignores its context is waited for only so long, and logged.
func TestAsyncIgnoringContextLogged(t *testing.T) {
	defer live.SetAsyncGrace(50 * time.Millisecond)()
	var logs syncBuffer
	release := make(chan struct{})
	env := asyncEnv(t, func() *asyncView {
		return &asyncView{mount: func(s *live.Socket, v *asyncView) {
			s.StartAsync("stubborn", func(context.Context) (any, error) { <-release; return nil, nil })
		}}
	}, livetest.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	v := env.Live("/a")
	v.Close()
	env.Close()
	if !strings.Contains(logs.String(), "async task ignores its context") || !strings.Contains(logs.String(), "task=stubborn") {
		t.Fatalf("no log of the stubborn task:\n%s", logs.String())
	}
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for env.Engine.Stats().AsyncTasks.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("released task never returned")
		}
		time.Sleep(time.Millisecond)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// CancelAsync of a task that returns as soon as its context ends: the
// cancellation reaches HandleAsync every time. (It used to be lost when
// the goroutine returned between the cancel and the post: the task stayed
// current and AwaitAsync waited for ever.)
func TestCancelAsyncPromptTask(t *testing.T) {
	const rounds = 200
	prompt := func(ctx context.Context) (any, error) { <-ctx.Done(); return nil, ctx.Err() }
	env := asyncEnv(t, func() *asyncView {
		return &asyncView{event: func(s *live.Socket, v *asyncView, name string) {
			if name == "b" {
				s.StartAsync("job", prompt)
				return
			}
			s.CancelAsync("job", nil)
		}}
	})
	v := env.Live("/a")
	for range rounds {
		if err := v.Click("#b"); err != nil {
			t.Fatal(err)
		}
		if err := v.Click("#c"); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.AwaitAsync(); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Count(v.Text("#outs"), "job failed: live: async task canceled"), rounds; got != want {
		t.Fatalf("%d of %d cancellations reached HandleAsync", got, want)
	}
}
