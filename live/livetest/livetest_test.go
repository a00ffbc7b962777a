package livetest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/a-h/templ"
	"go.uber.org/goleak"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/examples"
	"github.com/cortex-cinegraph/golive/live/livetest"
	"github.com/cortex-cinegraph/golive/live/tree"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// probe is a view for what the examples do not cover: messages, hooks,
// push events, server patches, crashes, a removable component.
type probe struct {
	n      int
	note   string
	widget bool
}

type tick struct{}

func (p *probe) Mount(s *live.Socket, q live.Params) error {
	p.widget = true
	if s.Connected() && q.Get("away") != "" {
		s.PushNavigate("/probe?from=mount", false)
	}
	return nil
}

func (p *probe) HandleParams(s *live.Socket, u *url.URL, q live.Params) error {
	p.note = q.Get("note")
	return nil
}

func (p *probe) HandleInfo(s *live.Socket, msg any) error {
	switch m := msg.(type) {
	case tick:
		p.n++
	case string:
		switch m {
		case "patch":
			s.PushPatch("/probe?note=patched", false)
		case "event":
			s.PushEvent("pinged", map[string]int{"n": p.n})
		case "title":
			s.SetTitle("Probe " + strconv.Itoa(p.n))
		case "redirect":
			s.Redirect("/examples/counter")
		}
	}
	return nil
}

func (p *probe) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "ask":
		var v map[string]any
		_ = json.Unmarshal(e.Raw, &v)
		s.ReplyHook(map[string]any{"answer": 42, "asked": v["q"]})
		s.PushEvent("asked", v)
	case "boom":
		panic("boom")
	case "toggle":
		p.widget = !p.widget
	case "fail":
		return errors.New("it failed")
	}
	return nil
}

// Render writes what templ generates, by hand: statics through the
// recorder, dynamics as plain writes after Dyn, nodes bracketed with
// Open/Close.
func (p *probe) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		r := tree.From(ctx)
		r.Open(w)
		if err := live.Flash().Render(ctx, w); err != nil {
			return err
		}
		r.Close(w)
		_ = r.WriteString(w, 1, `<p id="n">`)
		r.Dyn(w)
		_, _ = io.WriteString(w, strconv.Itoa(p.n))
		_ = r.WriteString(w, 2, `</p><p id="note">`)
		r.Dyn(w)
		_, _ = io.WriteString(w, html.EscapeString(p.note))
		_ = r.WriteString(w, 3, `</p><button id="boom" phx-click="boom">boom</button><button id="toggle" phx-click="toggle">toggle</button><button id="fail" phx-click="fail">fail</button><div id="w">`)
		r.Open(w)
		if p.widget {
			if err := live.LiveComponent("w", func() live.Component { return &widget{} }, nil).Render(ctx, w); err != nil {
				return err
			}
		}
		r.Close(w)
		_ = r.WriteString(w, 4, `</div>`)
		return nil
	})
}

type widget struct{ clicks int }

func (c *widget) HandleEvent(s *live.Socket, e live.Event) error { c.clicks++; return nil }

func (c *widget) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		r := tree.From(ctx)
		_ = r.WriteString(w, 5, `<span class="widget">`)
		r.Dyn(w)
		_, _ = io.WriteString(w, strconv.Itoa(c.clicks))
		_ = r.WriteString(w, 6, ` <a class="hit" phx-click="hit" phx-target=".widget">hit</a></span>`)
		return nil
	})
}

func setup(e *live.Engine, mux *http.ServeMux) {
	examples.Register(e, mux)
	e.Session("examples").Handle(mux, "GET /probe", "probe", func() live.View { return &probe{} })
}

