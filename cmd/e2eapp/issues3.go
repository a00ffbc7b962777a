package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// jsLive is /js: JS commands on a modal and ignore_attributes on a
// details element.
type jsLive struct{ count int }

func (v *jsLive) Mount(*live.Socket, live.Params) error { return nil }
func (v *jsLive) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "increment" {
		v.count++
	}
	return nil
}
func (v *jsLive) Render() templ.Component { return jsPage(v) }

var (
	jsShow = live.JS().
		Show("#my-modal", live.WithTransition("fade-in", "", ""), live.WithTime(50*time.Millisecond)).
		SetAttribute("#my-modal", "aria-expanded", "true").
		SetAttribute("#my-modal", "open", "true")
	jsHide = live.JS().
		Hide("#my-modal", live.WithTransition("fade-out", "", ""), live.WithTime(50*time.Millisecond)).
		SetAttribute("#my-modal", "aria-expanded", "false").
		RemoveAttribute("#my-modal", "open")
	jsToggle = live.JS().
			Toggle("#my-modal", live.WithIn("fade-in", "", ""), live.WithOut("fade-out", "", ""), live.WithTime(50*time.Millisecond)).
			ToggleAttributeBetween("#my-modal", "aria-expanded", "true", "false").
			ToggleAttribute("#my-modal", "open", "true")
	jsIgnoreOpen = live.JS().IgnoreAttributes("", []string{"open"})
)

// issue3194: a debounced (blur) input's event is not sent to the view a
// submit navigated to.
type issue3194 struct{}

func (v *issue3194) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3194) HandleEvent(s *live.Socket, e live.Event) error {
	if e.Name == "submit" {
		s.PushNavigate("/issues/3194/other", false)
	}
	return nil
}
func (v *issue3194) Render() templ.Component { return issue3194Page() }

// issue4066: a delayed push from an element that was removed meanwhile is
// dropped, not sent to the parent.
type issue4066 struct {
	mounted  string
	delay    string
	renderLC bool
}

func (v *issue4066) Mount(_ *live.Socket, p live.Params) error {
	// Upstream prints the time at each render, but only the first render
	// sends it (the expression uses no assign, so it never changes):
	// the time of the mount.
	v.mounted = time.Now().UTC().Format(time.RFC3339Nano)
	v.delay = p.Get("delay")
	if v.delay == "" {
		v.delay = "3000"
	}
	v.renderLC = true
	return nil
}
func (v *issue4066) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "toggle" {
		v.renderLC = !v.renderLC
	}
	return nil
}
func (v *issue4066) Render() templ.Component { return issue4066Page(v) }

type issue4066LC struct{ delay string }

func (c *issue4066LC) Update(_ *live.Socket, props any) error { c.delay = props.(string); return nil }
func (c *issue4066LC) HandleEvent(*live.Socket, live.Event) error {
	return nil
}
func (c *issue4066LC) Render() templ.Component { return issue4066LCPage(c) }

// issue4212: a stream insert at an index moves the element with
// moveBefore (custom elements see a move, not a disconnect).
type issue4212 struct {
	items   *live.Stream[item]
	counter int
}

type item struct{ id, name string }

func (v *issue4212) Mount(*live.Socket, live.Params) error {
	v.items = live.NewStream(func(i item) string { return "items-" + i.id })
	for _, i := range []item{{"a", "A"}, {"b", "B"}, {"c", "C"}} {
		v.items.Append(i)
	}
	return nil
}
func (v *issue4212) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "insert_at_1" {
		v.counter++
		n := strconv.Itoa(v.counter)
		v.items.Insert(item{"new" + n, "New " + n}, live.InsertOpts{At: 1})
	}
	return nil
}
func (v *issue4212) Render() templ.Component { return issue4212Page(v) }

// issue3686: flash carried across push_navigate and across a redirect to
// another live session.
type issue3686 struct {
	name, next, nav string
	redirect        bool
	flash           map[string]string
}

func (v *issue3686) Mount(s *live.Socket, _ live.Params) error {
	v.flash = map[string]string{}
	if m := s.Flash("info"); m != "" {
		v.flash["info"] = m
	}
	return nil
}
func (v *issue3686) HandleEvent(s *live.Socket, e live.Event) error {
	if e.Name != "go" {
		return nil
	}
	s.PutFlash("info", "Flash from "+v.name)
	if v.redirect {
		s.Redirect(v.nav)
	} else {
		s.PushNavigate(v.nav, false)
	}
	return nil
}
func (v *issue3686) Render() templ.Component { return issue3686Page(v) }

// inspectMap writes a map of strings as Elixir's inspect does.
func inspectMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%q => %q", k, m[k])
	}
	return "%{" + strings.Join(parts, ", ") + "}"
}

// issue4147: a hook in the root layout, outside the live view, is mounted
// once across a reconnect.
type issue4147 struct{}

func (v *issue4147) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue4147) Render() templ.Component               { return issue4147Page() }
