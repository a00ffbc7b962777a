package examples

import (
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// BindingsDemo is /examples/bindings: the client bindings a view answers,
// each with an element the browser test reads.
//
//   - phx-click-away: #open-menu opens #menu; a click anywhere outside it
//     sends "close-menu" (#menu-state, #click-aways).
//   - Key events: phx-keyup on #key-input ("keyup": #last-key) and
//     phx-window-keydown with phx-key="k" ("window-key": #window-keys).
//   - _target: #profile-form's phx-change ("validate") reports the field
//     that changed (#target) and echoes the values (#name-echo).
//   - phx-trigger-action: submitting #profile-form ("save") sets the
//     attribute, and the client then submits the form over plain HTTP to
//     POST /examples/bindings/saved.
//   - Form recovery: after a reconnect the view mounts afresh and the client
//     sends #profile-form's fields as its phx-change, and #custom-form's as
//     its phx-auto-recover event ("recover-custom": #custom-echo); #mounts
//     counts the mounts of this view.
//   - JS.push with value, target, loading and page_loading (#push-by):
//     "push-by" {by: 3}, answered after BindingsSlowPush so that the loading
//     class on #push-box and the page-loading events can be seen.
//   - phx-viewport-bottom / phx-viewport-top: #rows is a stream of pages of
//     BindingsPageSize rows, at most two pages in the DOM (BindingsPages in
//     all); reaching the bottom appends the next page and drops the first,
//     reaching the top (when a page was dropped) brings it back, and
//     overrunning the top (the client's _overran) starts over at page 1.
//   - phx-mounted / phx-remove: #marker adds the class "was-mounted" to
//     itself when mounted; #toggle-extra adds and removes #extra, whose
//     phx-remove dispatches "golive:removed" to #removal-sink.
//   - phx-connected / phx-disconnected: #offline is shown while the socket
//     is down and hidden once it is back.
type BindingsDemo struct {
	menuOpen   bool
	clickAways int
	lastKey    string
	windowKeys int
	target     string
	name       string
	email      string
	trigger    bool
	custom     string
	pushed     int
	extra      bool
	mounts     int
	first      int // the first page in the DOM
	last       int // the last page in the DOM
	rows       *live.Stream[int]
}

// The sizes of the scrolled list, and how long "push-by" takes.
const (
	BindingsPageSize  = 20
	BindingsPages     = 5
	BindingsSlowPush  = 300 * time.Millisecond
	bindingsPushLimit = 100
)

// bindingsMounts counts mounts of the view across connections, so that a
// test can tell a remount (a reconnect) from the same view going on.
var bindingsMounts atomic.Int64

// Mount implements live.View.
func (v *BindingsDemo) Mount(s *live.Socket, p live.Params) error {
	s.SetTitle("Bindings")
	v.mounts = int(bindingsMounts.Add(1))
	v.rows = live.NewStream(func(n int) string { return "row-" + strconv.Itoa(n) })
	v.first, v.last = 1, 1
	v.insertPage(1, false)
	return nil
}

// insertPage adds page's rows at the end (keeping the last two pages) or,
// with atTop, at the start (keeping the first two).
func (v *BindingsDemo) insertPage(page int, atTop bool) {
	from := (page-1)*BindingsPageSize + 1
	if atTop {
		for n := from + BindingsPageSize - 1; n >= from; n-- {
			v.rows.Insert(n, live.InsertOpts{At: 0, Limit: 2 * BindingsPageSize})
		}
		return
	}
	for n := from; n < from+BindingsPageSize; n++ {
		v.rows.Insert(n, live.InsertOpts{At: -1, Limit: -2 * BindingsPageSize})
	}
}

// HandleEvent implements live.EventHandler.
func (v *BindingsDemo) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "open-menu":
		v.menuOpen = true
	case "close-menu":
		if v.menuOpen {
			v.menuOpen = false
			v.clickAways++
		}
	case "keyup":
		v.lastKey = e.Value.Get("key")
	case "window-key":
		v.windowKeys++
	case "validate":
		v.target = e.Value.Get("_target")
		v.name, v.email = e.Value.Get("name"), e.Value.Get("email")
	case "save":
		v.name, v.email = e.Value.Get("name"), e.Value.Get("email")
		v.trigger = true
	case "recover-custom":
		v.custom = e.Value.Get("note")
	case "push-by":
		by, err := strconv.Atoi(e.Value.Get("by"))
		if err != nil || by < 0 || by > bindingsPushLimit {
			return fmt.Errorf("push-by wants 0 ≤ by ≤ %d, got %q", bindingsPushLimit, e.Value.Get("by"))
		}
		time.Sleep(BindingsSlowPush)
		v.pushed += by
	case "toggle-extra":
		v.extra = !v.extra
	case "load-more":
		if v.last < BindingsPages {
			v.last++
			v.insertPage(v.last, false)
			v.first = max(v.first, v.last-1)
		}
	case "load-prev":
		if e.Value.Get("_overran") == "true" {
			// Scrolled past the top faster than pages came: start over
			// at the first two pages, as a reset.
			v.rows.Reset()
			v.first, v.last = 1, min(2, BindingsPages)
			for page := v.first; page <= v.last; page++ {
				v.insertPage(page, false)
			}
			return nil
		}
		if v.first > 1 {
			v.first--
			v.insertPage(v.first, true)
			v.last = min(v.last, v.first+1)
		}
	}
	return nil
}

// Render implements live.View.
func (v *BindingsDemo) Render() templ.Component { return bindingsPage(v) }

// viewport is #rows' viewport bindings: the top one only when a page was
// dropped above, the bottom one until the last page is in.
func (v *BindingsDemo) viewport() templ.Attributes {
	a := templ.Attributes{}
	if v.first > 1 {
		a["phx-viewport-top"] = "load-prev"
	}
	if v.last < BindingsPages {
		a["phx-viewport-bottom"] = "load-more"
	}
	return a
}

// The JS commands of the page.
var (
	// BindingsPushBy pushes "push-by" {by: 3} to the view's root element,
	// marks #push-box as loading and signals page loading.
	BindingsPushBy = live.JS().Push("push-by",
		live.PushValue(map[string]any{"by": 3}),
		live.PushTarget("#bindings"),
		live.PushLoading("#push-box"),
		live.PushPageLoading())
	bindingsMounted = live.JS().AddClass("", "was-mounted")
	bindingsRemoved = live.JS().Dispatch("#removal-sink", "golive:removed")
	bindingsOffline = live.JS().Show("#offline")
	bindingsOnline  = live.JS().Hide("#offline")
)

// bindingsSaved is where #profile-form goes once phx-trigger-action is set:
// a plain HTTP POST, answered with what it carried.
func bindingsSaved(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form: "+err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	bindingsSavedPage(r.PostForm.Get("name"), r.PostForm.Get("email")).Render(r.Context(), w)
}

func openOrClosed(open bool) string {
	if open {
		return "open"
	}
	return "closed"
}
