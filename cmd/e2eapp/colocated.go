package main

import (
	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// colocatedLive is /colocated: a colocated hook (its JS in the colocated
// bundle under its full name, as Phoenix's compiler extracts it), a
// colocated JS module (js_exec, run from the page's layout), a runtime
// hook rendered inline, and a JS command pushed from the server.
type colocatedLive struct{ phone string }

func (v *colocatedLive) Mount(*live.Socket, live.Params) error { return nil }
func (v *colocatedLive) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "submit-phone":
		v.phone = e.Value.Map("user").Get("phone_number")
	case "push-js":
		s.PushEvent("js:exec", map[string]any{"cmd": live.JS().Toggle("#hello").String()})
	}
	return nil
}
func (v *colocatedLive) Render() templ.Component { return colocatedPage(v) }
