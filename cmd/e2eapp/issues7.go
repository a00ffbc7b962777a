package main

import (
	"context"
	"strconv"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// issue3684: radios in a comprehension inside a live component's form;
// clicking one re-renders the component with it checked (the client's
// nested statics clones must be applied).
type issue3684 struct{}

func (v *issue3684) Mount(*live.Socket, live.Params) error      { return nil }
func (v *issue3684) HandleEvent(*live.Socket, live.Event) error { return nil } // change, submit
func (v *issue3684) Render() templ.Component                    { return issue3684Page() }

type issue3684Badge struct{ kind string }

func (c *issue3684Badge) Mount(*live.Socket) error { c.kind = "huey"; return nil }
func (c *issue3684Badge) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "change-type" {
		if t := e.Value.Get("type"); t == "huey" || t == "dewey" {
			c.kind = t
		}
	}
	return nil
}
func (c *issue3684Badge) Render() templ.Component { return issue3684BadgeForm(c) }

// issue4107: a form in a portal, submitted by a button outside it
// (form="test-form"): a plain POST to /api/test.
type issue4107 struct{}

func (v *issue4107) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue4107) Render() templ.Component               { return issue4107Page() }

// issue4121: a stream in a portal, reset by a button outside it.
type issue4121 struct{ items *live.Stream[portalItem] }

func (v *issue4121) Mount(*live.Socket, live.Params) error {
	v.items = live.NewStream(func(i portalItem) string { return "items-" + strconv.Itoa(i.id) })
	v.items.Append(portalItem{1, "Item 1"})
	v.items.Append(portalItem{2, "Item 2"})
	return nil
}

func (v *issue4121) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "reset-stream" {
		id := int(-uniqueInt.Add(1))
		v.items.Reset(portalItem{id, "Item " + strconv.Itoa(id)})
	}
	return nil
}

func (v *issue4121) Render() templ.Component { return issue4121Page(v) }

// issue3117: live components with a function component's static root,
// each loading a value with assign_async, survive a live navigation to
// the same view.
type issue3117 struct{}

func (v *issue3117) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3117) Render() templ.Component               { return issue3117Page() }

// issue3117Row loads its value once: its update runs once, as upstream's
// (the parent passes it no changed props); the guard keeps it so should
// Update run again.
type issue3117Row struct {
	id      string
	started bool
	foo     live.AsyncResult[string]
}

func (c *issue3117Row) Update(s *live.Socket, _ any) error {
	if !c.started {
		c.started = true
		live.AssignAsync(s, &c.foo, func(context.Context) (string, error) { return ":bar", nil })
	}
	return nil
}

func (c *issue3117Row) Render() templ.Component { return issue3117RowPage(c) }

// inspect is Elixir's inspect of the result: nil until it is set.
func (c *issue3117Row) inspect() string {
	if !c.foo.OK() {
		return "nil"
	}
	return c.foo.Result()
}
