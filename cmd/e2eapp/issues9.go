package main

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

func registerIssues9(e *live.Engine, mux *http.ServeMux) {
	def := e.Session("default")
	sticky3496 := e.Child("issue3496.sticky", func() live.View { return &issue3496Sticky{} })
	def.Handle(mux, "GET /issues/3496/a", "issue3496.a", func() live.View { return &issue3496{a: true, sticky: sticky3496} })
	def.Handle(mux, "GET /issues/3496/b", "issue3496.b", func() live.View { return &issue3496{} })

	nested3530 := e.Child("issue3530.nested", func() live.View { return &issue3530Nested{} })
	def.Handle(mux, "GET /issues/3530", "issue3530", func() live.View { return &issue3530{nested: nested3530} })

	sticky3612 := e.Child("issue3612.sticky", func() live.View { return &issue3612Sticky{} })
	def.Handle(mux, "GET /issues/3612/a", "issue3612.a", func() live.View { return &issue3612{page: "Page A", sticky: sticky3612} })
	def.Handle(mux, "GET /issues/3612/b", "issue3612.b", func() live.View { return &issue3612{page: "Page B", sticky: sticky3612} })
}

// issue3496: the same hooked element id in a sticky child (page A) and in
// page B, which has no sticky child: the hook mounts once on each page.
// Upstream's layouts (with and without the sticky view) are the pages'
// own markup here; its MyHook comes in by preScripts.
type issue3496 struct {
	a      bool
	sticky *live.ChildView
}

func (v *issue3496) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3496) Render() templ.Component               { return issue3496Page(v) }

type issue3496Sticky struct{}

func (v *issue3496Sticky) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3496Sticky) Render() templ.Component               { return issue3496StickyPage() }

// issue3530: a stream of nested live views, reset by patches and added
// to by events: hooks in them mount and are destroyed exactly once.
type issue3530 struct {
	nested *live.ChildView
	count  int
	items  *live.Stream[int]
}

func (v *issue3530) Mount(*live.Socket, live.Params) error {
	v.count = 3
	v.items = live.NewStream(func(id int) string { return "item-" + strconv.Itoa(id) })
	return nil
}

func (v *issue3530) HandleParams(_ *live.Socket, _ *url.URL, p live.Params) error {
	switch p.Get("q") {
	case "a":
		v.items.Reset(1, 3)
	case "b":
		v.items.Reset(2, 3)
	default:
		v.items.Reset(1, 2, 3)
	}
	return nil
}

func (v *issue3530) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "inc" {
		v.count++
		v.items.Append(v.count)
	}
	return nil
}

func (v *issue3530) Render() templ.Component { return issue3530Page(v) }

type issue3530Nested struct{ itemID string }

func (v *issue3530Nested) Mount(s *live.Socket, _ live.Params) error {
	v.itemID = s.Session()["item_id"]
	return nil
}
func (v *issue3530Nested) Render() templ.Component { return issue3530NestedPage(v) }

// issue3612: a sticky child push_navigates the page between A and B.
type issue3612 struct {
	page   string
	sticky *live.ChildView
}

func (v *issue3612) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3612) Render() templ.Component               { return issue3612Page(v) }

type issue3612Sticky struct{}

func (v *issue3612Sticky) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3612Sticky) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "navigate_to_a":
		s.PushNavigate("/issues/3612/a", false)
	case "navigate_to_b":
		s.PushNavigate("/issues/3612/b", false)
	}
	return nil
}
func (v *issue3612Sticky) Render() templ.Component { return issue3612StickyPage() }

func registerIssues9b(e *live.Engine, mux *http.ServeMux) {
	def := e.Session("default")
	sticky3656 := e.Child("issue3656.sticky", func() live.View { return &staticChild{page: issue3656StickyPage()} })
	def.Handle(mux, "GET /issues/3656", "issue3656", func() live.View { return &issue3656{sticky: sticky3656} })
	sticky3658 := e.Child("issue3658.sticky", func() live.View { return &staticChild{page: issue3658StickyPage()} })
	def.Handle(mux, "GET /issues/3658", "issue3658", func() live.View { return &issue3658{sticky: sticky3658} })
	sticky3681 := e.Child("issue3681.sticky", func() live.View { return &issue3681Sticky{} })
	def.Handle(mux, "GET /issues/3681", "issue3681", func() live.View { return &issue3681{sticky: sticky3681} })
	def.Handle(mux, "GET /issues/3681/away", "issue3681.away", func() live.View { return &issue3681{away: true, sticky: sticky3681} })
}

// staticChild is a child view that only renders page.
type staticChild struct{ page templ.Component }

