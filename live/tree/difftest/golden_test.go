package difftest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/examples"
	"github.com/cortex-cinegraph/golive/live/tree"
)

// testdata/keyed_list_diffs.json and ws_join_rendered.json are copies of
// /work/shared/protocol/vectors (PROTOCOL.md §6.4 worked example, from
// phoenix_live_view's own diff tests).

type listVector struct {
	Template string `json:"template"`
	Steps    []struct {
		Step    string          `json:"step"`
		Keyed   json.RawMessage `json:"lv_1_1_1_2"`
		D       json.RawMessage `json:"lv_1_0"`
		Neutral json.RawMessage `json:"neutral"`
	} `json:"steps"`
}

func loadListVector(t *testing.T) listVector {
	t.Helper()
	b, err := os.ReadFile("testdata/keyed_list_diffs.json")
	if err != nil {
		t.Fatal(err)
	}
	var v listVector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Steps) != 7 {
		t.Fatalf("keyed_list_diffs.json: %d steps, want 7", len(v.Steps))
	}
	return v
}

func (v listVector) form(step int, enc tree.Encoding) json.RawMessage {
	s := v.Steps[step]
	switch enc {
	case tree.Keyed:
		return s.Keyed
	case tree.DList:
		return s.D
	}
	return s.Neutral
}

