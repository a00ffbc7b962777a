package livetest

import (
	"strings"
	"testing"
)

// play merges a join render and diffs as a client of line does and
// returns the HTML after each, or the error of the first that fails.
func play(line clientLine, join string, diffs ...string) ([]string, error) {
	r := &rendered{line: line}
	var out []string
	for _, d := range append([]string{join}, diffs...) {
		v, err := decodeJSON([]byte(d))
		if err != nil {
			return out, err
		}
		m := v.(map[string]any)
		if _, err := extract(m); err != nil {
			return out, err
		}
		if err := r.merge(m); err != nil {
			return out, err
		}
		h, err := r.render()
		if err != nil {
			return out, err
		}
		out = append(out, h)
	}
	return out, nil
}

func mustPlay(t *testing.T, line clientLine, join string, diffs ...string) []string {
	t.Helper()
	out, err := play(line, join, diffs...)
	if err != nil {
		t.Fatalf("%s client: %v", line, err)
	}
	return out
}

func wantHTML(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d renders, want %d: %q", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("render %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}

func wantErr(t *testing.T, err error, substr string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), substr) {
		t.Fatalf("error = %v, want one containing %q", err, substr)
	}
}

// The worked example of PROTOCOL.md §6.4, per line.
func TestMergeWorkedExample(t *testing.T) {
	want := []string{
		"<div><h1>Todo</h1><ul><li>a</li><li>b</li></ul></div>",
		"<div><h1>Todo</h1><ul><li>a</li><li>B</li></ul></div>",
		"<div><h1>Todo</h1><ul><li>a</li><li>B</li><li>c</li></ul></div>",
		"<div><h1>Todo</h1><ul><li>a</li></ul></div>",
		"<div><h1>New</h1><ul><li>a</li></ul></div>",
	}
	got := mustPlay(t, line10,
		`{"0":"Todo","1":{"s":["<li>","</li>"],"d":[["a"],["b"]]},"s":["<div><h1>","</h1><ul>","</ul></div>"],"r":1}`,
		`{"1":{"d":[["a"],["B"]]}}`,
		`{"1":{"d":[["a"],["B"],["c"]]}}`,
		`{"1":{"d":[["a"]]}}`,
		`{"0":"New","t":"title"}`)
	wantHTML(t, got, want...)
	for _, l := range []clientLine{line11, line12} {
		got := mustPlay(t, l,
			`{"0":"Todo","1":{"s":0,"k":{"0":{"0":"a"},"1":{"0":"b"},"kc":2}},"s":1,"r":1,"p":{"0":["<li>","</li>"],"1":["<div><h1>","</h1><ul>","</ul></div>"]}}`,
			`{"1":{"k":{"1":{"0":"B"},"kc":2}}}`,
			`{"1":{"k":{"2":{"0":"c"},"kc":3}}}`,
			`{"1":{"k":{"kc":1}}}`,
			`{"0":"New"}`)
		wantHTML(t, got, want...)
	}
}

func TestMergeKeyedMoves(t *testing.T) {
	join := `{"0":{"s":["<li>","</li>"],"k":{"0":{"0":"a"},"1":{"0":"b"},"2":{"0":"c"},"kc":3}},"s":["<ul>","</ul>"]}`
	for _, l := range []clientLine{line11, line12} {
		got := mustPlay(t, l, join,
			`{"0":{"k":{"0":2,"1":[0,{"0":"A"}],"2":1,"kc":3,"km":true}}}`,
			`{"0":{"k":{"0":1,"1":0,"kc":2,"km":true}}}`)
		wantHTML(t, got,
			"<ul><li>a</li><li>b</li><li>c</li></ul>",
			"<ul><li>c</li><li>A</li><li>b</li></ul>",
			"<ul><li>A</li><li>c</li></ul>")
	}
	// Without km, 1.1 still snapshots; 1.2.8+ crashes.
	noKM := `{"0":{"k":{"0":1,"1":0,"kc":2}}}`
	wantHTML(t, mustPlay(t, line11, join, noKM)[1:], "<ul><li>b</li><li>a</li></ul>")
	_, err := play(line12, join, noKM)
	wantErr(t, err, `without "km": true`)
}

