package main

import (
	"context"
	"slices"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// issue3941: components (each with a hook that pushes an event on mount,
// and async assigns) under checkboxes that remove and add them: a
// component-only patch inside a locked tree is not lost.
type issue3941 struct{ selected []string }

var issue3941Items = []string{"Item_1", "Item_2"}

func (v *issue3941) Mount(*live.Socket, live.Params) error {
	v.selected = slices.Clone(issue3941Items)
	return nil
}

func (v *issue3941) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name != "toggle_item" {
		return nil // page_position_update
	}
	clicked := e.Value.Get("clicked")
	if e.Value.Has("value") {
		v.selected = append(v.selected, e.Value.Get("value"))
	} else if i := slices.Index(v.selected, clicked); i >= 0 {
		v.selected = slices.Delete(v.selected, i, i+1)
	}
	slices.Sort(v.selected)
	return nil
}

func (v *issue3941) Render() templ.Component { return issue3941Page(v) }

// issue3941Item loads an assign it never renders. Its Update runs when
// its props change, as upstream's; the async loads start on the first one
// only (upstream's also restart when a removal shifts the item to another
// index of the parent's list, which this engine's props comparison does
// not see).
type issue3941Item struct {
	item    string
	started bool
	unused  live.AsyncResult[bool]
}

func (c *issue3941Item) Update(s *live.Socket, props any) error {
	c.item, _ = props.(string)
	if !c.started {
		c.started = true
		live.AssignAsync(s, &c.unused, func(context.Context) (bool, error) { return true, nil })
	}
	return nil
}

func (c *issue3941Item) Render() templ.Component { return issue3941ItemPage(c) }

type issue3941Header struct {
	item    string
	started bool
	assign  live.AsyncResult[string]
}

func (c *issue3941Header) Update(s *live.Socket, props any) error {
	c.item, _ = props.(string)
	if !c.started {
		c.started = true
		live.AssignAsync(s, &c.assign, func(context.Context) (string, error) { return ":assign", nil })
	}
	return nil
}

func (c *issue3941Header) Render() templ.Component { return issue3941HeaderPage(c) }

// inspect stands for Elixir's inspect of the AsyncResult.
func (c *issue3941Header) inspect() string {
	switch {
	case c.assign.OK():
		return "%Phoenix.LiveView.AsyncResult{ok?: true, loading: nil, failed: nil, result: " + c.assign.Result() + "}"
	default:
		return "%Phoenix.LiveView.AsyncResult{ok?: false, loading: [:async_assign], failed: nil, result: nil}"
	}
}
