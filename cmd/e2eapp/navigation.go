package main

import (
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// The navigation live session has its own live layout (upstream's
// Navigation.Layout): a sidebar of links and its own LiveSocket, with
// reload jitter of 50–500 ms and a log line per phx:navigate event. In
// Phoenix a live_session layout renders inside the live container, so
// here each view of the session wraps its content in navLayout, and the
// page layout adds no client of its own for these paths (only the CSRF
// meta tag, which a view cannot render). The dead page has no CSRF token:
// its socket is refused, as it would be upstream without a session.

var uniqueInt atomic.Int64 // System.unique_integer's stand-in

// navA is /navigation/a: patches with a changing param.
type navA struct{ current, next string }

func (v *navA) Mount(*live.Socket, live.Params) error { return nil }
func (v *navA) HandleParams(_ *live.Socket, _ *url.URL, p live.Params) error {
	v.current = p.Get("param")
	v.next = strconv.FormatInt(uniqueInt.Add(1), 10)
	return nil
}
func (v *navA) Render() templ.Component { return navLayout(navAPage(v)) }

// navB is /navigation/b (a stream of 100 items) and /navigation/b/{id}.
type navB struct {
	show      bool
	container bool
	id        string
	items     *live.Stream[navItem]
}

type navItem struct {
	id   string
	name int
}

func (v *navB) Mount(*live.Socket, live.Params) error {
	v.items = live.NewStream(func(i navItem) string { return "items-" + i.id })
	return nil
}

func (v *navB) HandleParams(_ *live.Socket, _ *url.URL, p live.Params) error {
	v.container = p.Has("container")
	if v.show {
		v.id = p.Get("id")
		return nil
	}
	for i := 1; i <= 100; i++ {
		v.items.Append(navItem{"item-" + strconv.Itoa(i), i})
	}
	return nil
}
func (v *navB) Render() templ.Component { return navLayout(navBPage(v)) }

// redirectLoop patches to itself from HandleParams for ever once asked
// (?loop), until the engine gives up; the remount shows the message.
type redirectLoop struct {
	message string
	loop    bool
}

func (v *redirectLoop) Mount(_ *live.Socket, p live.Params) error {
	if p.Has("loop") {
		v.message = "Too many redirects"
	} else {
		v.loop = true
	}
	return nil
}
func (v *redirectLoop) HandleParams(s *live.Socket, _ *url.URL, p live.Params) error {
	if p.Has("loop") && v.loop {
		s.PushPatch("/navigation/redirectloop?loop=true", false)
	}
	return nil
}
func (v *redirectLoop) Render() templ.Component { return navLayout(redirectLoopPage(v)) }

// navDead is the plain HTTP page of the session's layout.
func navDead(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("content-type", "text/html; charset=utf-8")
	_ = navDeadPage().Render(r.Context(), w)
}

func registerNavigation(e *live.Engine, mux *http.ServeMux) {
	nav := e.Session("navigation")
	nav.Handle(mux, "GET /navigation/a", "navigation.a", func() live.View { return &navA{} })
	nav.Handle(mux, "GET /navigation/b", "navigation.b", func() live.View { return &navB{} })
	nav.Handle(mux, "GET /navigation/b/{id}", "navigation.b.show", func() live.View { return &navB{show: true} })
	nav.Handle(mux, "GET /navigation/redirectloop", "navigation.redirectloop", func() live.View { return &redirectLoop{} })
	mux.HandleFunc("GET /navigation/dead", navDead)
}

func scrollStyle(container bool) templ.SafeCSS {
	s := "width: 100%; border: 1px solid #e2e8f0; border-radius: 0.375rem; position: relative;"
	if container {
		s = "height: 85vh; overflow-y: scroll; " + s
	}
	return templ.SafeCSS(s)
}
