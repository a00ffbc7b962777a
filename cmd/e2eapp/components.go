package main

import (
	"net/url"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// componentsLive is /components: focus_wrap in a dropdown and in a plain
// container. Upstream's page loads Tailwind's browser build from a CDN,
// which this offline port cannot; the page carries the few utility rules
// that change behaviour (hidden, positioning) itself.
type componentsLive struct{ tab string }

func (v *componentsLive) Mount(*live.Socket, live.Params) error { return nil }
func (v *componentsLive) HandleParams(_ *live.Socket, _ *url.URL, p live.Params) error {
	v.tab = p.Get("tab")
	if v.tab == "" {
		v.tab = "focus_wrap"
	}
	return nil
}
func (v *componentsLive) Render() templ.Component { return componentsPage(v) }

var (
	toggleDropdown = live.JS().Toggle("#dropdown-menu").FocusFirst("#dropdown-content")
	hideDropdown   = live.JS().Hide("#dropdown-menu")
)