func TestMergeLineMismatch(t *testing.T) {
	_, err := play(line10, `{"0":{"s":["<li>","</li>"],"k":{"0":{"0":"a"},"kc":1}},"s":["<ul>","</ul>"]}`)
	if err == nil {
		t.Fatal("a 1.0 client rendered a keyed comprehension")
	}
	_, err = play(line10, `{"0":{"s":["<li>","</li>"],"d":[["a"]]},"s":["<ul>","</ul>"]}`, `{"0":{"k":{"kc":0}}}`)
	wantErr(t, err, `sent to a 1.0 client`)
	_, err = play(line12, `{"0":{"s":["<li>","</li>"],"k":{"0":{"0":"a"},"kc":1}},"s":["<ul>","</ul>"]}`, `{"0":{"d":[]}}`)
	wantErr(t, err, `"d" comprehension sent to a 1.2 client`)
	// 1.0 understands "p" only on comprehensions.
	_, err = play(line10, `{"0":"x","s":0,"p":{"0":["<b>","</b>"]}}`)
	wantErr(t, err, "statics template 0 not found")
	got := mustPlay(t, line10, `{"0":{"s":["<i>","</i>"],"d":[[{"s":0,"0":"x"}],[{"s":0,"0":"y"}]],"p":{"0":["<b>","</b>"]}},"s":["<p>","</p>"]}`)
	wantHTML(t, got, "<p><i><b>x</b></i><i><b>y</b></i></p>")
}

func TestMergeNodes(t *testing.T) {
	got := mustPlay(t, line12,
		`{"0":{"0":"a","s":["<b>","</b>"]},"1":"x","s":["<p>","","</p>"]}`,
		`{"0":{"0":"b"}}`,                    // merged into the node
		`{"0":{"s":["<i>","</i>"],"0":"c"}}`, // replaced: new statics
		`{"0":"plain","1":"y"}`)              // a node becomes a string
	wantHTML(t, got, "<p><b>a</b>x</p>", "<p><b>b</b>x</p>", "<p><i>c</i>x</p>", "<p>plainy</p>")
}

func TestMergeComponents(t *testing.T) {
	join := `{"0":1,"1":2,"s":["<main>","","</main>"],"c":{"1":{"0":"one","s":["<div>","</div>"],"r":1},"2":{"0":"two","s":[" <div class=\"c\">","</div>"],"r":1}}}`
	for _, l := range []clientLine{line10, line11, line12} {
		got := mustPlay(t, l, join,
			`{"c":{"2":{"0":"TWO"}}}`,
			`{"1":3,"c":{"3":{"0":"three","s":-2}}}`,
			`{"0":4,"c":{"4":{"0":"four","s":5},"5":{"0":"five","s":-1}}}`)
		wantHTML(t, got,
			`<main><div data-phx-component="1">one</div> <div data-phx-component="2" class="c">two</div></main>`,
			`<main><div data-phx-component="1">one</div> <div data-phx-component="2" class="c">TWO</div></main>`,
			`<main><div data-phx-component="1">one</div> <div data-phx-component="3" class="c">three</div></main>`,
			`<main><div data-phx-component="4">four</div> <div data-phx-component="3" class="c">three</div></main>`)
	}
	// 1.1+ marks only "r" roots; 1.0 marks every component.
	noRoot := `{"0":1,"s":["",""],"c":{"1":{"0":"x","s":["<div>","</div>"]}}}`
	wantHTML(t, mustPlay(t, line12, noRoot), "<div>x</div>")
	wantHTML(t, mustPlay(t, line10, noRoot), `<div data-phx-component="1">x</div>`)
	_, err := play(line12, join, `{"c":{"3":{"0":"x","s":4}}}`)
	wantErr(t, err, "not in this diff")
	_, err = play(line10, `{"0":1,"s":["",""],"c":{"1":{"0":"x","s":["",""]}}}`)
	wantErr(t, err, "malformed html")
	_, err = play(line12, `{"0":1,"s":["",""]}`)
	wantErr(t, err, "no component for CID 1")
}

func TestExtract(t *testing.T) {
	v, _ := decodeJSON([]byte(`{"0":"x","t":"T","r":{"ok":true},"e":[["a",{"n":1}],["b",{},true]]}`))
	m := v.(map[string]any)
	x, err := extract(m)
	if err != nil {
		t.Fatal(err)
	}
	if *x.title != "T" || string(x.reply) != `{"ok":true}` || len(x.events) != 2 || x.events[0].Name != "a" ||
		string(x.events[0].Payload) != `{"n":1}` || !x.events[1].BeforePatch || len(m) != 1 {
		t.Fatalf("extract = %+v, left %v", x, m)
	}
}

