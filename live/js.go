package live

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// JSCommands is a list of LiveView JS commands (Phoenix.LiveView.JS): what
// phx-click, phx-submit, phx-change, phx-click-away, phx-window-keydown,
// phx-mounted, phx-remove and friends run on the client, some purely in the
// browser (show, hide, toggle, classes, attributes, focus, dispatch) and
// some talking to the server (push, navigate, patch). Build one with [JS]
// and chain commands; each method returns a new list and never changes the
// receiver, so a shared prefix can be extended in several ways.
//
// Render it as an attribute value with String; templ escapes it:
//
//	<button phx-click={ live.JS().Push("inc", live.PushValue(map[string]any{"by": 1})).Show("#modal").String() }>
//
// The client parses the attribute as JSON: [["push",{"event":"inc",…}],["show",{"to":"#modal"}]].
// The encoding is Phoenix's (argument objects with sorted keys, options
// that were not given left out), and the same for the 1.0, 1.1 and 1.2
// clients; where a client line behaves differently the command says so.
//
// A selector "to" names the elements a command acts on (all matches of
// document.querySelectorAll); "" means the element the binding is on. The
// options [Inner] and [Closest] scope it to the element's descendants or its
// closest ancestor instead.
type JSCommands struct {
	ops []jsOp
}

type jsOp struct {
	kind string
	args jsArgs
}

// jsArgs is one command's argument object; encoding/json writes its keys
// sorted, as Phoenix (Jason, small maps) does.
type jsArgs map[string]any

// JS returns an empty command list; add commands by chaining.
func JS() JSCommands { return JSCommands{} }

func (js JSCommands) add(kind string, args jsArgs) JSCommands {
	// Clip so that two chains extending the same prefix never share (and
	// overwrite) the array behind it.
	return JSCommands{ops: append(slices.Clip(js.ops), jsOp{kind: kind, args: args})}
}

// Len is the number of commands.
func (js JSCommands) Len() int { return len(js.ops) }

// Concat appends the commands of other.
func (js JSCommands) Concat(other JSCommands) JSCommands {
	return JSCommands{ops: append(slices.Clip(js.ops), other.ops...)}
}

// String is the JSON the client parses, e.g.
// [["push",{"event":"inc"}],["toggle",{"to":"#panel"}]]; an empty list is
// "[]". Use it as an attribute value: templ (or html/template) escapes the
// quotes. It is not meant for raw HTML or script contexts.
func (js JSCommands) String() string { return string(js.encode()) }

// MarshalJSON encodes the list as JSON (an array of [kind, args] pairs), so
// commands can travel inside push_event payloads and be run by a hook with
// liveSocket.execJS(el, …): client 1.2 takes the array itself, 1.0 and 1.1
// only a string (JSON.stringify it first).
func (js JSCommands) MarshalJSON() ([]byte, error) { return js.encode(), nil }

func (js JSCommands) encode() []byte {
	ops := make([][2]any, len(js.ops))
	for i, op := range js.ops {
		args := op.args
		if args == nil {
			args = jsArgs{}
		}
		ops[i] = [2]any{op.kind, args}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	// The value lives in an attribute that the template escapes; escaping
	// <, > and & here too would only make it longer and unlike Phoenix's.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ops); err != nil {
		// Every value was checked when its option was made.
		panic("live.JS: " + err.Error())
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'})
}

// mustJSON encodes v now, so that a value that cannot be encoded fails
// where it was given (a programming error, like Phoenix's ArgumentError).
func mustJSON(what string, v any) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("live.JS: %s is not encodable as JSON: %v", what, err))
	}
	return json.RawMessage(bytes.TrimSuffix(b.Bytes(), []byte{'\n'}))
}

// targeted starts an argument object with "to" when to is set.
func targeted(to string) jsArgs {
	a := jsArgs{}
	if to != "" {
		a["to"] = to
	}
	return a
}

// --- options ---------------------------------------------------------------

