package examples_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cortex-cinegraph/golive/live/examples"
	"github.com/cortex-cinegraph/golive/live/livetest"
)

// TestMain fails the package if any goroutine (a channel, a socket writer,
// a timer) outlives the tests: every view and Env is closed by then.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// perLine runs f once per client line: the server encodes lists and
// streams differently for each ("d" lists on 1.0, keyed lists after).
func perLine(t *testing.T, f func(t *testing.T, env *livetest.Env)) {
	for _, line := range livetest.Lines {
		t.Run(line, func(t *testing.T) {
			t.Parallel()
			f(t, livetest.New(t, examples.Register, livetest.WithClient(line)))
		})
	}
}

func equal[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

func equalList(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s = %q, want %q", what, got, want)
	}
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// sameAsDead asserts that the HTML the client built from the join and the
// diffs equals the server's dead render of path, once both are normalised
// (client-only attributes dropped) and masked (e.g. random ids).
func sameAsDead(t *testing.T, env *livetest.Env, v *livetest.View, path string, masks ...*regexp.Regexp) {
	t.Helper()
	page := env.Get(path)
	equal(t, "GET "+path+" status", page.Status, 200)
	live, dead := livetest.Canonical(v.HTML()), livetest.Canonical(page.ViewHTML())
	for _, m := range masks {
		live, dead = m.ReplaceAllString(live, "…"), m.ReplaceAllString(dead, "…")
	}
	if live != dead {
		t.Fatalf("client HTML differs from the dead render of %s\nclient: %s\ndead:   %s", path, live, dead)
	}
}

func items(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, "item "+strconv.Itoa(i))
	}
	return out
}

func TestCounter(t *testing.T) {
	perLine(t, func(t *testing.T, env *livetest.Env) {
		v := env.Live("/examples/counter")
		equal(t, "title", v.Title(), "Counter")
		equal(t, "count", v.Text("#count"), "0")
		equalList(t, "items", v.Texts("#items li"), items(1, 10))
		sameAsDead(t, env, v, "/examples/counter")

		for range 3 {
			noErr(t, v.Click("#inc"))
		}
		equal(t, "count after 3 clicks", v.Text("#count"), "3")

		noErr(t, v.Change("#filter-form", url.Values{"q": {"1"}}))
		equalList(t, "filtered items", v.Texts("#items li"), []string{"item 1", "item 10"})
		equal(t, "summary", v.Text("#summary"), "n = 10, shown = 2 more")
		equal(t, "input value", v.Attrs("#q", "value")[0], "1")

		noErr(t, v.Patch("/examples/counter?n=15"))
		equal(t, "url", v.URL(), "/examples/counter?n=15")
		equalList(t, "items after patch", v.Texts("#items li"),
			[]string{"item 1", "item 10", "item 11", "item 12", "item 13", "item 14", "item 15"})
		equal(t, "count survives a patch", v.Text("#count"), "3")

		noErr(t, v.Submit("#filter-form", url.Values{"q": {"3"}}))
		equalList(t, "submitted filter", v.Texts("#items li"), []string{"item 3", "item 13"})
		// The form's submit button submits it, with the page's field values.
		noErr(t, v.Change("#filter-form", url.Values{"q": {""}}))
		noErr(t, v.Click(`#filter-form button[type="submit"]`))
		equalList(t, "unfiltered items", v.Texts("#items li"), items(1, 15))

		// The "more" link is a patch link: clicking it patches.
		noErr(t, v.Click("#more"))
		equal(t, "url after the more link", v.URL(), "/examples/counter?n=20")
		equal(t, "rows after the more link", v.Count("#items li"), 20)

		// Same data, no clicks: the client's HTML is the dead render's.
		w := env.Live("/examples/counter")
		noErr(t, w.Patch("/examples/counter?n=3"))
		sameAsDead(t, env, w, "/examples/counter?n=3")
		noErr(t, w.Patch("/examples/counter?n=0"))
		equal(t, "rows at n=0", w.Count("#items li"), 0)
		noErr(t, w.Patch("/examples/counter?n=12"))
		sameAsDead(t, env, w, "/examples/counter?n=12")
	})
}

// mountID differs per mount by design.
var mountID = regexp.MustCompile(`<span id="mount-id">[0-9a-f]*</span>`)

func rowIDs(v *livetest.View) []string { return v.Attrs("#rows li", "id") }

