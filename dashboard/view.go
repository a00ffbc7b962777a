package dashboard

import (
	"fmt"
	"net/http"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// view is the dashboard's live view: one page, re-rendered on its own
// timer while connected. It holds only what it renders.
type view struct {
	d    *Dashboard
	page *Page
	body Block
	at   time.Time
}

// tick is the view's refresh timer message.
type tick struct{}

// Mount resolves the page ("" is home) and renders it; once connected it
// starts the refresh timer (which ends with the view).
func (v *view) Mount(s *live.Socket, p live.Params) error {
	path := p.Get("page")
	v.page = v.d.page(path)
	if v.page == nil {
		return &live.StatusError{Status: http.StatusNotFound, Err: fmt.Errorf("the dashboard has no page %q", path)}
	}
	s.SetTitle("Dashboard · " + v.page.Title)
	v.refresh(s)
	if s.Connected() {
		v.schedule(s)
	}
	return nil
}

func (v *view) schedule(s *live.Socket) {
	if every := v.d.refreshOf(v.page); every > 0 {
		s.SendAfter(every, tick{})
	}
}

func (v *view) refresh(s *live.Socket) {
	v.at = time.Now()
	v.body = v.page.Render(s.Context())
	if v.body == nil {
		v.body = Blocks()
	}
}

// HandleInfo refreshes the page on its timer.
func (v *view) HandleInfo(s *live.Socket, msg any) error {
	if _, ok := msg.(tick); ok {
		v.refresh(s)
		v.schedule(s)
	}
	return nil
}

// Render implements live.View.
func (v *view) Render() templ.Component { return page(v) }

type menuItem struct {
	key, title, href string
	active           bool
}

func (v *view) menu() []menuItem {
	pages := v.d.menuPages()
	out := make([]menuItem, 0, len(pages))
	for _, p := range pages {
		href, key := Prefix, p.Path
		if p.Path != "" {
			href += "/" + p.Path
		} else {
			key = "home"
		}
		out = append(out, menuItem{key: key, title: p.Title, href: href, active: p == v.page})
	}
	return out
}