// A stream comprehension: the client keeps the rows in the DOM and the
// server sends each only once.
func TestStreams(t *testing.T) {
	// stream diff in the keyed (1.1+) and d (1.0) forms, with the rows.
	mk := func(rows []string, stream string, full bool) (k, d string) {
		var kr, dr []string
		for i, r := range rows {
			kr = append(kr, `"`+string(rune('0'+i))+`":{"0":"`+r+`","1":"`+strings.ToUpper(r)+`"}`)
			dr = append(dr, `["`+r+`","`+strings.ToUpper(r)+`"]`)
		}
		kr = append(kr, `"kc":`+string(rune('0'+len(rows))))
		st := ""
		if full {
			st = `"s":["<li id=\"","\">","</li>"],`
		}
		return `{"0":{` + st + `"k":{` + strings.Join(kr, ",") + `},"stream":` + stream + `}}`,
			`{"0":{` + st + `"d":[` + strings.Join(dr, ",") + `],"stream":` + stream + `}}`
	}
	join := func(rows []string, stream string) (k, d string) {
		k, d = mk(rows, stream, true)
		wrap := func(s string) string {
			return strings.TrimSuffix(s, "}") + `,"s":["<ul id=\"rows\" phx-update=\"stream\">","</ul>"]}`
		}
		return wrap(k), wrap(d)
	}
	jk, jd := join([]string{"a", "b"}, `["0",[["a",-1,null,false],["b",-1,null,false]],[]]`)
	steps := []struct {
		rows   []string
		stream string
		want   string
	}{
		{[]string{"c"}, `["0",[["c",0,null,false]],[]]`, "c a b"},
		{[]string{"d"}, `["0",[["d",1,null,false]],[]]`, "c d a b"},
		{[]string{"e"}, `["0",[["e",-1,3,false]],[]]`, "c d a"},                               // appended, then only the first 3 kept
		{[]string{"f"}, `["0",[["f",0,-2,false]],[]]`, "d a"},                                 // prepended, then only the last 2 kept
		{[]string{"a"}, `["0",[["a",0,null,false]],[]]`, "d a"},                               // an existing row is updated in place
		{nil, `["0",[],["d"]]`, "a"},                                                          // deleted
		{[]string{"x"}, `["0",[["x",-1,null,true]],[]]`, "a"},                                 // update_only of a missing row: nothing
		{[]string{"g", "h"}, `["0",[["g",-1,null,false],["h",0,null,false]],[],true]`, "h g"}, // reset
	}
	for _, l := range []clientLine{line10, line11, line12} {
		j := jk
		if l == line10 {
			j = jd
		}
		r := &rendered{line: l}
		feed := func(s string) string {
			t.Helper()
			v, err := decodeJSON([]byte(s))
			if err != nil {
				t.Fatal(err)
			}
			if err := r.merge(v.(map[string]any)); err != nil {
				t.Fatalf("%s: %v", l, err)
			}
			h, err := r.render()
			if err != nil {
				t.Fatalf("%s: %v", l, err)
			}
			return h
		}
		ids := func(h string) string {
			var out []string
			for _, part := range strings.Split(h, `<li id="`)[1:] {
				out = append(out, part[:strings.IndexByte(part, '"')])
			}
			return strings.Join(out, " ")
		}
		if got := ids(feed(j)); got != "a b" {
			t.Fatalf("%s join: rows %q", l, got)
		}
		for i, s := range steps {
			k, d := mk(s.rows, s.stream, false)
			diff := k
			if l == line10 {
				diff = d
			}
			if got := ids(feed(diff)); got != s.want {
				t.Fatalf("%s step %d (%s): rows %q, want %q", l, i, s.stream, got, s.want)
			}
		}
		// A render that does not touch the stream keeps its rows.
		if got := feed(`{}`); got != `<ul id="rows" phx-update="stream"><li id="h">H</li><li id="g">G</li></ul>` {
			t.Fatalf("%s: after an empty diff: %s", l, got)
		}
	}
}