func TestLabLists(t *testing.T) {
	perLine(t, func(t *testing.T, env *livetest.Env) {
		v := env.Live("/examples/lab")
		equal(t, "title", v.Title(), "Lab 1")
		equalList(t, "rows", v.Texts("#rows li"), []string{"row 1", "row 2 even", "row 3"})
		sameAsDead(t, env, v, "/examples/lab", mountID)

		noErr(t, v.Click("#add-top"))
		equalList(t, "after add top", rowIDs(v), []string{"row-4", "row-1", "row-2", "row-3"})
		noErr(t, v.Click("#add-bottom"))
		equalList(t, "after add bottom", v.Texts("#rows li"),
			[]string{"row 4 even", "row 1", "row 2 even", "row 3", "row 5"})
		noErr(t, v.Click("#reverse"))
		equalList(t, "after reverse", rowIDs(v), []string{"row-5", "row-3", "row-2", "row-1", "row-4"})
		noErr(t, v.Click("#remove-first"))
		equalList(t, "after remove first", v.Texts("#rows li"),
			[]string{"row 3", "row 2 even", "row 1", "row 4 even"})
		equal(t, "row count", v.Text("#row-count"), "4")
		noErr(t, v.Click("#reverse"))
		noErr(t, v.Click("#remove-first"))
		equalList(t, "back to the first rows", rowIDs(v), []string{"row-1", "row-2", "row-3"})
		// Same rows as a fresh page: same HTML as the dead render.
		sameAsDead(t, env, v, "/examples/lab", mountID)

		noErr(t, v.Click("#clear"))
		equal(t, "rows after clear", v.Count("#rows li"), 0)
		equal(t, "row count after clear", v.Text("#row-count"), "0")
		noErr(t, v.Click("#add-bottom"))
		noErr(t, v.Click("#add-top"))
		equalList(t, "after refilling", v.Texts("#rows li"), []string{"row 7", "row 6 even"})
	})
}

func TestLabComponents(t *testing.T) {
	perLine(t, func(t *testing.T, env *livetest.Env) {
		v := env.Live("/examples/lab")
		equalList(t, "component cids", v.Attrs("#components > div", "data-phx-component"), []string{"1", "2"})
		for range 2 {
			noErr(t, v.Click("#tally-first .tally-inc"))
		}
		noErr(t, v.Click("#tally-second .tally-inc"))
		equal(t, "first tally", v.Text("#tally-first"), "first: 2 bump double later")
		equal(t, "second tally", v.Text("#tally-second"), "second: 1 bump double later")
		// A view render keeps the components' state.
		noErr(t, v.Click("#add-top"))
		equal(t, "first tally after a view render", v.Text("#tally-first .tally-count"), "2")
		// The view resets the first tally with a send_update, which
		// reaches it after the click's reply: Sync waits for it.
		noErr(t, v.Click("#tally-reset"))
		noErr(t, v.Sync())
		equal(t, "first tally after send_update", v.Text("#tally-first .tally-count"), "0")
		equal(t, "second tally after send_update to the first", v.Text("#tally-second .tally-count"), "1")
		noErr(t, v.Click("#add-top"))
		equal(t, "first tally after send_update and a view render", v.Text("#tally-first .tally-count"), "0")
	})
}

// A tally doubles itself later with SendUpdateAfter to its own cid.
func TestLabComponentSendUpdateAfter(t *testing.T) {
	env := livetest.New(t, examples.Register)
	v := env.Live("/examples/lab")
	for range 3 {
		noErr(t, v.Click("#tally-second .tally-inc"))
	}
	start := time.Now()
	noErr(t, v.Click("#tally-second .tally-double"))
	equal(t, "second tally before the update is due", v.Text("#tally-second .tally-count"), "3")
	// The update is a timer of the view: wait until it is due, then Sync
	// applies what it pushed.
	time.Sleep(time.Until(start.Add(examples.TallyDelay)))
	deadline := time.Now().Add(5 * time.Second)
	for v.Text("#tally-second .tally-count") != "6" {
		if time.Now().After(deadline) {
			t.Fatalf("second tally = %q 5 s after its update was due, want 6", v.Text("#tally-second .tally-count"))
		}
		noErr(t, v.Sync())
	}
	equal(t, "first tally", v.Text("#tally-first .tally-count"), "0")
}