func mustRender(t *testing.T, c templ.Component) *tree.Node {
	t.Helper()
	n, err := tree.Render(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func mustHTML(t *testing.T, c templ.Component) string {
	t.Helper()
	s, err := plainHTML(c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("invalid JSON %s: %v", b, err)
	}
	return v
}

// inlineTemplates resolves the 1.1+ template sharing of a rendered value:
// "s": <int> becomes the statics p[<int>] of the nearest "p" above, and
// every "p" is dropped. Our encoder never shares statics, so this is what
// makes Phoenix's output comparable with ours.
func inlineTemplates(v any, p map[string]any) any {
	switch x := v.(type) {
	case map[string]any:
		if tp, ok := x["p"].(map[string]any); ok {
			p = tp
		}
		out := map[string]any{}
		for k, val := range x {
			switch {
			case k == "p":
			case k == "s":
				if n, ok := val.(float64); ok && p != nil {
					out[k] = p[strconv.Itoa(int(n))]
				} else {
					out[k] = val
				}
			default:
				out[k] = inlineTemplates(val, p)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = inlineTemplates(e, p)
		}
		return out
	}
	return v
}

// comparable drops the top-level "r" of a join (the client extracts it as a
// reply; Phoenix sets it because the root template has one root tag, we
// never set it) and inlines shared templates.
func comparable(t *testing.T, b []byte) any {
	t.Helper()
	v := inlineTemplates(decode(t, b), nil)
	if m, ok := v.(map[string]any); ok {
		delete(m, "r")
	}
	return v
}

// todoStates are the data of the vector's steps 0-4 (§6.4).
var todoStates = [][]string{{"a", "b"}, {"a", "B"}, {"a", "B", "c"}, {"a"}, {}}

// TestGoldenWorkedExample compares Full and Diff of the §6.4 template
// (Todo, a templ copy of `<div><h1>{@title}</h1><ul>{for i <- @items}
// <li>{i}</li>{end}</ul></div>`) with Phoenix's own output in the vector,
// per encoding: structurally (after inlining Phoenix's "p" templates) for
// the join and every step the vector has, and byte for byte where our
// encoder is meant to produce exactly PROTOCOL.md's text.
func TestGoldenWorkedExample(t *testing.T) {
	v := loadListVector(t)
	if want := "<div><h1>{@title}</h1><ul>{for i <- @items}<li>{i}</li>{end}</ul></div>"; v.Template != want {
		t.Fatalf("vector template %q", v.Template)
	}
	nodes := make([]*tree.Node, len(todoStates))
	for i, items := range todoStates {
		nodes[i] = mustRender(t, Todo("Todo", items))
	}
	for _, enc := range []tree.Encoding{tree.Neutral, tree.DList, tree.Keyed} {
		t.Run(encName(enc), func(t *testing.T) {
			// The join: same tree as Phoenix's, modulo "p" and top-level "r".
			ours, theirs := enc.Full(nodes[0]), v.form(0, enc)
			if !reflect.DeepEqual(comparable(t, ours), comparable(t, theirs)) {
				t.Errorf("join differs from the vector\n ours:   %s\n vector: %s", ours, theirs)
			}
			for i := 1; i < len(nodes); i++ {
				ours := enc.Diff(nodes[i-1], nodes[i])
				theirs := v.form(i, enc)
				if theirs == nil {
					continue // the vector has no neutral form of this step
				}
				if i == 4 && enc != tree.Neutral {
					// Emptying a list: Phoenix keeps the comprehension
					// ({"k":{"kc":0}} / {"d":[]}); an empty list has no
					// row statics for us, so it is resent as an empty
					// node. Both give the same HTML (TestVectorsAndOursBuildSameHTML).
					if want := `{"1":{"s":[""]}}`; string(ours) != want {
						t.Errorf("step %q: diff %s, want %s", v.Steps[i].Step, ours, want)
					}
					continue
				}
				if !reflect.DeepEqual(comparable(t, ours), comparable(t, theirs)) {
					t.Errorf("step %q differs from the vector\n ours:   %s\n vector: %s", v.Steps[i].Step, ours, theirs)
				}
			}
		})
	}

	// Byte-exact forms, as PROTOCOL.md §6.4 spells them (the join without
	// "p" and "r"; our members come in a fixed order: dynamics, then "s";
	// in a list "s" first).
	exact := []struct {
		enc      tree.Encoding
		from, to int // -1: the join
		want     string
	}{
		{tree.Keyed, -1, 0, `{"0":"Todo","1":{"s":["<li>","</li>"],"k":{"0":{"0":"a"},"1":{"0":"b"},"kc":2}},"s":["<div><h1>","</h1><ul>","</ul></div>"]}`},
		{tree.DList, -1, 0, `{"0":"Todo","1":{"s":["<li>","</li>"],"d":[["a"],["b"]]},"s":["<div><h1>","</h1><ul>","</ul></div>"]}`},
		{tree.Neutral, -1, 0, `{"0":"Todo","1":{"0":{"0":"a","s":["<li>","</li>"]},"1":{"0":"b","s":["<li>","</li>"]},"s":["","",""]},"s":["<div><h1>","</h1><ul>","</ul></div>"]}`},
		{tree.Keyed, 0, 1, `{"1":{"k":{"1":{"0":"B"},"kc":2}}}`},
		{tree.Keyed, 1, 2, `{"1":{"k":{"2":{"0":"c"},"kc":3}}}`},
		{tree.Keyed, 2, 3, `{"1":{"k":{"kc":1}}}`},
		{tree.DList, 0, 1, `{"1":{"d":[["a"],["B"]]}}`},
		{tree.DList, 1, 2, `{"1":{"d":[["a"],["B"],["c"]]}}`},
		{tree.DList, 2, 3, `{"1":{"d":[["a"]]}}`},
		{tree.Neutral, 0, 1, `{"1":{"1":{"0":"B"}}}`},
		{tree.Neutral, 2, 3, `{"1":{"0":{"0":"a","s":["<li>","</li>"]},"s":["",""]}}`},
	}
	for _, e := range exact {
		var got []byte
		if e.from < 0 {
			got = e.enc.Full(nodes[e.to])
		} else {
			got = e.enc.Diff(nodes[e.from], nodes[e.to])
		}
		if string(got) != e.want {
			t.Errorf("%s %d->%d:\n got  %s\n want %s", encName(e.enc), e.from, e.to, got, e.want)
		}
	}
	// Title change only: no list in the diff.
	if got, want := string(tree.Keyed.Diff(nodes[0], mustRender(t, Todo("New", todoStates[0])))), `{"0":"New"}`; got != want {
		t.Errorf("title change: %s, want %s", got, want)
	}
	// No change: nothing to send.
	for _, enc := range []tree.Encoding{tree.Neutral, tree.DList, tree.Keyed} {
		if d := enc.Diff(nodes[1], mustRender(t, Todo("Todo", todoStates[1]))); d != nil {
			t.Errorf("%s: unchanged render gave %s", encName(enc), d)
		}
	}
}

// TestGoldenKeyedMoves checks the vector's keyed steps (server ≥ 1.2.8)
// with KeyedTodo, whose rows are keyed by their id (the item): the reorder
// is byte for byte Phoenix's; the replacement differs only in the new row,
// which has two dynamics here (the id attribute and the text) instead of one.
func TestGoldenKeyedMoves(t *testing.T) {
	v := loadListVector(t)
	xy := mustRender(t, KeyedTodo("Todo", []string{"x", "y"}))
	yx := mustRender(t, KeyedTodo("Todo", []string{"y", "x"}))
	xz := mustRender(t, KeyedTodo("Todo", []string{"x", "z"}))
	if got, want := tree.Keyed.Diff(xy, yx), v.Steps[5].Keyed; !jsonEqual(t, got, want) || string(got) != `{"1":{"k":{"0":1,"1":0,"kc":2,"km":true}}}` {
		t.Errorf("reorder: %s, vector %s", got, want)
	}
	if got, want := string(tree.Keyed.Diff(yx, xz)), `{"1":{"k":{"0":1,"1":{"0":"z","1":"z"},"kc":2,"km":true}}}`; got != want {
		t.Errorf("replace: %s, want %s (vector %s)", got, want, v.Steps[6].Keyed)
	}
	// Without ids the rows are matched by index: the same change is two
	// in-place row diffs, no move.
	a := mustRender(t, Todo("Todo", []string{"y", "x"}))
	b := mustRender(t, Todo("Todo", []string{"x", "z"}))
	if got, want := string(tree.Keyed.Diff(a, b)), `{"1":{"k":{"0":{"0":"x"},"1":{"0":"z"},"kc":2}}}`; got != want {
		t.Errorf("index-keyed replace: %s, want %s", got, want)
	}
	// Duplicate ids fall back to index keys.
	d1 := mustRender(t, KeyedTodo("Todo", []string{"a", "a", "b"}))
	d2 := mustRender(t, KeyedTodo("Todo", []string{"b", "a", "a"}))
	if got, want := string(tree.Keyed.Diff(d1, d2)), `{"1":{"k":{"0":{"0":"b","1":"b"},"2":{"0":"a","1":"a"},"kc":3}}}`; got != want {
		t.Errorf("duplicate ids: %s, want %s", got, want)
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	return reflect.DeepEqual(decode(t, a), decode(t, b))
}

// TestVectorsAndOursBuildSameHTML feeds the vector's own payloads (with
// Phoenix's "p" templates and "r") and ours for the same data to each
// client line, and checks both build templ's HTML of that data.
func TestVectorsAndOursBuildSameHTML(t *testing.T) {
	node, script := nodeEnv(t)
	v := loadListVector(t)
	html := make([]string, len(todoStates))
	nodes := make([]*tree.Node, len(todoStates))
	for i, items := range todoStates {
		html[i] = mustHTML(t, Todo("Todo", items))
		nodes[i] = mustRender(t, Todo("Todo", items))
	}
	if html[0] != "<div><h1>Todo</h1><ul><li>a</li><li>b</li></ul></div>" {
		t.Fatalf("Todo renders %q, not the §6.4 HTML", html[0])
	}
	byLine := map[string][]replaySeq{}
	for _, line := range lineOrder {
		for _, enc := range encodingsFor[line] {
			vec := replaySeq{Name: "vector/" + encName(enc), Line: line, Join: v.form(0, enc), HTML: html[0]}
			ours := replaySeq{Name: "ours/" + encName(enc), Line: line, Join: enc.Full(nodes[0]), HTML: html[0]}
			for i := 1; i < len(todoStates); i++ {
				if d := v.form(i, enc); d != nil {
					vec.Steps = append(vec.Steps, replayStep{Diff: d, HTML: html[i]})
				}
				ours.Steps = append(ours.Steps, replayStep{Diff: enc.Diff(nodes[i-1], nodes[i]), HTML: html[i]})
			}
			byLine[line] = append(byLine[line], vec, ours)
		}
		if line != "1.0" {
			// The keyed steps, from a join of [x, y] in Phoenix's form.
			join := `{"0":"Todo","1":{"s":0,"k":{"0":{"0":"x"},"1":{"0":"y"},"kc":2}},"s":1,"r":1,"p":{"0":["<li>","</li>"],"1":["<div><h1>","</h1><ul>","</ul></div>"]}}`
			byLine[line] = append(byLine[line], replaySeq{
				Name: "vector/keyed-moves", Line: line, Join: json.RawMessage(join),
				HTML: mustHTML(t, Todo("Todo", []string{"x", "y"})),
				Steps: []replayStep{
					{Diff: v.Steps[5].Keyed, HTML: mustHTML(t, Todo("Todo", []string{"y", "x"}))},
					{Diff: v.Steps[6].Keyed, HTML: mustHTML(t, Todo("Todo", []string{"x", "z"}))},
				},
			})
			n := []*tree.Node{
				mustRender(t, KeyedTodo("Todo", []string{"x", "y"})),
				mustRender(t, KeyedTodo("Todo", []string{"y", "x"})),
				mustRender(t, KeyedTodo("Todo", []string{"x", "z"})),
			}
			byLine[line] = append(byLine[line], replaySeq{
				Name: "ours/keyed-moves", Line: line, Join: tree.Keyed.Full(n[0]),
				HTML: mustHTML(t, KeyedTodo("Todo", []string{"x", "y"})),
				Steps: []replayStep{
					{Diff: tree.Keyed.Diff(n[0], n[1]), HTML: mustHTML(t, KeyedTodo("Todo", []string{"y", "x"}))},
					{Diff: tree.Keyed.Diff(n[1], n[2]), HTML: mustHTML(t, KeyedTodo("Todo", []string{"x", "z"}))},
				},
			})
		}
	}
	// The join vector of a real page (with "\n" and <br> in the statics).
	b, err := os.ReadFile("testdata/ws_join_rendered.json")
	if err != nil {
		t.Fatal(err)
	}
	var wj struct {
		Frames []struct {
			Frame []json.RawMessage `json:"frame"`
		} `json:"frames"`
		Alt  []json.RawMessage `json:"alt_reply_lv_1_0"`
		HTML string            `json:"expected_html"`
	}
	if err := json.Unmarshal(b, &wj); err != nil {
		t.Fatal(err)
	}
	rendered := func(payload json.RawMessage) json.RawMessage {
		var p struct {
			Response struct {
				Rendered json.RawMessage `json:"rendered"`
			} `json:"response"`
		}
		if err := json.Unmarshal(payload, &p); err != nil || p.Response.Rendered == nil {
			t.Fatalf("ws_join_rendered.json: no rendered in %s", payload)
		}
		return p.Response.Rendered
	}
	byLine["1.0"] = append(byLine["1.0"], replaySeq{Name: "vector/ws_join", Line: "1.0", Join: rendered(wj.Alt[4]), HTML: wj.HTML})
	for _, line := range []string{"1.1", "1.2"} {
		byLine[line] = append(byLine[line], replaySeq{Name: "vector/ws_join", Line: line, Join: rendered(wj.Frames[1].Frame[4]), HTML: wj.HTML})
	}
	results := runLines(t, node, script, byLine, 20)
	for _, line := range lineOrder {
		res := results[line]
		t.Logf("client %s (%s): %d sequences, %d diffs merged", line, res.Lines[line].Version, res.Lines[line].Sequences, res.Lines[line].Diffs)
		for _, f := range res.Failures {
			got := deref(f.Got)
			if f.Error != "" {
				got = "error: " + f.Error
			}
			t.Errorf("client %s, %s, step %d: diff %s\n want %q\n got  %q", line, f.Name, f.Step, deref(f.Diff), f.Want, got)
		}
	}
}

// TestDiffBytes measures the diffs of a counter click on examples.Counter
// and of one row inserted at the top of 100, per encoding; checks that the
// keyed one carries only the new row, the moves and kc/km; and checks all
// of them through the clients.
func TestDiffBytes(t *testing.T) {
	type tcase struct {
		name     string
		old, new templ.Component
	}
	counter := &examples.Counter{}
	if err := counter.HandleParams(nil, nil, live.Params{}); err != nil {
		t.Fatal(err)
	}
	before := counter.Render()
	beforeNode, beforeHTML := mustRender(t, before), mustHTML(t, before)
	if err := counter.HandleEvent(nil, live.Event{Name: "inc"}); err != nil {
		t.Fatal(err)
	}
	items := func(first, n int) []string {
		var s []string
		for i := first; i < first+n; i++ {
			s = append(s, "item-"+strconv.Itoa(i))
		}
		return s
	}
	rows := func(ids []string) []Row {
		var out []Row
		for _, id := range ids {
			out = append(out, Row{ID: id, Name: "name " + id, Note: "note", Kind: 1, Cells: []string{"x", "y"}})
		}
		return out
	}
	hundred, inserted := items(1, 100), append([]string{"item-0"}, items(1, 100)...)
	cases := []tcase{
		{"insert at top of 100 (KeyedTodo: rows keyed by id)", KeyedTodo("T", hundred), KeyedTodo("T", inserted)},
		{"insert at top of 100 (PageView keyed rows with branch and cells)", PageView(Page{Keyed: rows(hundred), Limit: 0}), PageView(Page{Keyed: rows(inserted), Limit: 0})},
		{"insert at top of 100 (Todo: no ids, index keys)", Todo("T", hundred), Todo("T", inserted)},
	}
	byLine := map[string][]replaySeq{}
	report := []string{}
	line := func(name string, oldN, newN *tree.Node, oldHTML, newHTML string) map[tree.Encoding][]byte {
		out := map[tree.Encoding][]byte{}
		var parts []string
		for _, enc := range []tree.Encoding{tree.Neutral, tree.DList, tree.Keyed} {
			d := enc.Diff(oldN, newN)
			out[enc] = d
			parts = append(parts, fmt.Sprintf("%s %d B", encName(enc), len(d)))
		}
		report = append(report, fmt.Sprintf("%-66s %s (full render: %d B keyed)", name+":", strings.Join(parts, ", "), len(tree.Keyed.Full(newN))))
		for _, l := range lineOrder {
			for _, enc := range encodingsFor[l] {
				byLine[l] = append(byLine[l], replaySeq{
					Name: name + "/" + encName(enc), Line: l, Join: enc.Full(oldN), HTML: oldHTML,
					Steps: []replayStep{{Diff: out[enc], HTML: newHTML}},
				})
			}
		}
		return out
	}

	afterNode, afterHTML := mustRender(t, counter.Render()), mustHTML(t, counter.Render())
	click := line("counter click (examples.Counter)", beforeNode, afterNode, beforeHTML, afterHTML)
	for enc, d := range click {
		// Like the vector's {"0":"6"}: one member, the new count.
		m, ok := decode(t, d).(map[string]any)
		if !ok || len(m) != 1 {
			t.Errorf("%s: click diff %s, want one member", encName(enc), d)
		}
		for _, v := range m {
			if v != "1" {
				t.Errorf("%s: click diff %s, want only the new count", encName(enc), d)
			}
		}
	}
	t.Logf("counter click diff: %s", click[tree.Keyed])

	for _, c := range cases {
		o, n := mustRender(t, c.old), mustRender(t, c.new)
		ds := line(c.name, o, n, mustHTML(t, c.old), mustHTML(t, c.new))
		if strings.Contains(c.name, "index keys") {
			continue
		}
		checkInsertTop(t, c.name, ds[tree.Keyed], 100)
	}
	for _, r := range report {
		t.Log(r)
	}

	node, script := nodeEnv(t)
	results := runLines(t, node, script, byLine, 20)
	for _, l := range lineOrder {
		for _, f := range results[l].Failures {
			t.Errorf("client %s, %s: diff %s\n%s\nerror: %s", l, f.Name, deref(f.Diff), firstDiff(f.Want, deref(f.Got)), f.Error)
		}
	}
}

// checkInsertTop checks that a keyed diff for one row inserted at the top
// of n is one list diff holding the new row, the n moves i -> i-1 and
// kc/km, and nothing else: no statics outside the new row (whose nested
// nodes carry theirs), no other member.
func checkInsertTop(t *testing.T, name string, d []byte, n int) {
	t.Helper()
	var lists []map[string]any
	var statics bool
	var walk func(v any)
	walk = func(v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if _, ok := m["s"]; ok {
			statics = true
		}
		if k, ok := m["k"].(map[string]any); ok {
			lists = append(lists, k)
			for key, c := range k {
				if key != "0" {
					walk(c)
				}
			}
			return
		}
		for _, c := range m {
			walk(c)
		}
	}
	walk(decode(t, d))
	if len(lists) != 1 || statics {
		t.Fatalf("%s: %d list diffs, statics outside the new row: %v, in %.300s; want 1 and none", name, len(lists), statics, d)
	}
	k := lists[0]
	if len(k) != n+3 || k["kc"] != float64(n+1) || k["km"] != true {
		t.Fatalf("%s: k has %d members, kc %v, km %v; want %d, %d, true", name, len(k), k["kc"], k["km"], n+3, n+1)
	}
	if _, ok := k["0"].(map[string]any); !ok {
		t.Errorf("%s: k[0] = %v, want the new row", name, k["0"])
	}
	for i := 1; i <= n; i++ {
		if k[strconv.Itoa(i)] != float64(i-1) {
			t.Errorf("%s: k[%d] = %v, want the move %d", name, i, k[strconv.Itoa(i)], i-1)
			break
		}
	}
}
