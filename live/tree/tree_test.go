package tree_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live/tree"
	"github.com/cortex-cinegraph/golive/live/tree/internal/fixture"
)

func plain(t *testing.T, c templ.Component) string {
	t.Helper()
	var b bytes.Buffer
	if err := c.Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func rec(t *testing.T, c templ.Component) *tree.Node {
	t.Helper()
	n, err := tree.Render(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func items(names ...string) []fixture.Item {
	var out []fixture.Item
	for i, n := range names {
		out = append(out, fixture.Item{ID: i + 1, Name: n})
	}
	return out
}

// The tree's HTML must be exactly what templ renders.
func TestTreeHTMLEqualsTempl(t *testing.T) {
	cases := map[string]templ.Component{
		"counter-small": fixture.Counter(1, items("a", "b"), "q<&>\""),
		"counter-big":   fixture.Counter(200, nil, ""),
		"wrap-0":        fixture.Wrap(0),
		"wrap-4":        fixture.Wrap(4),
		"wrap-5":        fixture.Wrap(5),
		"nested":        fixture.Nested([][]string{{"a", "b"}, {}, {"c"}}),
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			want := plain(t, c)
			n := rec(t, c)
			if got := n.HTML(); got != want {
				t.Fatalf("tree HTML differs from templ\n got: %q\nwant: %q", got, want)
			}
			if len(n.Statics) != len(n.Dyns)+1 {
				t.Fatalf("statics/dynamics mismatch: %d statics, %d dyns", len(n.Statics), len(n.Dyns))
			}
		})
	}
}

func TestStructure(t *testing.T) {
	n := rec(t, fixture.Counter(3, items("a", "b"), "x"))
	// The count is a dynamic of its own, between two statics.
	found := false
	for i, d := range n.Dyns {
		if d.Text == "3" && strings.HasSuffix(n.Statics[i], `<span id="count">`) {
			found = true
		}
	}
	if !found {
		t.Fatalf("count not a separate dynamic: %#v", n.Statics)
	}
	var list *tree.List
	for _, d := range n.Dyns {
		if d.List() != nil {
			list = d.List()
		}
	}
	if list == nil || len(list.Rows) != 2 || list.Statics == nil {
		t.Fatalf("want a homogeneous 2-row list, got %+v", list)
	}
	if list.Keys[0] != "item-1" || list.Keys[1] != "item-2" {
		t.Fatalf("keys = %v", list.Keys)
	}
}

func TestCounterClickDiffIsTiny(t *testing.T) {
	old := rec(t, fixture.Counter(1, items("a"), "x"))
	new := rec(t, fixture.Counter(2, items("a"), "x"))
	for _, e := range []tree.Encoding{tree.Neutral, tree.DList, tree.Keyed} {
		d := e.Diff(old, new)
		var m map[string]any
		if err := json.Unmarshal(d, &m); err != nil {
			t.Fatalf("%v: invalid JSON %s", e, d)
		}
		if len(m) != 1 || !bytes.Contains(d, []byte(`"2"`)) || bytes.Contains(d, []byte(`"s"`)) {
			t.Fatalf("%v: counter click diff = %s, want only the new count", e, d)
		}
	}
	if d := tree.Keyed.Diff(old, old); d != nil {
		t.Fatalf("unchanged render produced diff %s", d)
	}
}

func TestKeyedListDiffs(t *testing.T) {
	base := rec(t, fixture.Counter(1, items("a", "b", "c"), "x"))
	// Prepend a row: 1.1+ sends only the new row plus moves.
	pre := []fixture.Item{{ID: 9, Name: "z"}}
	pre = append(pre, items("a", "b", "c")...)
	n := rec(t, fixture.Counter(1, pre, "x"))
	d := string(tree.Keyed.Diff(base, n))
	if !strings.Contains(d, `"k":{"0":{"0":"item-9","1":"z"},"1":0,"2":1,"3":2,"kc":4,"km":true}`) {
		t.Fatalf("keyed prepend diff = %s", d)
	}
	// 1.0 resends the row list, without statics.
	d10 := string(tree.DList.Diff(base, n))
	if !strings.Contains(d10, `"d":[["item-9","z"],["item-1","a"]`) || strings.Contains(d10, `"s"`) {
		t.Fatalf("d prepend diff = %s", d10)
	}
	// Remove the middle row.
	rm := rec(t, fixture.Counter(1, []fixture.Item{{ID: 1, Name: "a"}, {ID: 3, Name: "c"}}, "x"))
	d = string(tree.Keyed.Diff(base, rm))
	if !strings.Contains(d, `"k":{"1":2,"kc":2,"km":true}`) {
		t.Fatalf("keyed remove diff = %s", d)
	}
	// Change one row in place.
	ch := rec(t, fixture.Counter(1, []fixture.Item{{ID: 1, Name: "a"}, {ID: 2, Name: "B"}, {ID: 3, Name: "c"}}, "x"))
	d = string(tree.Keyed.Diff(base, ch))
	if !strings.Contains(d, `"k":{"1":{"1":"B"},"kc":3}`) {
		t.Fatalf("keyed change diff = %s", d)
	}
}

func TestBranchChangeResendsSubtreeOnly(t *testing.T) {
	old := rec(t, fixture.Counter(1, nil, "x"))
	new := rec(t, fixture.Counter(6, nil, "x"))
	d := string(tree.Keyed.Diff(old, new))
	if !strings.Contains(d, `"s":["<em>big</em>"]`) || strings.Contains(d, "<h1>") {
		t.Fatalf("branch diff = %s", d)
	}
}

func TestEncodingFor(t *testing.T) {
	for v, want := range map[string]tree.Encoding{
		"1.0.19": tree.DList, "1.1.32": tree.Keyed, "1.2.12": tree.Keyed, "": tree.Neutral, "2.0.0": tree.Neutral, "x": tree.Neutral,
	} {
		if got := tree.EncodingFor(v); got != want {
			t.Errorf("EncodingFor(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestAppendStringIsValidJSON(t *testing.T) {
	for _, s := range []string{"plain", "q\"\\", "\x00\x1f", "<&>", "\u2028", string([]byte{0xff, 'a'}), "é漢"} {
		b := tree.AppendString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q -> %s: %v", s, b, err)
		}
		if !strings.Contains(s, "\xff") && back != s {
			t.Fatalf("round trip %q -> %q", s, back)
		}
	}
}