func TestSendSyncEventsTitlePatch(t *testing.T) {
	for _, line := range livetest.Lines {
		t.Run(line, func(t *testing.T) {
			env := livetest.New(t, setup, livetest.WithClient(line))
			v := env.Live("/probe")
			for range 3 {
				v.Send(tick{})
			}
			v.Send("event")
			v.Send("title")
			v.Send("patch")
			if err := v.Sync(); err != nil {
				t.Fatal(err)
			}
			if got := v.Text("#n"); got != "3" {
				t.Fatalf("#n = %q after 3 ticks", got)
			}
			if got := v.Title(); got != "Probe 3" {
				t.Fatalf("title = %q", got)
			}
			if to, ok := v.Patched(); !ok || to != "/probe?note=patched" || v.URL() != to || v.Text("#note") != "patched" {
				t.Fatalf("Patched() = %q, %v; URL %q; note %q", to, ok, v.URL(), v.Text("#note"))
			}
			ev := v.Events()
			if len(ev) != 1 || ev[0].Name != "pinged" || string(ev[0].Payload) != `{"n":3}` {
				t.Fatalf("events = %+v", ev)
			}

			reply := v.HookPush("ask", map[string]any{"q": "why"})
			if string(reply) != `{"answer":42,"asked":"why"}` {
				t.Fatalf("hook reply = %s", reply)
			}
			if ev := v.Events(); len(ev) != 2 || ev[1].Name != "asked" {
				t.Fatalf("events after the hook = %+v", ev)
			}

			v.Send("redirect")
			if err := v.Sync(); !errors.Is(err, livetest.ErrViewClosed) && err != nil {
				t.Fatalf("Sync after a redirect: %v", err)
			}
			if to, ok := v.Redirected(); !ok || to != "/examples/counter" {
				t.Fatalf("Redirected() = %q, %v", to, ok)
			}
		})
	}
}

// A selector target resolves to the component its match lies in; a
// removed component is announced to the server (cids_will_destroy, then
// cids_destroyed), which forgets it: shown again it is a new component.
func TestComponentTargetAndDestroy(t *testing.T) {
	for _, line := range livetest.Lines {
		t.Run(line, func(t *testing.T) {
			env := livetest.New(t, setup, livetest.WithClient(line))
			v := env.Live("/probe")
			for range 2 {
				if err := v.Click(".hit"); err != nil {
					t.Fatal(err)
				}
			}
			if got := v.Text(".widget"); got != "2 hit" {
				t.Fatalf("widget = %q", got)
			}
			cid := v.Attrs(".widget", "data-phx-component")[0]
			if err := v.Click("#toggle"); err != nil {
				t.Fatal(err)
			}
			if v.Has(".widget") {
				t.Fatal("the widget is still shown")
			}
			if err := v.Click("#toggle"); err != nil {
				t.Fatal(err)
			}
			if got := v.Text(".widget"); got != "0 hit" {
				t.Fatalf("widget shown again = %q, want a fresh one", got)
			}
			if again := v.Attrs(".widget", "data-phx-component")[0]; again == cid {
				t.Fatalf("the shown-again widget kept cid %s: the server did not destroy it", cid)
			}
		})
	}
}

func TestCrashAndErrorReply(t *testing.T) {
	env := livetest.New(t, setup)
	v := env.Live("/probe")
	if err := v.Click("#boom"); !errors.Is(err, livetest.ErrViewCrashed) {
		t.Fatalf("Click on a panicking handler: err = %v, want ErrViewCrashed", err)
	}
	if v.Connected() {
		t.Fatal("a crashed view reports itself connected")
	}
	msg := mustFail(t, func(tb testing.TB) {
		e := livetest.New(tb, setup)
		w := e.Live("/probe")
		_ = w.Click("#boom")
		_ = w.Click("#toggle")
	})
	if !strings.Contains(msg, "is not connected") || !strings.Contains(msg, "crashed") {
		t.Fatalf("an operation on a crashed view failed with %q", msg)
	}
	// A handler error is shown as a flash (the engine's choice), not an
	// error reply.
	w := env.Live("/probe")
	if err := w.Click("#fail"); err != nil {
		t.Fatal(err)
	}
	if f := w.Flash("error"); !strings.Contains(f, "it failed") {
		t.Fatalf("error flash = %q", f)
	}
}

func TestJoinRedirect(t *testing.T) {
	env := livetest.New(t, setup)
	v := env.Live("/probe?away=1")
	if to, ok := v.Redirected(); !ok || to != "/probe?from=mount" {
		t.Fatalf("Redirected() = %q, %v", to, ok)
	}
	if err := v.FollowRedirect(); err != nil {
		t.Fatal(err)
	}
	if v.URL() != "/probe?from=mount" || !v.Connected() {
		t.Fatalf("after following: %s connected=%v", v.URL(), v.Connected())
	}
}