// The option interfaces say which commands an option applies to; an option
// given to a command it does not apply to does not compile.
type (
	// PushOption tunes [JSCommands.Push].
	PushOption interface{ applyPush(jsArgs) }
	// ShowOption tunes [JSCommands.Show].
	ShowOption interface{ applyShow(jsArgs) }
	// HideOption tunes [JSCommands.Hide].
	HideOption interface{ applyHide(jsArgs) }
	// ToggleOption tunes [JSCommands.Toggle].
	ToggleOption interface{ applyToggle(jsArgs) }
	// ClassOption tunes [JSCommands.AddClass], [JSCommands.RemoveClass]
	// and [JSCommands.ToggleClass].
	ClassOption interface{ applyClass(jsArgs) }
	// TransitionOption tunes [JSCommands.Transition].
	TransitionOption interface{ applyTransition(jsArgs) }
	// DispatchOption tunes [JSCommands.Dispatch].
	DispatchOption interface{ applyDispatch(jsArgs) }
	// TargetOption tunes the commands that only take a target: focus,
	// focus_first, push_focus, the attribute commands and exec.
	TargetOption interface{ applyTarget(jsArgs) }
	// NavOption tunes [JSCommands.Navigate] and [JSCommands.Patch].
	NavOption interface{ applyNav(jsArgs) }

	// AnimOption applies to every command with a transition time:
	// show, hide, toggle, the class commands and transition.
	AnimOption interface {
		ShowOption
		HideOption
		ToggleOption
		ClassOption
		TransitionOption
	}
	// BlockingOption applies to the animated commands and to dispatch.
	BlockingOption interface {
		AnimOption
		DispatchOption
	}
	// ClassesOption (transition classes) applies to show, hide and the
	// class commands.
	ClassesOption interface {
		ShowOption
		HideOption
		ClassOption
	}
	// DisplayOption applies to show and toggle.
	DisplayOption interface {
		ShowOption
		ToggleOption
	}
	// ScopeOption applies to every command with a "to" selector.
	ScopeOption interface {
		AnimOption
		DispatchOption
		TargetOption
	}
)

// anim is an option of every animated command (and, when dispatch is set,
// of dispatch).
type anim func(jsArgs)

func (o anim) applyShow(a jsArgs)       { o(a) }
func (o anim) applyHide(a jsArgs)       { o(a) }
func (o anim) applyToggle(a jsArgs)     { o(a) }
func (o anim) applyClass(a jsArgs)      { o(a) }
func (o anim) applyTransition(a jsArgs) { o(a) }
func (o anim) applyDispatch(a jsArgs)   { o(a) }

type classesOpt func(jsArgs)

func (o classesOpt) applyShow(a jsArgs)  { o(a) }
func (o classesOpt) applyHide(a jsArgs)  { o(a) }
func (o classesOpt) applyClass(a jsArgs) { o(a) }

type displayOpt string

func (o displayOpt) applyShow(a jsArgs)   { a["display"] = string(o) }
func (o displayOpt) applyToggle(a jsArgs) { a["display"] = string(o) }

type toggleOpt func(jsArgs)

func (o toggleOpt) applyToggle(a jsArgs) { o(a) }

type pushOpt func(jsArgs)

func (o pushOpt) applyPush(a jsArgs) { o(a) }

type dispatchOpt func(jsArgs)

func (o dispatchOpt) applyDispatch(a jsArgs) { o(a) }

type navOpt bool

func (o navOpt) applyNav(a jsArgs) { a["replace"] = bool(o) }

type scopeOpt string

func (o scopeOpt) apply(a jsArgs) {
	if sel, ok := a["to"].(string); ok {
		a["to"] = map[string]string{string(o): sel}
	}
}
func (o scopeOpt) applyShow(a jsArgs)       { o.apply(a) }
func (o scopeOpt) applyHide(a jsArgs)       { o.apply(a) }
func (o scopeOpt) applyToggle(a jsArgs)     { o.apply(a) }
func (o scopeOpt) applyClass(a jsArgs)      { o.apply(a) }
func (o scopeOpt) applyTransition(a jsArgs) { o.apply(a) }
func (o scopeOpt) applyDispatch(a jsArgs)   { o.apply(a) }
func (o scopeOpt) applyTarget(a jsArgs)     { o.apply(a) }

