package main

import (
	"encoding/json"

	"github.com/a-h/templ"
	"net/http"

	"github.com/cortex-cinegraph/golive/live"
)

// register mounts the suite's routes (test_helper.exs's router), one
// live session per live_session there.
func register(e *live.Engine, mux *http.ServeMux) {
	def := e.Session("default")
	view := func(path, name string, f func() live.View) { def.Handle(mux, "GET "+path, name, f) }
	view("/issues/3107", "issue3107", func() live.View { return &issue3107{} })
	view("/issues/3448", "issue3448", func() live.View { return &issue3448{} })
	view("/issues/3529", "issue3529", func() live.View { return &issue3529{} })
	view("/issues/3719", "issue3719", func() live.View { return &issue3719{} })
	view("/issues/3814", "issue3814", func() live.View { return &issue3814{} })
	view("/issues/3819", "issue3819", func() live.View { return &issue3819{} })
	view("/issues/4094", "issue4094", func() live.View { return &issue4094{} })
	view("/issues/3636", "issue3636", staticView(issue3636Page()))
	view("/issues/3709", "issue3709", func() live.View { return &issue3709{} })
	view("/issues/3709/{id}", "issue3709.id", func() live.View { return &issue3709{} })
	view("/issues/3919", "issue3919", func() live.View { return &issue3919{} })
	view("/issues/4088", "issue4088", func() live.View { return &issue4088{} })
	view("/issues/4095", "issue4095", func() live.View { return &issue4095{} })
	view("/issues/4102", "issue4102", func() live.View { return &issue4102{} })
	view("/issues/3026", "issue3026", func() live.View { return &issue3026{} })
	view("/issues/3083", "issue3083", func() live.View { return &issue3083{} })
	view("/issues/3651", "issue3651", func() live.View { return &issue3651{} })
	view("/issues/4027", "issue4027", func() live.View { return &issue4027{} })
	view("/issues/4290/a", "issue4290.a", func() live.View { return &issue4290A{} })
	view("/issues/4290/b", "issue4290.b", func() live.View { return &issue4290B{} })
	view("/issues/3200/messages", "issue3200.messages", func() live.View { return &issue3200{tab: "messages"} })
	view("/issues/3200/settings", "issue3200.settings", func() live.View { return &issue3200{tab: "settings"} })
	view("/select", "select", func() live.View { return &selectLive{} })
	view("/components", "components", func() live.View { return &componentsLive{} })
	view("/keyed-comprehension", "keyed-comprehension", func() live.View { return &keyedLive{} })
	view("/issues/2787", "issue2787", func() live.View { return &issue2787{} })
	view("/colocated", "colocated", func() live.View { return &colocatedLive{} })
	view("/issues/3040", "issue3040", func() live.View { return &issue3040{} })
	view("/js", "js", func() live.View { return &jsLive{} })
	view("/issues/3194", "issue3194", func() live.View { return &issue3194{} })
	view("/issues/3194/other", "issue3194.other", staticView(issue3194OtherPage()))
	view("/issues/4066", "issue4066", func() live.View { return &issue4066{} })
	view("/issues/4147", "issue4147", func() live.View { return &issue4147{} })
	view("/issues/4212", "issue4212", func() live.View { return &issue4212{} })
	view("/issues/3686/a", "issue3686.a", func() live.View {
		return &issue3686{name: "A", next: "B", nav: "/issues/3686/b"}
	})
	view("/issues/3686/b", "issue3686.b", func() live.View {
		return &issue3686{name: "B", next: "C", nav: "/issues/3686/c", redirect: true}
	})
	other := e.Session("other")
	other.Handle(mux, "GET /issues/3686/c", "issue3686.c", func() live.View {
		return &issue3686{name: "C", next: "A", nav: "/issues/3686/a"}
	})

	view("/stream", "stream", func() live.View { return &streamLive{} })
	view("/stream/reset", "stream.reset", func() live.View { return &streamResetLive{} })
	view("/stream/reset-lc", "stream.reset-lc", func() live.View { return &streamResetLCLive{} })
	view("/stream/limit", "stream.limit", func() live.View { return &streamLimitLive{} })
	view("/stream/nested-component-reset", "stream.nested-component-reset", func() live.View { return &streamNestedComponentResetLive{} })
	view("/stream/inside-for", "stream.inside-for", func() live.View { return &streamInsideForLive{} })
	view("/healthy/{category}", "healthy", func() live.View { return &healthyLive{} })
	view("/upload", "upload", func() live.View { return &uploadLive{} })
	view("/issues/2965", "issue2965", func() live.View { return &issue2965{} })
	view("/issues/3647", "issue3647", func() live.View { return &issue3647{} })
	view("/issues/4078", "issue4078", func() live.View { return &issue4078{} })
	formChild := e.Child("form.nested", func() live.View { return &formLive{} })
	view("/form", "form", func() live.View { return &formLive{} })
	view("/form/dynamic-inputs", "form.dynamic-inputs", func() live.View { return &formDynamicLive{} })
	view("/form/nested", "form.nested", func() live.View { return &nestedFormLive{child: formChild} })
	view("/form/stream", "form.stream", func() live.View { return &formStreamLive{} })
	// Outside the default live_session, with its own layout (ownLayout).
	e.Session("form-feedback").Handle(mux, "GET /form/feedback", "form.feedback", func() live.View { return &formFeedbackLive{} })
	mux.HandleFunc("POST /eval", evalPlug)
	view("/issues/3684", "issue3684", func() live.View { return &issue3684{} })
	view("/issues/3117", "issue3117", func() live.View { return &issue3117{} })
	view("/issues/3169", "issue3169", func() live.View { return &issue3169{} })
	view("/issues/3979", "issue3979", func() live.View { return &issue3979{} })
	view("/issues/3941", "issue3941", func() live.View { return &issue3941{} })
	view("/issues/4107", "issue4107", func() live.View { return &issue4107{} })
	view("/issues/4121", "issue4121", func() live.View { return &issue4121{} })
	mux.HandleFunc("GET /tmp/lvupload/{name}", serveUploaded)
	registerNavigation(e, mux)
	registerPortal(e, mux)
	registerErrors(e, mux)
	registerIssues8(e, mux)
	registerIssues9(e, mux)
	registerIssues9b(e, mux)
	registerIssues9c(e, mux)
	mux.HandleFunc("POST /submit", submit)
	// No icon, and no 404 for the browser's request of one either: specs
	// fail on any console error.
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
}