func TestLabFlashTitlePatch(t *testing.T) {
	perLine(t, func(t *testing.T, env *livetest.Env) {
		v := env.Live("/examples/lab")
		equal(t, "no flash", v.Flash("info"), "")
		noErr(t, v.Click("button#put-flash"))
		equal(t, "flash", v.Flash("info"), "Saved at lab 1")
		// Clicking the flash sends lv:clear-flash with its key.
		noErr(t, v.Click("p#flash-info"))
		equal(t, "flash after clear", v.Flash("info"), "")
		equal(t, "flash elements", v.Count(".flash"), 0)

		noErr(t, v.Click("#set-title"))
		equal(t, "title", v.Title(), "Retitled 1")

		noErr(t, v.Click("#patch-sort"))
		equal(t, "url", v.URL(), "/examples/lab?sort=desc")
		equal(t, "sort", v.Text("#sort"), "desc")
		id := v.Text("#mount-id")
		noErr(t, v.Patch("/examples/lab"))
		equal(t, "sort after patch back", v.Text("#sort"), "asc")
		equal(t, "a patch keeps the view", v.Text("#mount-id"), id)
	})
}

func TestLabNavigation(t *testing.T) {
	perLine(t, func(t *testing.T, env *livetest.Env) {
		// push_navigate within the live_session, with flash.
		v := env.Live("/examples/lab")
		id, mount := v.ID(), v.Text("#mount-id")
		noErr(t, v.Click("#navigate"))
		to, ok := v.Redirected()
		equal(t, "live redirect", to+" "+strconv.FormatBool(ok), "/examples/lab2 true")
		noErr(t, v.FollowRedirect())
		equal(t, "url", v.URL(), "/examples/lab2")
		equal(t, "h1", v.Text("#lab-title"), "Lab 2")
		equal(t, "title", v.Title(), "Lab 2")
		equal(t, "flash carried over", v.Flash("info"), "Navigated from lab 1")
		equal(t, "same container id", v.ID(), id)
		if v.Text("#mount-id") == mount {
			t.Fatal("navigation did not mount a new view")
		}

		// A navigate link within the session.
		noErr(t, v.Click("#nav-lab"))
		equal(t, "back on lab 1", v.Text("#lab-title"), "Lab 1")
		equal(t, "flash is not sticky", v.Flash("info"), "")

		// Across live_sessions the join is refused and the client loads
		// the page instead.
		err := v.Click("#nav-other")
		var je *livetest.JoinError
		if !errors.As(err, &je) || je.Reason != "unauthorized" {
			t.Fatalf("navigating to another live_session: err = %v, want unauthorized", err)
		}
		to, _ = v.Redirected()
		equal(t, "page load target", to, "/other/page")
		noErr(t, v.FollowRedirect())
		equal(t, "other page", v.Text("#other-title"), "Other live_session")
		equal(t, "other title", v.Title(), "Other")
		if v.ID() == id {
			t.Fatal("a page load must render a new container")
		}
		// And back: refused the same way.
		if err := v.Navigate("/examples/counter"); !errors.As(err, &je) || je.Reason != "unauthorized" {
			t.Fatalf("navigating back across live_sessions: err = %v, want unauthorized", err)
		}
		if v.Connected() {
			t.Fatal("a refused navigation must leave the view disconnected")
		}
	})
}

func TestLabRedirect(t *testing.T) {
	perLine(t, func(t *testing.T, env *livetest.Env) {
		v := env.Live("/examples/lab")
		noErr(t, v.Click("#redirect"))
		to, ok := v.Redirected()
		if !ok || to != "/examples/counter" {
			t.Fatalf("Redirected() = %q, %v", to, ok)
		}
		noErr(t, v.FollowRedirect())
		equal(t, "url", v.URL(), "/examples/counter")
		equal(t, "flash through the cookie", v.Flash("info"), "Redirected from lab")
		noErr(t, v.Click("#inc"))
		equal(t, "count", v.Text("#count"), "1")
		// The flash cookie was used once.
		w := env.Live("/examples/counter")
		equal(t, "flash on the next page", w.Flash("info"), "")
	})
}

func streamIDs(v *livetest.View) []string { return v.Attrs("#rows > li", "id") }

func rowRange(from, to int) []string {
	var out []string
	step := 1
	if from > to {
		step = -1
	}
	for i := from; ; i += step {
		out = append(out, "row-"+strconv.Itoa(i))
		if i == to {
			return out
		}
	}
}

