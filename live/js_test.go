package live_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"golang.org/x/net/html"

	"github.com/cortex-cinegraph/golive/live"
)

// Every command encodes as Phoenix.LiveView.JS does: [kind, args] with
// args' keys sorted and options that were not given left out. The expected
// strings are written by hand from the client sources (js.js of 1.0.19,
// 1.1.32 and 1.2.12 read these argument names) and Phoenix's js.ex.
func TestJSCommandEncoding(t *testing.T) {
	J := live.JS
	cases := []struct {
		name string
		js   live.JSCommands
		want string
	}{
		{"empty", J(), `[]`},
		{"push", J().Push("inc"), `[["push",{"event":"inc"}]]`},
		{"push value", J().Push("inc", live.PushValue(map[string]any{"x": 1})), `[["push",{"event":"inc","value":{"x":1}}]]`},
		{"push value nested", J().Push("save", live.PushValue(map[string]any{"b": []int{1, 2}, "a": map[string]any{"z": nil, "y": "s"}})),
			`[["push",{"event":"save","value":{"a":{"y":"s","z":null},"b":[1,2]}}]]`},
		{"push target selector", J().Push("inc", live.PushTarget("#c")), `[["push",{"event":"inc","target":"#c"}]]`},
		{"push target cid", J().Push("inc", live.PushTarget("3")), `[["push",{"event":"inc","target":3}]]`},
		{"push target not a cid", J().Push("inc", live.PushTarget("03")), `[["push",{"event":"inc","target":"03"}]]`},
		{"push all options", J().Push("inc", live.PushValue(map[string]any{"x": 1}), live.PushTarget("#c"), live.PushLoading(".thermo"), live.PushPageLoading()),
			`[["push",{"event":"inc","loading":".thermo","page_loading":true,"target":"#c","value":{"x":1}}]]`},
		{"brief example", J().Push("inc", live.PushValue(map[string]any{"x": 1})).Show("#modal"),
			`[["push",{"event":"inc","value":{"x":1}}],["show",{"to":"#modal"}]]`},
		{"show self", J().Show(""), `[["show",{}]]`},
		{"show options", J().Show("#m", live.WithDisplay("flex"), live.WithTransition("ease-out duration-300", "opacity-0", "opacity-100"), live.WithTime(300*time.Millisecond), live.Blocking(false)),
			`[["show",{"blocking":false,"display":"flex","time":300,"to":"#m","transition":[["ease-out","duration-300"],["opacity-0"],["opacity-100"]]}]]`},
		{"hide", J().Hide("#m", live.WithTransition("fade-out", "", "")),
			`[["hide",{"to":"#m","transition":[["fade-out"],[],[]]}]]`},
		{"toggle", J().Toggle("#panel"), `[["toggle",{"to":"#panel"}]]`},
		{"toggle options", J().Toggle("#p", live.WithIn("fade-in", "", ""), live.WithOut("fade-out", "a", "b"), live.WithDisplay("grid"), live.WithTime(0)),
			`[["toggle",{"display":"grid","ins":[["fade-in"],[],[]],"outs":[["fade-out"],["a"],["b"]],"time":0,"to":"#p"}]]`},
		{"add_class", J().AddClass("#x", " highlight  underline "), `[["add_class",{"names":["highlight","underline"],"to":"#x"}]]`},
		{"add_class self", J().AddClass("", "on"), `[["add_class",{"names":["on"]}]]`},
		{"remove_class", J().RemoveClass("#x", "a", live.WithTime(time.Second)), `[["remove_class",{"names":["a"],"time":1000,"to":"#x"}]]`},
		{"toggle_class", J().ToggleClass(".c", "active"), `[["toggle_class",{"names":["active"],"to":".c"}]]`},
		{"transition", J().Transition("#item", "shake", "", "", live.WithTime(500*time.Millisecond), live.Blocking(false)),
			`[["transition",{"blocking":false,"time":500,"to":"#item","transition":[["shake"],[],[]]}]]`},
		{"set_attr", J().SetAttribute("#d", "aria-expanded", "true"), `[["set_attr",{"attr":["aria-expanded","true"],"to":"#d"}]]`},
		{"remove_attr", J().RemoveAttribute("#d", "disabled"), `[["remove_attr",{"attr":"disabled","to":"#d"}]]`},
		{"toggle_attr", J().ToggleAttribute("#dialog", "open", "true"), `[["toggle_attr",{"attr":["open","true"],"to":"#dialog"}]]`},
		{"toggle_attr between", J().ToggleAttributeBetween("#b", "aria-expanded", "true", "false"),
			`[["toggle_attr",{"attr":["aria-expanded","true","false"],"to":"#b"}]]`},
		{"ignore_attrs", J().IgnoreAttributes("#d", []string{"open", "data-*"}), `[["ignore_attrs",{"attrs":["open","data-*"],"to":"#d"}]]`},
		{"exec", J().Exec("#modal", "phx-remove"), `[["exec",{"attr":"phx-remove","to":"#modal"}]]`},
		{"dispatch", J().Dispatch("#el", "app:copy"), `[["dispatch",{"event":"app:copy","to":"#el"}]]`},
		{"dispatch options", J().Dispatch("", "app:hi", live.DispatchDetail(map[string]any{"a": 1}), live.DispatchBubbles(false), live.Blocking(true)),
			`[["dispatch",{"blocking":true,"bubbles":false,"detail":{"a":1},"event":"app:hi"}]]`},
		{"navigate", J().Navigate("/movies"), `[["navigate",{"href":"/movies","replace":false}]]`},
		{"navigate replace", J().Navigate("/movies", live.ReplaceHistory()), `[["navigate",{"href":"/movies","replace":true}]]`},
		{"patch", J().Patch("/examples/hooks?tab=two"), `[["patch",{"href":"/examples/hooks?tab=two","replace":false}]]`},
		{"patch replace", J().Patch("?p=2", live.ReplaceHistory()), `[["patch",{"href":"?p=2","replace":true}]]`},
		{"focus", J().Focus("#q"), `[["focus",{"to":"#q"}]]`},
		{"focus self", J().Focus(""), `[["focus",{}]]`},
		{"focus_first", J().FocusFirst("#modal"), `[["focus_first",{"to":"#modal"}]]`},
		{"push_focus", J().PushFocus(""), `[["push_focus",{}]]`},
		{"pop_focus", J().PopFocus(), `[["pop_focus",{}]]`},
		{"scope inner", J().Show(".menu", live.Inner()), `[["show",{"to":{"inner":".menu"}}]]`},
		{"scope closest", J().AddClass(".card", "open", live.Closest()), `[["add_class",{"names":["open"],"to":{"closest":".card"}}]]`},
		{"scope without selector", J().Hide("", live.Inner()), `[["hide",{}]]`},
		{"scope focus", J().Focus("input", live.Inner()), `[["focus",{"to":{"inner":"input"}}]]`},
		{"html characters stay", J().Push("say", live.PushValue(map[string]any{"t": `<a href="x">&'</a>`})),
			`[["push",{"event":"say","value":{"t":"<a href=\"x\">&'</a>"}}]]`},
		{"concat", J().Hide("#a").Concat(J().Show("#b")), `[["hide",{"to":"#a"}],["show",{"to":"#b"}]]`},
		{"chain", J().Push("inc", live.PushTarget("#c")).Show("#modal").Hide("#x").Toggle("#t").AddClass("#a", "on").RemoveClass("#a", "off").
			Transition("#a", "pulse", "", "").Dispatch("#a", "app:x").Navigate("/n").Patch("/p").Focus("#f"),
			`[["push",{"event":"inc","target":"#c"}],["show",{"to":"#modal"}],["hide",{"to":"#x"}],["toggle",{"to":"#t"}],` +
				`["add_class",{"names":["on"],"to":"#a"}],["remove_class",{"names":["off"],"to":"#a"}],` +
				`["transition",{"to":"#a","transition":[["pulse"],[],[]]}],["dispatch",{"event":"app:x","to":"#a"}],` +
				`["navigate",{"href":"/n","replace":false}],["patch",{"href":"/p","replace":false}],["focus",{"to":"#f"}]]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.js.String()
			if got != c.want {
				t.Fatalf("\n got: %s\nwant: %s", got, c.want)
			}
			if !json.Valid([]byte(got)) {
				t.Fatalf("not valid JSON: %s", got)
			}
			m, err := c.js.MarshalJSON()
			if err != nil || string(m) != c.want {
				t.Fatalf("MarshalJSON = %s, %v; want %s", m, err, c.want)
			}
			// Inside another document (json.Marshal escapes <, >, & there)
			// it decodes to the same value.
			outer, err := json.Marshal(map[string]any{"js": c.js})
			var back struct{ JS json.RawMessage }
			if err != nil || json.Unmarshal(outer, &back) != nil || !sameJSON(t, back.JS, []byte(c.want)) {
				t.Fatalf("embedded: %s, %v", outer, err)
			}
		})
	}
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xs, _ := json.Marshal(x)
	ys, _ := json.Marshal(y)
	return bytes.Equal(xs, ys)
}

// Every command parses as the client's JS.exec expects: an array of
// [kind, object] pairs.
func TestJSCommandShape(t *testing.T) {
	js := live.JS().Push("a").Show("#b").PopFocus().Navigate("/c")
	var ops [][]json.RawMessage
	if err := json.Unmarshal([]byte(js.String()), &ops); err != nil {
		t.Fatal(err)
	}
	if len(ops) != js.Len() {
		t.Fatalf("%d ops, Len %d", len(ops), js.Len())
	}
	for _, op := range ops {
		var kind string
		var args map[string]any
		if len(op) != 2 || json.Unmarshal(op[0], &kind) != nil || json.Unmarshal(op[1], &args) != nil || args == nil {
			t.Fatalf("op %s is not [string, object]", op)
		}
	}
}

// Chains share no storage: extending a common prefix twice gives two
// independent lists.
func TestJSCommandsAreValues(t *testing.T) {
	base := live.JS().Push("a")
	for range 3 {
		base = base.Hide("#x") // leave spare capacity behind the slice
	}
	one := base.Show("#one")
	two := base.Show("#two")
	if strings.Contains(one.String(), "#two") || !strings.Contains(two.String(), "#two") || !strings.Contains(one.String(), "#one") {
		t.Fatalf("chains interfere:\n one: %s\n two: %s", one, two)
	}
	if base.Len() != 4 {
		t.Fatalf("base changed: %s", base)
	}
	joined := base.Concat(one)
	if joined.Len() != 9 || base.Len() != 4 {
		t.Fatalf("Concat changed its operands: %d, %d", joined.Len(), base.Len())
	}
}

func TestJSUnencodableValuePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"PushValue":      func() { live.PushValue(map[string]any{"f": func() {}}) },
		"DispatchDetail": func() { live.DispatchDetail(map[string]any{"n": math.NaN()}) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), name) {
					t.Fatalf("recovered %v, want a panic naming %s", r, name)
				}
			}()
			f()
		})
	}
}

// attrOf parses page with the HTML5 parser (as the browser does) and
// returns attribute name of the element with id.
func attrOf(t *testing.T, page, id, name string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var found *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "id" && a.Val == id {
					found = n
				}
			}
		}
		for c := n.FirstChild; c != nil && found == nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if found == nil {
		t.Fatalf("no element #%s in %s", id, page)
	}
	for _, a := range found.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	t.Fatalf("#%s has no %s attribute: %s", id, name, page)
	return ""
}

// A command list used as an attribute value survives the template's
// escaping: an HTML parser gives back exactly String(), whatever the
// values hold (quotes of both kinds, <, >, &, entities, "</script>",
// non-ASCII, U+2028).
func TestJSAttributeRoundTrip(t *testing.T) {
	nasty := map[string]any{
		"q":   `"double" 'single' ` + "`back`",
		"h":   `<b>&amp; &lt;/button&gt; </script><!-- -->`,
		"u":   "é漢 \u2028 \u00a0 🎬",
		"esc": `back\slash "\u0022"`,
	}
	js := live.JS().
		Push("say", live.PushValue(nasty), live.PushTarget(`[data-x="a b"] > .c`)).
		Dispatch(`#x[title='<q>']`, "app:hi", live.DispatchDetail(nasty)).
		AddClass("#a", "a&b c<d").
		Navigate(`/m?q=a&b="c"`)
	want := js.String()
	for _, s := range []string{`"double"`, `</script>`, `&amp;`, `'single'`} {
		if !strings.Contains(want, strings.ReplaceAll(s, `"`, `\"`)) {
			t.Fatalf("test value %q not in the JSON %s", s, want)
		}
	}

	render := map[string]func(io.Writer) error{
		// What templ-generated code writes for phx-click={ js.String() }.
		"templ expression": func(w io.Writer) error {
			_, err := io.WriteString(w, `<button id="b" phx-click="`+templ.EscapeString(js.String())+`">go</button>`)
			return err
		},
		// A spread attribute map: { templ.Attributes{...}... }.
		"templ attributes": func(w io.Writer) error {
			io.WriteString(w, `<button id="b"`)
			if err := templ.RenderAttributes(context.Background(), w, templ.Attributes{"phx-click": js.String()}); err != nil {
				return err
			}
			_, err := io.WriteString(w, `>go</button>`)
			return err
		},
		// html/template, for pages rendered without templ.
		"html/template": func(w io.Writer) error {
			tpl := template.Must(template.New("").Parse(`<button id="b" phx-click="{{.}}">go</button>`))
			return tpl.Execute(w, js.String())
		},
	}
	for name, r := range render {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := r(&b); err != nil {
				t.Fatal(err)
			}
			page := "<!doctype html><html><body>" + b.String() + "<script>let x = 1</script></body></html>"
			got := attrOf(t, page, "b", "phx-click")
			if got != want {
				t.Fatalf("attribute after parsing differs\n got: %s\nwant: %s\nhtml: %s", got, want, b.String())
			}
			var back [][2]json.RawMessage
			if err := json.Unmarshal([]byte(got), &back); err != nil || len(back) != js.Len() {
				t.Fatalf("parsed attribute is not the command list: %v", err)
			}
		})
	}
}
