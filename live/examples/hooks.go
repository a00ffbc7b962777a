package examples

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// HooksDemo is /examples/hooks: a JS hook talking to the server
// (push_event to the hook and to window listeners, the hook's pushEvent
// with a reply), push_event before the DOM patch, and JS commands run
// purely in the browser or pushing to the server. The hooks are in
// assets/js/hooks.js.
//
//   - button#ping: the server pushes "ping" {n, msg}; the Echo hook writes
//     it into #hook-received and pushes "pong" {n, text} back; the reply
//     {n, echo, count} lands in #hook-reply; the window listener writes the
//     payload into #window-event. Each pong adds 1 to #server-count and a
//     row to the #pong-log stream (newest first, at most 5; each row has a
//     delete button).
//   - button#snap: adds 1 to #server-count and pushes "snap" before the
//     patch and "snap-after" after it; the hook records the count the DOM
//     showed when each arrived (#snap-seen, #snap-after-seen).
//   - JS commands: #toggle-panel toggles #panel (and its aria-expanded)
//     without the server; #inc-js pushes "inc-js" {by: 5} and adds the class
//     "pushed" to itself; #open-modal shows #modal (display flex) and
//     focuses #modal-input, #close-modal hides it; #dispatch dispatches
//     "golive:hello" with a detail to #dispatch-sink; #patch-tab patches the
//     URL to ?tab=two; #navigate navigates to the counter example.
type HooksDemo struct {
	count int // the server counter (#server-count)
	pings int
	pongs int
	tab   string
	log   *live.Stream[pongEntry]
}

type pongEntry struct {
	n    int
	text string
}

// HooksLogLimit is how many rows #pong-log keeps.
const HooksLogLimit = 5

// HooksPingMessage is the text the ping payload carries: characters that
// must survive JSON in a diff and an element's textContent.
const HooksPingMessage = `hello <b>&amp;</b> "world" 'é'`

// Mount implements live.View.
func (v *HooksDemo) Mount(s *live.Socket, p live.Params) error {
	v.log = live.NewStream(func(e pongEntry) string { return "pong-" + strconv.Itoa(e.n) })
	s.SetTitle("Hooks")
	return nil
}

// HandleParams implements live.ParamsHandler.
func (v *HooksDemo) HandleParams(s *live.Socket, u *url.URL, p live.Params) error {
	v.tab = p.Get("tab")
	if v.tab == "" {
		v.tab = "one"
	}
	return nil
}

// pong is what the Echo hook pushes back.
type pong struct {
	N    int    `json:"n"`
	Text string `json:"text"`
}

// HandleEvent implements live.EventHandler.
func (v *HooksDemo) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "ping":
		v.pings++
		s.PushEvent("ping", map[string]any{"n": v.pings, "msg": HooksPingMessage})
	case "pong":
		var p pong
		if err := json.Unmarshal(e.Raw, &p); err != nil {
			s.ReplyHook(map[string]any{"error": "pong wants {n, text}"})
			return nil
		}
		v.pongs++
		v.count++
		v.log.Insert(pongEntry{n: p.N, text: p.Text}, live.InsertOpts{At: 0, Limit: HooksLogLimit})
		s.ReplyHook(map[string]any{"n": p.N, "echo": strings.ToUpper(p.Text), "count": v.count})
	case "snap":
		v.count++
		s.PushEventBeforePatch("snap", map[string]any{"count": v.count})
		s.PushEvent("snap-after", map[string]any{"count": v.count})
	case "inc-js":
		by, err := strconv.Atoi(e.Value.Get("by"))
		if err != nil || by < 0 || by > 100 {
			by = 1
		}
		v.count += by
	case "delete-log":
		v.log.DeleteID(e.Value.Get("id"))
	case "clear-log":
		v.log.Reset()
	}
	return nil
}

// Render implements live.View.
func (v *HooksDemo) Render() templ.Component { return hooksPage(v) }

// The JS commands of the page, exported so tests compare the rendered
// attributes with them.
var (
	// HooksTogglePanel toggles #panel and the button's aria-expanded.
	HooksTogglePanel = live.JS().
				Toggle("#panel", live.WithDisplay("block")).
				ToggleAttributeBetween("#toggle-panel", "aria-expanded", "true", "false")
	// HooksIncJS pushes inc-js with a value and marks the button.
	HooksIncJS = live.JS().
			Push("inc-js", live.PushValue(map[string]any{"by": 5})).
			AddClass("", "pushed")
	// HooksOpenModal shows the modal and focuses its input.
	HooksOpenModal = live.JS().
			Show("#modal", live.WithDisplay("flex"), live.WithTransition("fade-in", "fade-start", "fade-end"), live.WithTime(50*time.Millisecond)).
			Focus("#modal-input")
	// HooksCloseModal hides the modal.
	HooksCloseModal = live.JS().Hide("#modal")
	// HooksDispatch dispatches a custom event with a detail.
	HooksDispatch = live.JS().Dispatch("#dispatch-sink", "golive:hello",
		live.DispatchDetail(map[string]any{"greeting": `hi "there" <&>`, "n": 7}))
	// HooksPatchTab patches the URL within the view.
	HooksPatchTab = live.JS().Patch("/examples/hooks?tab=two")
	// HooksNavigate navigates to another view of the live_session.
	HooksNavigate = live.JS().Navigate("/examples/counter")
)

func deleteLog(id string) string {
	return live.JS().Push("delete-log", live.PushValue(map[string]any{"id": id})).
		AddClass("li", "deleting", live.Closest()).String()
}