func TestStream(t *testing.T) {
	perLine(t, func(t *testing.T, env *livetest.Env) {
		v := env.Live("/examples/stream")
		equal(t, "title", v.Title(), "Stream")
		equal(t, "rows", v.Count("#rows > li"), 0)
		sameAsDead(t, env, v, "/examples/stream")

		noErr(t, v.Click("#prepend"))
		noErr(t, v.Click("#prepend"))
		noErr(t, v.Click("#append"))
		equalList(t, "after prepend, prepend, append", streamIDs(v), []string{"row-2", "row-1", "row-3"})
		equalList(t, "texts", v.Texts("#rows > li"), []string{"2", "1", "3"})

		// Prepends keep the first 20.
		for range 22 {
			noErr(t, v.Click("#prepend"))
		}
		equal(t, "total", v.Text("#total"), "25")
		equalList(t, "limited to 20 after prepends", streamIDs(v), rowRange(25, 6))
		// Appends keep the last 20.
		noErr(t, v.Click("#append"))
		equalList(t, "limited to 20 after an append", streamIDs(v), append(rowRange(24, 6), "row-26"))

		noErr(t, v.Click("#reset"))
		equal(t, "rows after reset", v.Count("#rows > li"), 0)
		equal(t, "total after reset", v.Text("#total"), "26")
		noErr(t, v.Click("#append"))
		noErr(t, v.Click("#prepend"))
		equalList(t, "after reset, append, prepend", streamIDs(v), []string{"row-28", "row-27"})
		// Other renders do not resend or lose the rows the client keeps.
		noErr(t, v.Sync())
		equalList(t, "after a sync", streamIDs(v), []string{"row-28", "row-27"})
	})
}

func TestHooks(t *testing.T) {
	perLine(t, func(t *testing.T, env *livetest.Env) {
		v := env.Live("/examples/hooks")
		equal(t, "title", v.Title(), "Hooks")

		// The server's push_event to the hook.
		noErr(t, v.Click("#ping"))
		ev := v.Events()
		if len(ev) != 1 || ev[0].Name != "ping" || ev[0].BeforePatch {
			t.Fatalf("events after ping = %+v", ev)
		}
		var ping struct {
			N   int    `json:"n"`
			Msg string `json:"msg"`
		}
		noErr(t, json.Unmarshal(ev[0].Payload, &ping))
		equal(t, "ping payload", ping, struct {
			N   int    `json:"n"`
			Msg string `json:"msg"`
		}{1, examples.HooksPingMessage})

		// The hook's pushEvent and the reply its promise resolves with.
		reply := v.HookPush("pong", map[string]any{"n": 1, "text": "hi"})
		equal(t, "hook reply", string(reply), `{"count":1,"echo":"HI","n":1}`)
		equal(t, "server count", v.Text("#server-count"), "1")
		equalList(t, "pong log", v.Attrs("#pong-log > li", "id"), []string{"pong-1"})
		for n := 2; n <= 7; n++ {
			v.HookPush("pong", map[string]any{"n": n, "text": "t" + strconv.Itoa(n)})
		}
		equalList(t, "pong log keeps the newest 5", v.Attrs("#pong-log > li", "id"),
			[]string{"pong-7", "pong-6", "pong-5", "pong-4", "pong-3"})
		equal(t, "bad pong", string(v.HookPush("pong", "nonsense")), `{"error":"pong wants {n, text}"}`)

		// push_event before and after the patch.
		noErr(t, v.Click("#snap"))
		ev = v.Events()[1:]
		if len(ev) != 2 || ev[0].Name != "snap" || !ev[0].BeforePatch || ev[1].Name != "snap-after" || ev[1].BeforePatch {
			t.Fatalf("snap events = %+v", ev)
		}
		equal(t, "count after snap", v.Text("#server-count"), "8")

		// JS commands: only push, patch and navigate reach the server.
		noErr(t, v.Click("#toggle-panel"))
		noErr(t, v.Click("#inc-js"))
		equal(t, "count after the JS push", v.Text("#server-count"), "13")
		noErr(t, v.Click("#pong-5 .pong-delete"))
		equalList(t, "after a delete", v.Attrs("#pong-log > li", "id"), []string{"pong-7", "pong-6", "pong-4", "pong-3"})
		noErr(t, v.Click("#clear-log"))
		equal(t, "log after clear", v.Count("#pong-log > li"), 0)
		noErr(t, v.Click("#patch-tab"))
		equal(t, "url after the JS patch", v.URL(), "/examples/hooks?tab=two")
		equal(t, "tab", v.Text("#tab"), "two")
		noErr(t, v.Click("#navigate"))
		equal(t, "url after the JS navigate", v.URL(), "/examples/counter")
		equal(t, "counter", v.Text("#count"), "0")
	})
}