// ownLayout paths render their live layout in the view's template, with
// a LiveSocket of their own instead of the suite's.
var ownLayout = map[string]bool{"/form/feedback": true}

// rootExtras is what a view's page adds to the root layout before its
// live container (upstream's render_in_root assign), by path.
var rootExtras = map[string]templ.Component{
	"/issues/4147": issue4147Root(),
	"/issues/4212": issue4212Root(),
}

// postScripts run after the LiveSocket is made (upstream's layouts that
// set up colocated JS), by path.
var postScripts = map[string]templ.Component{
	"/colocated": colocatedExec(),
}

// preScripts is what a view's page runs after window.hooks is made and
// before the LiveSocket connects (upstream's pre_script assign), by path.
var preScripts = map[string]templ.Component{
	"/issues/3651":   issue3651Pre(),
	"/issues/2965":   issue2965Pre(),
	"/issues/3647":   issue3647Pre(),
	"/issues/3496/a": issue3496Pre(),
	"/issues/3496/b": issue3496Pre(),
	"/issues/3530":   issue3530Pre(),
	"/issues/3941":   issue3941Pre(),
}

// submit answers a form post with its fields as JSON, as the suite's
// SubmitController does.
func submit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	out := map[string]any{}
	for k, vs := range r.PostForm {
		if len(vs) == 1 {
			out[k] = vs[0]
		} else {
			out[k] = vs
		}
	}
	b, _ := json.Marshal(out)
	_, _ = w.Write(b)
}

// colocatedJS is /assets/colocated/index.js: the hooks that the suite's
// views declare inline (colocated hooks), by their full names.
const colocatedJS = `export const hooks = {
  "Issue4088.MyHook": {
    mounted() {
      this.pushEventTo(this.el, "my_update", {})
      this.pushEventTo(this.el, "my_update", {})
      this.pushEventTo(this.el, "my_update", {})
    },
  },
  "Issue4066.MyHook": {
    mounted() {
      this.el.addEventListener("input", () => {
        setTimeout(() => {
          this.pushEventTo(this.el, "do-something", { value: 100 })
          this.liveSocket.js().setAttribute(document.body, "data-pushed", "yes")
        }, parseInt(this.el.dataset.delay))
      })
    },
  },
  "Colocated.PhoneNumber": {
    mounted() {
      this.el.addEventListener("input", (e) => {
        let match = this.el.value.replace(/\D/g, "").match(/^(\d{3})(\d{3})(\d{4})$/)
        if (match) {
          this.el.value = match[1] + "-" + match[2] + "-" + match[3]
        }
      })
    },
  },
  "PortalLive.InsidePortal": {
    mounted() {
      this.js().setAttribute(this.el, "data-portalhook-mounted", "true")
    },
  },
  "PortalLive.LC.TeleportedLCButton": {
    mounted() {
      this.el.addEventListener("click", () => {
        this.pushEventTo(this.el, "prepend")
      })
    },
  },
  "Issue4209.LockedPanel": {
    mounted() {
      this.el
        .querySelector("#start-locked-update")
        .addEventListener("click", () => {
          this.pushEventTo("#slow-target-child", "hold-lock", {})
        })
    },
  },
  "Issue4147.HookOutside": {
    mounted() {
      console.log("HookOutside mounted")
    },
  },
}
export default {
  js_exec(liveSocket) {
    window.addEventListener("phx:js:exec", (e) => liveSocket.execJS(liveSocket.main.el, e.detail.cmd))
  },
}
`