// Inner scopes the command's selector to the descendants of the element
// the binding is on ({"inner": sel}), e.g. a dropdown's menu:
// JS().Show(".menu", Inner()). Without a selector it does nothing.
func Inner() ScopeOption { return scopeOpt("inner") }

// Closest scopes the command's selector to the closest ancestor (or
// itself) of the element the binding is on ({"closest": sel}).
func Closest() ScopeOption { return scopeOpt("closest") }

// WithTime sets how long a transition runs ("time", in milliseconds; the
// client's default is 200 ms). Clients before 1.2 treat 0 as the default;
// 1.2 runs a 0 ms transition.
func WithTime(d time.Duration) AnimOption {
	ms := d.Milliseconds()
	return anim(func(a jsArgs) { a["time"] = ms })
}

// Blocking sets whether the command blocks server patches to the element
// while its transition runs (the client's default is true; only false
// changes anything for transitions). For dispatch, Blocking(true) makes
// the client wait for the listener to call event.detail.done() (client
// 1.1+; 1.0 ignores it).
func Blocking(b bool) BlockingOption {
	return anim(func(a jsArgs) { a["blocking"] = b })
}

// WithTransition sets transition classes: run is applied for the whole
// transition, start on its first frame and end on its last (Phoenix's
// {"ease-out duration-300", "opacity-0", "opacity-100"}); start and end may
// be "". Each is a space-separated class list.
func WithTransition(run, start, end string) ClassesOption {
	t := transitionClasses(run, start, end)
	return classesOpt(func(a jsArgs) { a["transition"] = t })
}

// WithDisplay sets the CSS display value used when an element is shown
// (the client's default is "block", "table-row" for tr, "table-cell" for td).
func WithDisplay(display string) DisplayOption { return displayOpt(display) }

// WithIn sets the transition classes for showing in [JSCommands.Toggle].
func WithIn(run, start, end string) ToggleOption {
	t := transitionClasses(run, start, end)
	return toggleOpt(func(a jsArgs) { a["ins"] = t })
}

// WithOut sets the transition classes for hiding in [JSCommands.Toggle].
func WithOut(run, start, end string) ToggleOption {
	t := transitionClasses(run, start, end)
	return toggleOpt(func(a jsArgs) { a["outs"] = t })
}

func classNames(s string) []string {
	f := strings.Fields(s)
	if f == nil {
		f = []string{}
	}
	return f
}

func transitionClasses(run, start, end string) [3][]string {
	return [3][]string{classNames(run), classNames(start), classNames(end)}
}

// PushValue merges v into the event's value (over phx-value-* attributes
// and, for forms, over the fields). It panics if v cannot be encoded as
// JSON.
func PushValue(v map[string]any) PushOption {
	raw := mustJSON("PushValue", v)
	return pushOpt(func(a jsArgs) { a["value"] = raw })
}

var cidPattern = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)

// PushTarget sends the event to the live component with this cid (the
// string [Myself] returns, encoded as a number as Phoenix's @myself is) or
// to the view or component owning the elements matching this selector. It
// overrides phx-target.
func PushTarget(target string) PushOption {
	var v any = target
	if cidPattern.MatchString(target) {
		v = json.Number(target)
	}
	return pushOpt(func(a jsArgs) { a["target"] = v })
}

// PushLoading applies the phx-*-loading classes to the elements matching
// selector (and locks them from patches) until the server replies.
func PushLoading(selector string) PushOption {
	return pushOpt(func(a jsArgs) { a["loading"] = selector })
}

// PushPageLoading makes the push dispatch phx:page-loading-start and
// phx:page-loading-stop (e.g. to show a top bar).
func PushPageLoading() PushOption {
	return pushOpt(func(a jsArgs) { a["page_loading"] = true })
}

