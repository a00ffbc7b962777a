package main

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// portalLive is /portal (the suite's PortalLive): modals, a live
// component with a stream, a nested live view, tooltips and nested
// portals, each teleported by the client into a target outside where the
// view renders it (live.Portal). The page has its own root layout
// (portalRoot): the live container in <main>, #root-portal after it. In
// Phoenix the view's live layout adds #app-portal after the view's
// content; here the view renders it last itself.
type portalLive struct {
	kinds        portalKinds
	tick         bool // tick every second (unless ?tick=false)
	count        int
	renderModal  bool
	renderNested bool
	nestedCount  int
	paramCurrent string
	paramNext    string
}

// portalKinds are the page's child live views.
type portalKinds struct {
	nested, teleported *live.ChildView
}

func registerPortal(e *live.Engine, mux *http.ServeMux) {
	var k portalKinds
	k.teleported = e.Child("portal.nested-teleported", func() live.View { return &portalTeleportedLive{} })
	k.nested = e.Child("portal.nested", func() live.View { return &portalNestedLive{kinds: k} })
	e.Session("default").Handle(mux, "GET /portal", "portal", func() live.View { return &portalLive{kinds: k} })
	mux.HandleFunc("GET /assets/floating-ui.js", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("content-type", "text/javascript")
		_, _ = io.WriteString(w, floatingJS)
	})
}

func (v *portalLive) Mount(s *live.Socket, p live.Params) error {
	v.renderModal, v.renderNested = true, true
	v.tick = p.Get("tick") != "false"
	if v.tick && s.Connected() {
		s.SendAfter(time.Second, atomMsg("tick"))
	}
	return nil
}

func (v *portalLive) HandleParams(_ *live.Socket, _ *url.URL, p live.Params) error {
	v.paramCurrent = p.Get("param")
	v.paramNext = strconv.FormatInt(uniqueInt.Add(1), 10)
	return nil
}

func (v *portalLive) HandleInfo(s *live.Socket, msg any) error {
	if msg == atomMsg("tick") {
		v.count++
		if v.tick {
			s.SendAfter(time.Second, atomMsg("tick"))
		}
	}
	return nil
}

func (v *portalLive) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "sandbox:eval":
		return sandboxEval(s, v, e)
	case "tick":
		v.count++
	case "toggle_modal":
		v.renderModal = !v.renderModal
	case "toggle_nested_portals":
		v.renderNested = !v.renderNested
	case "nested_portal_click":
		v.nestedCount++
	}
	return nil
}

func (v *portalLive) Render() templ.Component { return portalPage(v) }

func (v *portalLive) patchJS() string {
	return live.JS().Patch("/portal?param=" + v.paramNext).String()
}

// portalShowModal is the page's show_modal: as the core components'
// (showModal) but with 300 ms transitions.
func portalShowModal(id string) live.JSCommands {
	t := live.WithTime(300 * time.Millisecond)
	return live.JS().
		Show("#"+id).
		Show("#"+id+"-bg", t, live.WithTransition(modalIn, "opacity-0", "opacity-100")).
		Show("#"+id+"-container", t, live.WithTransition(modalIn, "opacity-0 translate-y-4 sm:translate-y-0 sm:scale-95", "opacity-100 translate-y-0 sm:scale-100")).
		AddClass("body", "overflow-hidden").
		FocusFirst("#" + id + "-content")
}

// portalNestedLive is the nested live view: a counter of events, one
// from a button teleported out of it, and a live view teleported too.
type portalNestedLive struct {
	kinds portalKinds
	count int
}

func (v *portalNestedLive) Mount(*live.Socket, live.Params) error { return nil }
func (v *portalNestedLive) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "event" {
		v.count++
	}
	return nil
}
func (v *portalNestedLive) Render() templ.Component { return portalNestedPage(v) }

// portalTeleportedLive is the live view nested in the nested one, in a
// portal.
type portalTeleportedLive struct{}

func (v *portalTeleportedLive) Mount(*live.Socket, live.Params) error      { return nil }
func (v *portalTeleportedLive) HandleEvent(*live.Socket, live.Event) error { return nil }
func (v *portalTeleportedLive) Render() templ.Component                    { return portalTeleportedPage() }

// portalLC is the live component with a stream, in a portal, with a
// button teleported out of it (whose hook pushes "prepend" to it).
// Upstream streams its two items in every update, which its parent calls
// once, as here; the guard keeps the items streamed the first time only
// should Update run again. Prepended ids count up (upstream picks a
// random one of 1000, which may repeat and then updates in place).
type portalLC struct {
	items *live.Stream[portalItem]
	next  int
}

type portalItem struct {
	id   int
	name string
}

func (c *portalLC) Update(*live.Socket, any) error {
	if c.items == nil {
		c.items = live.NewStream(func(i portalItem) string { return "items-" + strconv.Itoa(i.id) })
		c.items.Append(portalItem{1, "Item 1"})
		c.items.Append(portalItem{2, "Item 2"})
		c.next = 1000
	}
	return nil
}

