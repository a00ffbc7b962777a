package main

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// issue3169: nested live components that go away and come back (with new
// ids) in two successive patches keep their inputs' values. The outer
// component answers a new selection with record nil and a send_update to
// itself that loads the record (after 50 ms) in the next render, as
// upstream's does.
type issue3169 struct{ selected string }

// issue3169Load is the component's send_update to itself (upstream's
// action: {:load, name}).
type issue3169Load struct{ name string }

func (v *issue3169) Mount(*live.Socket, live.Params) error { return nil }

func (v *issue3169) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "select" {
		v.selected = e.Value.Get("name")
	}
	return nil
}

func (v *issue3169) Render() templ.Component { return issue3169Page(v) }

type issue3169Record struct {
	id   int
	name string
}

// issue3169Form is upstream's FormComponent (c1): the parent's selection
// comes as a string, the load as an issue3169Load.
type issue3169Form struct{ record *issue3169Record }

func (c *issue3169Form) Update(s *live.Socket, props any) error {
	switch p := props.(type) {
	case string:
		if p != "" {
			s.SendUpdate(live.ComponentID("form_view"), issue3169Load{p})
			c.record = nil
		}
	case issue3169Load:
		time.Sleep(50 * time.Millisecond) // upstream's load takes as long
		c.record = &issue3169Record{id: 1 + rand.IntN(1_000_000), name: "Record " + p.name}
	}
	return nil
}

func (c *issue3169Form) Render() templ.Component { return issue3169FormPage(c) }

// issue3169Core is upstream's FormCore (c2).
type issue3169Core struct{ record issue3169Record }

func (c *issue3169Core) Update(_ *live.Socket, props any) error {
	c.record, _ = props.(issue3169Record)
	return nil
}

func (c *issue3169Core) Render() templ.Component { return issue3169CorePage(c) }

func (c *issue3169Core) columnID() string { return "column-" + strconv.Itoa(c.record.id) }

// issue3169Column is upstream's FormColumn (c3).
type issue3169Column struct{ value string }

func (c *issue3169Column) Update(_ *live.Socket, props any) error {
	c.value, _ = props.(string)
	return nil
}

func (c *issue3169Column) Render() templ.Component { return issue3169ColumnPage(c) }
