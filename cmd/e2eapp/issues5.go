package main

import (
	"context"
	"fmt"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// issue4290: events of the old view during a delayed live navigation are
// not sent to the new view.
type issue4290A struct{}

func (v *issue4290A) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue4290A) HandleEvent(s *live.Socket, e live.Event) error {
	if e.Name == "navigate" {
		s.PushNavigate("/issues/4290/b", false)
	}
	return nil
}
func (v *issue4290A) Render() templ.Component { return issue4290APage() }

var slowRemove = live.JS().Transition("", "fade-out", "", "", live.WithTime(1500*time.Millisecond))

// issue4290B counts every event it gets.
type issue4290B struct{ events []string }

func (v *issue4290B) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue4290B) HandleEvent(_ *live.Socket, e live.Event) error {
	v.events = append(v.events, e.Name)
	return nil
}
func (v *issue4290B) Render() templ.Component { return issue4290BPage(v) }

// issue3651: a locked hook whose element changes id is cleared; the hooks
// come from a script run before the LiveSocket connects.
type issue3651 struct{ id, counter int }

func (v *issue3651) Mount(s *live.Socket, _ live.Params) error {
	v.id = 1
	if s.Connected() {
		s.Send(atomMsg("change_id"))
	}
	s.PushEvent("myevent", map[string]any{})
	return nil
}
func (v *issue3651) HandleInfo(_ *live.Socket, msg any) error {
	if msg == atomMsg("change_id") {
		v.id = 2
	}
	return nil
}
func (v *issue3651) HandleEvent(s *live.Socket, e live.Event) error {
	if e.Name == "reload" {
		v.counter++
		s.PushEvent("myevent", map[string]any{})
		if v.counter > 4096 {
			panic("that's enough, bye!")
		}
	}
	return nil
}
func (v *issue3651) Render() templ.Component { return issue3651Page(v) }

// issue4027: keyed rows inside components, fed by assign_async.
type issue4027 struct {
	data  live.AsyncResult[[]entry]
	which string
}

type entry struct {
	id    int
	value string
}

func (v *issue4027) Mount(_ *live.Socket, p live.Params) error {
	v.data.SetOK([]entry{})
	v.which = p.Get("case")
	if v.which == "" {
		v.which = "first"
	}
	return nil
}

func (v *issue4027) load(s *live.Socket, es []entry) {
	live.AssignAsync(s, &v.data, func(ctx context.Context) ([]entry, error) {
		select {
		case <-time.After(100 * time.Millisecond):
			return es, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	})
}

func (v *issue4027) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "load":
		v.load(s, []entry{{1, "First"}, {2, "Second"}, {3, "Third"}})
	case "remove":
		v.load(s, []entry{{2, "Second"}, {3, "Third"}})
	}
	return nil
}
func (v *issue4027) Render() templ.Component { return issue4027Page(v) }

// repro4027 renders the entries it is given; repro4027Async the
// AsyncResult itself.
type repro4027 struct{ data []entry }

func (c *repro4027) Update(_ *live.Socket, props any) error { c.data = props.([]entry); return nil }
func (c *repro4027) Render() templ.Component                { return repro4027Page(c.data) }

type repro4027Async struct{ data live.AsyncResult[[]entry] }

func (c *repro4027Async) Update(_ *live.Socket, props any) error {
	c.data = props.(live.AsyncResult[[]entry])
	return nil
}
func (c *repro4027Async) Render() templ.Component { return repro4027AsyncPage(c) }

func rowID(e entry) string { return fmt.Sprintf("row-%d", e.id) }
