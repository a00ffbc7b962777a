package examples_test

import (
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/cortex-cinegraph/golive/live/examples"
	"github.com/cortex-cinegraph/golive/live/livetest"
)

var bindingsMounts = regexp.MustCompile(`<span id="mounts">[0-9]+</span>`)

func rowsFrom(from, n int) []string {
	var out []string
	for i := from; i < from+n; i++ {
		out = append(out, "row-"+strconv.Itoa(i))
	}
	return out
}

// TestBindings drives /examples/bindings' events on each client line; the
// browser parts (click-away, keys, viewport, recovery, JS) are in
// cmd/server's TestFeaturesBrowser.
func TestBindings(t *testing.T) {
	perLine(t, func(t *testing.T, env *livetest.Env) {
		v := env.Live("/examples/bindings")
		equal(t, "title", v.Title(), "Bindings")
		sameAsDead(t, env, v, "/examples/bindings", bindingsMounts)
		size := examples.BindingsPageSize
		equalList(t, "first page", v.Attrs("#rows > li", "id"), rowsFrom(1, size))
		equal(t, "viewport bottom", v.Attrs("#rows", "phx-viewport-bottom")[0], "load-more")
		equal(t, "no viewport top on the first page", v.Count("#rows[phx-viewport-top]"), 0)

		// Down to the last page, two pages at a time in the DOM.
		for range examples.BindingsPages + 1 {
			v.HookPush("load-more", map[string]any{})
		}
		last := examples.BindingsPages
		equalList(t, "the last two pages", v.Attrs("#rows > li", "id"), rowsFrom((last-2)*size+1, 2*size))
		equal(t, "pages", v.Text("#pages"), strconv.Itoa(last-1)+"–"+strconv.Itoa(last))
		equal(t, "no viewport bottom at the end", v.Count("#rows[phx-viewport-bottom]"), 0)
		// And back up: the dropped page returns at the top.
		v.HookPush("load-prev", map[string]any{})
		equalList(t, "one page back", v.Attrs("#rows > li", "id"), rowsFrom((last-3)*size+1, 2*size))
		for range examples.BindingsPages {
			v.HookPush("load-prev", map[string]any{})
		}
		equalList(t, "back at the top", v.Attrs("#rows > li", "id"), rowsFrom(1, 2*size))
		equal(t, "no viewport top at the top", v.Count("#rows[phx-viewport-top]"), 0)
		// Overrunning the top starts over at the first two pages.
		for range examples.BindingsPages {
			v.HookPush("load-more", map[string]any{})
		}
		v.HookPush("load-prev", map[string]any{"_overran": true})
		equal(t, "pages after an overrun", v.Text("#pages"), "1–2")
		equalList(t, "rows after an overrun", v.Attrs("#rows > li", "id"), rowsFrom(1, 2*size))

		noErr(t, v.Click("#open-menu"))
		equal(t, "menu", v.Text("#menu-state"), "open")
		v.HookPush("close-menu", map[string]any{})
		equal(t, "menu after click-away", v.Text("#menu-state"), "closed")
		equal(t, "click-aways", v.Text("#click-aways"), "1")

		noErr(t, v.Change("#profile-form", url.Values{"_target": {"email"}, "name": {"Ada"}, "email": {"ada@example.com"}}))
		equal(t, "_target", v.Text("#target"), "email")
		equal(t, "name echo", v.Text("#name-echo"), "Ada")
		equal(t, "no trigger before save", v.Count("#profile-form[phx-trigger-action]"), 0)
		noErr(t, v.Submit("#profile-form", url.Values{"name": {"Ada L"}, "email": {"ada@example.com"}}))
		equal(t, "trigger after save", v.Count("#profile-form[phx-trigger-action]"), 1)

		noErr(t, v.Click("#toggle-extra"))
		equal(t, "extra shown", v.Count("#extra"), 1)
		noErr(t, v.Click("#toggle-extra"))
		equal(t, "extra removed", v.Count("#extra"), 0)
	})
}
