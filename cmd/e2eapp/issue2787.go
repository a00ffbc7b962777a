package main

import (
	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// issue2787: selects are cleared on submit (the second one's options
// depend on the first).
type issue2787 struct {
	values map[string]string
	opts2  []string
}

func (v *issue2787) Mount(*live.Socket, live.Params) error {
	v.values = map[string]string{}
	return nil
}

func (v *issue2787) HandleEvent(_ *live.Socket, e live.Event) error {
	switch e.Name {
	case "updated":
		d := e.Value.Map("demo")
		v.values = map[string]string{"select1": d.Get("select1"), "select2": d.Get("select2"), "dummy": d.Get("dummy")}
		switch d.Get("select1") {
		case "greetings":
			v.opts2 = []string{"hello", "hallo", "hei"}
		case "goodbyes":
			v.opts2 = []string{"goodbye", "auf wiedersehen", "ha det bra"}
		default:
			v.opts2 = nil
		}
	case "submitted":
		v.values, v.opts2 = map[string]string{}, nil
	}
	return nil
}

func (v *issue2787) Render() templ.Component { return issue2787Page(v) }