// DispatchDetail sets the event's detail; listeners read it as
// event.detail (the client adds detail.dispatcher, the source element). A
// "click" is dispatched as a MouseEvent, whose detail the browser replaces
// with a number: use a custom event name for details. It panics if detail
// cannot be encoded as JSON.
func DispatchDetail(detail map[string]any) DispatchOption {
	raw := mustJSON("DispatchDetail", detail)
	return dispatchOpt(func(a jsArgs) { a["detail"] = raw })
}

// DispatchBubbles sets whether the event bubbles (the client's default is
// true).
func DispatchBubbles(b bool) DispatchOption {
	return dispatchOpt(func(a jsArgs) { a["bubbles"] = b })
}

// ReplaceHistory makes navigate and patch replace the current history
// entry instead of pushing a new one.
func ReplaceHistory() NavOption { return navOpt(true) }

// --- commands --------------------------------------------------------------

// Push sends event to the server (["push",{"event":…}]), as a phx-click of
// that name would, with the element's phx-value-* and the options' value,
// target and loading states. In a phx-change or phx-submit binding it sends
// the form.
func (js JSCommands) Push(event string, opts ...PushOption) JSCommands {
	a := jsArgs{"event": event}
	for _, o := range opts {
		o.applyPush(a)
	}
	return js.add("push", a)
}

// Dispatch dispatches a DOM event named event to the elements matching to
// (["dispatch",{"event":…,"to":…}]). It is a CustomEvent, except "click",
// which is a MouseEvent.
func (js JSCommands) Dispatch(to, event string, opts ...DispatchOption) JSCommands {
	a := targeted(to)
	a["event"] = event
	for _, o := range opts {
		o.applyDispatch(a)
	}
	return js.add("dispatch", a)
}

// Show shows the matching elements that are hidden (["show",{"to":…}]),
// with an optional transition. The client dispatches phx:show-start and
// phx:show-end on them. The display style sticks across server patches.
func (js JSCommands) Show(to string, opts ...ShowOption) JSCommands {
	a := targeted(to)
	for _, o := range opts {
		o.applyShow(a)
	}
	return js.add("show", a)
}

// Hide hides the matching elements that are visible (["hide",{"to":…}]),
// dispatching phx:hide-start and phx:hide-end.
func (js JSCommands) Hide(to string, opts ...HideOption) JSCommands {
	a := targeted(to)
	for _, o := range opts {
		o.applyHide(a)
	}
	return js.add("hide", a)
}

// Toggle shows the matching elements that are hidden and hides those that
// are visible (["toggle",{"to":…}]); [WithIn] and [WithOut] set the
// transitions.
func (js JSCommands) Toggle(to string, opts ...ToggleOption) JSCommands {
	a := targeted(to)
	for _, o := range opts {
		o.applyToggle(a)
	}
	return js.add("toggle", a)
}

// AddClass adds the space-separated classes names to the matching
// elements (["add_class",{"names":[…],"to":…}]). Classes stick across
// server patches.
func (js JSCommands) AddClass(to, names string, opts ...ClassOption) JSCommands {
	return js.class("add_class", to, names, opts)
}

// RemoveClass removes the classes names from the matching elements.
func (js JSCommands) RemoveClass(to, names string, opts ...ClassOption) JSCommands {
	return js.class("remove_class", to, names, opts)
}

// ToggleClass adds each of the classes names an element lacks and
// removes each it has.
func (js JSCommands) ToggleClass(to, names string, opts ...ClassOption) JSCommands {
	return js.class("toggle_class", to, names, opts)
}

func (js JSCommands) class(kind, to, names string, opts []ClassOption) JSCommands {
	a := targeted(to)
	a["names"] = classNames(names)
	for _, o := range opts {
		o.applyClass(a)
	}
	return js.add(kind, a)
}

// Transition applies transition classes to the matching elements for the
// transition's time (["transition",{"transition":[[run],[start],[end]],…}]),
// e.g. to shake or highlight them.
func (js JSCommands) Transition(to, run, start, end string, opts ...TransitionOption) JSCommands {
	a := targeted(to)
	a["transition"] = transitionClasses(run, start, end)
	for _, o := range opts {
		o.applyTransition(a)
	}
	return js.add("transition", a)
}

