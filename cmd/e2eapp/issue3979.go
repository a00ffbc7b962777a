package main

import (
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// issue3979: ten components whose root ids change (a bump) and which are
// then updated 100 ms later; the client's check for destroyed components
// must not drop any. Upstream updates the component with send_update,
// which this engine lacks; here the view keeps the value the component
// shows (shown) and passes it as props on its next render, which reaches
// the component the same way (its Update, then its diff).
type issue3979 struct {
	counter int
	comps   []issue3979Entry
}

type issue3979Entry struct{ id, counter, shown int }

type issue3979Props struct {
	domID   string
	counter int
}

type issue3979Update struct{ i int }

func (v *issue3979) Mount(*live.Socket, live.Params) error {
	v.counter = 1
	for i := 1; i <= 10; i++ {
		v.comps = append(v.comps, issue3979Entry{id: i})
	}
	return nil
}

func (v *issue3979) HandleEvent(s *live.Socket, e live.Event) error {
	if e.Name == "bump" {
		s.SendAfter(100*time.Millisecond, issue3979Update{v.counter})
		if v.counter <= len(v.comps) {
			c := &v.comps[v.counter-1]
			c.counter++
			c.shown = c.counter
		}
		v.counter++
	}
	return nil
}

func (v *issue3979) HandleInfo(_ *live.Socket, msg any) error {
	if m, ok := msg.(issue3979Update); ok && m.i >= 1 && m.i <= len(v.comps) {
		v.comps[m.i-1].shown = 10
	}
	return nil
}

func (v *issue3979) Render() templ.Component { return issue3979Page(v) }

func (e issue3979Entry) props() issue3979Props {
	return issue3979Props{domID: "hello-" + strconv.Itoa(e.id) + "-" + strconv.Itoa(e.counter), counter: e.shown}
}

type issue3979Comp struct{ p issue3979Props }

func (c *issue3979Comp) Update(_ *live.Socket, props any) error {
	c.p, _ = props.(issue3979Props)
	return nil
}

func (c *issue3979Comp) Render() templ.Component { return issue3979CompPage(c) }
