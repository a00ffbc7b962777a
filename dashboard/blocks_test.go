package dashboard

import (
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/cortex-cinegraph/golive/live/tree"
)

type svc struct{ name, state string }

func renderHTML(t *testing.T, b Block) string {
	t.Helper()
	var sb strings.Builder
	if err := b.component().Render(context.Background(), &sb); err != nil {
		t.Fatal(err)
	}
	return sb.String()
}

type doc struct {
	t    *testing.T
	root *html.Node
	src  string
}

func parse(t *testing.T, src string) *doc {
	t.Helper()
	n, err := html.Parse(strings.NewReader("<!doctype html><body>" + src))
	if err != nil {
		t.Fatal(err)
	}
	return &doc{t: t, root: n, src: src}
}

func (d *doc) all(sel string) []*html.Node {
	d.t.Helper()
	s, err := cascadia.Compile(sel)
	if err != nil {
		d.t.Fatalf("selector %q: %v", sel, err)
	}
	return cascadia.QueryAll(d.root, s)
}

func (d *doc) texts(sel string) []string {
	var out []string
	for _, n := range d.all(sel) {
		out = append(out, text(n))
	}
	return out
}

func (d *doc) text(sel string) string {
	d.t.Helper()
	ns := d.all(sel)
	if len(ns) != 1 {
		d.t.Fatalf("%s: %d elements, want 1 in\n%s", sel, len(ns), d.src)
	}
	return text(ns[0])
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func servicesTable(rows []svc) Table {
	return Table{
		ID:    "svc",
		Title: "Services",
		Columns: []Column{
			{Header: "Name", Value: func(r any) string { return r.(svc).name }},
			{Header: "State", Value: func(r any) string { return r.(svc).state }},
		},
		Rows: Rows(rows),
		RowAttrs: func(r any) templ.Attributes {
			s := r.(svc)
			return templ.Attributes{"id": "svc-" + s.name, "class": "state-" + s.state, "data-state": s.state}
		},
	}
}

// TestBlocksRender: each block renders the expected HTML, nested layouts
// keep their children in order, and RowAttrs are applied per row.
func TestBlocksRender(t *testing.T) {
	page := Blocks(
		Row(Card("Up", "3"), Card("Down", "1")),
		Columns(
			Card("A <b>", `x"y`),
			servicesTable([]svc{{"api", "up"}, {"db", "down"}, {"q<", "degraded"}}),
			&Table{ID: "bare", Columns: []Column{{Header: "N", Value: func(r any) string { return r.(string) }}}, Rows: Rows([]string{"one"})},
		),
		Table{ID: "empty", Title: "Nothing", Columns: []Column{{Header: "X"}}},
	)
	src := renderHTML(t, page)
	d := parse(t, src)

	// Row: two cards side by side, in order.
	equal(t, "row cards", d.texts(".dash-stack > .dash-row > .dash-card > .dash-card-title"), []string{"Up", "Down"})
	equal(t, "row values", d.texts(".dash-row .dash-card-value"), []string{"3", "1"})
	if got := attr(d.all(".dash-row .dash-card")[0], "data-card"); got != "Up" {
		t.Errorf("card data-card = %q, want Up", got)
	}
	// Columns: one column per block, text escaped, not interpreted.
	if n := len(d.all(".dash-stack > .dash-columns.dash-columns-3 > *")); n != 3 {
		t.Errorf("columns children = %d, want 3\n%s", n, src)
	}
	if got := d.text(`.dash-columns [data-card="A <b>"] .dash-card-value`); got != `x"y` {
		t.Errorf("escaped card value = %q", got)
	}
	if strings.Contains(src, "A <b>") {
		t.Errorf("card title not escaped:\n%s", src)
	}
	// Table: title, headers, cells, and the attributes RowAttrs computed.
	if got := d.text(".dash-table:has(#svc) h3"); got != "Services" {
		t.Errorf("table title = %q", got)
	}
	equal(t, "headers", d.texts("#svc thead th"), []string{"Name", "State"})
	equal(t, "cells", d.texts("#svc tbody td"), []string{"api", "up", "db", "down", "q<", "degraded"})
	rows := d.all("#svc tbody tr")
	if len(rows) != 3 {
		t.Fatalf("rows = %d, want 3", len(rows))
	}
	for i, want := range []struct{ id, class, state string }{
		{"svc-api", "state-up", "up"}, {"svc-db", "state-down", "down"}, {"svc-q<", "state-degraded", "degraded"},
	} {
		r := rows[i]
		if attr(r, "id") != want.id || attr(r, "class") != want.class || attr(r, "data-state") != want.state {
			t.Errorf("row %d attrs = %v, want id=%s class=%s data-state=%s", i, r.Attr, want.id, want.class, want.state)
		}
	}
	if !strings.Contains(src, `<tr class="state-down" data-state="down" id="svc-db">`) {
		t.Errorf("row attributes not rendered in sorted order as templ does:\n%s", src)
	}
	// No RowAttrs: plain rows.
	if got := d.all("#bare tbody tr"); len(got) != 1 || len(got[0].Attr) != 0 {
		t.Errorf("bare table rows: %d, attrs %v", len(got), got[0].Attr)
	}
	if d.all(".dash-table:has(#bare) h3") != nil {
		t.Errorf("a table without title has a heading")
	}
	// Empty table says so.
	if got := d.text(".dash-table:has(#empty) .dash-empty"); got != "Nothing to show." {
		t.Errorf("empty table note = %q", got)
	}
	if len(d.all(".dash-table:has(#svc) .dash-empty")) != 0 {
		t.Errorf("a table with rows says it is empty")
	}

	// Rendered live (through the recorder that builds the LiveView tree)
	// the HTML is byte for byte the same.
	n, err := tree.Render(context.Background(), page.component())
	if err != nil {
		t.Fatal(err)
	}
	if n.HTML() != src {
		t.Errorf("live tree HTML differs from templ's:\n%s\n---\n%s", n.HTML(), src)
	}
}

func TestChartPoints(t *testing.T) {
	c := chart{title: "x", values: []float64{0, 5, 10}}
	pts := strings.Fields(c.points())
	equal(t, "points", pts, []string{"0.0,47.0", "120.0,24.0", "240.0,1.0"})
	if c.now() != "10" {
		t.Errorf("now = %q", c.now())
	}
	// A short series is drawn on the right (newest last).
	c = chart{values: []float64{1}}
	equal(t, "one point", strings.Fields(c.points()), []string{"240.0,1.0"})
	if (chart{}).points() != "" || (chart{}).now() != "–" {
		t.Errorf("empty chart draws something")
	}
	src := renderHTML(t, chart{id: "chart-x", title: "Goroutines", values: []float64{1, 2}, window: "1s"})
	d := parse(t, src)
	if got := attr(d.all("#chart-x svg polyline")[0], "points"); got != "0.0,24.0 240.0,1.0" {
		t.Errorf("polyline points = %q", got)
	}
	if got := d.text("#chart-x .dash-chart-now"); got != "2" {
		t.Errorf("chart current value = %q", got)
	}
}
