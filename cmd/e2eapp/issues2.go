package main

import (
	"math/rand/v2"
	"net/url"
	"strconv"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// static is a view with no state and no events.
type static struct{ page templ.Component }

func (v *static) Mount(*live.Socket, live.Params) error { return nil }
func (v *static) Render() templ.Component               { return v.page }

func staticView(c templ.Component) func() live.View {
	return func() live.View { return &static{page: c} }
}

// issue4102: a debounced input outside its form (form="my-form").
type issue4102 struct{ name string }

func (v *issue4102) Mount(*live.Socket, live.Params) error { v.name = "Test"; return nil }
func (v *issue4102) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "validate" || e.Name == "submit" {
		v.name = e.Value.Get("name")
	}
	return nil
}
func (v *issue4102) Render() templ.Component { return issue4102Page(v) }

// issue3919: an attribute back at its default is sent as changed.
type issue3919 struct{ special bool }

func (v *issue3919) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3919) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "toggle_special" {
		v.special = !v.special
	}
	return nil
}
func (v *issue3919) Render() templ.Component { return issue3919Page(v) }

// issue4095: events from elements of a portal that a patch replaced are
// ignored.
type issue4095 struct{ show string }

func (v *issue4095) Mount(*live.Socket, live.Params) error { v.show = "true"; return nil }
func (v *issue4095) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "validate" {
		v.show = e.Value.Get("show?")
	}
	return nil
}
func (v *issue4095) Render() templ.Component { return issue4095Page(v) }

// issue4088: a hook pushing to its component while the container is
// locked.
type issue4088 struct{}

func (v *issue4088) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue4088) Render() templ.Component               { return issue4088Page() }

type issue4088LC struct{ test string }

func (c *issue4088LC) Mount(*live.Socket) error { c.test = "value"; return nil }
func (c *issue4088LC) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "my_update" {
		c.test = strconv.FormatFloat(rand.Float64(), 'f', -1, 64)
	}
	return nil
}
func (c *issue4088LC) Render() templ.Component { return issue4088LCPage(c) }

// issue3709: patches racing a component's replacement.
type issue3709 struct{ id string }

func (v *issue3709) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3709) HandleParams(_ *live.Socket, _ *url.URL, p live.Params) error {
	v.id = p.Get("id")
	return nil
}
func (v *issue3709) Render() templ.Component { return issue3709Page(v) }

type hello struct{}

func (hello) Render() templ.Component { return helloPage() }
