package main

import (
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// issue3979: ten components whose root ids change (a bump) and which are
// then updated with send_update 100 ms later, as upstream's are; the
// client's check for destroyed components must not drop any.
type issue3979 struct {
	counter int
	comps   []issue3979Entry
}

type issue3979Entry struct{ id, counter int }

// issue3979Props are the parent's assigns for a component (dom_id,
// counter).
type issue3979Props struct {
	domID   string
	counter int
}

// issue3979Update is the view's timer (upstream's {:update, i}).
type issue3979Update struct{ i int }

// issue3979Counter is the send_update (counter: 10).
type issue3979Counter struct{ counter int }

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
			v.comps[v.counter-1].counter++
		}
		v.counter++
	}
	return nil
}

func (v *issue3979) HandleInfo(s *live.Socket, msg any) error {
	if m, ok := msg.(issue3979Update); ok {
		s.SendUpdate(live.ComponentID("comp-"+strconv.Itoa(m.i)), issue3979Counter{10})
	}
	return nil
}

func (v *issue3979) Render() templ.Component { return issue3979Page(v) }

func (e issue3979Entry) props() issue3979Props {
	return issue3979Props{domID: "hello-" + strconv.Itoa(e.id) + "-" + strconv.Itoa(e.counter), counter: e.counter}
}

type issue3979Comp struct{ p issue3979Props }

func (c *issue3979Comp) Update(_ *live.Socket, props any) error {
	switch p := props.(type) {
	case issue3979Props:
		c.p = p
	case issue3979Counter:
		c.p.counter = p.counter
	}
	return nil
}

func (c *issue3979Comp) Render() templ.Component { return issue3979CompPage(c) }
