package main

import (
	"net/http"
	"net/url"
	"strconv"

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