// SetAttribute sets attr to val on the matching elements
// (["set_attr",{"attr":[attr,val]}]); it sticks across server patches.
func (js JSCommands) SetAttribute(to, attr, val string, opts ...TargetOption) JSCommands {
	return js.target("set_attr", to, []string{attr, val}, opts)
}

// RemoveAttribute removes attr from the matching elements.
func (js JSCommands) RemoveAttribute(to, attr string, opts ...TargetOption) JSCommands {
	return js.target("remove_attr", to, attr, opts)
}

// ToggleAttribute sets attr to val where it is absent and removes it where
// it is present (["toggle_attr",{"attr":[attr,val]}]).
func (js JSCommands) ToggleAttribute(to, attr, val string, opts ...TargetOption) JSCommands {
	return js.target("toggle_attr", to, []string{attr, val}, opts)
}

// ToggleAttributeBetween switches attr between val1 and val2 (set to val1
// where absent), e.g. aria-expanded between "true" and "false".
func (js JSCommands) ToggleAttributeBetween(to, attr, val1, val2 string, opts ...TargetOption) JSCommands {
	return js.target("toggle_attr", to, []string{attr, val1, val2}, opts)
}

// IgnoreAttributes keeps the client's values of the listed attributes
// (patterns like "data-*" allowed) when the server patches the matching
// elements (["ignore_attrs",{"attrs":[…]}]). Client 1.1+ only: the 1.0
// client has no such command and throws.
func (js JSCommands) IgnoreAttributes(to string, attrs []string, opts ...TargetOption) JSCommands {
	if attrs == nil {
		attrs = []string{}
	}
	a := targeted(to)
	a["attrs"] = attrs
	for _, o := range opts {
		o.applyTarget(a)
	}
	return js.add("ignore_attrs", a)
}

// Exec runs the JS commands held in attribute attr of the matching
// elements (["exec",{"attr":…,"to":…}]), e.g. a modal's phx-remove.
func (js JSCommands) Exec(to, attr string, opts ...TargetOption) JSCommands {
	return js.target("exec", to, attr, opts)
}

// Focus focuses the first matching element (["focus",{"to":…}]).
func (js JSCommands) Focus(to string, opts ...TargetOption) JSCommands {
	return js.target("focus", to, nil, opts)
}

// FocusFirst focuses the first focusable descendant of the matching
// element.
func (js JSCommands) FocusFirst(to string, opts ...TargetOption) JSCommands {
	return js.target("focus_first", to, nil, opts)
}

// PushFocus remembers the matching element (or the source element) so
// that [JSCommands.PopFocus] can focus it again, e.g. when a modal closes.
// On client 1.2 the entry belongs to the view and is dropped with it.
func (js JSCommands) PushFocus(to string, opts ...TargetOption) JSCommands {
	return js.target("push_focus", to, nil, opts)
}

// PopFocus focuses the element last remembered by [JSCommands.PushFocus].
func (js JSCommands) PopFocus() JSCommands { return js.add("pop_focus", jsArgs{}) }

func (js JSCommands) target(kind, to string, attr any, opts []TargetOption) JSCommands {
	a := targeted(to)
	if attr != nil {
		a["attr"] = attr
	}
	for _, o := range opts {
		o.applyTarget(a)
	}
	return js.add(kind, a)
}

// Navigate navigates to href within the live_session without a page
// load (["navigate",{"href":…,"replace":false}]), as a
// data-phx-link="redirect" link does; across live_sessions the client
// loads the page.
func (js JSCommands) Navigate(href string, opts ...NavOption) JSCommands {
	return js.nav("navigate", href, opts)
}

// Patch changes the URL within the current view
// (["patch",{"href":…,"replace":false}]): the view's HandleParams runs
// with it, as for a data-phx-link="patch" link.
func (js JSCommands) Patch(href string, opts ...NavOption) JSCommands {
	return js.nav("patch", href, opts)
}

func (js JSCommands) nav(kind, href string, opts []NavOption) JSCommands {
	a := jsArgs{"href": href, "replace": false}
	for _, o := range opts {
		o.applyNav(a)
	}
	return js.add(kind, a)
}