// TestRootRerender covers two engine bugs the helper found (both since
// fixed in the engine):
//
//  1. A dynamic that rendered empty recorded no slot, so the statics around
//     it merged and the node's fingerprint changed whenever the value went
//     from "" to non-empty: the whole root was resent with its statics.
//  2. When the root is resent in full, the client replaces its tree and
//     with it the components ("c") it had; the engine sent only the
//     components that changed, so the client threw "Cannot continue render
//     due to missing component".
func TestRootRerender(t *testing.T) {
	for _, line := range livetest.Lines {
		t.Run(line, func(t *testing.T) {
			env := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
				e.Session("s").Handle(mux, "GET /bare", "bare", func() live.View { return &bare{} })
			})
			v := env.Live("/bare")
			before := env.Engine.Stats().DiffBytesOut.Load()
			v.Send("x") // the note goes from "" to "x"
			if err := v.Sync(); err != nil {
				t.Fatal(err)
			}
			if sent := env.Engine.Stats().DiffBytesOut.Load() - before; sent > 20 {
				t.Errorf("an empty dynamic becoming %q cost a %d-byte diff: the statics were resent", "x", sent)
			}
			v.Send("alt") // another root template: a full render
			if err := v.Sync(); err != nil {
				t.Fatal(err)
			}
			if v.Text("#alt") != "alt" || v.Text(".widget") != "0 hit" {
				t.Fatalf("after a root re-render: %s", v.HTML())
			}
			if err := v.Click(".hit"); err != nil {
				t.Fatal(err)
			}
			if v.Text(".widget") != "1 hit" {
				t.Fatalf("the component after a root re-render: %s", v.HTML())
			}
		})
	}
}

// bare renders a possibly empty dynamic next to a component, and switches
// its root template on "alt".
type bare struct {
	note string
	alt  bool
}

func (b *bare) Mount(*live.Socket, live.Params) error { return nil }

func (b *bare) HandleInfo(s *live.Socket, msg any) error {
	switch m := msg.(string); m {
	case "alt":
		b.alt = true
	default:
		b.note = m
	}
	return nil
}

func (b *bare) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		r := tree.From(ctx)
		if b.alt {
			_ = r.WriteString(w, 1, `<p id="alt">alt</p>`)
		}
		_ = r.WriteString(w, 2, `<p id="note">`)
		r.Dyn(w)
		_, _ = io.WriteString(w, html.EscapeString(b.note))
		_ = r.WriteString(w, 3, `</p>`)
		r.Open(w)
		err := live.LiveComponent("w", func() live.Component { return &widget{} }, nil).Render(ctx, w)
		r.Close(w)
		return err
	})
}

// fakeTB records failures; FailNow ends the goroutine as testing does.
type fakeTB struct {
	testing.TB
	mu   sync.Mutex
	msgs []string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	runtime.Goexit()
}
func (f *fakeTB) Fatal(args ...any) { f.Error(args...); runtime.Goexit() }
func (f *fakeTB) FailNow()          { f.Fail(); runtime.Goexit() }
func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
	f.mu.Unlock()
}
func (f *fakeTB) Error(args ...any) { f.Errorf("%s", fmt.Sprint(args...)) }
func (f *fakeTB) Fail()             { f.Errorf("failed") }
func (f *fakeTB) Failed() bool      { f.mu.Lock(); defer f.mu.Unlock(); return len(f.msgs) > 0 }

// mustFail runs fn as a test body with a fake TB and returns its first
// failure message; the real test fails if fn does not fail.
func mustFail(t *testing.T, fn func(tb testing.TB)) string {
	t.Helper()
	f := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.msgs) == 0 {
		t.Fatal("the helper did not fail the test")
	}
	return f.msgs[0]
}

