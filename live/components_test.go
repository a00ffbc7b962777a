package live_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/livetest"
)

// portalView counts clicks of a button that lives in a portal.
type portalView struct {
	count int
	attrs templ.Attributes // nil: live.Portal; else live.PortalAttrs
}

func (v *portalView) Mount(*live.Socket, live.Params) error { return nil }

func (v *portalView) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "inc" {
		v.count++
	}
	return nil
}

func (v *portalView) Render() templ.Component {
	content := templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, `<p id="count">`+strconv.Itoa(v.count)+`</p><button id="inc" phx-click="inc">+1</button>`)
		return err
	})
	portal := live.Portal("count-portal", "#target")
	if v.attrs != nil {
		portal = live.PortalAttrs("count-portal", "#target", v.attrs)
	}
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if err := portal.Render(templ.WithChildren(ctx, content), w); err != nil {
			return err
		}
		_, err := io.WriteString(w, `<div id="target"></div>`)
		return err
	})
}

// A portal is a template the client teleports: its target and a single
// wrapper root (with the given attributes), the content inside, and the
// content stays the view's (events reach it, changes are patched in).
func TestPortal(t *testing.T) {
	for _, tc := range []struct {
		name    string
		attrs   templ.Attributes
		wrapper string
	}{
		{"Portal", nil, `<div id="_lv_portal_wrap_count-portal">`},
		{"PortalAttrs", templ.Attributes{"class": "contents"}, `<div id="_lv_portal_wrap_count-portal" class="contents">`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
				e.Session("default").Handle(mux, "GET /portal", "portal", func() live.View { return &portalView{attrs: tc.attrs} })
			})
			dead := env.Get("/portal").ViewHTML()
			want := `<template id="count-portal" data-phx-portal="#target">` + tc.wrapper + `<p id="count">0</p>`
			if !strings.Contains(dead, want) {
				t.Fatalf("dead render lacks %s:\n%s", want, dead)
			}
			v := env.Live("/portal")
			if got := v.Count(`template[data-phx-portal="#target"] > div > #inc`); got != 1 {
				t.Fatalf("buttons in the portal's wrapper = %d, want 1:\n%s", got, v.HTML())
			}
			if err := v.Click("#inc"); err != nil {
				t.Fatal(err)
			}
			if got := v.Text("template #count"); got != "1" {
				t.Fatalf("count in the portal after a click = %q, want 1:\n%s", got, v.HTML())
			}
		})
	}
}
