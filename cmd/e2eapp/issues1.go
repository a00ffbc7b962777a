package main

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// inspect writes a list of strings as Elixir's inspect does, nil as nil.
func inspect(l []string) string {
	if l == nil {
		return "nil"
	}
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// issue3107: a select keeps the value the person chose when a change
// enables the form's button.
type issue3107 struct{ disabled bool }

func (v *issue3107) Mount(*live.Socket, live.Params) error { v.disabled = true; return nil }
func (v *issue3107) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "validate" {
		v.disabled = false
	}
	return nil
}
func (v *issue3107) Render() templ.Component { return issue3107Page(v) }

// issue3719: _target of a change event is decoded into its path.
type issue3719 struct{ target []string }

func (v *issue3719) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3719) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "inc" {
		v.target = e.Target
	}
	return nil
}
func (v *issue3719) Render() templ.Component { return issue3719Page(v) }

// issue3814: phx-trigger-action submits the form with its submitter.
type issue3814 struct{ trigger bool }

func (v *issue3814) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3814) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "submit" {
		v.trigger = true
	}
	return nil
}
func (v *issue3814) Render() templ.Component { return issue3814Page(v) }

// issue3819: form recovery of an empty form does not hold the page.
type issue3819 struct{ reconnected bool }

func (v *issue3819) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3819) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "reconnected" {
		v.reconnected = true
	}
	return nil
}
func (v *issue3819) Render() templ.Component { return issue3819Page(v) }

// issue3529: navigate remounts (a new mount time), patch does not, also
// through the browser's back and forward.
type issue3529 struct {
	mounted string
	next    float64
}

func (v *issue3529) Mount(*live.Socket, live.Params) error {
	v.mounted = time.Now().UTC().Format("2006-01-02 15:04:05.000000Z")
	return nil
}
func (v *issue3529) HandleParams(*live.Socket, *url.URL, live.Params) error {
	v.next = rand.Float64()
	return nil
}
func (v *issue3529) Render() templ.Component { return issue3529Page(v) }
func (v *issue3529) href() string            { return "/issues/3529?param=" + fmt.Sprint(v.next) }

// issue4094: handle_params redirecting after a patch raises nothing on
// the client.
type issue4094 struct{}

func (v *issue4094) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue4094) HandleParams(s *live.Socket, _ *url.URL, p live.Params) error {
	if p.Get("foo") == "bar" {
		s.Redirect("/navigation/a")
	}
	return nil
}
func (v *issue4094) Render() templ.Component { return issue4094Page() }

// issue3448: focus stays where JS.focus put it while the form's patch
// is applied late (latency simulation).
type issue3448 struct{ a []string }

func (v *issue3448) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3448) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "validate" {
		v.a = e.Value.Strings("a")
	}
	return nil
}
func (v *issue3448) Render() templ.Component { return issue3448Page(v) }
func (v *issue3448) has(s string) bool {
	for _, x := range v.a {
		if x == s {
			return true
		}
	}
	return false
}
