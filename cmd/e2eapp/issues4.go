package main

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// issue3083: a multiple select takes the server's values unless focused.
type issue3083 struct{ ids []int }

func (v *issue3083) Mount(s *live.Socket, p live.Params) error {
	if s.Connected() && p.Get("auto") != "false" {
		s.SendAfter(time.Second, atomMsg("tick"))
	}
	return nil
}
func (v *issue3083) HandleInfo(s *live.Socket, msg any) error {
	switch m := msg.(type) {
	case atomMsg:
		if m == "tick" {
			v.ids = rand.Perm(5)[:2]
			for i := range v.ids {
				v.ids[i]++
			}
			s.SendAfter(time.Second, atomMsg("tick"))
		}
	case tupleMsg:
		if m.name == "select" {
			v.ids = m.ints
		}
	}
	return nil
}
func (v *issue3083) HandleEvent(s *live.Socket, e live.Event) error {
	if e.Name == "sandbox:eval" {
		return sandboxEval(s, v, e)
	}
	return nil
}
func (v *issue3083) Render() templ.Component { return issue3083Page(v) }
func (v *issue3083) selected(i int) bool     { return slices.Contains(v.ids, i) }

// issue3026: a live component removed and added back while its destroy
// is on the way.
type issue3026 struct {
	status      string
	name, email string
}

func (v *issue3026) Mount(s *live.Socket, _ live.Params) error {
	v.status = "connecting"
	if s.Connected() {
		v.status = "loading"
		s.Send(atomMsg("load"))
	}
	return nil
}
func (v *issue3026) HandleInfo(_ *live.Socket, msg any) error {
	if msg == atomMsg("load") {
		// Upstream sleeps in the view's process, holding back the events
		// behind it.
		time.Sleep(200 * time.Millisecond)
		v.status, v.name, v.email = "loaded", "John", ""
	}
	return nil
}
func (v *issue3026) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "change_status":
		v.status = e.Value.Get("status")
	case "validate":
		v.name, v.email = e.Value.Get("name"), e.Value.Get("email")
	case "submit":
		s.Send(atomMsg("load"))
		v.status = "loading"
	}
	return nil
}
func (v *issue3026) Render() templ.Component { return issue3026Page(v) }

var statuses = []string{"connecting", "loading", "connected", "loaded"}

type issue3026Form struct{ name, email string }

func (c *issue3026Form) Update(_ *live.Socket, props any) error {
	p := props.([2]string)
	c.name, c.email = p[0], p[1]
	return nil
}
func (c *issue3026Form) Render() templ.Component { return issue3026FormPage(c) }

func itoa(i int) string { return strconv.Itoa(i) }