func TestFailures(t *testing.T) {
	cases := []struct {
		name string
		do   func(v *livetest.View)
		want string
	}{
		{"click no match", func(v *livetest.View) { _ = v.Click("#nope") }, `Click("#nope"): no element matches in view /examples/counter`},
		{"click several", func(v *livetest.View) { _ = v.Click("button") }, `Click("button"): 2 elements match`},
		{"click no binding", func(v *livetest.View) { _ = v.Click("#count") }, "neither the element nor an ancestor has phx-click"},
		{"text no match", func(v *livetest.View) { v.Text(".missing") }, `Text(".missing"): no element matches`},
		{"element several", func(v *livetest.View) { v.Element("li") }, `Element("li"): 10 elements match`},
		{"invalid selector", func(v *livetest.View) { v.Has("p[") }, `invalid CSS selector "p["`},
		{"change unknown field", func(v *livetest.View) {
			_ = v.Change("#filter-form", url.Values{"nope": {"1"}})
		}, `the form has no field named "nope" (fields: q)`},
		{"change not a form", func(v *livetest.View) { _ = v.Change("#inc", nil) }, "is a <button>, not a <form>"},
		{"submit without binding", func(v *livetest.View) { _ = v.Submit("#items", nil) }, "not a <form>"},
		{"follow without redirect", func(v *livetest.View) { _ = v.FollowRedirect() }, "has no pending redirect"},
		{"pending redirect", func(v *livetest.View) {
			v.Send("x")
		}, `Send: the view was redirected to /examples/counter`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := mustFail(t, func(tb testing.TB) {
				env := livetest.New(tb, setup)
				if c.name == "pending redirect" {
					v := env.Live("/examples/lab")
					_ = v.Click("#redirect")
					c.do(v)
					return
				}
				c.do(env.Live("/examples/counter"))
			})
			if !strings.Contains(msg, c.want) {
				t.Fatalf("failure message %q does not contain %q", msg, c.want)
			}
		})
	}
	// Not a live view, and a page that is not there.
	msg := mustFail(t, func(tb testing.TB) {
		env := livetest.New(tb, func(e *live.Engine, mux *http.ServeMux) {
			mux.HandleFunc("GET /plain", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "<p>plain</p>") })
		})
		env.Live("/plain")
	})
	if !strings.Contains(msg, "GET /plain is not a live view") {
		t.Fatalf("Live on a plain page: %q", msg)
	}
	msg = mustFail(t, func(tb testing.TB) { livetest.New(tb, setup).Live("/nowhere") })
	if !strings.Contains(msg, "GET /nowhere: status 404, want 200") {
		t.Fatalf("Live on a missing page: %q", msg)
	}
	// A page that loses its session cookie: the socket's CSRF check fails
	// and the join is answered stale; the failure says why.
	msg = mustFail(t, func(tb testing.TB) {
		env := livetest.New(tb, func(e *live.Engine, mux *http.ServeMux) {
			inner := http.NewServeMux()
			e.Session("s").Handle(inner, "GET /nocookie", "nocookie", func() live.View { return &probe{} })
			mux.Handle("GET /nocookie", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec := httptest.NewRecorder()
				inner.ServeHTTP(rec, r)
				w.WriteHeader(rec.Code)
				_, _ = w.Write(rec.Body.Bytes())
			}))
		})
		env.Live("/nocookie")
	})
	if !strings.Contains(msg, `refused: {"reason":"stale"} (socket CSRF check: `) {
		t.Fatalf("a stale join: %q", msg)
	}
	if testing.Verbose() {
		t.Log(msg)
	}
	msg = mustFail(t, func(tb testing.TB) { livetest.New(tb, setup, livetest.WithClient("0.20")) })
	if !strings.Contains(msg, `WithClient("0.20")`) {
		t.Fatalf("an unknown client line: %q", msg)
	}
}

func TestGetAndCanonical(t *testing.T) {
	env := livetest.New(t, setup)
	p := env.Get("/examples/counter?n=2")
	if p.Status != 200 || p.Title() != "Counter" || p.Count("#items li") != 2 || p.Text("#count") != "0" {
		t.Fatalf("GET: status %d title %q rows %d", p.Status, p.Title(), p.Count("#items li"))
	}
	if c := p.Header.Get("Set-Cookie"); !strings.Contains(c, "_golive_key=") {
		t.Fatalf("no session cookie set: %q", c)
	}
	if got := livetest.Canonical(`<div data-phx-component="3" id=a><br/><input disabled></div>`); got != `<div id="a"><br/><input disabled=""/></div>` {
		t.Fatalf("Canonical = %s", got)
	}
}

// Every goroutine a view and its Env start ends with them.
func TestNoLeaks(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	f := &fakeTB{TB: t}
	var env *livetest.Env
	func() {
		env = livetest.New(f, setup)
		a := env.Live("/examples/lab")
		b := env.Live("/examples/stream")
		c := env.Live("/probe")
		_ = a.Click("#navigate")
		_ = a.FollowRedirect()
		_ = b.Click("#append")
		c.Send(tick{})
		_ = c.Sync()
		a.Close()
	}()
	env.Close()
	if f.Failed() {
		t.Fatal(f.msgs)
	}
}

