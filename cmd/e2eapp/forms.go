package main

import (
	"net/url"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// formParams are the /form views' parameters: the query (or, nested, the
// session) over the defaults, then every validated field merged in, as
// upstream's FormLive keeps them in one map. A key that is present is
// true for the template's conditions, whatever its value ("?no-id").
type formParams map[string]string

func newFormParams(q map[string]string) formParams {
	p := formParams{"a": "foo", "b": "bar", "c": "baz", "id": "test-form", "phx-change": "validate"}
	for k, v := range q {
		p[k] = v
	}
	// Only the first variant applies, as in upstream's update_params.
	switch {
	case p.has("no-id"):
		delete(p, "id")
	case p.has("no-change-event"):
		delete(p, "phx-change")
	case p.has("js-change"):
		p["phx-change"] = live.JS().Push("validate").String()
	}
	return p
}

func (p formParams) has(k string) bool { _, ok := p[k]; return ok }

// merge takes a form event's string fields into p.
func (p formParams) merge(v live.Params) {
	for k, x := range v {
		if s, ok := x.(string); ok {
			p[k] = s
		}
	}
}

// formAttrs are the form's optional attributes, present only when their
// parameter is.
func (p formParams) formAttrs(target string) templ.Attributes {
	a := templ.Attributes{}
	for _, k := range []string{"id", "phx-change", "phx-auto-recover"} {
		if v, ok := p[k]; ok {
			a[k] = v
		}
	}
	if target != "" {
		a["phx-target"] = target
	}
	return a
}

func queryMap(u *url.URL) map[string]string {
	out := map[string]string{}
	for k, vs := range u.Query() {
		if len(vs) > 0 {
			out[k] = vs[0]
		}
	}
	return out
}

// formLive is /form (upstream's FormLive) and, nested, the child of
// /form/nested (FormLiveNested, mounted with the parent's query as its
// session): a form whose attributes the query chooses (no id, no
// phx-change, a JS phx-change, phx-auto-recover, a disabled fieldset,
// inside a live component), for the form recovery and loading state
// specs.
type formLive struct {
	p         formParams
	submitted bool
	gate      *syncGate
}

func (v *formLive) Mount(s *live.Socket, _ live.Params) error {
	if s.IsChild() {
		v.p = newFormParams(s.Session())
	} else {
		v.p = newFormParams(queryMap(s.URL()))
	}
	return nil
}

// HandleParams exists so that push_patch is allowed, as upstream's
// FormLive defines handle_params (its nested twin does not).
func (v *formLive) HandleParams(*live.Socket, *url.URL, live.Params) error { return nil }

func (v *formLive) HandleEvent(s *live.Socket, e live.Event) error {
	if e.Name == "sandbox:eval" {
		return sandboxEval(s, v, e)
	}
	if err := v.gate.wait(s, e.Name); err != nil {
		return err
	}
	switch e.Name {
	case "validate":
		v.p.merge(e.Value)
	case "save":
		v.submitted = true
	case "custom-recovery":
		v.p["b"] = "custom value from server"
	case "patch-recovery":
		s.PushPatch("/form?patched=true", false)
	}
	return nil
}

func (v *formLive) syncGate(s *live.Socket) *syncGate {
	if v.gate == nil {
		v.gate = newSyncGate(s)
	}
	return v.gate
}

func (v *formLive) Render() templ.Component { return formLivePage(v) }

// formComponent is upstream's FormLive.FormComponent: the same form, its
// events handled by the component.
type formComponent struct {
	p         formParams
	submitted bool
}

// Update takes the parent's parameters once: upstream's parent never
// re-renders the component with changed ones.
func (c *formComponent) Update(_ *live.Socket, props any) error {
	if c.p == nil {
		p := formParams{}
		for k, x := range props.(formParams) {
			p[k] = x
		}
		c.p = p
	}
	return nil
}

func (c *formComponent) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "validate":
		c.p.merge(e.Value)
	case "save":
		c.submitted = true
	case "custom-recovery":
		c.p["b"] = "custom value from server"
	case "patch-recovery":
		s.PushPatch("/form?patched=true", false)
	}
	return nil
}

func (c *formComponent) Render() templ.Component { return formComponentPage(c) }

// nestedFormLive is /form/nested: formLive as a child view with id
// "nested", given the query as its session.
type nestedFormLive struct {
	child *live.ChildView
	q     map[string]string
}

func (v *nestedFormLive) Mount(s *live.Socket, _ live.Params) error {
	v.q = queryMap(s.URL())
	return nil
}

func (v *nestedFormLive) Render() templ.Component {
	return live.Render(v.child, "nested", live.RenderOpts{Session: v.q})
}

// formStreamItem is an item of /form/stream's stream.
type formStreamItem struct{ id int }

// formStreamLive is /form/stream (upstream's FormStreamLive): a form
// whose change and submit events each add a stream item, while a 100 ms
// tick re-renders the form's inputs; its hooks ping the view.
type formStreamLive struct {
	count, streamCount int
	items              *live.Stream[formStreamItem]
	gate               *syncGate
}

func (v *formStreamLive) Mount(s *live.Socket, _ live.Params) error {
	if s.Connected() {
		s.SendAfter(100*time.Millisecond, atomMsg("tick"))
	}
	v.streamCount = 3
	v.items = live.NewStream(func(it formStreamItem) string { return "items-" + strconv.Itoa(it.id) })
	for i := 1; i <= 3; i++ {
		v.items.Append(formStreamItem{i})
	}
	return nil
}

func (v *formStreamLive) HandleInfo(s *live.Socket, msg any) error {
	if msg == atomMsg("tick") {
		v.count++
		s.SendAfter(100*time.Millisecond, atomMsg("tick"))
	}
	return nil
}

func (v *formStreamLive) HandleEvent(s *live.Socket, e live.Event) error {
	if e.Name == "sandbox:eval" {
		return sandboxEval(s, v, e)
	}
	if err := v.gate.wait(s, e.Name); err != nil {
		return err
	}
	switch e.Name {
	case "ping":
		s.ReplyHook(map[string]any{})
	case "validate", "save":
		v.count++
		v.streamCount++
		v.items.Append(formStreamItem{v.streamCount})
	}
	return nil
}

func (v *formStreamLive) syncGate(s *live.Socket) *syncGate {
	if v.gate == nil {
		v.gate = newSyncGate(s)
	}
	return v.gate
}

func (v *formStreamLive) Render() templ.Component { return formStreamPage(v) }
