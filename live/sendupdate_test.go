package live_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/a-h/templ"
	"go.uber.org/goleak"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/livetest"
)

// suProps are what the parent passes the component on its renders.
type suProps struct {
	label string
	count int
}

// suSet is what SendUpdate sends it.
type suSet struct{ count int }

// suComp shows a label and a count; it records every Update it gets.
type suComp struct {
	label   string
	count   int
	updates *[]any
	done    chan<- struct{} // signalled after an suSet, if set
}

func (c *suComp) Update(_ *live.Socket, props any) error {
	*c.updates = append(*c.updates, props)
	switch p := props.(type) {
	case suProps:
		c.label, c.count = p.label, p.count
	case suSet:
		c.count = p.count
		if c.done != nil {
			c.done <- struct{}{}
		}
	}
	return nil
}

func (c *suComp) HandleEvent(s *live.Socket, e live.Event) error {
	if e.Name == "self" {
		// send_update(@myself, ...): by the component's own cid.
		s.SendUpdate(live.ComponentCID(e.CID), suSet{42})
	}
	return nil
}

func (c *suComp) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<div id="w"><span id="label">%s</span> <span id="count">%d</span><button id="self" phx-click="self" phx-target="%s">self</button></div>`,
			html.EscapeString(c.label), c.count, live.Myself(ctx))
		return err
	})
}

// ptrComp takes pointer props: the engine cannot tell whether they
// changed, so it updates the component on every parent render.
type ptrComp struct{ updates *int }

func (c *ptrComp) Update(*live.Socket, any) error { *c.updates++; return nil }

func (c *ptrComp) Render() templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, `<div id="ptr">ptr</div>`)
		return err
	})
}

// suView renders one suComp ("w") and one ptrComp, and sends updates
// on events.
type suView struct {
	label   string
	other   int
	updates []any
	ptrUpd  int
	done    chan struct{}
	sockets chan<- *live.Socket
	timer   *live.Timer
}

func (v *suView) Mount(s *live.Socket, _ live.Params) error {
	if s.Connected() && v.sockets != nil {
		v.sockets <- s
	}
	v.label = "first"
	return nil
}

func (v *suView) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "send":
		n, _ := strconv.Atoi(e.Value.Get("n"))
		s.SendUpdate(live.ComponentID("w"), suSet{n})
	case "unknown":
		s.SendUpdate(live.ComponentID("nope"), suSet{1})
		s.SendUpdate(live.ComponentCID(999), suSet{1})
	case "later":
		v.timer = s.SendUpdateAfter(time.Millisecond, live.ComponentID("w"), suSet{7})
	case "much-later":
		v.timer = s.SendUpdateAfter(time.Hour, live.ComponentID("w"), suSet{8})
	case "other":
		v.other++
	case "label":
		v.label = e.Value.Get("label")
	}
	return nil
}

func (v *suView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if _, err := fmt.Fprintf(w, `<p id="others">%d</p>`, v.other); err != nil {
			return err
		}
		for _, id := range []string{"unknown", "later", "much-later", "other"} {
			if _, err := fmt.Fprintf(w, `<button id="%s" phx-click="%s">%s</button>`, id, id, id); err != nil {
				return err
			}
		}
		if _, err := io.WriteString(w, `<button id="send5" phx-click="send" phx-value-n="5">send 5</button>`+
			`<button id="label2" phx-click="label" phx-value-label="second">label</button>`); err != nil {
			return err
		}
		err := live.LiveComponent("w", func() live.Component {
			return &suComp{updates: &v.updates, done: v.done}
		}, suProps{label: v.label}).Render(ctx, w)
		if err != nil {
			return err
		}
		return live.LiveComponent("p", func() live.Component { return &ptrComp{updates: &v.ptrUpd} }, &v.label).Render(ctx, w)
	})
}

// suEnv serves the suView made by mk at /su.
func suEnv(t *testing.T, mk func() *suView, opts ...livetest.Option) *livetest.Env {
	return livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		e.Session("t").Handle(mux, "GET /su", "t.su", func() live.View { return mk() })
	}, opts...)
}

func clickSync(t *testing.T, v *livetest.View, sel string) {
	t.Helper()
	if err := v.Click(sel); err != nil {
		t.Fatal(err)
	}
	// The update is a message the click put in the view's mailbox: Sync
	// waits for it and applies its diff.
	if err := v.Sync(); err != nil {
		t.Fatal(err)
	}
}

// SendUpdate by id and by cid reaches the component's Update with only
// the value sent; the component alone is re-rendered.
func TestSendUpdateByIDAndCID(t *testing.T) {
	for _, line := range livetest.Lines {
		t.Run(line, func(t *testing.T) {
			var view *suView
			env := suEnv(t, func() *suView { view = &suView{}; return view }, livetest.WithClient(line))
			v := env.Live("/su")
			if got := v.Text("#count"); got != "0" {
				t.Fatalf("#count = %q on join", got)
			}
			ptrBefore := view.ptrUpd
			view.updates = nil
			clickSync(t, v, "#send5")
			if got := v.Text("#count"); got != "5" {
				t.Fatalf("#count = %q after SendUpdate by id, want 5", got)
			}
			if got := v.Text("#label"); got != "first" {
				t.Fatalf("#label = %q after SendUpdate, want first (untouched)", got)
			}
			if len(view.updates) != 1 || view.updates[0] != (suSet{5}) {
				t.Fatalf("Update got %v, want only the sent value [{5}]", view.updates)
			}
			// The click re-rendered the parent (ptrComp updated once more);
			// the send_update re-rendered the component alone.
			if view.ptrUpd != ptrBefore+1 {
				t.Fatalf("ptrComp updated %d times by an event and a send_update, want 1", view.ptrUpd-ptrBefore)
			}
			clickSync(t, v, "#self")
			if got := v.Text("#count"); got != "42" {
				t.Fatalf("#count = %q after SendUpdate by cid, want 42", got)
			}
		})
	}
}

// A SendUpdate to a component the view does not have is logged once each
// and skipped; the view goes on.
func TestSendUpdateUnknownComponent(t *testing.T) {
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env := suEnv(t, func() *suView { return &suView{} }, livetest.WithLogger(logger))
	v := env.Live("/su")
	clickSync(t, v, "#unknown")
	out := logs.String()
	for _, want := range []string{`component="\"nope\""`, `component="cid 999"`} {
		if n := strings.Count(out, want); n != 1 {
			t.Errorf("%d log lines naming %s, want 1:\n%s", n, want, out)
		}
	}
	if n := strings.Count(out, "send_update: the view has no such component"); n != 2 {
		t.Errorf("%d send_update log lines, want 2:\n%s", n, out)
	}
	clickSync(t, v, "#other")
	if got := v.Text("#others"); got != "1" {
		t.Fatalf("#others = %q after an event, want 1: the view must go on", got)
	}
	if c := env.Engine.Stats().Crashes.Load(); c != 0 {
		t.Fatalf("%d crashes", c)
	}
}

// SendUpdate is safe from other goroutines, concurrently, through the
// Socket kept from Mount and through the Engine by view id.
func TestSendUpdateFromOtherGoroutines(t *testing.T) {
	sockets := make(chan *live.Socket, 1)
	var view *suView
	env := suEnv(t, func() *suView { view = &suView{sockets: sockets}; return view })
	v := env.Live("/su")
	s := <-sockets
	var wg sync.WaitGroup
	for i := 1; i <= 10; i++ {
		wg.Go(func() {
			if i%2 == 0 {
				if !s.SendUpdate(live.ComponentID("w"), suSet{i}) {
					t.Error("Socket.SendUpdate reported the view ended")
				}
			} else if !env.Engine.SendUpdate(v.ID(), live.ComponentID("w"), suSet{i}) {
				t.Error("Engine.SendUpdate found no view")
			}
		})
	}
	wg.Wait()
	if err := v.Sync(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, u := range view.updates {
		if _, ok := u.(suSet); ok {
			n++
		}
	}
	if n != 10 {
		t.Fatalf("%d of 10 updates reached the component: %v", n, view.updates)
	}
	last := view.updates[len(view.updates)-1].(suSet).count
	if got := v.Text("#count"); got != strconv.Itoa(last) {
		t.Fatalf("#count = %q, want the last update's %d", got, last)
	}
	if env.Engine.SendUpdate("no-such-view", live.ComponentID("w"), suSet{1}) {
		t.Fatal("Engine.SendUpdate to an unknown view reported true")
	}
}

// SendUpdateAfter fires once its delay has passed; a pending one ends with
// its view, leaving no timer or goroutine behind.
func TestSendUpdateAfter(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	done := make(chan struct{}, 1)
	var view *suView
	env := suEnv(t, func() *suView { view = &suView{done: done}; return view })
	v := env.Live("/su")
	if err := v.Click("#later"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("SendUpdateAfter never reached the component")
	}
	if err := v.Sync(); err != nil {
		t.Fatal(err)
	}
	if got := v.Text("#count"); got != "7" {
		t.Fatalf("#count = %q after SendUpdateAfter, want 7", got)
	}
	if n := env.Server.Stats().Timers; n != 0 {
		t.Fatalf("Timers = %d after the timer fired", n)
	}

	if err := v.Click("#much-later"); err != nil {
		t.Fatal(err)
	}
	if n := env.Server.Stats().Timers; n != 1 {
		t.Fatalf("Timers = %d with an update pending, want 1", n)
	}
	v.Close()
	env.Close() // returns once the view's channel has ended
	if n := env.Server.Stats().Timers; n != 0 {
		t.Fatalf("Timers = %d after the view ended, want 0", n)
	}
	if view.timer.Stop() {
		t.Fatal("the pending update's timer was still pending after its view ended")
	}
}

// State a SendUpdate set survives renders of the parent that pass the
// same props (Phoenix updates only the components whose assigns changed);
// changed props reach Update again.
func TestSendUpdateStateSurvivesParentRender(t *testing.T) {
	var view *suView
	env := suEnv(t, func() *suView { view = &suView{}; return view })
	v := env.Live("/su")
	clickSync(t, v, "#send5")
	view.updates = nil
	ptrBefore := view.ptrUpd
	clickSync(t, v, "#other")
	clickSync(t, v, "#other")
	if got := v.Text("#others"); got != "2" {
		t.Fatalf("#others = %q, want 2", got)
	}
	if got := v.Text("#count"); got != "5" {
		t.Fatalf("#count = %q after unrelated parent renders, want 5 (set by SendUpdate)", got)
	}
	if len(view.updates) != 0 {
		t.Fatalf("Update ran with unchanged props: %v", view.updates)
	}
	if view.ptrUpd != ptrBefore+2 {
		t.Fatalf("pointer props: Update ran %d times in 2 parent renders, want 2", view.ptrUpd-ptrBefore)
	}
	clickSync(t, v, "#label2")
	if got := v.Text("#label"); got != "second" {
		t.Fatalf("#label = %q after the parent changed it, want second", got)
	}
	if len(view.updates) != 1 || view.updates[0] != (suProps{label: "second"}) {
		t.Fatalf("Update got %v, want the changed props once", view.updates)
	}
}