func (c *portalLC) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "prepend" {
		c.next++
		c.items.Prepend(portalItem{c.next, "Item " + strconv.Itoa(c.next)})
	}
	return nil
}

func (c *portalLC) Render() templ.Component { return portalLCPage(c) }

// Tooltips (the suite's PortalTooltip): the PortalTooltip hook of the
// page's LiveSocket runs these to show and hide the tooltip.
func showTooltip(id string) string {
	return live.JS().Show("#"+id,
		live.WithTransition("transform ease-out duration-200 transition origin-bottom", "scale-95 translate-y-0.5 opacity-0", "scale-100 translate-y-0 opacity-100"),
		live.WithDisplay("block"), live.WithTime(200*time.Millisecond), live.Blocking(false)).String()
}

func hideTooltip(id string) string {
	return live.JS().Hide("#"+id,
		live.WithTransition("transition ease-in duration-100", "opacity-100", "opacity-0"),
		live.WithTime(100*time.Millisecond), live.Blocking(false)).String()
}

// floatingJS is /assets/floating-ui.js: a stand-in for the three
// functions of @floating-ui/dom that the tooltip hook imports (upstream
// loads the package from a CDN, which this offline port cannot). It
// places the floating element centred above ("top") or below the
// reference, offset by the offset middleware, in the coordinates of the
// floating element's offset parent, and updates on scroll and resize.
const floatingJS = `export function offset(px) { return { name: "offset", px } }

export function computePosition(ref, floating, { placement = "bottom", middleware = [] } = {}) {
  const gap = middleware.filter((m) => m && m.name === "offset").reduce((sum, m) => sum + m.px, 0)
  const r = ref.getBoundingClientRect()
  const f = floating.getBoundingClientRect()
  const parent = floating.offsetParent
  const origin = parent && parent !== document.body && parent !== document.documentElement
    ? parent.getBoundingClientRect()
    : { left: -window.scrollX, top: -window.scrollY }
  const x = r.left + (r.width - f.width) / 2
  const y = placement.startsWith("top") ? r.top - f.height - gap : r.bottom + gap
  return Promise.resolve({ x: x - origin.left, y: y - origin.top, placement })
}

export function autoUpdate(ref, floating, update) {
  update()
  window.addEventListener("scroll", update, true)
  window.addEventListener("resize", update)
  return () => {
    window.removeEventListener("scroll", update, true)
    window.removeEventListener("resize", update)
  }
}
`

// portalStyle has the Tailwind utility rules of the portal page that
// modalStyle lacks: positions and sizes (the click-away test clicks
// boxes by position), display, transitions and colours.
const portalStyle = `.top-0{top:0px}.right-0{right:0px}.left-0{left:0px}.size-96{width:24rem;height:24rem}.size-32{width:8rem;height:8rem}` +
	`.contents{display:contents}.block{display:block}.inline-block{display:inline-block}.w-fit{width:fit-content}.z-\[100\]{z-index:100}.overflow-hidden{overflow:hidden}` +
	`.gap-4{gap:1rem}.mt-8{margin-top:2rem}.m-2{margin:0.5rem}.p-1{padding:0.25rem}.p-2{padding:0.5rem}.py-2{padding-top:0.5rem;padding-bottom:0.5rem}.px-3{padding-left:0.75rem;padding-right:0.75rem}` +
	`.border{border-width:1px;border-style:solid}.rounded-lg{border-radius:0.5rem}.shadow-lg{box-shadow:0 10px 15px -3px rgb(0 0 0 / 0.1),0 4px 6px -4px rgb(0 0 0 / 0.1)}` +
	`.bg-gray-300{background-color:rgb(209 213 219)}.bg-red-500{background-color:rgb(239 68 68)}.bg-sky-800{background-color:rgb(7 89 133)}.bg-zinc-900{background-color:rgb(24 24 27)}.hover\:bg-zinc-700:hover{background-color:rgb(63 63 70)}` +
	`.text-white{color:rgb(255 255 255)}.text-xs{font-size:0.75rem}.text-sm{font-size:0.875rem}.font-semibold{font-weight:600}` +
	`.opacity-0{opacity:0}.opacity-100{opacity:1}.scale-95{scale:0.95}.scale-100{scale:1}.translate-y-4{translate:0 1rem}.translate-y-0{translate:0 0}.translate-y-0\.5{translate:0 0.125rem}.origin-bottom{transform-origin:bottom}` +
	`.transition-all{transition-property:all;transition-timing-function:cubic-bezier(0.4,0,0.2,1);transition-duration:150ms}.duration-100{transition-duration:100ms}.duration-200{transition-duration:200ms}.duration-300{transition-duration:300ms}.ease-in{transition-timing-function:cubic-bezier(0.4,0,1,1)}.ease-out{transition-timing-function:cubic-bezier(0,0,0.2,1)}` +
	`@media (min-width:640px){.sm\:translate-y-0{translate:0 0}.sm\:scale-95{scale:0.95}.sm\:scale-100{scale:1}}`
