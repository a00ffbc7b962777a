package livetest

import (
	"strings"
	"testing"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func containerContext() *html.Node {
	return &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
}

// parseInto parses an HTML fragment as the children of root.
func parseInto(root *html.Node, fragment string) error {
	nodes, err := html.ParseFragment(strings.NewReader(fragment), containerContext())
	if err != nil {
		return err
	}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	return nil
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == name {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == name {
			return true
		}
	}
	return false
}

func outerHTML(n *html.Node) string {
	var b strings.Builder
	_ = html.Render(&b, n)
	return b.String()
}

func innerHTML(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		_ = html.Render(&b, c)
	}
	return b.String()
}

// textOf is the element's text with runs of white space collapsed to one
// space and trimmed, which is what assertions usually mean by "the text".
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
		case html.ElementNode:
			if n.DataAtom == atom.Script || n.DataAtom == atom.Style || n.DataAtom == atom.Template {
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func closest(n *html.Node, pred func(*html.Node) bool) *html.Node {
	for ; n != nil; n = n.Parent {
		if n.Type == html.ElementNode && pred(n) {
			return n
		}
	}
	return nil
}

// doc answers selector queries on a parsed document for Page and View.
type doc struct {
	t    testing.TB
	what string // "view /path" or "page /path", for messages
	root *html.Node
	src  string // the HTML, shown in failure messages
}

func compile(t testing.TB, selector string) cascadia.Selector {
	t.Helper()
	s, err := cascadia.Compile(selector)
	if err != nil {
		t.Fatalf("livetest: invalid CSS selector %q: %v", selector, err)
	}
	return s
}

func (d *doc) all(selector string) []*html.Node {
	d.t.Helper()
	return cascadia.QueryAll(d.root, compile(d.t, selector))
}

// one returns the single element matching selector, failing the test if
// there is none or more than one.
func (d *doc) one(op, selector string) *html.Node {
	d.t.Helper()
	ns := d.all(selector)
	switch len(ns) {
	case 1:
		return ns[0]
	case 0:
		d.t.Fatalf("livetest: %s(%q): no element matches in %s\nHTML:\n%s", op, selector, d.what, snippet(d.src))
	default:
		var b strings.Builder
		for i, n := range ns {
			if i == 5 {
				b.WriteString("  …\n")
				break
			}
			b.WriteString("  " + shorten(outerHTML(n), 160) + "\n")
		}
		d.t.Fatalf("livetest: %s(%q): %d elements match in %s; the selector must match exactly one:\n%s", op, selector, len(ns), d.what, b.String())
	}
	return nil
}

func snippet(s string) string { return shorten(s, 4000) }

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (d *doc) texts(selector string) []string {
	d.t.Helper()
	ns := d.all(selector)
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = textOf(n)
	}
	return out
}

func (d *doc) attrs(selector, name string) []string {
	d.t.Helper()
	ns := d.all(selector)
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = attr(n, name)
	}
	return out
}

// clientOnlyAttrs are attributes the client adds to the DOM that a dead
// render never has.
var clientOnlyAttrs = map[string]bool{
	"data-phx-component": true,
	"data-phx-view":      true,
	"data-phx-id":        true,
	"data-phx-skip":      true,
	"phx-stream-ref":     true,
	"phx-connected":      true,
}

// Canonical normalises an HTML fragment for comparison: it is parsed and
// rendered again (so quoting, entity and void-tag spelling no longer
// matter) without the attributes only the client adds (data-phx-component,
// phx-stream-ref, …). Compare a view's HTML with a dead render with it:
//
//	if livetest.Canonical(v.HTML()) != livetest.Canonical(page.ViewHTML()) { … }
func Canonical(fragment string) string {
	root := containerContext()
	if err := parseInto(root, fragment); err != nil {
		return fragment
	}
	var strip func(*html.Node)
	strip = func(n *html.Node) {
		if n.Type == html.ElementNode {
			kept := n.Attr[:0]
			for _, a := range n.Attr {
				if !clientOnlyAttrs[a.Key] {
					kept = append(kept, a)
				}
			}
			n.Attr = kept
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			strip(c)
		}
	}
	strip(root)
	return innerHTML(root)
}
