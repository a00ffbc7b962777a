package main

import (
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// Nested live view issues. Each registers its child kinds with
// registerIssues8.
func registerIssues8(e *live.Engine, mux *http.ServeMux) {
	def := e.Session("default")
	sticky3047 := e.Child("issue3047.sticky", func() live.View { return &issue3047Sticky{} })
	def.Handle(mux, "GET /issues/3047/a", "issue3047.a", func() live.View { return &issue3047{page: "Page A", sticky: sticky3047} })
	def.Handle(mux, "GET /issues/3047/b", "issue3047.b", func() live.View { return &issue3047{page: "Page B", sticky: sticky3047} })

	notifications := e.Child("issue3378.notifications", func() live.View { return &issue3378Notifications{} })
	appBar := e.Child("issue3378.appbar", func() live.View { return &issue3378AppBar{notifications: notifications} })
	def.Handle(mux, "GET /issues/3378", "issue3378", func() live.View { return &issue3378Home{appBar: appBar} })
}

// issue3047: a sticky child's stream, reset, survives live navigation
// between the two pages. Upstream's pages share a live layout with the
// links and the sticky view; here each page renders it (issue3047Shell).
type issue3047 struct {
	page   string
	sticky *live.ChildView
}

func (v *issue3047) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3047) Render() templ.Component               { return issue3047Page(v) }

type issue3047Item struct{ id int }

type issue3047Sticky struct{ items *live.Stream[issue3047Item] }

func (v *issue3047Sticky) Mount(*live.Socket, live.Params) error {
	v.items = live.NewStream(func(i issue3047Item) string { return "items-" + strconv.Itoa(i.id) })
	for i := 1; i <= 10; i++ {
		v.items.Append(issue3047Item{i})
	}
	return nil
}

func (v *issue3047Sticky) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "reset" {
		var items []issue3047Item
		for i := 5; i <= 15; i++ {
			items = append(items, issue3047Item{i})
		}
		v.items.Reset(items...)
	}
	return nil
}

func (v *issue3047Sticky) Render() templ.Component { return issue3047StickyPage(v) }

// issue3378: a stream in a view nested two levels deep rejoins (after a
// disconnect) without client errors.
type issue3378Home struct{ appBar *live.ChildView }

func (v *issue3378Home) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3378Home) Render() templ.Component               { return issue3378HomePage(v) }

type issue3378AppBar struct{ notifications *live.ChildView }

func (v *issue3378AppBar) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3378AppBar) Render() templ.Component               { return issue3378AppBarPage(v) }

type issue3378Notifications struct{ items *live.Stream[issue3047Item] }

func (v *issue3378Notifications) Mount(*live.Socket, live.Params) error {
	v.items = live.NewStream(func(i issue3047Item) string { return "notifications-" + strconv.Itoa(i.id) })
	v.items.Append(issue3047Item{1})
	return nil
}

func (v *issue3378Notifications) Render() templ.Component { return issue3378NotificationsPage(v) }