func (v *staticChild) Mount(*live.Socket, live.Params) error { return nil }
func (v *staticChild) Render() templ.Component               { return v.page }

// issue3656: a live navigation link in a sticky child loses its
// phx-click-loading class once the navigation is done.
type issue3656 struct{ sticky *live.ChildView }

func (v *issue3656) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3656) Render() templ.Component               { return issue3656Page(v) }

// issue3658: a phx-remove element in a sticky child stays across live
// navigation.
type issue3658 struct{ sticky *live.ChildView }

func (v *issue3658) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3658) Render() templ.Component               { return issue3658Page(v) }

// issue3681: a sticky child's stream is not reset by the streams of the
// views it is rendered in (the away page resets its own stream in mount).
// Upstream's shared live layout (the sticky view between rules) is each
// page's own markup here.
type issue3681 struct {
	away     bool
	sticky   *live.ChildView
	messages *live.Stream[int]
}

func messageStream() *live.Stream[int] {
	return live.NewStream(func(id int) string { return "messages-" + strconv.Itoa(id) })
}

func (v *issue3681) Mount(*live.Socket, live.Params) error {
	if v.away {
		v.messages = messageStream()
		v.messages.Reset(4)
	}
	return nil
}
func (v *issue3681) Render() templ.Component { return issue3681Page(v) }

type issue3681Sticky struct{ messages *live.Stream[int] }

func (v *issue3681Sticky) Mount(*live.Socket, live.Params) error {
	v.messages = messageStream()
	for i := 1; i <= 3; i++ {
		v.messages.Append(i)
	}
	return nil
}
func (v *issue3681Sticky) Render() templ.Component { return issue3681StickyPage(v) }

func registerIssues9c(e *live.Engine, mux *http.ServeMux) {
	def := e.Session("default")
	nested3953 := e.Child("issue3953.nested", func() live.View { return &staticChild{page: issue3953NestedPage()} })
	def.Handle(mux, "GET /issues/3953", "issue3953", func() live.View { return &issue3953{nested: nested3953} })
	slow4209 := e.Child("issue4209.slow", func() live.View { return &issue4209Slow{} })
	def.Handle(mux, "GET /issues/4209", "issue4209", func() live.View { return &issue4209{slow: slow4209} })
}

// issue3953: a live component in a nested view that comes and goes: the
// child's components are its own (cid 1 again each time).
type issue3953 struct {
	nested *live.ChildView
	show   bool
}

func (v *issue3953) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3953) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "toggle" {
		v.show = !v.show
	}
	return nil
}
func (v *issue3953) Render() templ.Component { return issue3953Page(v) }

// issue3953Comp is the page's component (upstream's Component).
type issue3953Comp struct{}

func (issue3953Comp) Render() templ.Component { return issue3953CompPage() }

// issue4209: a slow event to a child view holds the lock of the parent's
// panel whose hook pushed it, while the child makes the parent update a
// counter outside the panel and (with send_update, as upstream) the label
// of a component inside it; the component's patch stays private until
// the lock is released.
type issue4209 struct {
	slow         *live.ChildView
	outsideCount int
}

type bumpOutside struct{}
type updateChild struct{}

// issue4209Label is the send_update of the component's label.
type issue4209Label struct{ label string }

func (v *issue4209) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue4209) HandleInfo(s *live.Socket, msg any) error {
	switch msg.(type) {
	case bumpOutside:
		v.outsideCount++
	case updateChild:
		s.SendUpdate(live.ComponentID("locked-child"), issue4209Label{"child 1"})
	}
	return nil
}
func (v *issue4209) Render() templ.Component { return issue4209Page(v) }

type issue4209Child struct{ label string }

func (c *issue4209Child) Update(_ *live.Socket, props any) error {
	switch p := props.(type) {
	case string: // the parent's label="child 0"
		c.label = p
	case issue4209Label:
		c.label = p.label
	}
	return nil
}
func (c *issue4209Child) Render() templ.Component { return issue4209ChildPage(c) }

// issue4209Slow handles "hold-lock" slowly (800 ms, as upstream's
// Process.sleep), after telling its parent to update.
type issue4209Slow struct{}

func (v *issue4209Slow) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue4209Slow) HandleEvent(s *live.Socket, e live.Event) error {
	if e.Name == "hold-lock" {
		_ = s.SendParent(bumpOutside{})
		_ = s.SendParent(updateChild{})
		select {
		case <-time.After(800 * time.Millisecond):
		case <-s.Context().Done():
		}
	}
	return nil
}
func (v *issue4209Slow) Render() templ.Component { return issue4209SlowPage() }