// patchLoop patches to itself from HandleParams: once with ?hops=N
// (N further patches, then it stops), for ever with ?loop.
type patchLoop struct{ params int }

func (p *patchLoop) Mount(*live.Socket, live.Params) error { return nil }
func (p *patchLoop) HandleParams(s *live.Socket, u *url.URL, q live.Params) error {
	p.params++
	if q.Has("loop") {
		s.PushPatch("/patchloop?loop=1&n="+strconv.Itoa(p.params), false)
	}
	if n, _ := strconv.Atoi(q.Get("hops")); n > 0 {
		s.PushPatch("/patchloop?hops="+strconv.Itoa(n-1), false)
	}
	return nil
}
func (p *patchLoop) Render() templ.Component {
	return templ.Raw(`<p id="calls">` + strconv.Itoa(p.params) + `</p><a id="hops" href="/patchloop?hops=5" data-phx-link="patch" data-phx-link-state="push">5</a><a id="loop" href="/patchloop?loop=1" data-phx-link="patch" data-phx-link-state="push">loop</a>`)
}

// TestPatchChainsAndLoops: a push_patch from HandleParams runs
// HandleParams again for the new URL (the client is told the last URL),
// and a chain past 20 is a loop that crashes the view alone, as in
// Phoenix ("too many redirects").
func TestPatchChainsAndLoops(t *testing.T) {
	env := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		e.Session("x").Handle(mux, "GET /patchloop", "patchloop", func() live.View { return &patchLoop{} })
	})
	v := env.Live("/patchloop")
	if err := v.Patch("/patchloop?hops=5"); err != nil {
		t.Fatal(err)
	}
	// Mount's HandleParams, then the patch to hops=5 and five more.
	if got := v.Text("#calls"); got != "7" {
		t.Fatalf("HandleParams ran %s times, want 7", got)
	}
	if got := v.URL(); got != "/patchloop?hops=0" {
		t.Fatalf("URL after the chain = %s, want /patchloop?hops=0", got)
	}
	if err := v.Patch("/patchloop?loop=1"); !errors.Is(err, livetest.ErrViewCrashed) {
		t.Fatalf("a patch loop: err = %v, want ErrViewCrashed", err)
	}
	if c := env.Engine.Stats().Crashes.Load(); c != 1 {
		t.Fatalf("crashes = %d, want 1", c)
	}
}

// paramsView shows its connect params: none in the dead render, the
// client's (its LiveSocket params and underscored keys) once connected.
type paramsView struct{ locale, tz, mounts string }

func (p *paramsView) Mount(s *live.Socket, _ live.Params) error {
	p.locale, p.tz = s.ConnectParam("browser_locale"), s.ConnectParam("timezone")
	if s.Connected() {
		p.mounts = strconv.Itoa(int(s.ConnectParams()["_mounts"].(float64)))
	} else if s.ConnectParams() != nil {
		return errors.New("connect params in the dead render")
	}
	return nil
}

func (p *paramsView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		r := tree.From(ctx)
		_ = r.WriteString(w, 1, `<p id="cp">`)
		r.Dyn(w)
		_, _ = io.WriteString(w, html.EscapeString(p.locale+"|"+p.tz+"|"+p.mounts))
		_ = r.WriteString(w, 2, `</p>`)
		return nil
	})
}

func TestConnectParams(t *testing.T) {
	setupParams := func(e *live.Engine, mux *http.ServeMux) {
		e.Session("params").Handle(mux, "GET /params", "params", func() live.View { return &paramsView{} })
	}
	env := livetest.New(t, setupParams, livetest.WithConnectParams(map[string]any{"browser_locale": "de-DE", "timezone": "Europe/Berlin"}))
	if p := env.Get("/params"); p.Text("#cp") != "||" {
		t.Errorf("dead render: %q", p.Text("#cp"))
	}
	if v := env.Live("/params"); v.Text("#cp") != "de-DE|Europe/Berlin|0" {
		t.Errorf("connected: %q", v.Text("#cp"))
	}
	env = livetest.New(t, setupParams)
	if v := env.Live("/params"); v.Text("#cp") != "||0" {
		t.Errorf("without params: %q", v.Text("#cp"))
	}
}
